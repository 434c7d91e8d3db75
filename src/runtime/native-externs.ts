// Externs of the native tier, and the conversion of Tessera values to and from what the
// JS API passes (https://webassembly.github.io/spec/js-api/#towebassemblyvalue). Plain
// values (i32, i64, references other than exnref) cross directly; the rest go through
// thunks (thunks.ts), whose integer pieces are converted here.
import type { FuncType, GlobalType, MemoryType, RefType, TableType, TagType, ValType } from '../core/types.ts';
import type { Extern, FuncExtern, GlobalExtern, MemoryExtern, TableExtern, TagExtern, TypeSpace } from './engine.ts';
import { HostFunc } from './host.ts';
import { suspending } from './jspi.ts';
import { funcTypeAt, subTypeAt } from './module-types.ts';
import { translateError } from './traps.ts';
import { CLASS_ARRAY, CLASS_I31, CLASS_STRUCT, crossingOf, needsThunk } from './thunks.ts';
import { HostRef, type Ref, type Value, WasmRef } from './values.ts';

/** What externs need from the engine to cross the boundary. */
export interface Boundary {
  classify(ref: unknown): number;
  funcThunk(space: TypeSpace, type: number, fn: WebAssembly.ImportValue): (...args: unknown[]) => unknown;
  globalThunk(space: TypeSpace, type: GlobalType, g: WebAssembly.Global): WebAssembly.Exports;
}

type JsFunction = (...args: unknown[]) => unknown;

export class NativeFunc implements FuncExtern {
  readonly kind = 'func';
  readonly space: TypeSpace;
  readonly type: number;
  readonly funcType: FuncType;
  /** The engine's function (what `instance.exports` holds). */
  readonly fn: JsFunction;
  readonly #boundary: Boundary;
  #invoke: ((args: readonly Value[]) => Value[]) | undefined;

  constructor(boundary: Boundary, space: TypeSpace, type: number, fn: JsFunction) {
    this.#boundary = boundary;
    this.space = space;
    this.type = type;
    this.funcType = funcTypeAt(space.module, type);
    this.fn = fn;
  }

  call(args: readonly Value[]): Value[] {
    const { params } = this.funcType;
    if (args.length !== params.length) throw new TypeError(`expected ${params.length} arguments, got ${args.length}`);
    try {
      this.#invoke ??= this.#invoker();
      return this.#invoke(args);
    } catch (e) {
      throw translateError(e);
    }
  }

  #invoker(): (args: readonly Value[]) => Value[] {
    const { params, results } = this.funcType;
    const b = this.#boundary;
    const space = this.space;
    const fn = needsThunk(params) || needsThunk(results) ? b.funcThunk(space, this.type, this.fn) : this.fn;
    return (args) => {
      const js: unknown[] = [];
      args.forEach((a, i) => lowerInto(js, a, params[i]));
      const r = fn(...js);
      const pieces: unknown[] = results.length === 0 ? [] : (
        results.length === 1 && crossingOf(results[0]) !== 'v128' ? [r] : [...(r as Iterable<unknown>)]);
      return liftAll(b, space, results, pieces);
    };
  }
}

export class NativeTable implements TableExtern {
  readonly kind = 'table';
  readonly space: TypeSpace;
  readonly table: WebAssembly.Table;
  readonly #declared: TableType;
  constructor(space: TypeSpace, declared: TableType, table: WebAssembly.Table) {
    this.space = space;
    this.#declared = declared;
    this.table = table;
  }
  size(): number {
    return Number(this.table.length);
  }
  get type(): TableType {
    const min = this.#declared.addr === 'i64' ? BigInt(this.table.length) : Number(this.table.length);
    return { ...this.#declared, limits: { min, max: this.#declared.limits.max } };
  }
}

export class NativeMemory implements MemoryExtern {
  readonly kind = 'memory';
  readonly space: TypeSpace;
  readonly memory: WebAssembly.Memory;
  readonly #declared: MemoryType;
  constructor(space: TypeSpace, declared: MemoryType, memory: WebAssembly.Memory) {
    this.space = space;
    this.#declared = declared;
    this.memory = memory;
  }
  get buffer(): ArrayBuffer | SharedArrayBuffer {
    return this.memory.buffer;
  }
  get type(): MemoryType {
    const pages = this.memory.buffer.byteLength / 2 ** (this.#declared.pageSizeLog2 ?? 16);
    return { ...this.#declared, limits: { min: pages, max: this.#declared.limits.max } };
  }
}

export class NativeGlobal implements GlobalExtern {
  readonly kind = 'global';
  readonly space: TypeSpace;
  readonly type: GlobalType;
  readonly global: WebAssembly.Global;
  readonly #boundary: Boundary;
  #thunk: WebAssembly.Exports | undefined;
  constructor(boundary: Boundary, space: TypeSpace, type: GlobalType, global: WebAssembly.Global) {
    this.#boundary = boundary;
    this.space = space;
    this.type = type;
    this.global = global;
  }
  #viaThunk(): WebAssembly.Exports | undefined {
    if (!needsThunk([this.type.type])) return undefined;
    return (this.#thunk ??= this.#boundary.globalThunk(this.space, this.type, this.global));
  }
  get(): Value {
    const t = this.type.type;
    const thunk = this.#viaThunk();
    if (thunk === undefined) return liftAll(this.#boundary, this.space, [t], [this.global.value])[0];
    let r: unknown;
    try {
      r = (thunk.get as JsFunction)();
    } catch (e) {
      throw translateError(e);
    }
    return liftAll(this.#boundary, this.space, [t], crossingOf(t) === 'v128' ? [...(r as Iterable<unknown>)] : [r])[0];
  }
  set(value: Value): void {
    if (!this.type.mutable) throw new TypeError('cannot set an immutable global');
    const js: unknown[] = [];
    lowerInto(js, value, this.type.type);
    const thunk = this.#viaThunk();
    if (thunk === undefined) this.global.value = js[0];
    else (thunk.set as JsFunction)(...js);
  }
}

export class NativeTag implements TagExtern {
  readonly kind = 'tag';
  readonly space: TypeSpace;
  readonly type: TagType;
  readonly tag: WebAssembly.Tag;
  constructor(space: TypeSpace, type: TagType, tag: WebAssembly.Tag) {
    this.space = space;
    this.type = type;
    this.tag = tag;
  }
}

/** The engine object behind an extern, as an import object holds it. */
export function nativeValue(ext: Extern): WebAssembly.ImportValue {
  if (ext instanceof NativeFunc) return ext.fn;
  // A host function's types cross the JS API exactly (host.ts allows no others).
  if (ext instanceof HostFunc) return ext.suspending ? suspending(ext.fn) : ext.fn as WebAssembly.ImportValue;
  if (ext instanceof NativeTable) return ext.table;
  if (ext instanceof NativeMemory) return ext.memory;
  if (ext instanceof NativeGlobal) return ext.global;
  if (ext instanceof NativeTag) return ext.tag as unknown as WebAssembly.ImportValue; // lib.dom predates tags
  throw new TypeError(`a ${ext.kind} from another engine cannot be imported by the native engine`);
}

// --- Values ↔ JS pieces ----------------------------------------------------------------

const view = new DataView(new ArrayBuffer(16));

function mismatch(v: Value, t: ValType): TypeError {
  return new TypeError(`expected a value of type ${typeof t === 'string' ? t : 'ref'}, got ${v.type}`);
}

/** Appends the JS pieces standing for `v` (of type `t`) to `out`. */
function lowerInto(out: unknown[], v: Value, t: ValType): void {
  switch (crossingOf(t)) {
    case 'plain':
      if (typeof t === 'object') {
        if (v.type !== 'ref') throw mismatch(v, t);
        out.push(unwrap(v.ref));
      } else if (v.type === 'i32' && t === 'i32') out.push(v.value);
      else if (v.type === 'i64' && t === 'i64') out.push(v.value);
      else throw mismatch(v, t);
      return;
    case 'f32':
      if (v.type !== 'f32') throw mismatch(v, t);
      out.push(v.bits | 0);
      return;
    case 'f64':
      if (v.type !== 'f64') throw mismatch(v, t);
      out.push(BigInt.asIntN(64, v.bits));
      return;
    case 'v128':
      if (v.type !== 'v128') throw mismatch(v, t);
      for (let k = 0; k < 16; k++) view.setUint8(k, v.bytes[k]);
      for (let k = 0; k < 4; k++) out.push(view.getInt32(k * 4, true));
      return;
    case 'exn':
      if (v.type !== 'ref') throw mismatch(v, t);
      if (v.ref === null) out.push(0);
      else if (v.ref instanceof WasmRef && v.ref.kind === 'exn') out.push(v.ref.handle);
      else throw new TypeError('expected an exception reference');
  }
}

function unwrap(r: Ref): unknown {
  if (r === null || r instanceof HostRef) return r;
  return r.handle;
}

/** Values of types `types` from their JS pieces, in order. */
function liftAll(b: Boundary, space: TypeSpace, types: readonly ValType[], pieces: readonly unknown[]): Value[] {
  const out: Value[] = [];
  let p = 0;
  for (const t of types) {
    switch (crossingOf(t)) {
      case 'plain':
        if (typeof t === 'object') out.push({ type: 'ref', ref: liftRef(b, space, t, pieces[p]) });
        else if (t === 'i32') out.push({ type: 'i32', value: Number(pieces[p]) | 0 });
        else out.push({ type: 'i64', value: BigInt.asIntN(64, pieces[p] as bigint) });
        p++;
        break;
      case 'f32': out.push({ type: 'f32', bits: Number(pieces[p++]) >>> 0 }); break;
      case 'f64': out.push({ type: 'f64', bits: BigInt.asUintN(64, pieces[p++] as bigint) }); break;
      case 'v128': {
        for (let k = 0; k < 4; k++) view.setInt32(k * 4, Number(pieces[p++]), true);
        out.push({ type: 'v128', bytes: new Uint8Array(view.buffer.slice(0)) });
        break;
      }
      case 'exn': {
        const index = Number(pieces[p++]);
        out.push({ type: 'ref', ref: index === 0 ? null : new WasmRef('exn', index) });
        break;
      }
    }
  }
  return out;
}

/** A reference from the engine, named by the hierarchy of its static type. */
function liftRef(b: Boundary, space: TypeSpace, t: RefType, x: unknown): Ref {
  if (x === null || x === undefined) return null;
  if (x instanceof HostRef) return x;
  switch (hierarchy(space, t)) {
    case 'func': return new WasmRef('func', x);
    case 'extern': return new WasmRef('extern', x);
    case 'exn': return new WasmRef('exn', x);
    case 'any': {
      // The JS API shows an i31 as a number; structs and arrays are opaque objects.
      if (typeof x === 'number') return new WasmRef('i31', x);
      const bits = b.classify(x);
      if (bits & CLASS_STRUCT) return new WasmRef('struct', x);
      if (bits & CLASS_ARRAY) return new WasmRef('array', x);
      if (bits & CLASS_I31) return new WasmRef('i31', x);
      return new WasmRef('extern', x);
    }
  }
}

function hierarchy(space: TypeSpace, t: RefType): 'func' | 'extern' | 'any' | 'exn' {
  const h = t.heap;
  if (typeof h === 'number') return subTypeAt(space.module, h).comp.kind === 'func' ? 'func' : 'any';
  switch (h) {
    case 'func': case 'nofunc': return 'func';
    case 'extern': case 'noextern': return 'extern';
    case 'exn': case 'noexn': return 'exn';
    default: return 'any';
  }
}
