// The component-level type of each function a `canon lift` made, so that a function exported
// by one instance and given as an import to another is checked against the import's type at
// link time (as a component-to-component import inside one component is by the validator),
// instead of failing, or passing garbled values, at its first call. JavaScript functions carry
// no type and are taken as they are.
import { LinkError } from '../../core/errors.ts';
import type { FuncT } from '../validate/model.ts';
import { funcMismatch, type RidMap } from '../validate/subtype.ts';
import { describeFunc } from './describe.ts';
import type { AnyFn } from './frame.ts';

const TYPES = new WeakMap<AnyFn, FuncT>();

/** Records `f`'s component function type; returns `f`. */
export function typedFunc<F extends AnyFn>(f: F, type: FuncT): F {
  TYPES.set(f, type);
  return f;
}

/**
 * Resource ids of two separately validated components say nothing about each other: every
 * resource compares equal here, and a resource value's real type is checked where it crosses
 * (a handle of another resource type is refused when lowered).
 */
class AnyResource extends Map<number, number> {
  override get(): number {
    return 0;
  }
}

/** Throws a LinkError when `f` is a lifted function whose type does not fit `expected`. */
export function checkFuncImport(f: AnyFn, expected: FuncT, path: string): void {
  const actual = TYPES.get(f);
  if (actual === undefined) return;
  const why: RidMap = new AnyResource();
  const m = funcMismatch(actual, expected, why);
  if (m !== undefined) {
    throw new LinkError(`import \`${path}\`: expected ${describeFunc(expected)}, got a component function ${describeFunc(actual)} (${m})`);
  }
}
