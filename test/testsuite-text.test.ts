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
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModule, encodeModule, ParseError } from '../src/index.ts';
import type { Module } from '../src/index.ts';
import { parseWat } from '../src/text/parse.ts';
import { parseWast, type Command, type ScriptModule } from '../src/text/wast.ts';
import { KNOWN_FAILURES, SKIPPED_FOLDERS, V8_UNSUPPORTED } from './testsuite-text.known.ts';

const ROOT = process.env.TESSERA_TESTSUITE ??
  fileURLToPath(new URL('../../shared/testsuite/', import.meta.url));
const FOLDERS = ['core', 'legacy', 'custom', 'proposals'];
const MAX_SHOWN = 20;

let passed = 0;
let failed = 0;
let skipped = 0;

function wastFiles(): string[] {
  const files: string[] = [];
  for (const folder of FOLDERS) {
    const dir = join(ROOT, folder);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      if (entry.endsWith('.wast')) files.push(`${folder}/${entry.split('\\').join('/')}`);
    }
  }
  return files.sort();
}

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
    passed++; // the script itself
    const v8 = !V8_UNSUPPORTED.some(([prefix]) => file.startsWith(prefix));
    const problems: string[] = [];
    const listed = new Set<string>();
    for (const cmd of script.commands) {
      const m = modulesOf(cmd);
      if (!m) continue;
      if (m.kind === 'binary') { skipped++; continue; }
      const key = `${file}:${cmd.line}`;
      const problem = check(cmd, m, v8);
      const known = KNOWN_FAILURES.get(key);
      if (known !== undefined) {
        listed.add(key);
        if (problem === undefined) {
          failed++;
          problems.push(`${key}: passes but is listed as a known failure ("${known}"); unlist it`);
        } else skipped++;
      } else if (problem === undefined) passed++;
      else {
        failed++;
        problems.push(`${key}: ${cmd.kind}: ${problem}`);
      }
    }
    for (const key of KNOWN_FAILURES.keys()) {
      if (key.startsWith(`${file}:`) && !listed.has(key)) {
        failed++;
        problems.push(`${key}: listed as a known failure but no text module is there`);
      }
    }
    const shown = problems.slice(0, MAX_SHOWN);
    if (problems.length > MAX_SHOWN) shown.push(`... and ${problems.length - MAX_SHOWN} more`);
    assert.equal(problems.length, 0, `${problems.length} failure(s):\n${shown.join('\n')}`);
  });
}

after(() => {
  console.log(`testsuite-text: ${passed} passed, ${failed} failed, ${skipped} skipped`);
});
