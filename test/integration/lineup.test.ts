/**
 * Issue 12 end to end: the November 2026 lineup through the MCP tools against the provider fakes.
 * Every new model reaches `succeeded` on each provider that serves it, with that provider's own field
 * names on the wire (exact bodies); a request that breaks a new model's joint rules, or sets a field
 * the model does not take, is refused with no upstream request; an 8 MB video for an Aleph edit goes
 * through Runway's uploads flow, not a data URI.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApiframe, FAKE_APIFRAME_KEY } from '../fakes/apiframe.js';
import { startFakeAtlas, FAKE_ATLAS_KEY } from '../fakes/atlascloud.js';
import { FAKE_VIDEO, type FakeServer, type RecordedRequest } from '../fakes/base.js';
import { startFakeMinimax, FAKE_MINIMAX_KEY, type FakeMinimax } from '../fakes/minimax.js';
import { startFakeRunapi, FAKE_RUNAPI_KEY, type FakeRunapi } from '../fakes/runapi.js';
import { startFakeRunway, FAKE_RUNWAY_KEY, type FakeRunway } from '../fakes/runway.js';
import { startHarness, tempDir, text, type Harness } from '../helpers.js';
import { check, errorText, generate, trace } from './support.js';

const IMG = 'https://cdn.example.com/first.png';
const IMG2 = 'https://cdn.example.com/last.png';
const VID = 'https://cdn.example.com/source.mp4';
const P = 'a paper boat drifts down a rainy street';

type Real = 'runapi' | 'apiframe' | 'atlascloud' | 'minimax' | 'runway';
let h: Harness;
let workDir: string;
const fakes = {} as Record<Real, FakeServer> & { minimax: FakeMinimax; runway: FakeRunway; runapi: FakeRunapi };

beforeAll(async () => {
  fakes.runapi = await startFakeRunapi({ pollsToComplete: 0 });
  fakes.apiframe = await startFakeApiframe({ pollsToComplete: 0 });
  fakes.atlascloud = await startFakeAtlas({ pollsToComplete: 0 });
  fakes.minimax = await startFakeMinimax({ pollsToComplete: 0 });
  fakes.runway = await startFakeRunway({ pollsToComplete: 0 });
  workDir = tempDir('videogen-work-');
  h = await startHarness({
    workDir,
    env: {
      RUNAPI_API_KEY: FAKE_RUNAPI_KEY,
      RUNAPI_BASE_URL: fakes.runapi.url,
      APIFRAME_API_KEY: FAKE_APIFRAME_KEY,
      APIFRAME_BASE_URL: fakes.apiframe.url,
      ATLASCLOUD_API_KEY: FAKE_ATLAS_KEY,
      ATLASCLOUD_BASE_URL: fakes.atlascloud.url,
      MINIMAX_API_KEY: FAKE_MINIMAX_KEY,
      MINIMAX_BASE_URL: fakes.minimax.url,
      RUNWAYML_API_SECRET: FAKE_RUNWAY_KEY,
      RUNWAYML_BASE_URL: fakes.runway.url,
    },
  });
});
afterAll(async () => {
  await h?.close();
  await Promise.all(Object.values(fakes).map((f) => f.close()));
});

function counts(): number[] {
  return Object.values(fakes).map((f) => f.requests.length);
}

interface WireCase {
  name: string;
  provider: Real;
  args: Record<string, unknown>;
  path: string;
  body: Record<string, unknown>;
}

const CASES: WireCase[] = [
  // ── Veo 3.1 / Veo 3.1 Fast on Runway ──
  {
    name: 'veo-3.1 text-to-video with seed, negative prompt, audio, 1080p portrait',
    provider: 'runway',
    args: {
      model: 'veo-3.1',
      prompt: P,
      duration_seconds: 8,
      output_resolution: '1080p',
      aspect_ratio: '9:16',
      seed: 42,
      negative_prompt: 'blur',
      generate_audio: true,
    },
    path: '/v1/text_to_video',
    body: { model: 'veo3.1', promptText: P, seed: 42, negativePrompt: 'blur', audio: true, ratio: '1080:1920', duration: 8 },
  },
  {
    name: 'veo-3.1-fast first and last frame, defaults',
    provider: 'runway',
    args: { model: 'veo-3.1-fast', first_frame_image_url: IMG, last_frame_image_url: IMG2, generate_audio: false },
    path: '/v1/image_to_video',
    body: {
      model: 'veo3.1_fast',
      audio: false,
      promptImage: [
        { uri: IMG, position: 'first' },
        { uri: IMG2, position: 'last' },
      ],
      ratio: '1280:720',
      duration: 6,
    },
  },
  {
    name: 'veo-3.1 on Apiframe: veoParams with frames, audio, negative prompt, seed',
    provider: 'apiframe',
    args: {
      model: 'veo-3.1',
      prompt: P,
      first_frame_image_url: IMG,
      last_frame_image_url: IMG2,
      output_resolution: '1080p',
      generate_audio: true,
      negative_prompt: 'blur',
      seed: 3,
    },
    path: '/v2/videos/generate',
    body: {
      model: 'veo-3.1',
      prompt: P,
      veoParams: {
        image: IMG,
        last_frame: IMG2,
        duration: 6,
        resolution: '1080p',
        aspect_ratio: '16:9',
        generate_audio: true,
        negative_prompt: 'blur',
        seed: 3,
      },
    },
  },
  {
    name: 'veo-3.1-fast on Apiframe, text only, portrait',
    provider: 'apiframe',
    args: { model: 'veo-3.1-fast', prompt: P, aspect_ratio: '9:16', duration_seconds: 4 },
    path: '/v2/videos/generate',
    body: { model: 'veo-3.1-fast', prompt: P, veoParams: { duration: 4, resolution: '720p', aspect_ratio: '9:16' } },
  },
  // ── Seedance 2.0 on Runway ──
  {
    name: 'seedance-2 text-to-video at 4k 21:9 with audio and seed (one pixel ratio)',
    provider: 'runway',
    args: { model: 'seedance-2', prompt: P, output_resolution: '4k', aspect_ratio: '21:9', duration_seconds: 12, generate_audio: true, seed: 11 },
    path: '/v1/text_to_video',
    body: { model: 'seedance2', promptText: P, seed: 11, audio: true, ratio: '3840:1646', duration: 12 },
  },
  {
    name: 'seedance-2 first and last frame at 480p',
    provider: 'runway',
    args: { model: 'seedance-2', first_frame_image_url: IMG, last_frame_image_url: IMG2, output_resolution: '480p', aspect_ratio: '9:16' },
    path: '/v1/image_to_video',
    body: {
      model: 'seedance2',
      promptImage: [
        { uri: IMG, position: 'first' },
        { uri: IMG2, position: 'last' },
      ],
      ratio: '496:864',
      duration: 5,
    },
  },
  {
    name: 'seedance-2-fast text-to-video at 480p',
    provider: 'runway',
    args: { model: 'seedance-2-fast', prompt: P, output_resolution: '480p', aspect_ratio: '1:1' },
    path: '/v1/text_to_video',
    body: { model: 'seedance2_fast', promptText: P, ratio: '640:640', duration: 5 },
  },
  {
    name: 'seedance-2-mini image-to-video with audio',
    provider: 'runway',
    args: { model: 'seedance-2-mini', first_frame_image_url: IMG, generate_audio: true },
    path: '/v1/image_to_video',
    body: { model: 'seedance2_mini', audio: true, promptImage: [{ uri: IMG, position: 'first' }], ratio: '1280:720', duration: 5 },
  },
  {
    name: 'seedance-2.5 text-to-video at 480p 16:9 (its own 854:480 row)',
    provider: 'runway',
    args: { model: 'seedance-2.5', prompt: P, output_resolution: '480p', seed: 2 },
    path: '/v1/text_to_video',
    body: { model: 'seedance2_5', promptText: P, seed: 2, ratio: '854:480', duration: 5 },
  },
  // ── Aleph 2 (runway-aleph) ──
  {
    name: 'runway-aleph on Runway is aleph2 with targetAspectRatio and seed',
    provider: 'runway',
    args: { model: 'runway-aleph', prompt: 'make it snow', source_video_url: VID, aspect_ratio: '3:2', seed: 9 },
    path: '/v1/video_to_video',
    body: { model: 'aleph2', promptText: 'make it snow', seed: 9, videoUri: VID, targetAspectRatio: '3:2' },
  },
  {
    name: 'runway-aleph on RunAPI takes the seed too',
    provider: 'runapi',
    args: { model: 'runway-aleph', prompt: 'make it snow', source_video_url: VID, aspect_ratio: '21:9', seed: 9 },
    path: '/api/v1/runway_aleph/edit_video',
    body: { prompt: 'make it snow', source_video_url: VID, aspect_ratio: '21:9', seed: 9 },
  },
  // ── Hailuo 3 (MiniMax-H3) ──
  {
    name: 'hailuo-3 on MiniMax V2, text only: content[] text, 768P, 16:9, watermark',
    provider: 'minimax',
    args: { model: 'hailuo-3', prompt: P, watermark: true },
    path: '/v2/video_generation',
    body: { model: 'MiniMax-H3', content: [{ type: 'text', text: P }], duration: 6, resolution: '768P', ratio: '16:9', aigc_watermark: true },
  },
  {
    name: 'hailuo-3 on MiniMax V2, first and last frame roles, 2K, 12 s',
    provider: 'minimax',
    args: { model: 'hailuo-3', prompt: P, first_frame_image_url: IMG, last_frame_image_url: IMG2, output_resolution: '2k', duration_seconds: 12 },
    path: '/v2/video_generation',
    body: {
      model: 'MiniMax-H3',
      content: [
        { type: 'text', text: P },
        { type: 'image_url', image_url: { url: IMG }, role: 'first_frame' },
        { type: 'image_url', image_url: { url: IMG2 }, role: 'last_frame' },
      ],
      duration: 12,
      resolution: '2K',
    },
  },
  {
    name: 'hailuo-3 on RunAPI text_to_video (model required, aspect_ratio concrete)',
    provider: 'runapi',
    args: { model: 'hailuo-3', prompt: P, aspect_ratio: '21:9', duration_seconds: 15 },
    path: '/api/v1/minimax_h3/text_to_video',
    body: { model: 'minimax-h3', prompt: P, duration_seconds: 15, output_resolution: '768p', aspect_ratio: '21:9' },
  },
  {
    name: 'hailuo-3 on RunAPI image_to_video with a last frame alone',
    provider: 'runapi',
    args: { model: 'hailuo-3', prompt: P, last_frame_image_url: IMG2, output_resolution: '2k' },
    path: '/api/v1/minimax_h3/image_to_video',
    body: { model: 'minimax-h3', prompt: P, last_frame_image_url: IMG2, duration_seconds: 6, output_resolution: '2k' },
  },
  {
    name: 'hailuo-3 on Runway (hailuo3) text-to-video takes a friendly ratio and resolution',
    provider: 'runway',
    args: { model: 'hailuo-3', prompt: P, aspect_ratio: '4:3', output_resolution: '2k' },
    path: '/v1/text_to_video',
    body: { model: 'hailuo3', promptText: P, ratio: '4:3', resolution: '2k', duration: 6 },
  },
  {
    name: 'hailuo-3 on Runway (hailuo3) image-to-video, adaptive',
    provider: 'runway',
    args: { model: 'hailuo-3', prompt: P, first_frame_image_url: IMG, aspect_ratio: 'adaptive' },
    path: '/v1/image_to_video',
    body: { model: 'hailuo3', promptText: P, promptImage: [{ uri: IMG, position: 'first' }], ratio: 'adaptive', resolution: '768p', duration: 6 },
  },
  {
    name: 'hailuo-3 on Atlas (minimax/h3/text-to-video, 2K)',
    provider: 'atlascloud',
    args: { model: 'hailuo-3', prompt: P, output_resolution: '2k', duration_seconds: 5 },
    path: '/api/v1/model/generateVideo',
    body: { model: 'minimax/h3/text-to-video', prompt: P, duration: 5, resolution: '2K', aspect_ratio: '16:9' },
  },
  {
    name: 'hailuo-3 on Atlas (minimax/h3/image-to-video, image and end_image)',
    provider: 'atlascloud',
    args: { model: 'hailuo-3', prompt: P, first_frame_image_url: IMG, last_frame_image_url: IMG2, output_resolution: '2k' },
    path: '/api/v1/model/generateVideo',
    body: { model: 'minimax/h3/image-to-video', prompt: P, image: IMG, end_image: IMG2, duration: 6, resolution: '2K' },
  },
  {
    name: 'hailuo-3 with a reference video on MiniMax V2 (content[] video_url, role reference_video)',
    provider: 'minimax',
    args: { model: 'hailuo-3', prompt: P, source_video_url: VID },
    path: '/v2/video_generation',
    body: {
      model: 'MiniMax-H3',
      content: [
        { type: 'text', text: P },
        { type: 'video_url', video_url: { url: VID }, role: 'reference_video' },
      ],
      duration: 6,
      resolution: '768P',
    },
  },
  {
    name: 'hailuo-3 with a reference video on RunAPI (reference_video_urls, no ratio needed)',
    provider: 'runapi',
    args: { model: 'hailuo-3', prompt: P, source_video_url: VID },
    path: '/api/v1/minimax_h3/text_to_video',
    body: { model: 'minimax-h3', prompt: P, duration_seconds: 6, output_resolution: '768p', reference_video_urls: [VID] },
  },
  {
    name: 'hailuo-3 on Runway video_to_video (hailuo3 promptVideo)',
    provider: 'runway',
    args: { model: 'hailuo-3', prompt: P, source_video_url: VID, aspect_ratio: 'adaptive' },
    path: '/v1/video_to_video',
    body: { model: 'hailuo3', promptText: P, promptVideo: VID, ratio: 'adaptive', resolution: '768p', duration: 6 },
  },
  {
    name: 'hailuo-3 with a reference video on Atlas (minimax/h3/reference-to-video, refers)',
    provider: 'atlascloud',
    args: { model: 'hailuo-3', prompt: P, source_video_url: VID, output_resolution: '2k' },
    path: '/api/v1/model/generateVideo',
    body: { model: 'minimax/h3/reference-to-video', prompt: P, duration: 6, resolution: '2K', refers: [{ url: VID, type: 'video' }] },
  },
  // ── Hailuo 3 Max ──
  {
    name: 'hailuo-3-max on Runway (h3_max) with seed and prompt expansion off',
    provider: 'runway',
    args: { model: 'hailuo-3-max', prompt: P, seed: 7, prompt_optimizer: false, output_resolution: '480p', duration_seconds: 5 },
    path: '/v1/text_to_video',
    body: { model: 'h3_max', promptText: P, seed: 7, resolution: '480p', promptExpansionMode: 'disabled', duration: 5 },
  },
  {
    name: 'hailuo-3-max on Runway (h3_max) first and last frame',
    provider: 'runway',
    args: { model: 'hailuo-3-max', prompt: P, first_frame_image_url: IMG, last_frame_image_url: IMG2 },
    path: '/v1/image_to_video',
    body: {
      model: 'h3_max',
      promptText: P,
      promptImage: [
        { uri: IMG, position: 'first' },
        { uri: IMG2, position: 'last' },
      ],
      resolution: '768p',
      duration: 6,
    },
  },
  {
    name: 'hailuo-3-max on Atlas (minimax/h3-max/text-to-video, prompt_expansion)',
    provider: 'atlascloud',
    args: { model: 'hailuo-3-max', prompt: P, prompt_optimizer: true },
    path: '/api/v1/model/generateVideo',
    body: { model: 'minimax/h3-max/text-to-video', prompt: P, duration: 6, resolution: '768P', prompt_expansion: true },
  },
  {
    name: 'hailuo-3-max on Atlas (minimax/h3-max/image-to-video)',
    provider: 'atlascloud',
    args: { model: 'hailuo-3-max', prompt: P, first_frame_image_url: IMG, output_resolution: '480p', duration_seconds: 15 },
    path: '/api/v1/model/generateVideo',
    body: { model: 'minimax/h3-max/image-to-video', prompt: P, image: IMG, duration: 15, resolution: '480P' },
  },
  // ── Atlas-only H3 variants ──
  {
    name: 'hailuo-3-max-turbo on Atlas (minimax/h3-max-turbo/image-to-video)',
    provider: 'atlascloud',
    args: { model: 'hailuo-3-max-turbo', prompt: P, first_frame_image_url: IMG, output_resolution: '480p' },
    path: '/api/v1/model/generateVideo',
    body: { model: 'minimax/h3-max-turbo/image-to-video', prompt: P, image: IMG, duration: 6, resolution: '480P' },
  },
  {
    name: 'hailuo-3-developer on Atlas, text-to-video (8 s default, concrete ratio, prompt expansion)',
    provider: 'atlascloud',
    args: { model: 'hailuo-3-developer', prompt: P, prompt_optimizer: false, aspect_ratio: '9:16' },
    path: '/api/v1/model/generateVideo',
    body: { model: 'minimax/h3-developer/text-to-video', prompt: P, duration: 8, resolution: '768P', aspect_ratio: '9:16', prompt_expansion: false },
  },
  {
    name: 'hailuo-3-developer on Atlas, reference video (refers)',
    provider: 'atlascloud',
    args: { model: 'hailuo-3-developer', prompt: P, source_video_url: VID, duration_seconds: 4 },
    path: '/api/v1/model/generateVideo',
    body: { model: 'minimax/h3-developer/reference-to-video', prompt: P, duration: 4, resolution: '768P', refers: [{ url: VID, type: 'video' }] },
  },
  // ── seed on the existing Runway models ──
  {
    name: 'runway-gen4.5 text-to-video with a seed',
    provider: 'runway',
    args: { model: 'runway-gen4.5', prompt: P, seed: 123 },
    path: '/v1/text_to_video',
    body: { model: 'gen4.5', promptText: P, seed: 123, ratio: '1280:720', duration: 5 },
  },
  {
    name: 'runway-gen4-turbo on Apiframe with a seed in runwayParams',
    provider: 'apiframe',
    args: { model: 'runway-gen4-turbo', prompt: P, first_frame_image_url: IMG, seed: 5 },
    path: '/v2/videos/generate',
    body: { model: 'runway-gen4-turbo', prompt: P, runwayParams: { image: IMG, duration: 5, aspect_ratio: '16:9', seed: 5 } },
  },
  {
    name: 'hailuo-02 on MiniMax V1 with the watermark switch',
    provider: 'minimax',
    args: { model: 'hailuo-02', prompt: P, watermark: false },
    path: '/v1/video_generation',
    body: { model: 'MiniMax-Hailuo-02', prompt: P, duration: 6, resolution: '768P', aigc_watermark: false },
  },
];

describe('each new model reaches succeeded on each provider that serves it, with the provider’s own field names', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const f = fakes[c.provider];
    const before = f.requests.length;
    const job = await generate(h, { ...c.args, provider: c.provider });
    const sent = f.requests.slice(before).filter((r: RecordedRequest) => r.method === 'POST');
    expect(sent.map((r) => r.path)).toEqual([c.path]);
    expect(sent[0]!.json).toEqual(c.body);
    const { job: done } = await check(h, job.job_id, 20);
    expect(done.status, JSON.stringify(done.error ?? {})).toBe('succeeded');
    expect(done.local_path).toBeDefined();
  });
});

describe('a request that breaks a new model’s rules is refused with 0 upstream requests', () => {
  const refusals: [string, Record<string, unknown>, RegExp][] = [
    ['veo-3.1 with a last frame alone', { model: 'veo-3.1', prompt: P, last_frame_image_url: IMG2 }, /only a last frame/],
    ['veo-3.1 text-to-video without a prompt', { model: 'veo-3.1', negative_prompt: 'blur' }, /prompt is required for Veo 3.1 text-to-video/],
    ['veo-3.1 at 10 s', { model: 'veo-3.1', prompt: P, duration_seconds: 10 }, /duration_seconds 10 is not offered by veo-3.1; allowed: 4, 6, 8/],
    ['veo-3.1 in 1:1', { model: 'veo-3.1', prompt: P, aspect_ratio: '1:1' }, /aspect_ratio 1:1 is not offered by veo-3.1; allowed: 16:9, 9:16/],
    ['hailuo-3 text-only with adaptive', { model: 'hailuo-3', prompt: P, aspect_ratio: 'adaptive' }, /text-only requests need a concrete ratio/],
    ['hailuo-3 at 3 s', { model: 'hailuo-3', prompt: P, duration_seconds: 3 }, /allowed: 4–15/],
    ['hailuo-3 at 1080p', { model: 'hailuo-3', prompt: P, output_resolution: '1080p' }, /allowed: 768p, 2k/],
    ['hailuo-3 without a prompt', { model: 'hailuo-3', first_frame_image_url: IMG }, /prompt is required by hailuo-3/],
    ['hailuo-3 prompt over 7000', { model: 'hailuo-3', prompt: 'x'.repeat(7001) }, /hailuo-3 accepts at most 7000/],
    ['hailuo-3 on Atlas at 768p', { model: 'hailuo-3', prompt: P, provider: 'atlascloud' }, /serves only 2k/],
    [
      'hailuo-3 on RunAPI with a frame and a ratio',
      { model: 'hailuo-3', prompt: P, first_frame_image_url: IMG, aspect_ratio: '16:9', provider: 'runapi' },
      /takes no aspect_ratio/,
    ],
    [
      'hailuo-3 on Atlas with a last frame alone',
      { model: 'hailuo-3', prompt: P, last_frame_image_url: IMG2, output_resolution: '2k', provider: 'atlascloud' },
      /needs first_frame_image_url on Atlas Cloud/,
    ],
    ['hailuo-3 with frames and a reference video', { model: 'hailuo-3', prompt: P, source_video_url: VID, first_frame_image_url: IMG }, /cannot be mixed/],
    ['hailuo-3 reference video on Atlas at 768p', { model: 'hailuo-3', prompt: P, source_video_url: VID, provider: 'atlascloud' }, /serves only 2k/],
    ['hailuo-3-max with a last frame alone', { model: 'hailuo-3-max', prompt: P, last_frame_image_url: IMG2 }, /needs first_frame_image_url on H3 Max/],
    ['hailuo-3-max with an aspect ratio', { model: 'hailuo-3-max', prompt: P, aspect_ratio: '16:9' }, /aspect_ratio is not taken by hailuo-3-max/],
    ['hailuo-3-max seed on Atlas', { model: 'hailuo-3-max', prompt: P, seed: 1, provider: 'atlascloud' }, /takes no seed/],
    [
      'runway-aleph with 3:2 on RunAPI',
      { model: 'runway-aleph', prompt: P, source_video_url: VID, aspect_ratio: '3:2', provider: 'runapi' },
      /takes aspect_ratio 16:9/,
    ],
    ['seedance-2-fast at 1080p', { model: 'seedance-2-fast', prompt: P, output_resolution: '1080p' }, /allowed: 480p, 720p/],
    ['seed out of range', { model: 'veo-3.1', prompt: P, seed: 4294967296 }, /seed got 4294967296; allowed: a whole number from 0 to 4294967295/],
  ];
  it.each(refusals)('%s', async (_, args, says) => {
    const before = counts();
    // The tool's input schema (7000 characters, the longest any model takes) may refuse before the catalog does.
    const r = await h.call('generate_video', args);
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(says);
    expect(counts()).toEqual(before);
  });
});

describe('a field the model does not take is refused, naming the field and the models that take it', () => {
  it.each([
    [
      'seed',
      { model: 'hailuo-3', prompt: P, seed: 1 },
      [
        'hailuo-3-max',
        'runway-gen4-turbo',
        'runway-gen4.5',
        'runway-aleph',
        'veo-3.1',
        'veo-3.1-fast',
        'seedance-2',
        'seedance-2-fast',
        'seedance-2-mini',
        'seedance-2.5',
      ],
    ],
    ['negative_prompt', { model: 'runway-gen4.5', prompt: P, negative_prompt: 'blur' }, ['veo-3.1', 'veo-3.1-fast']],
    [
      'generate_audio',
      { model: 'hailuo-02', prompt: P, generate_audio: true },
      ['veo-3.1', 'veo-3.1-fast', 'seedance-2', 'seedance-2-fast', 'seedance-2-mini', 'seedance-2.5'],
    ],
    ['watermark', { model: 'veo-3.1', prompt: P, watermark: true }, ['hailuo-02', 'hailuo-2.3', 'hailuo-2.3-fast', 'hailuo-3']],
  ] as const)('%s', async (field, args, takers) => {
    const before = counts();
    const msg = errorText(await h.call('generate_video', args));
    expect(msg).toContain(`${field} is not taken by ${args.model}`);
    expect(msg).toContain(`use a model that takes it: ${takers.join(', ')}.`);
    expect(counts()).toEqual(before);
  });
});

describe('retired ids', () => {
  it('gen4_aleph keeps working for users and goes out as its successor aleph2', async () => {
    const before = fakes.runway.requests.length;
    const job = await generate(h, { model: 'gen4_aleph', prompt: 'make it snow', source_video_url: VID });
    const sent = fakes.runway.requests.slice(before).filter((r) => r.method === 'POST');
    expect(sent.map((r) => [r.path, (r.json as { model: string }).model])).toEqual([['/v1/video_to_video', 'aleph2']]);
    expect((await check(h, job.job_id, 20)).job.status).toBe('succeeded');
  });
  it('the Runway fake refuses gen4_aleph itself at model, naming the successor (as the live API may any day)', async () => {
    const res = await fetch(`${fakes.runway.url}/v1/video_to_video`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FAKE_RUNWAY_KEY}`, 'x-runway-version': '2024-11-06', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gen4_aleph', promptText: 'x', videoUri: VID }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { issues: { path: string[]; message: string }[] };
    expect(body.issues[0]).toMatchObject({ path: ['model'], message: expect.stringContaining("use 'aleph2'") });
  });
});

describe('media per Runway’s documented limits', () => {
  /** A valid MP4 of `size` bytes: the fake's video plus a `free` box (players skip it). */
  function mp4Of(size: number): Buffer {
    const pad = size - FAKE_VIDEO.length;
    const box = Buffer.alloc(pad);
    box.writeUInt32BE(pad, 0);
    box.write('free', 4, 'latin1');
    return Buffer.concat([FAKE_VIDEO, box]);
  }

  it('an 8 MB video for an Aleph edit goes through /v1/uploads (three steps), not a data URI', async () => {
    const big = mp4Of(8_000_000);
    writeFileSync(path.join(workDir, 'edit-me.mp4'), big);
    const before = fakes.runway.requests.length;
    const job = await generate(h, { model: 'runway-aleph', prompt: 'make it snow', source_video_url: 'edit-me.mp4', provider: 'runway' });
    const sent = fakes.runway.requests.slice(before);
    expect(trace(sent)).toEqual(['POST /v1/uploads', 'POST /upload-bucket', 'POST /v1/video_to_video']);
    expect(sent[1]!.headers['authorization']).toBeUndefined();
    const up = [...fakes.runway.uploads.values()].find((u) => u.filename === 'edit-me.mp4')!;
    expect(up.bytes!.equals(big)).toBe(true);
    const body = sent[2]!.json as Record<string, unknown>;
    expect(body['videoUri']).toBe(up.runwayUri);
    expect(JSON.stringify(body)).not.toContain('data:');
    expect((await check(h, job.job_id, 20)).job.status).toBe('succeeded');
  });

  it('a local reference video reaches MiniMax-H3 inline as content[] video_url (MiniMax takes data URIs, no upload step)', async () => {
    const clip = mp4Of(2_000_000);
    writeFileSync(path.join(workDir, 'ref.mp4'), clip);
    const before = fakes.minimax.requests.length;
    await generate(h, { model: 'hailuo-3', prompt: P, source_video_url: 'ref.mp4', provider: 'minimax' });
    const sent = fakes.minimax.requests.slice(before);
    expect(trace(sent)).toEqual(['POST /v2/video_generation']);
    const item = (sent[0]!.json as { content: { type: string; role?: string; video_url?: { url: string } }[] }).content[1]!;
    expect(item).toMatchObject({ type: 'video_url', role: 'reference_video' });
    expect(item.video_url!.url).toBe(`data:video/mp4;base64,${clip.toString('base64')}`);
  });

  it('a 3 MB video still goes inline as a data URI (under 5 MB encoded)', async () => {
    writeFileSync(path.join(workDir, 'small.mp4'), mp4Of(3_000_000));
    const before = fakes.runway.requests.length;
    await generate(h, { model: 'runway-aleph', prompt: 'make it snow', source_video_url: 'small.mp4', provider: 'runway' });
    const sent = fakes.runway.requests.slice(before);
    expect(trace(sent)).toEqual(['POST /v1/video_to_video']);
    const uri = (sent[0]!.json as { videoUri: string }).videoUri;
    expect(uri.startsWith('data:video/mp4;base64,')).toBe(true);
    expect(uri.length).toBeLessThanOrEqual(5_000_000);
  });
});

describe('extending a finished video (extend_job_id → RunAPI runway/extend_video)', () => {
  it('continues a finished runway job: source_task_id is its RunAPI task id, priced per extension, and reaches succeeded', async () => {
    const src = await generate(h, { model: 'runway', prompt: P, aspect_ratio: '16:9' });
    expect((await check(h, src.job_id, 20)).job.status).toBe('succeeded');
    const taskId = [...fakes.runapi.jobs.values()].filter((t) => t.svc === 'runway' && t.ep === 'text_to_video').at(-1)!.id;
    const before = fakes.runapi.requests.length;
    const ext = await generate(h, { model: 'runway', extend_job_id: src.job_id, prompt: 'the boat sails on into the harbour', output_resolution: '1080p' });
    expect(ext.estimated_cost_usd).toBe(0.3);
    const sent = fakes.runapi.requests.slice(before).filter((r) => r.method === 'POST');
    expect(sent.map((r) => r.path)).toEqual(['/api/v1/runway/extend_video']);
    expect(sent[0]!.json).toEqual({ model: 'runway', prompt: 'the boat sails on into the harbour', source_task_id: taskId, output_resolution: '1080p' });
    expect((await check(h, ext.job_id, 20)).job.status).toBe('succeeded');
  });

  it('refuses, with nothing sent: a job not finished yet, a job of another model, and extend_job_id on a model that cannot extend', async () => {
    const running = await generate(h, { model: 'runway', prompt: P, aspect_ratio: '16:9' });
    const hailuo = await generate(h, { model: 'hailuo-02', prompt: P, provider: 'minimax' });
    const before = counts();
    expect(errorText(await h.call('generate_video', { model: 'runway', extend_job_id: running.job_id, prompt: P }))).toMatch(
      /is queued; only a finished video can be extended\. Call check_job until it has succeeded/,
    );
    expect(errorText(await h.call('generate_video', { model: 'runway', extend_job_id: hailuo.job_id, prompt: P }))).toMatch(
      /extend_job_id must be a job of model runway on RunAPI .* is a hailuo-02 job on minimax/,
    );
    expect(errorText(await h.call('generate_video', { model: 'hailuo-02', extend_job_id: running.job_id, prompt: P }))).toMatch(
      /extend_job_id is not taken by hailuo-02; remove it, or use a model that takes it: runway\./,
    );
    expect(errorText(await h.call('generate_video', { model: 'runway', extend_job_id: running.job_id, prompt: P, aspect_ratio: '16:9' }))).toMatch(
      /continues its shot/,
    );
    expect(counts()).toEqual(before);
  });
});

describe('list_models shows the new lineup', () => {
  it('lists the new models, marks Apiframe hailuo-03 unreleased and names gen4_aleph as retired into aleph2', async () => {
    const all = (await h.call('list_models', {})).structuredContent as {
      models: { id: string; offers: { provider: string; native_model: string; unreleased?: boolean }[] }[];
    };
    const ids = all.models.map((m) => m.id);
    for (const id of ['hailuo-3', 'hailuo-3-max', 'veo-3.1', 'veo-3.1-fast', 'runway-aleph']) expect(ids).toContain(id);
    const h3 = all.models.find((m) => m.id === 'hailuo-3')!;
    expect(h3.offers.find((o) => o.native_model === 'hailuo-03')).toMatchObject({ provider: 'apiframe', unreleased: true });
    const aleph = (await h.call('list_models', { model: 'runway-aleph' })).structuredContent as {
      models: { offers: { native_model: string; retired_aliases?: string[] }[] }[];
    };
    expect(aleph.models[0]!.offers.find((o) => o.native_model === 'aleph2')?.retired_aliases).toEqual(['gen4_aleph']);
    // …and the text the agent reads says so too, on the provider's line
    expect(text(await h.call('list_models', { model: 'runway-aleph' }))).toMatch(/runway\*? aleph2: [^\n]*\[replaces retired gen4_aleph\]/);
    expect(text(await h.call('list_models', { model: 'hailuo-3' }))).toMatch(/apiframe\*? hailuo-03: [^\n]*\[unreleased: never routed to\]/);
  });
});
