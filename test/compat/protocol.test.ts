/**
 * The protocol-version downgrade as a unit (the real old clients in flow.test.ts are the proof), and the
 * capabilities the server advertises: logging that is actually sent at the client's level, and no
 * `tools.listChanged` for a list that never changes.
 */
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { downgradeResult, downgradeToolList, featuresFor, requestProtocolVersion } from '../../src/protocol.js';
import { buildToolList } from '../../src/tools/tool-list.js';
import { startHarness, type Harness } from '../helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('features by protocol version', () => {
  it('2025-06-18 brings structuredContent, resource_link, title and elicitation; 2025-03-26 annotations', () => {
    expect(featuresFor('2024-11-05')).toMatchObject({ annotations: false, structuredContent: false, resourceLink: false, title: false, elicitation: false });
    expect(featuresFor('2025-03-26')).toMatchObject({ annotations: true, progressMessage: true, structuredContent: false, resourceLink: false });
    for (const v of ['2025-06-18', '2025-11-25'])
      expect(featuresFor(v)).toMatchObject({ structuredContent: true, resourceLink: true, title: true, elicitation: true });
  });

  it('a request with no initialize seen takes the HTTP header, else the spec default 2025-03-26', () => {
    expect(requestProtocolVersion('2025-06-18', { 'mcp-protocol-version': '2024-11-05' })).toBe('2025-06-18');
    expect(requestProtocolVersion(undefined, { 'mcp-protocol-version': '2025-11-25' })).toBe('2025-11-25');
    expect(requestProtocolVersion(undefined, { 'mcp-protocol-version': 'garbage' })).toBe('2025-03-26');
    expect(requestProtocolVersion(undefined, undefined)).toBe('2025-03-26');
  });

  it('old clients get no resource_link, no structuredContent, no title or outputSchema; the path stays in the text', () => {
    const result = {
      content: [
        { type: 'text' as const, text: '{"local_path":"/v/a.mp4"}' },
        { type: 'resource_link' as const, uri: 'file:///v/a.mp4', name: 'a.mp4', mimeType: 'video/mp4' },
      ],
      structuredContent: { local_path: '/v/a.mp4' },
    };
    const old = downgradeResult(result, featuresFor('2025-03-26'));
    expect(old.structuredContent).toBeUndefined();
    expect(old.content.map((c) => c.type)).toEqual(['text', 'text']);
    expect(JSON.stringify(old.content)).toContain('file:///v/a.mp4');
    expect(downgradeResult(result, featuresFor('2025-06-18'))).toEqual(result);

    const tools = buildToolList();
    for (const t of downgradeToolList(tools, featuresFor('2025-03-26'))) {
      expect(t.title).toBeUndefined();
      expect(t.outputSchema).toBeUndefined();
      expect(t.annotations?.title).toBeTruthy();
    }
    for (const t of downgradeToolList(tools, featuresFor('2024-11-05'))) expect(t.annotations).toBeUndefined();
    expect(downgradeToolList(tools, featuresFor('2025-11-25'))).toEqual(tools);
  });
});

describe('advertised capabilities are real', () => {
  it('does not advertise tools.listChanged, and does advertise logging', async () => {
    h = await startHarness();
    const caps = h.client.getServerCapabilities();
    expect(caps?.tools?.listChanged).toBeUndefined();
    expect(caps?.logging).toBeDefined();
  });

  it('sends job events as notifications/message at the level the client chose', async () => {
    h = await startHarness({ env: { VIDEOGEN_SIMULATOR_SECONDS: '1' } });
    const got: { level: string; data: { message?: string; job_id?: string } }[] = [];
    h.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void got.push(n.params as (typeof got)[number]));

    await h.client.setLoggingLevel('warning');
    await h.call('generate_video', { model: 'hailuo-02', prompt: 'quiet' });
    expect(got.filter((m) => m.data.message === 'job submitted')).toHaveLength(0);

    await h.client.setLoggingLevel('info');
    const r = await h.call('generate_video', { model: 'hailuo-02', prompt: 'loud' });
    const jobId = (r.structuredContent as { job_id: string }).job_id;
    await h.call('check_job', { job_id: jobId, wait_seconds: 10 });
    const mine = got.filter((m) => m.data.job_id === jobId).map((m) => m.data.message);
    expect(mine).toContain('job submitted');
    expect(mine).toContain('video saved');
    for (const m of got) expect(['info', 'warning', 'error']).toContain(m.level);
  });
});

describe('every validation error names the field, what was wrong, and the allowed values', () => {
  it('for every property of every tool, a value of the wrong type is refused that way (nothing runs)', async () => {
    h = await startHarness();
    const { tools } = await h.client.listTools();
    for (const t of tools) {
      const props = (t.inputSchema.properties ?? {}) as Record<string, { type?: string }>;
      const required = Object.fromEntries((t.inputSchema.required ?? []).map((k) => [k, k === 'model' ? 'hailuo-02' : 'x']));
      for (const [field] of Object.entries(props)) {
        const r = await h.call(t.name, { ...required, [field]: { wrong: true } });
        expect(r.isError, `${t.name}.${field}`).toBe(true);
        const msg = r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
        expect(msg, `${t.name}.${field}`).toContain(field);
        expect(msg, `${t.name}.${field}`).toMatch(/got \{"wrong":true\}|must be/);
        expect(msg, `${t.name}.${field}`).toMatch(/allowed/);
      }
    }
  });

  it('numbers and booleans sent as strings are accepted and normalised', async () => {
    h = await startHarness();
    const r = await h.call('generate_video', { model: 'hailuo-02', prompt: 'p', duration_seconds: '10s', dry_run: 'true', max_cost_usd: '$5' });
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    expect((r.structuredContent as { dry_run: { params: { duration_seconds: number } } }).dry_run.params.duration_seconds).toBe(10);
    const l = await h.call('list_jobs', { limit: ' 5 ' });
    expect(l.isError, JSON.stringify(l.content)).toBeFalsy();
  });
});

describe('elicitation only for clients whose protocol has it', () => {
  it('an SDK 1.11 client (2025-03-26) that claims elicitation is not asked; it gets the ask-the-user refusal, nothing sent', async () => {
    const { startFakeRunapi, FAKE_RUNAPI_KEY } = await import('../fakes/runapi.js');
    const { Client } = await import('mcp-sdk-1-11/client/index.js');
    const { InMemoryTransport } = await import('mcp-sdk-1-11/inMemory.js');
    const { loadConfig } = await import('../../src/config.js');
    const { createServer } = await import('../../src/server.js');
    const { tempDir } = await import('../helpers.js');
    const fake = await startFakeRunapi({ pollsToComplete: 1 });
    const work = tempDir('videogen-elicit-');
    const app = createServer({
      config: loadConfig(
        {
          VIDEOGEN_STATE_DIR: `${work}/.state`,
          VIDEOGEN_LOG_LEVEL: 'silent',
          RUNAPI_API_KEY: FAKE_RUNAPI_KEY,
          RUNAPI_BASE_URL: fake.url,
          VIDEOGEN_CONFIRM_ABOVE_USD: '0.1',
        },
        work,
      ),
    });
    // A client from before elicitation existed, declaring it anyway (a proxy merging capabilities does this).
    const client = new Client({ name: 'old', version: '1' }, { capabilities: { elicitation: {} } as never });
    // Any request the server sends this client (elicitation/create would be one) is counted here.
    let asked = 0;
    (client as unknown as { fallbackRequestHandler: () => Promise<never> }).fallbackRequestHandler = async () => {
      asked++;
      throw new Error('not supported');
    };
    const [c, s] = InMemoryTransport.createLinkedPair();
    await Promise.all([app.server.connect(s as never), client.connect(c)]);
    try {
      const r = (await client.callTool({
        name: 'generate_video',
        arguments: { model: 'hailuo-02', prompt: 'p', first_frame_image_url: 'https://cdn.example.com/a.png', duration_seconds: 6, output_resolution: '512p' },
      })) as { isError?: boolean; content: { text?: string }[] };
      expect(r.isError).toBe(true);
      expect(r.content[0]?.text).toMatch(/^Error \(budget\).*cannot ask the user.*Ask the user/);
      expect(asked).toBe(0);
      expect(fake.requests).toHaveLength(0);
    } finally {
      await client.close();
      await app.close();
      await fake.close();
    }
  });
});
