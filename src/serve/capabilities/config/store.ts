// `wasi:config/store` (WebAssembly/wasi-config, wit/store.wit, package wasi:config@0.2.0-draft):
// the operator's configuration as read-only string pairs. The values are read once at start-up
// (config/node-load.ts), so a lookup never fails: `error::upstream` and `error::io` are for stores
// that fetch from elsewhere (Vault, a key-value bucket), which this one does not.

/** `variant error { upstream(string), io(string) }` */
export type ConfigError =
  | { readonly tag: 'upstream'; readonly val: string }
  | { readonly tag: 'io'; readonly val: string };

export class ConfigStore {
  readonly #values: ReadonlyMap<string, string>;

  constructor(values: Iterable<readonly [string, string]> = []) {
    this.#values = new Map(values);
  }

  /** `get: func(key: string) -> result<option<string>, error>`: `none` for an unknown key. */
  get(key: string): string | undefined {
    return this.#values.get(key);
  }

  /** `get-all: func() -> result<list<tuple<string, string>>, error>`, in the order given. */
  getAll(): [string, string][] {
    return [...this.#values];
  }

  get size(): number {
    return this.#values.size;
  }
}
