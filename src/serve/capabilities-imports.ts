// Host imports whose functions may return promises (wasi:keyvalue on Redis: every call is a
// round trip), marked so the runtime imports them through JSPI and the guest waits for them
// suspended (src/component/link/jspi.ts); the server then races each wait against the
// request's deadline (src/serve/context.ts). Resource classes are kept as they are.
import { suspendingHost } from '../component/link/index.ts';

type Imports = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

function isClass(f: unknown): boolean {
  return typeof f === 'function' && /^class\b/.test(Function.prototype.toString.call(f));
}

export function suspendingImports(imports: Imports): Imports {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [iface, obj] of Object.entries(imports)) {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      copy[k] = typeof v === 'function' && !isClass(v) ? suspendingHost((...args: unknown[]) => (v as (...a: unknown[]) => unknown)(...args)) : v;
    }
    out[iface] = copy;
  }
  return out;
}
