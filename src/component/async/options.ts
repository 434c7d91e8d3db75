// 🔀 The canonical options of an async built-in or an async `canon lift` / `canon lower`,
// resolved in the instance being built (CanonicalABI.md, "Canonical ABI Options"). `realloc`
// runs with may_leave cleared, as everywhere ("LiftLowerContext.reallocate").
import type { AddrType } from '../../core/types.ts';
import type { CanonOpt } from '../ast.ts';
import type { AnyFn, Frame } from '../link/frame.ts';
import { noLeave, noLeaveRealloc } from '../link/guard.ts';

type Core = number | bigint;

export interface AsyncOptions {
  readonly encoding: 'utf8' | 'utf16' | 'latin1+utf16';
  readonly memory: WebAssembly.Memory | undefined;
  /** 🐘 The memory's address type (i32 without a memory): pointers and lengths of 64-bit memories are i64. */
  readonly addrType: AddrType;
  readonly realloc: ((ptr: number, oldSize: number, align: number, newSize: number) => number) | undefined;
  readonly postReturn: ((...flat: Core[]) => void) | undefined;
  readonly async: boolean;
  readonly callback: AnyFn | undefined;
}

export function asyncOptions(frame: Frame, opts: readonly CanonOpt[]): AsyncOptions {
  let encoding: AsyncOptions['encoding'] = 'utf8';
  let memory: WebAssembly.Memory | undefined;
  let addrType: AddrType = 'i32';
  let realloc: AsyncOptions['realloc'];
  let postReturn: AsyncOptions['postReturn'];
  let async = false;
  let callback: AnyFn | undefined;
  for (const o of opts) {
    switch (o.kind) {
      case 'utf8': case 'utf16': case 'latin1+utf16': encoding = o.kind; break;
      case 'memory': memory = frame.coreMemories[o.index]; addrType = frame.scope.coreMemories[o.index].addr; break;
      case 'realloc': realloc = noLeaveRealloc(frame.inst, frame.coreFuncs[o.index] as (a: number, b: number, c: number, d: number) => unknown); break;
      case 'post-return': postReturn = noLeave(frame.inst, frame.coreFuncs[o.index] as (...flat: Core[]) => unknown); break;
      case 'async': async = true; break;
      case 'callback': callback = frame.coreFuncs[o.index]; break;
    }
  }
  return { encoding, memory, addrType, realloc, postReturn, async, callback };
}

/** The options the ABI's value plans take. */
export function liftLowerOptions(o: AsyncOptions): { encoding: AsyncOptions['encoding']; memory?: WebAssembly.Memory; addrType: AddrType; realloc?: NonNullable<AsyncOptions['realloc']> } {
  return { encoding: o.encoding, addrType: o.addrType, ...(o.memory ? { memory: o.memory } : {}), ...(o.realloc ? { realloc: o.realloc } : {}) };
}
