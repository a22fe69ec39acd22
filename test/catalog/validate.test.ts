import { describe, expect, it } from 'vitest';
import { VideogenError } from '../../src/errors.js';
import { detectMode, requireModel, validateParams, type VideoParams } from '../../src/catalog/index.js';
import { accept, IMG, IMG2, refusal, VID } from './helpers.js';

const p = 'a glass marble rolls across a wooden desk';

describe('detectMode', () => {
  it.each([
    [{ prompt: p }, 'text-to-video'],
    [{ prompt: p, first_frame_image_url: IMG }, 'image-to-video'],
    [{ prompt: p, first_frame_image_url: IMG, last_frame_image_url: IMG2 }, 'first-last-frame'],
    [{ prompt: p, last_frame_image_url: IMG2 }, 'first-last-frame'],
    [{ prompt: p, source_video_url: VID }, 'video-to-video'],
    [{ prompt: p, first_frame_image_url: '  ' }, 'text-to-video'],
  ] as [VideoParams, string][])('%j → %s', (params, mode) => {
    expect(detectMode(params)).toBe(mode);
  });
});

describe('validateParams: the required refusals', () => {
  it('duration_seconds 7 on hailuo-02 is refused, listing 6 and 10', () => {
    expect(refusal('hailuo-02', { prompt: p, duration_seconds: 7 })).toBe('duration_seconds 7 is not offered by hailuo-02; allowed: 6, 10.');
  });
  it('10 s at 1080p is refused', () => {
    expect(refusal('hailuo-02', { prompt: p, duration_seconds: 10, output_resolution: '1080p' })).toContain('allowed at 1080p: 6');
  });
  it('runway with both aspect_ratio and a first frame is refused', () => {
    expect(refusal('runway', { prompt: p, first_frame_image_url: IMG, aspect_ratio: '16:9' })).toContain(
      'aspect_ratio is not allowed with first_frame_image_url',
    );
  });
  it('hailuo-2.3-fast without an image is refused', () => {
    expect(refusal('hailuo-2.3-fast', { prompt: p })).toContain('first_frame_image_url is required');
  });
  it('a last frame without a first frame is refused', () => {
    expect(refusal('hailuo-02', { prompt: p, last_frame_image_url: IMG2 })).toContain('last_frame_image_url needs first_frame_image_url');
  });
  it('a last frame on hailuo-2.3 is refused, pointing at hailuo-02', () => {
    const msg = refusal('hailuo-2.3', { prompt: p, first_frame_image_url: IMG, last_frame_image_url: IMG2 });
    expect(msg).toContain('Use model hailuo-02');
    // One message for the field, not a generic "not taken" on top of the rule.
    expect(msg).not.toContain('is not taken by hailuo-2.3;');
  });
  it('runway-aleph without source_video_url is refused with what it needs', () => {
    // The seed page's form: runway-aleph on text_to_video with a first frame and a 5 s duration.
    const msg = refusal('runway-aleph', { prompt: p, first_frame_image_url: IMG, duration_seconds: 5 });
    expect(msg).toContain('source_video_url (the video to edit) is required');
    expect(msg).toContain('duration_seconds is not taken by runway-aleph');
  });
  it('errors are VideogenError invalid_input', () => {
    expect(() => validateParams(requireModel('hailuo-02'), { prompt: p, duration_seconds: 7 })).toThrow(VideogenError);
  });
});

describe('validateParams: normalization and defaults', () => {
  it('lower-cases resolutions and trims strings', () => {
    const r = accept('hailuo-02', { prompt: `  ${p}  `, output_resolution: ' 768P ', first_frame_image_url: ` ${IMG} ` });
    expect(r.params).toEqual({ prompt: p, first_frame_image_url: IMG, output_resolution: '768p', duration_seconds: 6 });
    expect(r.mode).toBe('image-to-video');
  });
  it('applies the model defaults (6 s, 768p) for hailuo-02', () => {
    expect(accept('hailuo-02', { prompt: p }).params).toEqual({ prompt: p, duration_seconds: 6, output_resolution: '768p' });
  });
  it('accepts a duration given as a numeric string', () => {
    expect(accept('hailuo-02', { prompt: p, duration_seconds: '10' }).params.duration_seconds).toBe(10);
  });
  it('treats undefined-valued keys as absent', () => {
    expect(accept('hailuo-02', { prompt: p, aspect_ratio: undefined, whatever: undefined }).params).toEqual({
      prompt: p,
      duration_seconds: 6,
      output_resolution: '768p',
    });
  });
  it("defaults a pinned offer to what it serves: the seed's hailuo-02-text-to-video-pro call works as sent", () => {
    const r = accept('hailuo-02-text-to-video-pro', { prompt: p });
    expect(r.params).toEqual({ prompt: p, duration_seconds: 6, output_resolution: '1080p' });
    expect(r.pinned?.native_model).toBe('hailuo-02-text-to-video-pro');
  });
  it('defaults minimax/hailuo-02/fast to 512p', () => {
    expect(accept('minimax/hailuo-02/fast', { prompt: p, first_frame_image_url: IMG }).params.output_resolution).toBe('512p');
  });
  it('Runway models default the aspect ratio to 16:9 and keep pixel ratios as sent', () => {
    expect(accept('runway-gen4-turbo', { first_frame_image_url: IMG }).params).toEqual({
      first_frame_image_url: IMG,
      duration_seconds: 5,
      output_resolution: '720p',
      aspect_ratio: '16:9',
    });
    expect(accept('runway-gen4-turbo', { first_frame_image_url: IMG, aspect_ratio: '1584:672' }).params.aspect_ratio).toBe('1584:672');
  });
  it('runway takes no default aspect ratio (required without an image, forbidden with one)', () => {
    expect(accept('runway', { prompt: p, first_frame_image_url: IMG }).params).toEqual({
      prompt: p,
      first_frame_image_url: IMG,
      duration_seconds: 5,
      output_resolution: '720p',
    });
  });
  it('reads a ratio sent as output_resolution (as the RunAPI Runway seed describes it) as aspect_ratio', () => {
    expect(accept('runway', { prompt: p, output_resolution: '9:16' }).params).toEqual({
      prompt: p,
      aspect_ratio: '9:16',
      duration_seconds: 5,
      output_resolution: '720p',
    });
  });
  it('the RunAPI Runway seed example (10 s, 1080p, 16:9) is refused with the allowed value', () => {
    expect(refusal('runway', { prompt: p, duration_seconds: 10, output_resolution: '1080p', aspect_ratio: '16:9' })).toContain('allowed at 10 s: 720p');
  });
  it('the Apiframe seed example (first + end image, 768p, optimizer) is valid for hailuo-02', () => {
    const r = accept('hailuo-02', { prompt: p, first_frame_image_url: IMG, last_frame_image_url: IMG2, output_resolution: '768p', prompt_optimizer: true });
    expect(r.mode).toBe('first-last-frame');
    expect(r.pinned).toBeUndefined();
  });
});

describe('validateParams: field errors list the allowed values', () => {
  it('unknown fields are errors, with a hint for provider names', () => {
    const msg = refusal('hailuo-02', { prompt: p, resolution: '768p', fps: 24 });
    expect(msg).toContain('Unknown field "resolution": use output_resolution.');
    expect(msg).toContain('Unknown field "fps"');
  });
  it('aspect_ratio on a Hailuo model is an error, not dropped', () => {
    expect(refusal('hailuo-02', { prompt: p, aspect_ratio: '16:9' })).toBe('aspect_ratio is not taken by hailuo-02; remove it.');
  });
  it('an unknown resolution lists the allowed ones', () => {
    expect(refusal('hailuo-2.3', { prompt: p, output_resolution: '512p' })).toBe('output_resolution 512p is not offered by hailuo-2.3; allowed: 768p, 1080p.');
  });
  it('an unknown aspect ratio lists the allowed ones', () => {
    expect(refusal('runway', { prompt: p, aspect_ratio: '21:9' })).toBe('aspect_ratio 21:9 is not offered by runway; allowed: 16:9, 9:16, 1:1, 4:3, 3:4.');
  });
  it('a Runway duration out of range lists the range', () => {
    expect(refusal('runway-gen4.5', { prompt: p, duration_seconds: 12 })).toContain('allowed: 2–10 (whole seconds)');
  });
  it('a prompt over the model limit names the limit', () => {
    expect(refusal('hailuo-02', { prompt: 'x'.repeat(2001) })).toBe('prompt is 2001 characters; hailuo-02 accepts at most 2000.');
  });
  it('a missing prompt is named', () => {
    expect(refusal('hailuo-02', {})).toContain('prompt is required by hailuo-02');
  });
  it('prompt_optimizer on Runway is refused', () => {
    expect(refusal('runway-gen4.5', { prompt: p, prompt_optimizer: true })).toContain('prompt_optimizer is not taken by runway-gen4.5');
  });
  it('wrong types are named', () => {
    expect(refusal('hailuo-02', { prompt: 42 })).toContain('prompt must be a string');
    expect(refusal('hailuo-02', { prompt: p, duration_seconds: 6.5 })).toContain('duration_seconds must be a whole number of seconds');
  });
  it('several problems come back in one message', () => {
    const msg = refusal('hailuo-02', { prompt: p, duration_seconds: 7, aspect_ratio: '16:9' });
    expect(msg).toContain('duration_seconds 7');
    expect(msg).toContain('aspect_ratio is not taken');
  });
});

describe('validateParams: pinned offers', () => {
  it('a pinned image-to-video slug refuses text-to-video, naming the fix', () => {
    const msg = refusal('hailuo-2.3-image-to-video-pro', { prompt: p });
    expect(msg).toContain('serves only image-to-video');
    expect(msg).toContain('add first_frame_image_url');
    expect(msg).toContain('Use model hailuo-2.3');
  });
  it('a pinned slug refuses values only other providers serve', () => {
    expect(refusal('hailuo-02-image-to-video-standard', { prompt: p, first_frame_image_url: IMG, output_resolution: '1080p' })).toContain(
      'serves only 512p, 768p',
    );
    expect(refusal('hailuo-02-text-to-video-pro', { prompt: p, duration_seconds: 10 })).toContain('serves only 6 s');
  });
  it("gen4.5 picks Runway's endpoint by mode", () => {
    expect(accept('gen4.5', { prompt: p }).pinned?.endpoint).toBe('/v1/text_to_video');
    expect(accept('gen4.5', { prompt: p, first_frame_image_url: IMG }).pinned?.endpoint).toBe('/v1/image_to_video');
    // 21:9 is image-to-video only on Runway's own API.
    expect(accept('gen4.5', { prompt: p, first_frame_image_url: IMG, aspect_ratio: '21:9' }).pinned?.endpoint).toBe('/v1/image_to_video');
    expect(refusal('gen4.5', { prompt: p, aspect_ratio: '21:9' })).toContain('takes aspect_ratio 16:9, 9:16, 1280:720, 720:1280 only');
  });
  it('an unpinned model returns no pinned offer', () => {
    expect(accept('hailuo-02', { prompt: p }).pinned).toBeUndefined();
  });
  it('gen4_aleph (retired) pins its successor aleph2, which takes aspect_ratio as targetAspectRatio', () => {
    expect(accept('gen4_aleph', { prompt: p, source_video_url: VID, aspect_ratio: '3:2' }).pinned?.native_model).toBe('aleph2');
    expect(refusal('runway-aleph', { prompt: p, source_video_url: VID, aspect_ratio: '16:9' })).toBeUndefined();
    expect(refusal('runway-aleph', { prompt: p, source_video_url: VID, aspect_ratio: '5:4' })).toContain('allowed: 16:9');
  });
});
