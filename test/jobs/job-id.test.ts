import { describe, expect, it } from 'vitest';
import { decodeJobId, encodeJobId } from '../../src/jobs/job-id.js';

describe('job ids', () => {
  it('round-trip provider, model and handle', () => {
    const id = encodeJobId('runapi', 'hailuo-02', { id: '3f0c2a9e-6b1d-4c1e-9f7a-2d6f1b9e8c41', svc: 'hailuo', ep: 'image_to_video' });
    expect(id.startsWith('runapi_')).toBe(true);
    expect(decodeJobId(id)).toEqual({
      provider: 'runapi',
      model: 'hailuo-02',
      handle: { id: '3f0c2a9e-6b1d-4c1e-9f7a-2d6f1b9e8c41', svc: 'hailuo', ep: 'image_to_video' },
    });
  });

  it.each([
    ['nope', /no provider prefix/],
    ['acme_WyJ4Il0', /unknown provider/],
    ['runapi_!!!', /undecodable|malformed/],
    [`runapi_${Buffer.from('["m",{"id":5}]').toString('base64url')}`, /no upstream id/],
    [`runapi_${Buffer.from('["m",{"id":"a","x":{}}]').toString('base64url')}`, /malformed handle/],
    [`runapi_${'A'.repeat(2000)}`, /too long/],
  ])('refuses %s', (bad, why) => {
    expect(() => decodeJobId(bad)).toThrow(why);
  });
});
