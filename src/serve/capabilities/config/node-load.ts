// Reads the operator's `wasi:config` values at start-up: files first, in order, then `--config`
// flags, each overriding what came before, so a flag can adjust one value of a shared file.
// A Node adapter (it reads files).
import { readFileSync } from 'node:fs';
import { parseConfigFlag, parseConfigJson } from './parse.ts';
import { ConfigStore } from './store.ts';

export interface ConfigSources {
  /** JSON files (`--config-file`). */
  readonly files?: readonly string[];
  /** `key=value` flags (`--config`). */
  readonly flags?: readonly string[];
}

export function loadConfig(sources: ConfigSources): ConfigStore {
  const values = new Map<string, string>();
  for (const file of sources.files ?? []) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`config file ${file}: ${e instanceof Error ? e.message : e}`);
    }
    for (const [k, v] of parseConfigJson(text, `config file ${file}`)) values.set(k, v);
  }
  for (const flag of sources.flags ?? []) {
    const [k, v] = parseConfigFlag(flag);
    values.set(k, v);
  }
  return new ConfigStore(values);
}
