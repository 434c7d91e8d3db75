// wasi:http `fields` (headers and trailers;
// https://github.com/WebAssembly/WASI/blob/main/proposals/http/wit/types.wit): a multimap of
// names to byte values, in insertion order. Names are case-insensitive tokens (stored in
// lower case, as wasmtime's `http` crate does), values visible bytes; anything else is
// `invalid-syntax`. Headers the host manages itself (hop-by-hop headers and `host`, the list
// wasmtime forbids by default) are `forbidden`. Fields that belong to a request or response
// are `immutable`.
import { fail } from '../result.ts';

export type FieldEntry = [string, Uint8Array];
export type HeaderError = 'invalid-syntax' | 'forbidden' | 'immutable';

/** wasmtime-wasi-http's DEFAULT_FORBIDDEN_HEADERS. */
const FORBIDDEN = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection',
  'transfer-encoding', 'upgrade', 'host', 'http2-settings',
]);

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function validName(name: string): boolean {
  return TOKEN.test(name);
}

/** RFC 9110 field-value bytes: HTAB, SP, visible ASCII and obs-text; no CR, LF, NUL or DEL. */
export function validValue(v: Uint8Array): boolean {
  for (let i = 0; i < v.length; i++) {
    const b = v[i];
    if ((b < 0x20 && b !== 0x09) || b === 0x7f) return false;
  }
  return true;
}

function headerError(e: HeaderError): never {
  return fail({ tag: e });
}

/** The `fields` resource. */
export class Fields {
  #entries: FieldEntry[];
  #immutable = false;

  constructor(entries: FieldEntry[] = []) {
    this.#entries = entries;
  }

  /** Fields the guest may read but not change (a request's or a response's). */
  static immutable(entries: FieldEntry[]): Fields {
    const f = new Fields(entries);
    f.#immutable = true;
    return f;
  }

  /** `[static]fields.from-list` */
  static 'from-list'(entries: readonly (readonly [string, Uint8Array])[]): Fields {
    const out: FieldEntry[] = [];
    for (const [name, value] of entries) {
      const n = Fields.#checkName(name);
      if (!validValue(value)) headerError('invalid-syntax');
      out.push([n, value.slice()]);
    }
    return new Fields(out);
  }

  static #checkName(name: string): string {
    if (!validName(name)) headerError('invalid-syntax');
    const n = name.toLowerCase();
    if (FORBIDDEN.has(n)) headerError('forbidden');
    return n;
  }

  #mutable(name: string): string {
    if (this.#immutable) headerError('immutable');
    return Fields.#checkName(name);
  }

  /** `[method]fields.get`: every value of `name` (none for an invalid name). */
  get(name: string): Uint8Array[] {
    const n = name.toLowerCase();
    const out: Uint8Array[] = [];
    for (const [k, v] of this.#entries) if (k === n) out.push(v.slice());
    return out;
  }

  /** `[method]fields.has` */
  has(name: string): boolean {
    const n = name.toLowerCase();
    return this.#entries.some(([k]) => k === n);
  }

  /** `[method]fields.set`: replaces every value of `name`. */
  set(name: string, values: readonly Uint8Array[]): void {
    const n = this.#mutable(name);
    for (const v of values) if (!validValue(v)) headerError('invalid-syntax');
    const at = this.#entries.findIndex(([k]) => k === n);
    const rest = this.#entries.filter(([k]) => k !== n);
    const added: FieldEntry[] = values.map((v) => [n, v.slice()]);
    rest.splice(at < 0 ? rest.length : at, 0, ...added);
    this.#entries = rest;
  }

  /** `[method]fields.delete` */
  delete(name: string): void {
    const n = this.#mutable(name);
    this.#entries = this.#entries.filter(([k]) => k !== n);
  }

  /** `[method]fields.append` */
  append(name: string, value: Uint8Array): void {
    const n = this.#mutable(name);
    if (!validValue(value)) headerError('invalid-syntax');
    this.#entries.push([n, value.slice()]);
  }

  /** `[method]fields.entries` */
  entries(): FieldEntry[] {
    return this.#entries.map(([k, v]) => [k, v.slice()]);
  }

  /** `[method]fields.clone`: a mutable copy. */
  clone(): Fields {
    return new Fields(this.entries());
  }

  /** The entries for the host (no copy). */
  get list(): readonly FieldEntry[] {
    return this.#entries;
  }

  /** Makes these fields immutable (they now belong to a request or response). */
  freeze(): void {
    this.#immutable = true;
  }
}
