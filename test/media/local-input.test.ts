import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaLimitsFor } from '../../src/media/limits.js';
import { allowedRoots, resolveMediaInput, safeFileName, type ResolvedInput } from '../../src/media/local-input.js';
import { fixture, rejection, removeTempDirs, SIMULATOR_MP4, tempDir } from './helpers.js';

afterAll(removeTempDirs);

/**
 * Layout (all under a fresh temp dir T):
 *   T/project/            the root (cwd)
 *     hero.png            a real PNG
 *     photo.png           JPEG bytes under a PNG name
 *     clip.mp4            the simulator MP4
 *     empty.png           0 bytes
 *     sub/inner.webp
 *     link-inside.png  -> T/project/sub/inner.webp   (allowed)
 *     link-passwd      -> /etc/passwd                (escape)
 *     link-outside.png -> T/outside/secret.png       (escape to a real image)
 *     link-dir         -> T/outside                  (escape through a directory link)
 *     dangling.png     -> T/outside/missing.png
 *     fifo             a named pipe
 *     big.png          a 300 MB sparse file
 *   T/project-b/sibling.png   a sibling whose name has the root as a prefix
 *   T/outside/secret.png, T/outside/fifo
 */
let T: string;
let root: string;
let roots: string[];

function resolve(value: string, field: Parameters<typeof resolveMediaInput>[1] = 'first_frame_image_url', extra: object = {}) {
  return resolveMediaInput(value, field, { roots, cwd: root, ...extra });
}
function local(r: ResolvedInput) {
  if (r.kind !== 'local') throw new Error(`expected local, got ${r.kind}`);
  return r;
}

beforeAll(async () => {
  T = await tempDir();
  root = path.join(T, 'project');
  mkdirSync(path.join(root, 'sub'), { recursive: true });
  mkdirSync(path.join(T, 'project-b'));
  mkdirSync(path.join(T, 'outside'));
  copyFileSync(fixture('red-400x320.png'), path.join(root, 'hero.png'));
  copyFileSync(fixture('blue-400x320.jpg'), path.join(root, 'photo.png'));
  copyFileSync(SIMULATOR_MP4, path.join(root, 'clip.mp4'));
  writeFileSync(path.join(root, 'empty.png'), '');
  copyFileSync(fixture('green-400x320.webp'), path.join(root, 'sub', 'inner.webp'));
  copyFileSync(fixture('small-200x200.png'), path.join(root, 'small.png'));
  copyFileSync(fixture('red-400x320.png'), path.join(T, 'project-b', 'sibling.png'));
  copyFileSync(fixture('red-400x320.png'), path.join(T, 'outside', 'secret.png'));
  symlinkSync(path.join(root, 'sub', 'inner.webp'), path.join(root, 'link-inside.png'));
  symlinkSync('/etc/passwd', path.join(root, 'link-passwd'));
  symlinkSync(path.join(T, 'outside', 'secret.png'), path.join(root, 'link-outside.png'));
  symlinkSync(path.join(T, 'outside'), path.join(root, 'link-dir'));
  symlinkSync(path.join(T, 'outside', 'missing.png'), path.join(root, 'dangling.png'));
  execFileSync('mkfifo', [path.join(root, 'fifo')]);
  execFileSync('mkfifo', [path.join(T, 'outside', 'fifo')]);
  writeFileSync(path.join(root, 'big.png'), readFileSync(fixture('red-400x320.png')));
  truncateSync(path.join(root, 'big.png'), 300 * 1024 * 1024);
  roots = await allowedRoots([], root, []);
});

const OUTSIDE = /is outside the folders this server may read\. Allowed: .*VIDEOGEN_INPUT_DIRS/;

describe('resolveMediaInput: URLs', () => {
  it('passes an https URL through untouched', async () => {
    expect(await resolve('https://cdn.example.com/a.jpg?sig=1')).toEqual({ kind: 'url', url: 'https://cdn.example.com/a.jpg?sig=1' });
  });
  it('passes an http URL through with a note', async () => {
    const r = await resolve('http://cdn.example.com/a.jpg');
    expect(r).toMatchObject({ kind: 'url', url: 'http://cdn.example.com/a.jpg' });
    expect(r.kind === 'url' && r.note).toMatch(/https/);
  });
  it('refuses other schemes', async () => {
    expect((await rejection(resolve('ftp://host/a.png'))).message).toMatch(/scheme "ftp:" is not supported/);
  });
  it('refuses an empty value', async () => {
    expect((await rejection(resolve('  '))).code).toBe('invalid_input');
  });
});

describe('resolveMediaInput: local paths inside the root', () => {
  it('reads a relative path, sniffs it, names it safely', async () => {
    const r = local(await resolve('./hero.png'));
    expect(r.source).toBe('path');
    expect(r.path).toBe(path.join(root, 'hero.png'));
    expect(r.media).toMatchObject({ mime: 'image/png', kind: 'image', filename: 'hero.png' });
    expect(r.media.bytes.equals(readFileSync(fixture('red-400x320.png')))).toBe(true);
    expect(r.info).toMatchObject({ width: 400, height: 320 });
  });
  it('reads an absolute path and a file:// URL inside the root', async () => {
    expect(local(await resolve(path.join(root, 'hero.png'))).media.mime).toBe('image/png');
    expect(local(await resolve(pathToFileURL(path.join(root, 'hero.png')).href)).media.mime).toBe('image/png');
  });
  it('trusts the bytes over the name: JPEG bytes in photo.png are sent as image/jpeg, photo.jpg', async () => {
    const r = local(await resolve('photo.png'));
    expect(r.media.mime).toBe('image/jpeg');
    expect(r.media.filename).toBe('photo.jpg');
  });
  it('accepts a symlink that stays inside the root, reading its real target', async () => {
    const r = local(await resolve('link-inside.png'));
    expect(r.path).toBe(path.join(root, 'sub', 'inner.webp'));
    expect(r.media.mime).toBe('image/webp');
  });
  it('accepts a video for source_video_url', async () => {
    expect(local(await resolve('clip.mp4', 'source_video_url')).media).toMatchObject({ kind: 'video', mime: 'video/mp4' });
  });
  it('applies limits when given', async () => {
    const limits = mediaLimitsFor('minimax', 'first_frame_image_url');
    const err = await rejection(resolve('small.png', 'first_frame_image_url', { limits }));
    expect(err.message).toContain('the image is 200×200; MiniMax needs the short side above 300 px');
    await expect(resolve('hero.png', 'first_frame_image_url', { limits })).resolves.toMatchObject({ kind: 'local' });
  });
});

describe('resolveMediaInput: confinement', () => {
  it('refuses /etc/passwd as outside (not merely as "not an image")', async () => {
    const err = await rejection(resolve('/etc/passwd'));
    expect(err.code).toBe('invalid_input');
    expect(err.message).toMatch(OUTSIDE);
    expect(err.message).toContain(root);
  });
  it('refuses a ../ escape, even to a real image', async () => {
    expect((await rejection(resolve('../outside/secret.png'))).message).toMatch(OUTSIDE);
    expect((await rejection(resolve('sub/../../outside/secret.png'))).message).toMatch(OUTSIDE);
  });
  it('refuses a symlink inside the root that points to /etc/passwd', async () => {
    expect((await rejection(resolve('link-passwd'))).message).toMatch(OUTSIDE);
  });
  it('refuses a symlink inside the root that points to an image outside it', async () => {
    expect((await rejection(resolve('link-outside.png'))).message).toMatch(OUTSIDE);
    expect((await rejection(resolve('link-dir/secret.png'))).message).toMatch(OUTSIDE);
  });
  it('refuses a sibling directory whose name starts with the root name', async () => {
    expect((await rejection(resolve(path.join(T, 'project-b', 'sibling.png')))).message).toMatch(OUTSIDE);
    expect((await rejection(resolve('../project-b/sibling.png'))).message).toMatch(OUTSIDE);
  });
  it('refuses ~ paths that resolve outside, and file:// URLs outside', async () => {
    expect((await rejection(resolve('~/.ssh/id_ed25519'))).message).toMatch(OUTSIDE);
    expect((await rejection(resolve(pathToFileURL(path.join(T, 'outside', 'secret.png')).href))).message).toMatch(OUTSIDE);
    expect((await rejection(resolve('file:///etc/passwd'))).message).toMatch(OUTSIDE);
  });
  it('does not reveal whether a file outside the roots exists', async () => {
    const missing = await rejection(resolve(path.join(T, 'outside', 'nope.png')));
    expect(missing.message).toMatch(OUTSIDE);
    expect((await rejection(resolve(path.join(T, 'outside', 'nope', 'deeper.png')))).message).toMatch(OUTSIDE);
  });
  it('refuses an outside FIFO as outside, without touching it (no hang)', async () => {
    expect((await rejection(resolve(path.join(T, 'outside', 'fifo')))).message).toMatch(OUTSIDE);
  }, 5_000);
  it('refuses a dangling symlink', async () => {
    expect((await rejection(resolve('dangling.png'))).message).toMatch(/broken symbolic link/);
  });
  it('says when no root is allowed at all', async () => {
    const err = await rejection(resolveMediaInput('hero.png', 'first_frame_image_url', { roots: [], cwd: root }));
    expect(err.message).toMatch(/Allowed: \(none/);
  });
});

describe('resolveMediaInput: what a local file must be', () => {
  it('refuses a directory', async () => {
    expect((await rejection(resolve('sub'))).message).toMatch(/is a directory/);
  });
  it('refuses a FIFO without blocking on it', async () => {
    expect((await rejection(resolve('fifo'))).message).toMatch(/not a regular file/);
  }, 5_000);
  it('refuses a huge file by its size, before reading it', async () => {
    const started = Date.now();
    const err = await rejection(resolve('big.png'));
    expect(err.message).toMatch(/is 315 MB; the limit for input files is 210 MB/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
  it('honours a smaller cap', async () => {
    expect((await rejection(resolve('hero.png', 'first_frame_image_url', { maxBytes: 1000 }))).message).toMatch(
      /"hero.png" is 1,226 bytes; the limit for input files is 1,000 bytes/,
    );
  });
  it('refuses an empty file, a missing file, and a file that is not media', async () => {
    expect((await rejection(resolve('empty.png'))).message).toMatch(/is empty/);
    expect((await rejection(resolve('missing.png'))).message).toMatch(/does not exist/);
    writeFileSync(path.join(root, 'notes.png'), 'just text');
    expect((await rejection(resolve('notes.png'))).message).toMatch(/not a recognised image or video/);
  });
  it('refuses a video as a first frame and an image as a source video', async () => {
    expect((await rejection(resolve('clip.mp4', 'first_frame_image_url'))).message).toMatch(/is a video \(MP4\), but first_frame_image_url takes an image/);
    expect((await rejection(resolve('hero.png', 'source_video_url'))).message).toMatch(/is an image \(PNG\), but source_video_url takes a video/);
  });
});

describe('resolveMediaInput: data URIs', () => {
  const jpeg = readFileSync(fixture('blue-400x320.jpg'));
  it('decodes and sniffs a base64 data URI', async () => {
    const r = local(await resolve(`data:image/jpeg;base64,${jpeg.toString('base64')}`));
    expect(r.source).toBe('data-uri');
    expect(r.media.bytes.equals(jpeg)).toBe(true);
    expect(r.media).toMatchObject({ mime: 'image/jpeg', filename: 'first-frame.jpg' });
  });
  it('trusts the bytes when the declared type disagrees', async () => {
    const r = local(await resolve(`data:image/png;base64,${jpeg.toString('base64')}`));
    expect(r.media.mime).toBe('image/jpeg');
    expect(r.media.filename).toBe('first-frame.jpg');
  });
  it('refuses a data URI that is not an image, or not base64, or too large', async () => {
    expect((await rejection(resolve(`data:image/png;base64,${Buffer.from('hello').toString('base64')}`))).message).toMatch(/not contain a recognised image/);
    expect((await rejection(resolve('data:image/png;base64,@@@'))).message).toMatch(/not valid base64/);
    expect((await rejection(resolve(`data:image/jpeg;base64,${jpeg.toString('base64')}`, 'first_frame_image_url', { maxBytes: 100 }))).message).toMatch(
      /limit/,
    );
    expect((await rejection(resolve('data:text/plain,hello'))).message).toMatch(/not contain a recognised/);
  });
  it('refuses an image data URI for source_video_url', async () => {
    expect((await rejection(resolve(`data:image/jpeg;base64,${jpeg.toString('base64')}`, 'source_video_url'))).message).toMatch(/takes a video/);
  });
});

describe('allowedRoots', () => {
  it("uses the MCP roots when offered (file:// URIs or paths), realpath'd", async () => {
    const linkToRoot = path.join(T, 'root-link');
    symlinkSync(root, linkToRoot);
    const r = await allowedRoots([pathToFileURL(linkToRoot).href, path.join(T, 'outside')], '/', []);
    expect(r).toEqual([root, path.join(T, 'outside')]);
  });
  it('falls back to the cwd, adds VIDEOGEN_INPUT_DIRS, drops missing dirs and duplicates', async () => {
    expect(await allowedRoots([], root, [path.join(T, 'outside'), path.join(T, 'nope'), root])).toEqual([root, path.join(T, 'outside')]);
  });
  it('ignores non-file URIs from the client', async () => {
    expect(await allowedRoots(['https://example.com/'], root, [])).toEqual([root]);
  });
  it('never falls back to a cwd of "/" (GUI clients start servers there)', async () => {
    expect(await allowedRoots([], '/', [])).toEqual([]);
    expect(await allowedRoots([], '/', [root])).toEqual([root]);
  });
  it('admits files under a VIDEOGEN_INPUT_DIRS root', async () => {
    const withOutside = await allowedRoots([], root, [path.join(T, 'outside')]);
    const r = await resolveMediaInput(path.join(T, 'outside', 'secret.png'), 'first_frame_image_url', { roots: withOutside, cwd: root });
    expect(r.kind).toBe('local');
    expect(await realpath(os.tmpdir())).toBeTruthy();
  });
});

describe('safeFileName', () => {
  it('keeps a basename only, with safe characters and the real extension', () => {
    expect(safeFileName('../../etc/passwd', 'png')).toBe('passwd.png');
    expect(safeFileName('C:\\Users\\me\\My Hero (final).JPEG', 'jpg')).toBe('My_Hero_final.jpg');
    expect(safeFileName('.hidden.png', 'png', 'first_frame_image_url')).toBe('hidden.png');
    expect(safeFileName('名前.png', 'png', 'last_frame_image_url')).toBe('last-frame.png');
    expect(safeFileName('café.webp', 'webp')).toBe('cafe.webp');
  });
});
