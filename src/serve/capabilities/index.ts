// The cloud capabilities of `tessera serve` (issue 10): wasi:keyvalue and wasi:config as host
// classes that follow the runtime's host-import convention (return the `ok` value, throw a
// ComponentError for `err`). Opened once per server and shared by every instance; the binding to
// the component runtime's import objects is built on these.
export { type Awaitable, type KeyPage, type KvBackend, COUNTER_MAX, COUNTER_MIN } from './keyvalue/backend.ts';
export { accessDenied, isKvError, type KvError, noSuchStore, other } from './keyvalue/errors.ts';
export { Bucket, DEFAULT_BUCKETS, DEFAULT_PAGE_SIZE, type KeyResponse, KeyValueStore, type KeyValueOptions } from './keyvalue/store.ts';
export { Cas, type CasError, increment, swap } from './keyvalue/atomics.ts';
export { deleteMany, getMany, setMany } from './keyvalue/batch.ts';
export { SqliteBackend, type SqliteOptions } from './keyvalue/node-sqlite.ts';
export { DEFAULT_KV_PATH, openKeyValue, openKvBackend, type OpenKvOptions } from './keyvalue/open.ts';
export type { RedisOptions } from './keyvalue/node-redis.ts';
export { type ConfigError, ConfigStore } from './config/store.ts';
export { parseConfigFlag, parseConfigJson } from './config/parse.ts';
export { type ConfigSources, loadConfig } from './config/node-load.ts';
export { CONFIG_VERSIONS, configImports, type InterfaceImports, KEYVALUE_DRAFT, KEYVALUE_DRAFT2, keyvalueImports } from './imports.ts';

import { loadConfig, type ConfigSources } from './config/node-load.ts';
import type { ConfigStore } from './config/store.ts';
import { openKeyValue, type OpenKvOptions } from './keyvalue/open.ts';
import type { KeyValueStore } from './keyvalue/store.ts';

export interface CapabilityOptions {
  /** `--kv`, `--kv-bucket` and friends. */
  readonly keyvalue?: OpenKvOptions;
  /** `--config-file` and `--config`. */
  readonly config?: ConfigSources;
}

export interface Capabilities {
  readonly keyvalue: KeyValueStore;
  readonly config: ConfigStore;
  /** Closes the key-value store (the SQLite file, the Redis connection). */
  close(): Promise<void>;
}

/** Opens what a server lends its guests; fails with one clear message (a bad file, no Redis). */
export async function openCapabilities(options: CapabilityOptions = {}): Promise<Capabilities> {
  const config = loadConfig(options.config ?? {});
  const keyvalue = await openKeyValue(options.keyvalue);
  return { keyvalue, config, close: async () => { await keyvalue.backend.close(); } };
}
