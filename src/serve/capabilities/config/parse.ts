// The two ways an operator gives `wasi:config` values: `--config key=value` flags and a JSON file.
//
// JSON, not .env or TOML: Node reads it with no parser of ours, and its quoting is the one every
// tool already writes, so a value may hold `=`, `#`, quotes, newlines or leading spaces with no
// rules to learn. The file is one flat object whose values are all strings:
//
//   { "greeting": "hello", "api-url": "https://example.com/v1", "max-items": "10" }
//
// Numbers, booleans, null, arrays and nested objects are refused, not converted: wasi:config values
// are strings, and a silent `String(1.0)` === "1" would surprise.

/** Parses one `--config key=value` flag (split at the first `=`; the key must not be empty). */
export function parseConfigFlag(flag: string): [string, string] {
  const eq = flag.indexOf('=');
  if (eq <= 0) throw new Error(`--config ${JSON.stringify(flag)}: expected key=value`);
  return [flag.slice(0, eq), flag.slice(eq + 1)];
}

/** Parses a config file's text; `source` names it in errors. */
export function parseConfigJson(text: string, source: string): [string, string][] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not JSON: ${e instanceof Error ? e.message : e}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new Error(`${source}: expected a JSON object of string values, like {"key": "value"}`);
  }
  const pairs: [string, string][] = [];
  for (const [key, value] of Object.entries(data)) {
    if (key === '') throw new Error(`${source}: a key is empty`);
    if (typeof value !== 'string') {
      const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
      const hint = typeof value === 'number' || typeof value === 'boolean' ? ` (write ${JSON.stringify(String(value))})` : '';
      throw new Error(`${source}: the value of ${JSON.stringify(key)} is ${kind}; config values are strings${hint}`);
    }
    pairs.push([key, value]);
  }
  return pairs;
}
