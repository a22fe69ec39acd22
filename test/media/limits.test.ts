import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkMediaLimits, DEFAULT_MAX_INPUT_BYTES, MEDIA_LIMIT_TABLE, mediaLimitsFor } from '../../src/media/limits.js';
import { sniffMedia } from '../../src/media/sniff.js';
import type { MediaInfo } from '../../src/media/types.js';
import { fixture, SIMULATOR_MP4, thrown } from './helpers.js';

function infoOf(name: string): { info: MediaInfo; bytes: number } {
  const bytes = readFileSync(fixture(name));
  const info = sniffMedia(bytes);
  if (!info) throw new Error(`fixture ${name} did not sniff`);
  return { info, bytes: bytes.length };
}
const png = (width: number, height: number): MediaInfo => ({ kind: 'image', mime: 'image/png', ext: 'png', width, height });

const MIB = 1024 * 1024;

describe('mediaLimitsFor: the documented numbers', () => {
  it('MiniMax / Hailuo first frame: JPEG/PNG/WebP, 20 MB, short side > 300 px, 2:5 to 5:2', () => {
    const l = mediaLimitsFor('minimax', 'first_frame_image_url');
    expect(l.kind).toBe('image');
    expect(l.mimes.value).toEqual(['image/jpeg', 'image/png', 'image/webp']);
    expect(l.max_bytes.value).toBe(20_000_000);
    expect(l.short_side_above_px?.value).toBe(300);
    expect(l.aspect_ratio?.value).toEqual({ min: [2, 5], max: [5, 2] });
    expect(l.short_side_above_px?.by).toBe('MiniMax');
    expect(l.short_side_above_px?.source).toMatch(/§4\.2/);
  });

  it('the Hailuo rules follow the model to every provider that serves it', () => {
    for (const p of ['runapi', 'apiframe', 'atlascloud', 'simulator'] as const) {
      const l = mediaLimitsFor(p, 'last_frame_image_url', { family: 'hailuo' });
      expect(l.short_side_above_px?.value, p).toBe(300);
      expect(l.max_bytes.value, p).toBeLessThanOrEqual(20_000_000);
    }
  });

  it('Atlas takes JPEG and PNG only', () => {
    const l = mediaLimitsFor('atlascloud', 'first_frame_image_url');
    expect(l.mimes.value).toEqual(['image/jpeg', 'image/png']);
    expect(l.mimes.by).toBe('Atlas Cloud');
  });

  it('Apiframe upload caps: 25 MB images, 50 MB videos (when the model sets none lower)', () => {
    expect(mediaLimitsFor('apiframe', 'first_frame_image_url').max_bytes.value).toBe(25_000_000);
    expect(mediaLimitsFor('apiframe', 'source_video_url').max_bytes.value).toBe(50_000_000);
    expect(mediaLimitsFor('apiframe', 'first_frame_image_url', { family: 'runway' }).max_bytes.value).toBe(16 * MIB);
  });

  it('Runway direct: 200 MB by upload, under 5 MB encoded by data URI; by URL through gateways 16/32 MB', () => {
    expect(mediaLimitsFor('runway', 'first_frame_image_url').max_bytes.value).toBe(200 * MIB);
    const dataUri = mediaLimitsFor('runway', 'first_frame_image_url', { transport: 'data-uri' }).max_bytes.value;
    expect(Math.ceil(dataUri / 3) * 4 + 32).toBeLessThanOrEqual(5_000_000);
    expect(dataUri).toBeGreaterThan(3_700_000);
    // Videos too: 5 MB, no longer 16 MB (@runwayml/sdk 4.17.1, providers.md §9.2).
    expect(mediaLimitsFor('runway', 'source_video_url', { transport: 'data-uri' }).max_bytes.value).toBe(dataUri);
    expect(mediaLimitsFor('runapi', 'first_frame_image_url', { family: 'runway' }).max_bytes.value).toBe(16 * MIB);
    expect(mediaLimitsFor('runapi', 'source_video_url', { family: 'runway' }).max_bytes.value).toBe(32 * MIB);
    const v = mediaLimitsFor('runway', 'source_video_url');
    expect(v.kind).toBe('video');
    expect(v.mimes.value).toEqual(['video/mp4', 'video/quicktime']);
    expect(mediaLimitsFor('runway', 'first_frame_image_url').short_side_above_px).toBeUndefined();
  });

  it('with nothing documented, the generic cap applies', () => {
    expect(mediaLimitsFor('runapi', 'first_frame_image_url').max_bytes.value).toBe(DEFAULT_MAX_INPUT_BYTES);
  });

  it('every table entry names a source', () => {
    for (const e of MEDIA_LIMIT_TABLE) expect(e.source.length, JSON.stringify(e.scope)).toBeGreaterThan(10);
  });
});

describe('checkMediaLimits', () => {
  const minimax = mediaLimitsFor('minimax', 'first_frame_image_url');

  it('accepts real fixtures that meet the rules', () => {
    for (const name of ['red-400x320.png', 'blue-400x320.jpg', 'green-400x320.webp']) {
      const { info, bytes } = infoOf(name);
      expect(() => checkMediaLimits(info, bytes, minimax, 'first_frame_image_url'), name).not.toThrow();
    }
  });

  it('refuses a 200×200 image, naming the limit and the actual size', () => {
    const { info, bytes } = infoOf('small-200x200.png');
    const err = thrown(() => checkMediaLimits(info, bytes, minimax, 'first_frame_image_url'));
    expect(err.code).toBe('invalid_input');
    expect(err.message).toContain('first_frame_image_url: the image is 200×200; MiniMax needs the short side above 300 px');
  });

  it('short side: 300 is refused, 301 accepted', () => {
    expect(() => checkMediaLimits(png(400, 300), 1000, minimax, 'first_frame_image_url')).toThrow(/above 300 px/);
    expect(() => checkMediaLimits(png(301, 400), 1000, minimax, 'first_frame_image_url')).not.toThrow();
  });

  it('refuses the too-wide fixtures (1000×200 fails on its short side, 1600×320 on its aspect)', () => {
    const a = infoOf('wide-1000x200.jpg');
    expect(() => checkMediaLimits(a.info, a.bytes, minimax, 'first_frame_image_url')).toThrow(/1000×200/);
    const b = infoOf('wide-1600x320.jpg');
    const err = thrown(() => checkMediaLimits(b.info, b.bytes, minimax, 'first_frame_image_url'));
    expect(err.message).toContain('the image is 1600×320 (aspect 5:1); MiniMax needs an aspect ratio between 2:5 and 5:2');
  });

  it('aspect bounds are inclusive at 5:2 and 2:5, exclusive beyond', () => {
    expect(() => checkMediaLimits(png(1000, 400), 1000, minimax, 'first_frame_image_url')).not.toThrow();
    expect(() => checkMediaLimits(png(400, 1000), 1000, minimax, 'first_frame_image_url')).not.toThrow();
    expect(() => checkMediaLimits(png(1001, 400), 1000, minimax, 'first_frame_image_url')).toThrow(/aspect/);
    expect(() => checkMediaLimits(png(400, 1001), 1000, minimax, 'first_frame_image_url')).toThrow(/aspect 1:2\.5/);
  });

  it('size: at the cap accepted, one byte over refused with both numbers', () => {
    expect(() => checkMediaLimits(png(400, 400), 20_000_000, minimax, 'first_frame_image_url')).not.toThrow();
    const err = thrown(() => checkMediaLimits(png(400, 400), 20_100_000, minimax, 'first_frame_image_url'));
    expect(err.message).toContain('the image is 20.1 MB; MiniMax accepts at most 20.0 MB');
  });

  it('format: GIF refused for MiniMax, WebP refused for Atlas', () => {
    const gif = infoOf('yellow-400x400.gif');
    expect(() => checkMediaLimits(gif.info, gif.bytes, minimax, 'first_frame_image_url')).toThrow(/the image is GIF; MiniMax accepts JPEG, PNG or WebP/);
    const webp = infoOf('green-400x320.webp');
    const atlas = mediaLimitsFor('atlascloud', 'first_frame_image_url');
    expect(() => checkMediaLimits(webp.info, webp.bytes, atlas, 'first_frame_image_url')).toThrow(/WebP; Atlas Cloud accepts JPEG or PNG/);
  });

  it('kind: a video as a first frame, an image as a source video', () => {
    const mp4 = sniffMedia(readFileSync(SIMULATOR_MP4))!;
    expect(() => checkMediaLimits(mp4, 1000, minimax, 'first_frame_image_url')).toThrow(/is a video \(MP4\), but first_frame_image_url takes an image/);
    const runwayVideo = mediaLimitsFor('runway', 'source_video_url');
    expect(() => checkMediaLimits(png(400, 400), 1000, runwayVideo, 'source_video_url')).toThrow(/is an image/);
    expect(() => checkMediaLimits(mp4, 1000, runwayVideo, 'source_video_url')).not.toThrow();
  });

  it('an image whose dimensions could not be read is refused where dimensions matter', () => {
    const noDims: MediaInfo = { kind: 'image', mime: 'image/png', ext: 'png' };
    expect(() => checkMediaLimits(noDims, 1000, minimax, 'first_frame_image_url')).toThrow(/could not read the image's dimensions/);
    expect(() => checkMediaLimits(noDims, 1000, mediaLimitsFor('runway', 'first_frame_image_url'), 'first_frame_image_url')).not.toThrow();
  });
});
