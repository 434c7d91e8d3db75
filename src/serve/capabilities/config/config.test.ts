// wasi:config/store: values from flags and a JSON file, looked up as a guest would.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from './node-load.ts';
import { parseConfigFlag, parseConfigJson } from './parse.ts';
import { ConfigStore } from './store.ts';

const tmp = mkdtempSync(join(tmpdir(), 'tessera-config-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('wasi:config', () => {
  it('gets a value, none for an unknown key, and all pairs in order', () => {
    const store = new ConfigStore([['b', '2'], ['a', '1'], ['empty', '']]);
    assert.equal(store.get('a'), '1');
    assert.equal(store.get('empty'), '');
    assert.equal(store.get('missing'), undefined);
    assert.equal(store.get('A'), undefined);
    assert.deepEqual(store.getAll(), [['b', '2'], ['a', '1'], ['empty', '']]);
    assert.deepEqual(new ConfigStore().getAll(), []);
  });

  it('hands out copies: a guest cannot change the store through get-all', () => {
    const store = new ConfigStore([['k', 'v']]);
    store.getAll()[0][1] = 'changed';
    store.getAll().push(['x', 'y']);
    assert.deepEqual(store.getAll(), [['k', 'v']]);
  });

  it('reads key=value flags, splitting at the first =', () => {
    assert.deepEqual(parseConfigFlag('greeting=hello'), ['greeting', 'hello']);
    assert.deepEqual(parseConfigFlag('url=https://x/?a=b'), ['url', 'https://x/?a=b']);
    assert.deepEqual(parseConfigFlag('empty='), ['empty', '']);
    assert.throws(() => parseConfigFlag('novalue'), /expected key=value/);
    assert.throws(() => parseConfigFlag('=value'), /expected key=value/);
  });

  it('reads a JSON object of strings, and refuses anything else by name', () => {
    assert.deepEqual(parseConfigJson('{"a": "1", "multi\\nline": "x=y # not a comment"}', 'f'), [['a', '1'], ['multi\nline', 'x=y # not a comment']]);
    assert.throws(() => parseConfigJson('a=1', 'app.json'), /^Error: app.json: not JSON/);
    assert.throws(() => parseConfigJson('["a"]', 'f'), /expected a JSON object/);
    assert.throws(() => parseConfigJson('{"port": 8080}', 'f'), /the value of "port" is a number; config values are strings \(write "8080"\)/);
    assert.throws(() => parseConfigJson('{"on": true}', 'f'), /is a boolean/);
    assert.throws(() => parseConfigJson('{"n": null}', 'f'), /is null/);
    assert.throws(() => parseConfigJson('{"o": {"x": "1"}}', 'f'), /is an object/);
    assert.throws(() => parseConfigJson('{"l": ["1"]}', 'f'), /is an array/);
    assert.throws(() => parseConfigJson('{"": "1"}', 'f'), /a key is empty/);
  });

  it('loads files in order, then flags, each overriding the one before', () => {
    const base = join(tmp, 'base.json');
    const local = join(tmp, 'local.json');
    writeFileSync(base, JSON.stringify({ greeting: 'hello', env: 'prod', color: 'blue' }));
    writeFileSync(local, JSON.stringify({ env: 'staging' }));
    const store = loadConfig({ files: [base, local], flags: ['color=red', 'extra=1'] });
    assert.equal(store.get('greeting'), 'hello');
    assert.equal(store.get('env'), 'staging');
    assert.equal(store.get('color'), 'red');
    assert.deepEqual(store.getAll(), [['greeting', 'hello'], ['env', 'staging'], ['color', 'red'], ['extra', '1']]);
  });

  it('names a file it cannot read', () => {
    assert.throws(() => loadConfig({ files: [join(tmp, 'missing.json')] }), /config file .*missing.json: ENOENT/);
  });
});
