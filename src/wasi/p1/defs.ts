// How the WASI modules declare their host functions: each returns an errno (i32), except
// proc_exit (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/witx/wasi_snapshot_preview1.witx).
import type { ValType } from '../../core/types.ts';
import type { HostFuncDef, HostFunction } from '../../runtime/host.ts';

export type Defs = Record<string, HostFuncDef>;

/** Parameter types by letter: `i` is i32, `I` is i64. */
export function errnoFn(sig: string, fn: HostFunction): HostFuncDef {
  const params: ValType[] = [...sig].map((c) => (c === 'I' ? 'i64' : 'i32'));
  return { params, results: ['i32'], fn };
}
