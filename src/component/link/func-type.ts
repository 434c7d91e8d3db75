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

/**
 * The type, as a property of the function (as link/guard.ts marks guest functions): one is
 * recorded per lifted function of every instance, and a WeakMap's insertion costs ~1 µs.
 */
const TYPE: unique symbol = Symbol('tessera.funcType');

type Typed = Record<symbol, FuncT | undefined>;

/** Records `f`'s component function type; returns `f`. */
export function typedFunc<F extends AnyFn>(f: F, type: FuncT): F {
  (f as unknown as Typed)[TYPE] = type;
  return f;
}

/** The component function type recorded for `f`, if it is a lifted function. */
function typeOf(f: AnyFn): FuncT | undefined {
  return Object.hasOwn(f, TYPE) ? (f as unknown as Typed)[TYPE] : undefined;
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

/**
 * Both types are the validator's objects, fixed for the life of their compiled components, so
 * a host giving the same lifted function to every instance it makes has it compared once.
 */
const compared = new WeakMap<FuncT, WeakMap<FuncT, string | null>>();

function mismatch(actual: FuncT, expected: FuncT): string | undefined {
  let byExpected = compared.get(actual);
  if (byExpected === undefined) compared.set(actual, byExpected = new WeakMap());
  let m = byExpected.get(expected);
  if (m === undefined) {
    const why: RidMap = new AnyResource();
    m = funcMismatch(actual, expected, why) ?? null;
    byExpected.set(expected, m);
  }
  return m ?? undefined;
}

/** Whether `f` is a lifted function (it has a component function type). */
export function isTypedFunc(f: AnyFn): boolean {
  return Object.hasOwn(f, TYPE);
}

/** Throws a LinkError when `f` is a lifted function whose type does not fit `expected`. */
export function checkFuncImport(f: AnyFn, expected: FuncT, path: string): void {
  const actual = typeOf(f);
  if (actual === undefined) return;
  const m = mismatch(actual, expected);
  if (m !== undefined) {
    throw new LinkError(`import \`${path}\`: expected ${describeFunc(expected)}, got a component function ${describeFunc(actual)} (${m})`);
  }
}
