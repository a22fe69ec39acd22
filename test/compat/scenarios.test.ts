/**
 * Typical agent requests, performed from what the server says alone: the `list_models {}` text and the
 * text of each result (never our own knowledge of the catalog). An "agent" here picks a model from the
 * compact lines, sends one call, and when refused follows what the refusal says. Each request must
 * succeed in at most 2 calls after list_models; the counts are printed as a table.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRunway, FAKE_RUNWAY_KEY, type FakeRunway } from '../fakes/runway.js';
import { startHarness, text, type Harness } from '../helpers.js';

const MAX_CALLS = 2;
const FIXTURES = path.resolve('test/fixtures/media');

/** One compact line of list_models {}: "id|modes|durations|resolutions|ratios|price|providers". */
interface Line {
  id: string;
  modes: string[];
  durations: string;
  resolutions: string[];
  ratios: string[];
  price: string;
  providers: string[];
}

function readLines(listText: string): Line[] {
  return listText
    .split('\n')
    .map((l) => l.split('|'))
    .filter((cells) => cells.length === 7 && !cells[0]!.includes(' '))
    .map(([id, modes, durations, resolutions, ratios, price, providers]) => ({
      id: id!,
      modes: modes!.split(','),
      durations: durations!,
      resolutions: resolutions!.split(','),
      ratios: ratios!.split(','),
      price: price!,
      providers: providers!.split(','),
    }));
}

const offersDuration = (l: Line, s: number) => l.durations.replace(/s$/, '').split(',').includes(String(s)) || new RegExp(`^(\\d+)–(\\d+)s$`).test(l.durations);

class Agent {
  calls = 0;
  lines: Line[] = [];
  constructor(private readonly h: Harness) {}
  async start(): Promise<void> {
    this.lines = readLines(text(await this.h.call('list_models', {})));
    expect(this.lines.length).toBeGreaterThan(0);
  }
  async call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    this.calls++;
    return this.h.call(name, args);
  }
  pick(pred: (l: Line) => boolean): Line {
    const l = this.lines.find(pred);
    if (!l) throw new Error('no model line fits');
    return l;
  }
}

const counts: { request: string; calls: number }[] = [];
function done(request: string, agent: Agent, r: CallToolResult): void {
  expect(r.isError, `${request}: ${text(r).slice(0, 400)}`).toBeFalsy();
  counts.push({ request, calls: agent.calls });
  expect(agent.calls, request).toBeLessThanOrEqual(MAX_CALLS);
}

describe('typical requests succeed from the descriptions alone, in at most 2 calls after list_models', () => {
  let keyless: Harness;
  let runwayOnly: Harness;
  let fake: FakeRunway;
  let jobId = '';

  beforeAll(async () => {
    keyless = await startHarness({ env: { VIDEOGEN_SIMULATOR_SECONDS: '5' } });
    for (const f of ['red-400x320.png', 'blue-400x320.jpg', 'tiny.mov']) copyFileSync(path.join(FIXTURES, f), path.join(keyless.workDir, f));
    fake = await startFakeRunway({ pollsToComplete: 0 });
    runwayOnly = await startHarness({ env: { RUNWAYML_API_SECRET: FAKE_RUNWAY_KEY, RUNWAYML_BASE_URL: fake.url } });
  });
  afterAll(async () => {
    await keyless?.close();
    await runwayOnly?.close();
    await fake?.close();
    console.log(['| request | calls after list_models |', '|---|---|', ...counts.map((c) => `| ${c.request} | ${c.calls} |`)].join('\n'));
  });

  it('"a 10 s clip at 1080p": the refusal names the models that offer it, or says none does and what to use instead', async () => {
    const a = new Agent(keyless);
    await a.start();
    const m = a.pick((l) => l.modes.includes('t2v') && offersDuration(l, 10) && l.resolutions.includes('1080p'));
    let r = await a.call('generate_video', { model: m.id, prompt: 'a lighthouse in a storm', duration_seconds: 10, output_resolution: '1080p' });
    if (r.isError) {
      // The agent learns from the one message either which models give what the user asked for, or that
      // none does and the nearest fix on this model; it also never sees the hint to try model after model.
      expect(text(r)).toMatch(/Use (\d+p) for a 10 s clip/);
      const others = /Models that accept duration_seconds 10, output_resolution 1080p: ([^(]+?) \(/.exec(text(r));
      if (others) {
        r = await a.call('generate_video', {
          model: others[1]!.split(', ')[0],
          prompt: 'a lighthouse in a storm',
          duration_seconds: 10,
          output_resolution: '1080p',
        });
      } else {
        expect(text(r)).toMatch(/No model here offers duration_seconds 10, output_resolution 1080p/);
        const fix = /Use (\d+p) for a 10 s clip/.exec(text(r))!;
        r = await a.call('generate_video', { model: m.id, prompt: 'a lighthouse in a storm', duration_seconds: 10, output_resolution: fix[1] });
      }
    }
    done('10 s at 1080p', a, r);
    jobId = String(r.structuredContent?.['job_id']);
  });

  it('"animate ./red-400x320.png"', async () => {
    const a = new Agent(keyless);
    await a.start();
    const m = a.pick((l) => l.modes.includes('i2v'));
    done(
      'animate a local image',
      a,
      await a.call('generate_video', { model: m.id, prompt: 'the colour slowly shifts', first_frame_image_url: './red-400x320.png' }),
    );
  });

  it('"a vertical Runway video" with only the Runway key: the obvious id fails over to one that is served', async () => {
    const a = new Agent(runwayOnly);
    await a.start();
    // The obvious name first, as agents do; the refusal names the Runway models that are served.
    let r = await a.call('generate_video', { model: 'runway', prompt: 'a skateboarder at dawn', aspect_ratio: '9:16' });
    if (r.isError) {
      const served = /serves? now: (.+?)\. Ask/.exec(text(r));
      expect(served, text(r)).not.toBeNull();
      const pick = served![1]!
        .split('; ')
        .find((s) => s.includes('text-to-video'))!
        .split(' ')[0]!;
      r = await a.call('generate_video', { model: pick, prompt: 'a skateboarder at dawn', aspect_ratio: '9:16' });
    }
    done('vertical Runway video (Runway key only)', a, r);
    expect(r.structuredContent?.['provider']).toBe('runway');
  });

  it('"first and last frame"', async () => {
    const a = new Agent(keyless);
    await a.start();
    const m = a.pick((l) => l.modes.includes('f+l'));
    done(
      'first and last frame',
      a,
      await a.call('generate_video', {
        model: m.id,
        prompt: 'red turns to blue',
        first_frame_image_url: './red-400x320.png',
        last_frame_image_url: './blue-400x320.jpg',
      }),
    );
  });

  it('"what would it cost?" (keyless: the real price, not just $0.00)', async () => {
    const a = new Agent(keyless);
    await a.start();
    const m = a.pick((l) => l.modes.includes('t2v'));
    const r = await a.call('generate_video', { model: m.id, prompt: 'a cat', dry_run: true });
    expect(text(r)).toMatch(/a real video would cost [a-z]+ \$\d/);
    done('the price', a, r);
  });

  it('"an Aleph edit of ./tiny.mov"', async () => {
    const a = new Agent(keyless);
    await a.start();
    const m = a.pick((l) => l.modes.includes('v2v'));
    done('Aleph edit', a, await a.call('generate_video', { model: m.id, prompt: 'make it snow', source_video_url: './tiny.mov' }));
  });

  it('"is it done?" and "cancel it"', async () => {
    const a = new Agent(keyless);
    await a.start();
    const r = await a.call('check_job', { job_id: jobId });
    expect(text(r).slice(0, 1500)).toMatch(/Job (queued|running|succeeded)/);
    done('done?', a, r);
    const b = new Agent(keyless);
    await b.start();
    const c = await b.call('cancel_job', { job_id: jobId });
    expect(text(c)).toMatch(/^(Canceled|Nothing was canceled)/);
    done('cancel', b, c);
  });
});
