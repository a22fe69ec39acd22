import { mkdtemp, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VideogenError } from '../../src/errors.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/media/', import.meta.url));
export const SIMULATOR_MP4 = fileURLToPath(new URL('../../assets/simulator.mp4', import.meta.url));

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

const created: string[] = [];

/** A fresh, realpath'd temporary directory, removed by `removeTempDirs`. */
export async function tempDir(prefix = 'videogen-media-'): Promise<string> {
  const dir = await realpath(await mkdtemp(path.join(os.tmpdir(), prefix)));
  created.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  for (const dir of created.splice(0)) await rm(dir, { recursive: true, force: true });
}

/** Await a promise that must reject with a VideogenError; returns the error for further checks. */
export async function rejection(p: Promise<unknown>): Promise<VideogenError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof VideogenError) return err;
    throw new Error(`expected a VideogenError, got: ${String(err)}`, { cause: err });
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** Call a function that must throw a VideogenError. */
export function thrown(fn: () => unknown): VideogenError {
  try {
    fn();
  } catch (err) {
    if (err instanceof VideogenError) return err;
    throw new Error(`expected a VideogenError, got: ${String(err)}`, { cause: err });
  }
  throw new Error('expected a throw, but the function returned');
}
