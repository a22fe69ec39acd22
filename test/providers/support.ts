/** Shared helpers for the adapter tests. */
import { expect } from 'vitest';
import { VideogenError } from '../../src/errors.js';

/** The VideogenError a promise rejects with (fails the test if it resolves or throws anything else). */
export async function caught(p: Promise<unknown>): Promise<VideogenError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(VideogenError);
    return err as VideogenError;
  }
  throw new Error('expected a rejection');
}
