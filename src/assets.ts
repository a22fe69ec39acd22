/**
 * Locating files shipped in `assets/`: the bundled bin lives in `dist/`, the sources in `src/…`, so
 * look upward from this module for the package's `assets/` folder.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function assetPath(name: string): string {
  if (!cached) {
    let dir = path.dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 5; i++) {
      if (existsSync(path.join(dir, 'assets', 'simulator.mp4'))) break;
      dir = path.dirname(dir);
    }
    cached = path.join(dir, 'assets');
  }
  return path.join(cached, name);
}
