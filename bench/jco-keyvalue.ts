// wasi:keyvalue (0.2.0-draft2's store and atomics) in memory, for `jco serve`, which has no
// key-value host of its own, so that it can run the JavaScript example (examples/hello-js) in
// bench/serve.ts (whose /hello route never calls it: it is there to link). `jco serve
// --isolate-requests instance` takes each instance's imports from preview2-shim's WASIShim and
// nowhere else, so this module, loaded by `--jco-import` before the server starts, adds the two
// interfaces to what WASIShim gives.
import { WASIShim } from '@bytecodealliance/preview2-shim/instantiation';

class KvError extends Error {
  readonly payload: { tag: 'other'; val: string };
  constructor(message: string) {
    super(message);
    this.payload = { tag: 'other', val: message };
  }
}

const data = new Map<string, Uint8Array>();

export class Bucket {
  get(key: string): Uint8Array | undefined {
    return data.get(key);
  }
  set(key: string, value: Uint8Array): void {
    data.set(key, value.slice());
  }
  delete(key: string): void {
    data.delete(key);
  }
  exists(key: string): boolean {
    return data.has(key);
  }
  listKeys(): { keys: string[]; cursor: undefined } {
    return { keys: [...data.keys()], cursor: undefined };
  }
}

export function open(identifier: string): Bucket {
  if (identifier !== 'default') throw new KvError(`no bucket ${identifier}`);
  return new Bucket();
}

export class Cas {
  readonly key: string;
  constructor(key: string) {
    this.key = key;
  }
  static new(_bucket: Bucket, key: string): Cas {
    return new Cas(key);
  }
  current(): Uint8Array | undefined {
    return data.get(this.key);
  }
}

export function increment(_bucket: Bucket, key: string, delta: bigint): bigint {
  const old = data.get(key);
  const next = (old === undefined ? 0n : BigInt(new TextDecoder().decode(old))) + delta;
  data.set(key, new TextEncoder().encode(String(next)));
  return next;
}

export function swap(cas: Cas, value: Uint8Array): void {
  data.set(cas.key, value.slice());
}

const keyvalue = {
  'wasi:keyvalue/store': { open, Bucket },
  'wasi:keyvalue/atomics': { Cas, increment, swap },
};
const shimImports = WASIShim.prototype.getImportObject;
WASIShim.prototype.getImportObject = function (this: WASIShim, ...args: Parameters<typeof shimImports>) {
  return { ...shimImports.apply(this, args), ...keyvalue } as ReturnType<typeof shimImports>;
};
