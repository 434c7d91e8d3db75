// Helpers for the 0.2 host's unit tests: the err payload of a call, and an IoContext.
import assert from 'node:assert/strict';
import { ComponentError } from '../../core/errors.ts';
import { defaultClocks } from '../shared/clocks.ts';
import type { IoContext } from './io/poll.ts';

/** The payload of the `err` a host call ended with (fails the test if it returned). */
export function errOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    if (e instanceof ComponentError) return e.payload;
    throw e;
  }
  return assert.fail('expected the call to end with err(...)');
}

/** The same, for a call that may return a promise. */
export async function errOfAsync(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    if (e instanceof ComponentError) return e.payload;
    throw e;
  }
  return assert.fail('expected the call to end with err(...)');
}

export function ioContext(jspi = true): IoContext {
  return { clocks: defaultClocks(), jspi };
}
