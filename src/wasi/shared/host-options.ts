// The options both WASI component hosts (0.2: src/wasi/p2/host.ts, 0.3: src/wasi/p3/host.ts)
// take, by the same names and with the same meaning, so a host can be switched by version
// alone. Deny by default: nothing here is granted unless given.
import type { HttpTransport } from '../p2/http/transport.ts';
import type { Preopen } from '../p2/filesystem/index.ts';
import type { NetBackend } from '../p2/sockets/backend.ts';
import type { NetPolicy } from '../p2/sockets/policy.ts';
import type { Vfs } from '../vfs/types.ts';
import type { Clocks } from './clocks.ts';
import type { InputStream } from './stdio.ts';

/** `Output` is what standard output and error write to (each version has its own shape). */
export interface WasiHostOptions<Output> {
  /** argv, program name first. */
  readonly args?: readonly string[];
  /** Variables as `{ NAME: value }` or `NAME=value` strings: exactly what the guest sees. */
  readonly env?: Readonly<Record<string, string>> | readonly string[];
  /** Directories by guest name (`{ '/data': fs }`), or a list: the only files the guest reaches. */
  readonly preopens?: Readonly<Record<string, Vfs>> | readonly Preopen[];
  /** The initial working directory the guest is told (default: none, as wasmtime). */
  readonly cwd?: string;
  readonly stdin?: InputStream;
  readonly stdout?: Output;
  readonly stderr?: Output;
  readonly clocks?: Partial<Clocks>;
  readonly random?: (into: Uint8Array) => void;
  /** Hosts and ports the guest may reach (`HOST[:PORT]`); none by default. */
  readonly allowNet?: readonly string[] | NetPolicy;
  /** Sockets of the platform (src/wasi/p2/node-sockets.ts); without, sockets are `not-supported`. */
  readonly network?: NetBackend;
  /** How outgoing HTTP requests are sent (src/wasi/p2/node-http.ts); without, they fail. */
  readonly http?: HttpTransport;
}

/** The `env` option as name/value pairs (`NAME` alone is an empty value). */
export function envPairs(env: WasiHostOptions<unknown>['env']): [string, string][] {
  if (env === undefined) return [];
  if (Array.isArray(env)) {
    return (env as readonly string[]).map((s) => {
      const eq = s.indexOf('=');
      return eq < 0 ? [s, ''] : [s.slice(0, eq), s.slice(eq + 1)];
    });
  }
  return Object.entries(env as Readonly<Record<string, string>>);
}

/** The `preopens` option (`{ '/data': fs }`, or a list) as a list. */
export function preopenList(preopens: WasiHostOptions<unknown>['preopens']): readonly Preopen[] {
  if (preopens === undefined) return [];
  if (Array.isArray(preopens)) return preopens as readonly Preopen[];
  return Object.entries(preopens as Readonly<Record<string, Vfs>>).map(([guest, fs]) => ({ guest, fs }));
}
