// TEMPORARY: a minimal stand-in for src/component/abi (the runtime contract's liftFunc /
// lowerFunc), so linking can be built and tested before the real Canonical ABI lands. It
// serves functions of primitive, string (UTF-8) and own/borrow types with at most 16 flat
// parameters; anything else is refused at instantiation. Deleted once ABI lands.
import { LinkError, Trap } from '../../core/errors.ts';
import type { FuncT, TypeEntry, VT } from '../validate/model.ts';

export interface LiftLowerOptions {
  readonly memory?: WebAssembly.Memory;
  readonly realloc?: (ptr: number, oldSize: number, align: number, newSize: number) => number;
  readonly encoding: 'utf8' | 'utf16' | 'latin1+utf16';
  readonly postReturn?: (...flat: (number | bigint)[]) => void;
}
export interface JsShape { readonly names: 'wit' | 'camel'; readonly results: 'throw' | 'tagged' }
/** Opaque to the ABI; the handle table defines it. */
// deno-lint-ignore no-empty-interface
export interface CallScope {}
export interface HandleTable {
  beginCall(): CallScope;
  endCall(scope: CallScope): void;
  lowerOwn(resource: TypeEntry, value: unknown, scope: CallScope): number;
  lowerBorrow(resource: TypeEntry, value: unknown, scope: CallScope): number;
  liftOwn(resource: TypeEntry, handle: number, scope: CallScope): unknown;
  liftBorrow(resource: TypeEntry, handle: number, scope: CallScope): unknown;
}

type Flat = number | bigint;
type Lower = (v: unknown, out: Flat[], cx: Cx) => void;
type Lift = (flat: readonly Flat[], at: number, cx: Cx) => unknown;

interface Cx {
  readonly opts: LiftLowerOptions;
  readonly handles: HandleTable;
  readonly scope: CallScope;
}

function unsupported(t: VT): never {
  throw new LinkError(`the ABI stand-in does not support type ${typeof t === 'string' ? t : t.def.kind}`);
}

function prim(t: VT): string | undefined {
  if (typeof t === 'string') return t;
  return t.def.kind === 'prim' ? t.def.type : undefined;
}

function flatCount(t: VT): number {
  return prim(t) === 'string' ? 2 : 1;
}

function mem(cx: Cx): Uint8Array {
  if (cx.opts.memory === undefined) throw new LinkError('memory required');
  return new Uint8Array(cx.opts.memory.buffer);
}

function lowerer(t: VT): Lower {
  const p = prim(t);
  switch (p) {
    case 'bool': return (v, out) => { out.push(v ? 1 : 0); };
    case 's8': case 'u8': case 's16': case 'u16': case 's32': case 'u32': return (v, out) => { out.push(Number(v) | 0); };
    case 's64': case 'u64': return (v, out) => { out.push(BigInt.asIntN(64, BigInt(v as bigint))); };
    case 'f32': case 'f64': return (v, out) => { out.push(Number(v)); };
    case 'char': return (v, out) => { out.push((v as string).codePointAt(0) as number); };
    case 'string': return (v, out, cx) => {
      const bytes = new TextEncoder().encode(v as string);
      const realloc = cx.opts.realloc;
      if (realloc === undefined) throw new LinkError('realloc required');
      const ptr = realloc(0, 0, 1, bytes.length) >>> 0;
      mem(cx).set(bytes, ptr);
      out.push(ptr, bytes.length);
    };
    case undefined: break;
    default: unsupported(t);
  }
  const d = (t as TypeEntry).def;
  if (d.kind === 'own') return (v, out, cx) => { out.push(cx.handles.lowerOwn(d.resource, v, cx.scope)); };
  if (d.kind === 'borrow') return (v, out, cx) => { out.push(cx.handles.lowerBorrow(d.resource, v, cx.scope)); };
  return unsupported(t);
}

function lifter(t: VT): Lift {
  const p = prim(t);
  switch (p) {
    case 'bool': return (f, i) => f[i] !== 0;
    case 's8': return (f, i) => ((f[i] as number) << 24) >> 24;
    case 'u8': return (f, i) => (f[i] as number) & 0xff;
    case 's16': return (f, i) => ((f[i] as number) << 16) >> 16;
    case 'u16': return (f, i) => (f[i] as number) & 0xffff;
    case 's32': return (f, i) => (f[i] as number) | 0;
    case 'u32': return (f, i) => (f[i] as number) >>> 0;
    case 's64': return (f, i) => BigInt.asIntN(64, f[i] as bigint);
    case 'u64': return (f, i) => BigInt.asUintN(64, f[i] as bigint);
    case 'f32': case 'f64': return (f, i) => f[i];
    case 'char': return (f, i) => {
      const c = (f[i] as number) >>> 0;
      if (c >= 0x110000 || (c >= 0xd800 && c < 0xe000)) throw new Trap('invalid `char` bit pattern');
      return String.fromCodePoint(c);
    };
    case 'string': return (f, i, cx) => {
      const ptr = (f[i] as number) >>> 0;
      const len = (f[i + 1] as number) >>> 0;
      const m = mem(cx);
      if (ptr + len > m.length) throw new Trap('string content out-of-bounds');
      return new TextDecoder('utf-8', { fatal: true }).decode(m.subarray(ptr, ptr + len));
    };
    case undefined: break;
    default: unsupported(t);
  }
  const d = (t as TypeEntry).def;
  if (d.kind === 'own') return (f, i, cx) => cx.handles.liftOwn(d.resource, f[i] as number, cx.scope);
  if (d.kind === 'borrow') return (f, i, cx) => cx.handles.liftBorrow(d.resource, f[i] as number, cx.scope);
  return unsupported(t);
}

function checkSize(type: FuncT): void {
  let n = 0;
  for (const [, t] of type.params) n += flatCount(t);
  if (n > 16) throw new LinkError('the ABI stand-in does not spill parameters');
}

export function liftFunc(type: FuncT, core: (...a: Flat[]) => unknown, opts: LiftLowerOptions, handles: HandleTable,
  _shape: JsShape): (...args: unknown[]) => unknown {
  checkSize(type);
  const lowers = type.params.map(([, t]) => lowerer(t));
  const result = type.result;
  const lift = result === undefined ? undefined : lifter(result);
  const spilled = result !== undefined && flatCount(result) > 1;
  return (...args: unknown[]) => {
    const cx: Cx = { opts, handles, scope: handles.beginCall() };
    const flat: Flat[] = [];
    for (let i = 0; i < lowers.length; i++) lowers[i](args[i], flat, cx);
    const r = core(...flat) as Flat;
    let v: unknown;
    if (lift !== undefined) {
      if (spilled) {
        const ptr = (r as number) >>> 0;
        const view = new DataView((opts.memory as WebAssembly.Memory).buffer);
        v = lift([view.getInt32(ptr, true), view.getInt32(ptr + 4, true)], 0, cx);
      } else v = lift([r], 0, cx);
    }
    handles.endCall(cx.scope);
    if (opts.postReturn !== undefined) {
      if (lift === undefined) opts.postReturn();
      else opts.postReturn(r);
    }
    return v;
  };
}

export function lowerFunc(type: FuncT, callee: (...args: unknown[]) => unknown, opts: LiftLowerOptions, handles: HandleTable,
  _shape: JsShape): (...flat: Flat[]) => unknown {
  checkSize(type);
  const lifts = type.params.map(([, t]) => lifter(t));
  const offsets: number[] = [];
  let n = 0;
  for (const [, t] of type.params) {
    offsets.push(n);
    n += flatCount(t);
  }
  const result = type.result;
  const lower = result === undefined ? undefined : lowerer(result);
  const spilled = result !== undefined && flatCount(result) > 1;
  return (...flat: Flat[]) => {
    const cx: Cx = { opts, handles, scope: handles.beginCall() };
    const args: unknown[] = [];
    for (let i = 0; i < lifts.length; i++) args.push(lifts[i](flat, offsets[i], cx));
    const r = callee(...args);
    let out: Flat | undefined;
    if (lower !== undefined) {
      const vals: Flat[] = [];
      lower(r, vals, cx);
      if (spilled) {
        const retptr = (flat[n] as number) >>> 0;
        const view = new DataView((opts.memory as WebAssembly.Memory).buffer);
        view.setInt32(retptr, vals[0] as number, true);
        view.setInt32(retptr + 4, vals[1] as number, true);
      } else out = vals[0];
    }
    handles.endCall(cx.scope);
    return out;
  };
}
