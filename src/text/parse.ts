// The text format's entry point: `parseWat` reads a module in the WebAssembly text format
// (https://webassembly.github.io/spec/core/text/index.html) into the module AST.
import type { Module } from '../core/ast.ts';
import { ParseError } from '../core/errors.ts';
import { Cursor } from './cursor.ts';
import { lex, releaseTokens } from './lexer.ts';
import { parseModuleText } from './parse-module.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a text module: `(module ...)` or its fields alone. Bytes are decoded as UTF-8
 * first. Symbolic identifiers become indices; indices out of range are left for validation.
 * Throws ParseError for malformed text, its message starting with the reference
 * interpreter's phrase.
 *
 * Identifiers also become the module's `names` (the name section), as wasm-tools does: the
 * module (`(module $m)`), types, funcs, tables, memories, globals, tags, elem and data
 * segments, struct fields (by type), locals and parameters (by function), and labels (by
 * function, numbered by the order of `block`/`loop`/`if`/`try`/`try_table` in the body).
 * `(@name "...")` after a definition's keyword or identifier gives the name instead, for
 * names that are not valid or not unique identifiers. `names` is absent if nothing is named.
 */
export function parseWat(text: string | Uint8Array): Module {
  // The module keeps no token, so the token arrays serve the next parse too.
  const tokens = lex(decodeSource(text), true);
  try {
    return parseModuleText(new Cursor(tokens));
  } finally {
    releaseTokens(tokens);
  }
}

/** The text of a source given as bytes (a quoted module in a script, a file). */
export function decodeSource(text: string | Uint8Array): string {
  if (typeof text === 'string') return text;
  try {
    return utf8.decode(text);
  } catch {
    let line = 1;
    let column = 1;
    // Report where the bad sequence starts: after the longest valid prefix.
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      try { utf8.decode(text.subarray(0, mid)); lo = mid; } catch { hi = mid - 1; }
    }
    for (let i = 0; i < lo; i++) {
      if (text[i] === 0x0a) { line++; column = 1; } else column++;
    }
    throw new ParseError('malformed UTF-8 encoding', line, column);
  }
}
