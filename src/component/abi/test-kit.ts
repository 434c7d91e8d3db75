// Helpers for the ABI's tests: component types built by hand (the validator's model shapes),
// a linear memory with a logging bump `realloc`, a fake handle table, and core modules
// compiled from text with Tessera's own parser and encoder.
import { encodeModule } from '../../binary/encode.ts';
import { parseWat } from '../../text/parse.ts';
import type { FuncT, TypeEntry, VT } from '../validate/model.ts';
import type { CallScope, HandleTable, JsShape, LiftLowerOptions } from './api.ts';
import { type AddrType, flatten } from './layout.ts';

export const record = (fields: [string, VT][]): TypeEntry => ({ def: { kind: 'record', fields } });
export const tuple = (...types: VT[]): TypeEntry => ({ def: { kind: 'tuple', types } });
export const variant = (cases: [string, VT | undefined][]): TypeEntry => ({ def: { kind: 'variant', cases } });
export const list = (element: VT, length?: number): TypeEntry => ({ def: length === undefined ? { kind: 'list', element } : { kind: 'list', element, length } });
export const option = (type: VT): TypeEntry => ({ def: { kind: 'option', type } });
export const result = (ok?: VT, error?: VT): TypeEntry => ({ def: { kind: 'result', ok, error } });
export const enumOf = (...names: string[]): TypeEntry => ({ def: { kind: 'enum', names } });
export const flags = (...names: string[]): TypeEntry => ({ def: { kind: 'flags', names } });
export const map = (key: VT, value: VT): TypeEntry => ({ def: { kind: 'map', key, value } });
export const resource = (rid: number): TypeEntry => ({ def: { kind: 'resource', rid } });
export const own = (r: TypeEntry): TypeEntry => ({ def: { kind: 'own', resource: r } });
export const borrow = (r: TypeEntry): TypeEntry => ({ def: { kind: 'borrow', resource: r } });
export const func = (params: [string, VT][], res?: VT): FuncT => ({ async: false, params, result: res });

export const WIT: JsShape = { names: 'wit', results: 'tagged' };

type Core = number | bigint;

/**
 * A memory with a bump allocator as `realloc`; every call is logged as [old, oldSize, align,
 * newSize] (numbers). 🐘 With `addr` 'i64' the memory is 64-bit and realloc takes and returns
 * bigints, as a core function of type (i64 i64 i64 i64) → i64 does through the JS API.
 */
export class Heap {
  readonly memory: WebAssembly.Memory;
  readonly addr: AddrType;
  readonly calls: number[][] = [];
  next: number;
  /** Overrides the allocator's answer (to test traps on bad realloc results). */
  answer: ((old: number, oldSize: number, align: number, newSize: number) => Core) | undefined;

  constructor(pages = 1, start = 1024, addr: AddrType = 'i32') {
    this.addr = addr;
    this.memory = addr === 'i64'
      ? new WebAssembly.Memory({ initial: BigInt(pages), maximum: 65536n, address: 'i64' } as unknown as WebAssembly.MemoryDescriptor)
      : new WebAssembly.Memory({ initial: pages, maximum: 65536 });
    this.next = start;
  }

  readonly realloc = (old: Core, oldSize: Core, align: Core, newSize: Core): Core => {
    const wide = this.addr === 'i64';
    for (const x of [old, oldSize, align, newSize]) {
      if (typeof x !== (wide ? 'bigint' : 'number')) throw new TypeError(`realloc of an ${this.addr} memory called with ${typeof x}`);
    }
    const p = this.allocate(Number(old), Number(oldSize), Number(align), Number(newSize));
    return wide ? BigInt.asIntN(64, BigInt(p)) : p;
  };

  private allocate(old: number, oldSize: number, align: number, newSize: number): Core {
    this.calls.push([old, oldSize, align, newSize]);
    if (this.answer !== undefined) return this.answer(old, oldSize, align, newSize);
    if (old !== 0 && newSize <= oldSize) return old;
    this.next = Math.ceil(this.next / align) * align;
    const p = this.next;
    this.next += newSize;
    const need = this.next - this.memory.buffer.byteLength;
    if (need > 0) this.grow(Math.ceil(need / 65536));
    if (old !== 0) new Uint8Array(this.memory.buffer).copyWithin(p, old, old + oldSize);
    return p;
  }

  grow(pages: number): void {
    (this.memory.grow as (n: Core) => Core)(this.addr === 'i64' ? BigInt(pages) : pages);
  }

  opts(encoding: LiftLowerOptions['encoding'] = 'utf8', postReturn?: LiftLowerOptions['postReturn']): LiftLowerOptions {
    return { memory: this.memory, addrType: this.addr, realloc: this.realloc, encoding, postReturn };
  }

  get u8(): Uint8Array { return new Uint8Array(this.memory.buffer); }
  get dv(): DataView { return new DataView(this.memory.buffer); }

  /** Writes bytes at a fresh allocation (or at `at`) and returns their address. */
  put(bytes: ArrayLike<number>, align = 1, at?: number): number {
    const p = at ?? Number(this.allocate(0, 0, align, bytes.length));
    if (at === undefined) this.calls.pop();
    this.u8.set(bytes, p);
    return p;
  }
}

interface Scope extends CallScope { borrows: number; lent: number[] }

/** A handle table that stores JS objects; borrows count per call as the spec's do. */
export class FakeHandles implements HandleTable {
  readonly entries: ({ value: unknown; own: boolean; lends: number } | undefined)[] = [undefined];
  readonly events: string[] = [];

  add(value: unknown, own: boolean): number {
    this.entries.push({ value, own, lends: 0 });
    return this.entries.length - 1;
  }

  beginCall(): CallScope {
    const s: Scope = { borrows: 0, lent: [] };
    this.events.push('begin');
    return s;
  }

  endCall(scope: CallScope): void {
    const s = scope as Scope;
    this.events.push('end');
    if (s.borrows > 0) throw new Error('borrow handles still remain at the end of the call');
    for (const h of s.lent) this.entries[h]!.lends--;
  }

  lowerOwn(_r: TypeEntry, value: unknown): number {
    return this.add(value, true);
  }

  lowerBorrow(_r: TypeEntry, value: unknown, scope: CallScope): number {
    (scope as Scope).borrows++;
    return this.add(value, false);
  }

  liftOwn(_r: TypeEntry, handle: number): unknown {
    const e = this.entries[handle];
    if (e === undefined || !e.own) throw new Error(`unknown handle index ${handle}`);
    this.entries[handle] = undefined;
    return e.value;
  }

  liftBorrow(_r: TypeEntry, handle: number, scope: CallScope): unknown {
    const e = this.entries[handle];
    if (e === undefined) throw new Error(`unknown handle index ${handle}`);
    e.lends++;
    (scope as Scope).lent.push(handle);
    return e.value;
  }

  // Streams, futures and error contexts: JS values stored as entries (link/ tests the real ones).
  liftStream(_t: TypeEntry, handle: number): unknown {
    return this.liftOwn(_t, handle);
  }

  liftFuture(_t: TypeEntry, handle: number): unknown {
    return this.liftOwn(_t, handle);
  }

  lowerStream(_t: TypeEntry, value: unknown): number {
    return this.add(value, true);
  }

  lowerFuture(_t: TypeEntry, value: unknown): number {
    return this.add(value, true);
  }

  liftErrorContext(handle: number): unknown {
    const e = this.entries[handle];
    if (e === undefined) throw new Error(`unknown handle index ${handle}`);
    return e.value;
  }

  lowerErrorContext(value: unknown): number {
    return this.add(value, true);
  }

  /** What a callee does with a borrow it was given: drop it. */
  dropBorrow(handle: number, scope: CallScope): void {
    this.entries[handle] = undefined;
    (scope as Scope).borrows--;
  }
}

/** Instantiates a core module from text. */
export function wat(text: string, imports: WebAssembly.Imports = {}): Record<string, WebAssembly.ExportValue> {
  const bytes = encodeModule(parseWat(text));
  const m = new WebAssembly.Module(bytes);
  return new WebAssembly.Instance(m, imports).exports;
}

/** The flat core signature of `canon lift` (context 'lift') or `canon lower` ('lower'). */
export function coreSig(ft: FuncT, context: 'lift' | 'lower', addr: AddrType = 'i32'): { params: string[]; results: string[] } {
  let params: string[] = ft.params.flatMap(([, t]) => flatten(t, addr));
  let results: string[] = ft.result === undefined ? [] : flatten(ft.result, addr);
  if (params.length > 16) params = [addr];
  if (results.length > 1) {
    if (context === 'lift') results = [addr];
    else { params = [...params, addr]; results = []; }
  }
  return { params, results };
}

/**
 * A core module between a lowered import and a lifted export: it imports `f` with the
 * `canon lower` signature and exports `f` with the `canon lift` signature, passing the flat
 * values through core WebAssembly (so the JS API's conversions are exercised) and providing
 * a return area at `retArea` when results spill.
 */
export function passThrough(ft: FuncT, lowered: (...a: (number | bigint)[]) => unknown, retArea = 16, addr: AddrType = 'i32'): (...a: (number | bigint)[]) => unknown {
  const lower = coreSig(ft, 'lower', addr);
  const lift = coreSig(ft, 'lift', addr);
  const sig = (s: { params: string[]; results: string[] }) =>
    `${s.params.length ? `(param ${s.params.join(' ')})` : ''} ${s.results.length ? `(result ${s.results.join(' ')})` : ''}`;
  const gets = lift.params.map((_, i) => `(local.get ${i})`).join(' ');
  const spills = lift.results.length === 1 && lower.results.length === 0;
  const body = spills ? `(call $f ${gets} (${addr}.const ${retArea})) (${addr}.const ${retArea})` : `(call $f ${gets})`;
  const ex = wat(`(module
    (import "" "f" (func $f ${sig(lower)}))
    (func (export "f") ${sig(lift)} ${body}))`, { '': { f: lowered } });
  return ex.f as (...a: (number | bigint)[]) => unknown;
}
