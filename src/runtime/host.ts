// Host functions written in JavaScript: the smallest way for an embedder (WASI, a test) to
// offer functions to the Linker. Each declares its WebAssembly type, so the linker checks
// imports against it exactly as it checks any other extern
// (https://webassembly.github.io/spec/core/exec/modules.html#instantiation, step 4), and the
// engine calls the plain JS function with the JS API's raw values: i32 as a number, i64 as a
// bigint, references as themselves
// (https://webassembly.github.io/spec/js-api/#tojsvalue). Types the JS API would convert
// lossily (f32, f64, v128, exnref) are refused: a host that needs them wants thunks.
import { emptyModule, type Module } from '../core/ast.ts';
import type { FuncType, ValType } from '../core/types.ts';
import { TypeContext } from '../validate/type-context.ts';
import type { Extern, FuncExtern, TypeSpace } from './engine.ts';
import { translateError } from './traps.ts';
import { HostRef, type Ref, type Value } from './values.ts';

/** What a host function receives and returns: numbers, bigints and references as the JS API passes them. */
export type HostFunction = (...args: never[]) => unknown;

/** A host function and its declared type. */
export interface HostFuncDef {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  readonly fn: HostFunction;
  /**
   * The engine imports it through JSPI (`WebAssembly.Suspending`, runtime/jspi.ts): it may
   * return a promise, which suspends the guest; the guest must run inside a `promising` export.
   */
  readonly suspending?: boolean;
}

const spaces = new Map<string, TypeSpace>();

/** A one-type space per signature, shared by every host function of that signature. */
function spaceFor(type: FuncType): TypeSpace {
  const key = JSON.stringify([type.params, type.results]);
  let space = spaces.get(key);
  if (space === undefined) {
    const module: Module = emptyModule();
    module.types.push({ types: [{ final: true, supertypes: [], comp: type }] });
    space = { module, context: TypeContext.of(module) };
    spaces.set(key, space);
  }
  return space;
}

function isRaw(t: ValType): boolean {
  if (t === 'i32' || t === 'i64') return true;
  // Function and extern references pass through the JS API unchanged.
  return typeof t === 'object' && (t.heap === 'extern' || t.heap === 'func' || t.heap === 'noextern' || t.heap === 'nofunc');
}

export class HostFunc implements FuncExtern {
  readonly kind = 'func';
  readonly space: TypeSpace;
  readonly type = 0;
  readonly funcType: FuncType;
  /** The JS function the engine calls. */
  readonly fn: HostFunction;
  readonly suspending: boolean;

  constructor(def: HostFuncDef) {
    for (const t of [...def.params, ...def.results]) {
      if (!isRaw(t)) throw new TypeError(`host functions take and return i32, i64 and func/extern references only, not ${typeof t === 'string' ? t : 'this reference type'}`);
    }
    if (def.results.length > 1) throw new TypeError('host functions return at most one value');
    this.funcType = { kind: 'func', params: def.params, results: def.results };
    this.space = spaceFor(this.funcType);
    this.fn = def.fn;
    this.suspending = def.suspending ?? false;
  }

  call(args: readonly Value[]): Value[] {
    const { params, results } = this.funcType;
    if (args.length !== params.length) throw new TypeError(`expected ${params.length} arguments, got ${args.length}`);
    const raw = args.map((a, i) => toRaw(a, params[i]));
    let r: unknown;
    try {
      r = (this.fn as (...a: unknown[]) => unknown)(...raw);
    } catch (e) {
      throw translateError(e);
    }
    return results.length === 0 ? [] : [fromRaw(r, results[0])];
  }
}

function toRaw(v: Value, t: ValType): unknown {
  if (t === 'i32' && v.type === 'i32') return v.value;
  if (t === 'i64' && v.type === 'i64') return v.value;
  if (typeof t === 'object' && v.type === 'ref') return v.ref instanceof HostRef ? v.ref.id : v.ref;
  throw new TypeError(`expected a value of type ${typeof t === 'string' ? t : 'ref'}, got ${v.type}`);
}

function fromRaw(r: unknown, t: ValType): Value {
  if (t === 'i32') return { type: 'i32', value: Number(r) | 0 };
  if (t === 'i64') return { type: 'i64', value: BigInt.asIntN(64, BigInt(r as bigint)) };
  return { type: 'ref', ref: (r === null || r === undefined ? null : HostRef.of(r)) as Ref };
}

/** A host module: named host functions, ready for `Linker.register`. */
export function hostModule(defs: Readonly<Record<string, HostFuncDef>>): Map<string, Extern> {
  const out = new Map<string, Extern>();
  for (const [name, def] of Object.entries(defs)) out.set(name, new HostFunc(def));
  return out;
}
