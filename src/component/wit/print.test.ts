import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ParseError } from '../../core/errors.ts';
import { loadWit, resolveWitText } from './load.ts';
import { nodeWitFileTree } from './node.ts';
import { printWit } from './print.ts';

const SAMPLE = `package local:demo@1.0.0;

/// Shared types.
interface types {
  resource file {
    constructor(name: string);
    read: func(off: u32, n: u32) -> list<u8>;
    open: static func(name: string) -> result<file, errno>;
  }
  enum errno { too-big, too-small }
  record stat { size: u64, mtime: option<tuple<u64, u32>> }
  type bytes = list<u8, 4>;
  @since(version = 1.0.0)
  flags perms { read, write }
}

interface api {
  use types.{file, errno as error};
  open: async func(name: string) -> result<file, error>;
  watch: func() -> stream<future<string>>;
}

world app {
  export api;
  import log: func(msg: string);
}
`;

test('print → parse → resolve gives the same text again', () => {
  const first = resolveWitText({ 'demo.wit': SAMPLE });
  const printed = printWit(first.resolve, first.main);
  const second = resolveWitText({ 'printed.wit': printed });
  assert.equal(printWit(second.resolve, second.main), printed);
  // The exported interface's dependency became an import (WIT.md "Transitive imports").
  const world = second.resolve.worlds[0];
  assert.deepEqual([...world.imports.keys()], ['local:demo/types@1.0.0', 'log']);
  assert.deepEqual([...world.exports.keys()], ['local:demo/api@1.0.0']);
});

test('docs on record fields, variant and enum cases and flags are printed with them', () => {
  const text = `package a:b;

interface i {
  record r {
    /// The width.
    w: u32,
    h: u32,
  }
  variant v {
    /// Nothing.
    none,
    /// Some text.
    /// Two lines.
    text(string),
  }
  enum e {
    /// First.
    one,
  }
  flags f {
    /// Readable.
    read,
  }
}
`;
  const { resolve, main } = resolveWitText({ 'x.wit': text });
  assert.equal(printWit(resolve, main), text);
});

test('errors are ParseErrors with line:column and wasm-tools wording', () => {
  const cases: [string, string, number, number][] = [
    ['package a:b;\ninterface i { type t = bar; }', 'type `bar` does not exist', 2, 24],
    ['package a:b;\ninterface i { x: func() -> borrow<r>; resource r; }', 'function `x` returns a type which contains a `borrow<T>` which is not supported', 2, 15],
    ['package a:b;\ninterface i {\n  type option = u32;\n}', 'expected an identifier or string, found keyword `option`', 3, 8],
    ['package a:b;\nworld w { include v; }\nworld v { include w; }', 'interface or world `v` depends on itself', 3, 7],
    ['package a:b;\ninterface i {\n  @since(version = 1.0.0)\n  f: func();\n}', 'package [a:b] contains a feature gate with a version specifier, so it must have a version', 4, 3],
  ];
  for (const [text, phrase, line, column] of cases) {
    assert.throws(() => resolveWitText({ 'x.wit': text }), (e: unknown) => {
      assert.ok(e instanceof ParseError);
      assert.deepEqual([e.phrase, e.line, e.column], [phrase, line, column]);
      return true;
    });
  }
});

test('@unstable items are kept only for enabled features', () => {
  const text = 'package a:b@1.0.0;\ninterface i {\n  @unstable(feature = x)\n  f: func();\n}';
  assert.equal(resolveWitText({ 'x.wit': text }).resolve.interfaces[0].functions.size, 0);
  assert.equal(resolveWitText({ 'x.wit': text }, { features: ['x'] }).resolve.interfaces[0].functions.size, 1);
});

/**
 * Printed as wasm-tools prints them, these do not resolve again, in either tool: a world of an
 * unversioned package includes items gated `@since` by a versioned one, and the gates print
 * with the items, where an unversioned package may not write them.
 */
const NO_ROUND_TRIP = new Set(['multi-package-gated-include.wit']);

const DIR = process.env.TESSERA_WIT_TESTS ?? join(import.meta.dirname, '../../../../shared/wit-tests');

test('every wit-tests success case round-trips through the printer', { skip: !existsSync(DIR) && `no ${DIR}` }, () => {
  let checked = 0;
  for (const entry of readdirSync(DIR).sort()) {
    if (!existsSync(join(DIR, `${entry.replace(/\.wit$/, '')}.wit.json`)) || entry.endsWith('.json') || entry === 'kinds-of-deps') continue;
    const { resolve, main } = loadWit(nodeWitFileTree, join(DIR, entry), { features: ['active'] });
    const printed = printWit(resolve, main);
    if (NO_ROUND_TRIP.has(entry)) {
      assert.throws(() => resolveWitText({ [`${entry}.printed.wit`]: printed }, { features: ['active'] }), ParseError, entry);
      continue;
    }
    const again = resolveWitText({ [`${entry}.printed.wit`]: printed }, { features: ['active'] });
    assert.equal(printWit(again.resolve, again.main), printed, entry);
    checked++;
  }
  assert.ok(checked >= 70);
});
