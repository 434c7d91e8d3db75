// The JavaScript view of the world tessera:bench/bench (test/fixtures/component/wit/bench.wit),
// shared by the fixture tests and the component-call benchmark: host imports, one way to
// call the exports whichever host instantiated the component (jco's shapes: camelCase
// names, `Counter` as a class), and a check that every export answers correctly.

export const API = 'tessera:bench/api';
export const HOST = 'tessera:bench/host';

export interface Rec10 {
  tiny: number; count: number; bigNumber: bigint; ratio: number; flag: boolean;
  name: string; letter: string; maybe: number | undefined; color: string; port: number;
}

export interface Counter {
  increment(): number;
  get(): number;
  [Symbol.dispose](): void;
}

/** The exports of tessera:bench/api, called the same way whichever host made them. */
export interface BenchApi {
  noop(): unknown;
  echoString(s: string): unknown;
  sumBytes(b: Uint8Array): unknown;
  echoBytes(b: Uint8Array): unknown;
  echoRecord(r: Rec10): unknown;
  callHost(a: number, b: number): unknown;
  newCounter(start: number): Counter;
}

/** What the host's `log` saw (the last message and how many). */
export interface HostLog { last: string | undefined; count: number }

export function newLog(): HostLog {
  return { last: undefined, count: 0 };
}

/** Host imports of tessera:bench/host, the same functions for both hosts. */
export function hostImports(log: HostLog = newLog()): Record<string, Record<string, (...args: never[]) => unknown>> {
  return {
    [HOST]: {
      log: (msg: string) => { log.last = msg; log.count++; },
      add: (a: number, b: number) => (a + b) >>> 0,
    },
  };
}

type AnyFunc = (...args: unknown[]) => unknown;

export function isObject(value: unknown): value is Record<string | symbol, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

/** The first of `keys` that names a function on `obj`, bound to it. */
function member(obj: unknown, where: string, ...keys: string[]): AnyFunc {
  if (isObject(obj)) {
    for (const key of keys) {
      const value = obj[key];
      // Bound, not wrapped: a bound function adds next to nothing to a call V8 can inline.
      if (typeof value === 'function') return value.bind(obj) as AnyFunc;
    }
  }
  throw new Error(`${where} has none of ${keys.map((k) => JSON.stringify(k)).join(', ')}`);
}

function construct(obj: unknown, where: string, ...keys: string[]): (start: number) => Counter {
  if (isObject(obj)) {
    for (const key of keys) {
      const value = obj[key];
      if (typeof value === 'function') {
        const make = value as new (start: number) => unknown;
        return (start) => asCounter(new make(start), where);
      }
    }
  }
  throw new Error(`${where} has no resource constructor among ${keys.join(', ')}`);
}

function asCounter(value: unknown, where: string): Counter {
  if (isObject(value) && typeof value.increment === 'function' && typeof value.get === 'function' &&
    typeof value[Symbol.dispose] === 'function') return value as unknown as Counter;
  throw new Error(`${where}: a counter needs increment, get and Symbol.dispose`);
}

/** Views an instance's `tessera:bench/api` export (jco's names: camelCase, class Counter). */
export function benchApi(api: unknown, where: string): BenchApi {
  return {
    noop: member(api, where, 'noop'),
    echoString: member(api, where, 'echoString', 'echo-string'),
    sumBytes: member(api, where, 'sumBytes', 'sum-bytes'),
    echoBytes: member(api, where, 'echoBytes', 'echo-bytes'),
    echoRecord: member(api, where, 'echoRecord', 'echo-record'),
    callHost: member(api, where, 'callHost', 'call-host'),
    newCounter: construct(api, where, 'Counter', 'counter'),
  };
}

// ---- checks: every timed call is first shown to give the right answer ----

export const RECORD: Rec10 = {
  tiny: 200, count: 4_000_000_000, bigNumber: -(2n ** 40n), ratio: 0.125, flag: true,
  name: 'ten fields', letter: 'λ', maybe: 7, color: 'blue', port: 8080,
};
export const STRING = 'a short string, 32 bytes of utf8';
export const BYTES = new Uint8Array(64 * 1024).map((_, i) => (i * 31 + 7) & 0xff);
const BYTES_SUM = BYTES.reduce((sum, b) => sum + b, 0);

export function same(a: unknown, b: unknown, what: string): void {
  if (!Object.is(a, b)) throw new Error(`${what}: got ${String(a)}, expected ${String(b)}`);
}

/** Calls every export once and checks the results (a wrong host is not timed). */
export function checkApi(api: BenchApi, log: HostLog): void {
  same(api.noop(), undefined, 'noop');
  same(api.echoString(STRING), STRING, 'echo-string');
  same(api.sumBytes(BYTES), BYTES_SUM, 'sum-bytes');
  const echoed = api.echoBytes(BYTES);
  if (!(echoed instanceof Uint8Array) || echoed.length !== BYTES.length || echoed.some((b, i) => b !== BYTES[i])) {
    throw new Error('echo-bytes: not the same bytes as a Uint8Array');
  }
  const rec = api.echoRecord(RECORD);
  if (!isObject(rec)) throw new Error('echo-record: not an object');
  for (const [key, value] of Object.entries(RECORD)) same(rec[key], value, `echo-record .${key}`);
  same(api.callHost(40, 2), 42, 'call-host');
  same(log.last, 'add 40 2', 'call-host log');
  const counter = api.newCounter(41);
  same(counter.increment(), 42, 'counter.increment');
  same(counter.get(), 42, 'counter.get');
  counter[Symbol.dispose]();
}

/** The API instance among a ComponentInstance's exports (keyed by its WIT name). */
export function tesseraApi(instance: unknown): Record<string | symbol, unknown> {
  if (!isObject(instance)) throw new Error('instantiateComponent did not return an object');
  const exports = isObject(instance.exports) ? instance.exports : instance;
  const api = exports[API] ?? exports.api;
  if (!isObject(api)) throw new Error(`no export ${JSON.stringify(API)} on the component instance`);
  return api;
}
