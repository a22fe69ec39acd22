import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isMp4Container, sniffMedia } from '../../src/media/sniff.js';
import { fixture, SIMULATOR_MP4 } from './helpers.js';

function box(size: number, type: string, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(size, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, payload]);
}
function ftyp(major: string, ...compatible: string[]): Buffer {
  const payload = Buffer.from(major + '\0\0\0\0' + compatible.join(''), 'latin1');
  return Buffer.concat([box(8 + payload.length, 'ftyp', payload), Buffer.alloc(32)]);
}

describe('sniffMedia: real images', () => {
  it.each([
    ['red-400x320.png', 'image/png', 'png', 400, 320],
    ['blue-400x320.jpg', 'image/jpeg', 'jpg', 400, 320],
    ['green-400x320.webp', 'image/webp', 'webp', 400, 320],
    ['small-200x200.png', 'image/png', 'png', 200, 200],
    ['wide-1000x200.jpg', 'image/jpeg', 'jpg', 1000, 200],
    ['yellow-400x400.gif', 'image/gif', 'gif', 400, 400],
  ])('%s', (name, mime, ext, width, height) => {
    expect(sniffMedia(readFileSync(fixture(name)))).toEqual({ kind: 'image', mime, ext, width, height });
  });

  it('ignores the name: JPEG bytes are JPEG whatever the file is called', () => {
    const bytes = readFileSync(fixture('blue-400x320.jpg'));
    expect(sniffMedia(bytes)?.mime).toBe('image/jpeg');
  });

  it('reports a truncated image without dimensions rather than guessing', () => {
    const png = readFileSync(fixture('red-400x320.png')).subarray(0, 12);
    const info = sniffMedia(png);
    expect(info).toMatchObject({ kind: 'image', mime: 'image/png' });
    expect(info?.width).toBeUndefined();
  });
});

describe('sniffMedia: videos', () => {
  it('recognises the simulator clip as MP4', () => {
    expect(sniffMedia(readFileSync(SIMULATOR_MP4))).toEqual({ kind: 'video', mime: 'video/mp4', ext: 'mp4' });
  });
  it('recognises a QuickTime file (ftyp qt)', () => {
    expect(sniffMedia(readFileSync(fixture('tiny.mov')))).toEqual({ kind: 'video', mime: 'video/quicktime', ext: 'mov' });
  });
  it.each(['isom', 'mp41', 'mp42', 'avc1', 'iso2', 'M4V '])('MP4 brand %s', (brand) => {
    expect(sniffMedia(ftyp(brand))?.mime).toBe('video/mp4');
  });
  it('an unknown major brand with a compatible MP4 brand is MP4', () => {
    expect(sniffMedia(ftyp('xyz1', 'isom', 'mp42'))?.mime).toBe('video/mp4');
  });
  it.each(['moov', 'mdat', 'wide', 'free'])('old QuickTime files starting with a %s atom', (atom) => {
    expect(sniffMedia(Buffer.concat([box(64, atom), Buffer.alloc(56)]))?.mime).toBe('video/quicktime');
  });
  it.each([
    ['AVIF image', ftyp('avif', 'mif1', 'miaf')],
    ['HEIC image', ftyp('heic', 'mif1')],
    ['M4A audio', ftyp('M4A ', 'isom')],
    ['unknown brand, no video compat', ftyp('abcd', 'wxyz')],
    ['ftyp with an impossible size', Buffer.concat([box(4, 'ftyp'), Buffer.from('isom'), Buffer.alloc(8)])],
  ])('refuses %s', (_name, bytes) => {
    expect(sniffMedia(bytes)).toBeUndefined();
  });
  it.each([
    ['HTML', Buffer.from('<!DOCTYPE html><html><body>Access denied</body></html>')],
    ['JSON', Buffer.from('{"error":"expired"}')],
    ['an SSH key', Buffer.from('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n')],
    ['empty', Buffer.alloc(0)],
  ])('refuses %s', (_name, bytes) => {
    expect(sniffMedia(bytes)).toBeUndefined();
  });
});

describe('isMp4Container', () => {
  it('accepts the first bytes of MP4 and MOV', () => {
    expect(isMp4Container(readFileSync(SIMULATOR_MP4).subarray(0, 12))).toBe(true);
    expect(isMp4Container(readFileSync(SIMULATOR_MP4).subarray(0, 64))).toBe(true);
    expect(isMp4Container(readFileSync(fixture('tiny.mov')).subarray(0, 64))).toBe(true);
  });
  it('refuses an HTML error page, an image, and too few bytes', () => {
    expect(isMp4Container(Buffer.from('<html><head><title>403 Forbidden</title></head></html>'))).toBe(false);
    expect(isMp4Container(readFileSync(fixture('red-400x320.png')))).toBe(false);
    expect(isMp4Container(readFileSync(SIMULATOR_MP4).subarray(0, 8))).toBe(false);
  });
});
