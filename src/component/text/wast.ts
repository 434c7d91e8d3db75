// Component scripts: the `.wast` dialect of ../shared/component-model-tests (as wasm-tools
// `wast` and `wasmtime wast` read it). Components come as `(component ...)`,
// `(component definition ...)`, `(component binary "...")` or `(component quote "...")`;
// `(component instance $i $def)` instantiates a definition; assertions wrap components.
// Actions (`(invoke $i? "name" value*)`) with component values (wast-values.ts) are read
// for `assert_return`, `assert_trap` and bare invokes; `(register "name" $i?)` too. Core
// `(module ...)` forms and other commands are kept as their source text for a runner.
import { ParseError } from '../../core/errors.ts';
import { Cursor, T_EOF, T_LPAREN, T_STRING } from '../../text/cursor.ts';
import { lex, lineColumn } from '../../text/lexer.ts';
import type { Component } from '../ast.ts';
import { decodeComponent } from '../binary/decode.ts';
import { ComponentParser, parseComponent } from './parse.ts';
import { parseScriptValues, type ScriptValue } from './wast-values.ts';

export type { ScriptValue } from './wast-values.ts';

interface Located {
  readonly line: number;
  readonly column: number;
}

export interface ScriptComponent extends Located {
  readonly form: 'text' | 'binary' | 'quote';
  readonly id?: string;
  /** `(component definition ...)`: defined, not instantiated. */
  readonly definition: boolean;
  /** Parses (or decodes) the component: ParseError or DecodeError if malformed. */
  parse(): Component;
}

/** `(invoke $instance? "name" value*)`: calls an export of the latest (or named) instance. */
export interface ScriptAction {
  readonly kind: 'invoke';
  readonly instance?: string;
  readonly name: string;
  readonly args: readonly ScriptValue[];
}

export type ComponentCommand = Located & (
  | { readonly kind: 'component'; readonly component: ScriptComponent }
  | { readonly kind: 'instance'; readonly id?: string; readonly definition?: string }
  | {
    readonly kind: 'assert_invalid' | 'assert_malformed' | 'assert_unlinkable' | 'assert_uninstantiable';
    readonly component: ScriptComponent;
    readonly message: string;
  }
  | { readonly kind: 'action'; readonly action: ScriptAction }
  | { readonly kind: 'assert_return'; readonly action: ScriptAction; readonly results: readonly ScriptValue[] }
  | { readonly kind: 'assert_trap'; readonly action: ScriptAction; readonly message: string }
  | { readonly kind: 'register'; readonly name: string; readonly instance?: string }
  /** A command this parser keeps as text (core modules, other assertions, ...). */
  | { readonly kind: 'other'; readonly head: string; readonly text: string }
);

export function parseComponentWast(text: string): ComponentCommand[] {
  const c = new Cursor(lex(text));
  const out: ComponentCommand[] = [];
  while (!c.at(T_EOF)) {
    if (!c.at(T_LPAREN)) c.unexpected();
    out.push(command(c));
  }
  return out;
}

function located(c: Cursor, i: number): Located {
  return lineColumn(c.text, c.start[i]);
}

function command(c: Cursor): ComponentCommand {
  const open = c.pos;
  const at = located(c, open);
  const head = c.peekKeyword(open + 1) ?? '';
  const close = c.tokens.match[open];
  if (close < 0) c.fail(open, 'unexpected end of input');
  switch (head) {
    case 'component': {
      if (c.isKw(open + 2, 'instance')) {
        c.pos = open + 3;
        const id = c.id();
        const definition = c.id();
        c.pos = close + 1;
        return { kind: 'instance', ...at, ...(id === undefined ? {} : { id }), ...(definition === undefined ? {} : { definition }) };
      }
      const component = scriptComponent(c, open);
      return { kind: 'component', ...at, component };
    }
    case 'invoke': {
      c.pos = open;
      const action = scriptAction(c);
      return { kind: 'action', ...at, action };
    }
    case 'assert_return': {
      c.pos = open + 2;
      const action = scriptAction(c);
      const results = parseScriptValues(c);
      c.rparen();
      return { kind: 'assert_return', ...at, action, results };
    }
    case 'assert_trap': {
      c.pos = open + 2;
      // `(assert_trap (component ...) "msg")`: the older spelling of assert_uninstantiable.
      if (c.atParen('component')) {
        const component = scriptComponent(c, c.pos);
        const message = c.name();
        c.rparen();
        return { kind: 'assert_uninstantiable', ...at, component, message };
      }
      const action = scriptAction(c);
      const message = c.name();
      c.rparen();
      return { kind: 'assert_trap', ...at, action, message };
    }
    case 'register': {
      c.pos = open + 2;
      const name = c.name();
      const instance = c.id();
      c.rparen();
      return { kind: 'register', ...at, name, ...(instance === undefined ? {} : { instance }) };
    }
    case 'assert_invalid': case 'assert_malformed': case 'assert_unlinkable': case 'assert_uninstantiable': {
      c.pos = open + 2;
      if (!c.atParen('component')) break;
      const component = scriptComponent(c, c.pos);
      const message = c.at(T_STRING) ? c.name() : '';
      c.pos = close + 1;
      return { kind: head, ...at, component, message };
    }
  }
  c.pos = close + 1;
  return { kind: 'other', ...at, head, text: c.text.slice(c.start[open], c.end[close]) };
}

/** `(invoke $id? "name" value*)` at the cursor; leaves the cursor after its `)`. */
function scriptAction(c: Cursor): ScriptAction {
  c.lparen();
  c.keyword('invoke');
  const instance = c.id();
  const name = c.name();
  const args = parseScriptValues(c);
  c.rparen();
  return { kind: 'invoke', name, args, ...(instance === undefined ? {} : { instance }) };
}

/** `(component ...)` at token `open`; leaves the cursor after its `)`. */
function scriptComponent(c: Cursor, open: number): ScriptComponent {
  const close = c.tokens.match[open];
  const at = located(c, open);
  c.pos = open + 2;
  const definition = c.eatKw('definition');
  const idAt = c.pos;
  const id = c.id();
  let component: ScriptComponent;
  const base = { ...at, definition, ...(id === undefined ? {} : { id }) };
  if (c.isKw(c.pos, 'binary') || c.isKw(c.pos, 'quote')) {
    const form = c.isKw(c.pos, 'binary') ? 'binary' : 'quote';
    c.pos++;
    const parts: Uint8Array[] = [];
    while (c.at(T_STRING)) parts.push(c.bytes());
    if (c.pos !== close) c.unexpected();
    const bytes = concat(parts, form === 'quote' ? 0x20 : undefined);
    component = {
      ...base, form,
      parse: form === 'binary'
        ? () => decodeComponent(bytes)
        : () => parseComponent(`(component ${new TextDecoder().decode(bytes)})`),
    };
  } else {
    const tokens = c.tokens;
    component = {
      ...base, form: 'text',
      parse: () => {
        const p = new ComponentParser(new Cursor(tokens, idAt));
        return p.componentBody(undefined);
      },
    };
  }
  c.pos = close + 1;
  return component;
}

function concat(parts: readonly Uint8Array[], separator?: number): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length + (separator === undefined ? 0 : 1);
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
    if (separator !== undefined) out[at++] = separator;
  }
  return out;
}

export { ParseError };
