// The spec testsuite's scripts against the text parser: one test per `.wast` file.
// (a) every script parses with parseWast;
// (b) every `assert_malformed` text or quoted module is rejected with a ParseError whose
//     message starts with the expected phrase;
// (c) every other text or quoted module parses, encodes, and decodes back, and V8 accepts
//     the bytes (WebAssembly.validate) unless the module is under assert_invalid or uses a
//     proposal V8 does not ship.
// Binary modules are the binary runner's (testsuite-binary.test.ts). Known failures live in
// testsuite-text.known.ts. The testsuite is read in place from ../shared/testsuite
// (override: TESSERA_TESTSUITE).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModule, encodeModule, ParseError } from '../src/index.ts';
import type { Module } from '../src/index.ts';
import { parseWat } from '../src/text/parse.ts';
import { parseWast, type Command, type ScriptModule } from '../src/text/wast.ts';
import { KNOWN_FAILURES, SKIPPED_FOLDERS, V8_UNSUPPORTED } from './testsuite-text.known.ts';
import { Tally, TESTSUITE_ROOT as ROOT, wastFiles } from './testsuite-files.ts';

const tally = new Tally(KNOWN_FAILURES, 'text module');

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function parseModule(m: ScriptModule): Module | undefined {
  if (m.kind === 'text') return m.parse();
  if (m.kind === 'quote') return parseWat(m.source);
  return undefined;
}

/** Checks one module of a command; returns what went wrong, or undefined. */
function check(cmd: Command, m: ScriptModule, v8: boolean): string | undefined {
  if (m.kind === 'binary') return undefined;
  if (cmd.kind === 'assert_malformed') {
    try {
      parseModule(m);
    } catch (e) {
      if (!(e instanceof ParseError)) return `crashed: ${errorText(e)}`;
      return e.phrase.startsWith(cmd.message) ? undefined : `expected "${cmd.message}", got "${e.phrase}"`;
    }
    return `parsed, expected "${cmd.message}"`;
  }
  let module: Module;
  try {
    module = parseModule(m) as Module;
  } catch (e) {
    return `${e instanceof ParseError ? 'parse failed' : 'crashed'}: ${errorText(e)}`;
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = encodeModule(module);
    const again = decodeModule(bytes, { lazy: false });
    if (again.funcs.length !== module.funcs.length) return 'decoded a different number of functions';
  } catch (e) {
    return `encode/decode failed: ${errorText(e)}`;
  }
  if (v8 && cmd.kind !== 'assert_invalid' && !WebAssembly.validate(bytes)) {
    try {
      void new WebAssembly.Module(bytes);
    } catch (e) {
      return `V8 rejects it: ${errorText(e)}`;
    }
  }
  return undefined;
}

function modulesOf(cmd: Command): ScriptModule | undefined {
  switch (cmd.kind) {
    case 'module': case 'assert_invalid': case 'assert_malformed': case 'assert_unlinkable':
    case 'assert_uninstantiable':
      return cmd.module;
    default:
      return undefined;
  }
}

const files = wastFiles();

test('the testsuite is present', () => {
  assert.ok(files.length > 0, `no .wast files under ${ROOT}; set TESSERA_TESTSUITE to the spec testsuite`);
});

for (const file of files) {
  const skipFolder = SKIPPED_FOLDERS.find(([prefix]) => file.startsWith(prefix));
  test(file, { skip: skipFolder ? skipFolder[1] : false }, () => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const script = parseWast(text);
    const t = tally.file(file);
    t.pass(); // the script itself
    const v8 = !V8_UNSUPPORTED.some(([prefix]) => file.startsWith(prefix));
    for (const cmd of script.commands) {
      const m = modulesOf(cmd);
      if (!m) continue;
      if (m.kind === 'binary') {
        t.skip();
        continue;
      }
      const problem = check(cmd, m, v8);
      t.check(cmd.line, problem === undefined ? undefined : `${cmd.kind}: ${problem}`);
    }
    t.finish();
  });
}

after(() => {
  console.log(tally.summary('testsuite-text'));
});
