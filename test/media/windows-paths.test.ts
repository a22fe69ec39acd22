/**
 * Path handling under Windows rules, on any machine: containment of local inputs (drive letters,
 * case-insensitive names, UNC shares, `..`), VIDEOGEN_INPUT_DIRS split on `;`, and file names that
 * Windows accepts. Each check runs with `path.win32` (and the POSIX twin where the rules differ).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePathList } from '../../src/config.js';
import { videoFileName } from '../../src/media/download.js';
import { isInside, safeFileName } from '../../src/media/local-input.js';

const win = path.win32;

describe('isInside with Windows paths', () => {
  const root = 'C:\\Users\\me\\project';
  it.each([
    ['C:\\Users\\me\\project', true],
    ['C:\\Users\\me\\project\\frames\\a.png', true],
    ['c:\\users\\ME\\Project\\a.png', true], // NTFS names are case-insensitive
    ['C:/Users/me/project/a.png', true], // forward slashes are separators on Windows
    ['C:\\Users\\me\\project-other\\a.png', false], // a sibling sharing the prefix
    ['C:\\Users\\me\\project\\..\\secret.txt', false],
    ['C:\\Users\\me\\project\\frames\\..\\..\\secret.txt', false],
    ['C:\\Users\\me', false],
    ['D:\\Users\\me\\project\\a.png', false], // another drive
    ['\\\\server\\share\\project\\a.png', false], // a UNC share
    ['C:\\', false],
  ])('%s → %s', (candidate, inside) => {
    expect(isInside(root, candidate, win)).toBe(inside);
  });

  it('the same names are distinct on POSIX (case-sensitive), and backslashes are not separators there', () => {
    expect(isInside('/home/me/project', '/home/me/Project/a.png', path.posix)).toBe(false);
    expect(isInside('/home/me/project', '/home/me/project/..\\x', path.posix)).toBe(true); // a file literally named "..\x"
  });
});

describe('VIDEOGEN_INPUT_DIRS uses the platform delimiter', () => {
  it('splits on ";" on Windows, keeping drive letters whole, and resolves relative entries', () => {
    expect(parsePathList('C:\\media;D:\\frames; relative\\dir ;', 'C:\\proj', win)).toEqual(['C:\\media', 'D:\\frames', 'C:\\proj\\relative\\dir']);
  });
  it('splits on ":" on macOS and Linux', () => {
    expect(parsePathList('/media:/frames:rel', '/proj', path.posix)).toEqual(['/media', '/frames', '/proj/rel']);
  });
  it('a Windows list is never split on the drive colon', () => {
    expect(parsePathList('C:\\only', 'C:\\proj', win)).toEqual(['C:\\only']);
  });
});

describe('file names Windows accepts', () => {
  const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;
  const valid = (name: string) => {
    expect(name).not.toMatch(/[<>:"/\\|?*\x00-\x1f]/);
    expect(name).not.toMatch(/[. ]$/);
    expect(name).not.toMatch(RESERVED);
    expect(win.basename(name)).toBe(name);
    expect(name.length).toBeLessThanOrEqual(120);
  };

  it.each(['CON', 'a:b/c\\d', 'what? <yes> "no" |pipe|*', '..', 'NUL.txt', ' trailing dot. ', 'ünïcödé 日本語 🎬', 'x'.repeat(500), ''])(
    'saved video for prompt %j',
    (prompt) => {
      const name = videoFileName('runapi_abc123', prompt);
      valid(name);
      expect(win.join('C:\\Users\\me\\videos', name).startsWith('C:\\Users\\me\\videos\\')).toBe(true);
    },
  );

  it.each([
    ['C:\\Users\\me\\My Photos\\hero shot.PNG', 'hero_shot.png'],
    ['\\\\server\\share\\frame.jpg', 'frame.jpg'],
    ['C:\\tmp\\CON.png', 'CON.png'],
    ['C:\\tmp\\..\\..\\evil.png', 'evil.png'],
  ])('upload name for %s', (input, expected) => {
    const ext = expected.split('.').pop()!;
    const name = safeFileName(input, ext, 'first_frame_image_url');
    expect(name).toBe(expected);
    expect(win.basename(name)).toBe(name);
  });
});
