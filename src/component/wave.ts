// WAVE, the WebAssembly Value Encoding of component values as text
// (https://github.com/bytecodealliance/wasm-tools/tree/main/crates/wasm-wave#readme), as
// `tessera run --invoke 'f(1, "two")'` reads arguments and prints results, like wasmtime.
// Reading is in two steps: an untyped parse (WAVE cannot tell a variant case from an enum,
// an option or a bool without the type), then a conversion guided by the component value
// type into the runtime's JavaScript shapes (src/component/abi/values.ts, names 'wit',
// results 'tagged'). Printing goes the other way.
import { ParseError } from '../core/errors.ts';
import type { FuncT, VT } from './validate/model.ts';

/** An untyped WAVE value. */
export type WaveNode =
  | { readonly k: 'number'; readonly text: string }
  | { readonly k: 'char'; readonly value: string }
  | { readonly k: 'string'; readonly value: string }
  /** A label with an optional payload: a bool, variant or enum case, some/none/ok/err. */
  | { readonly k: 'case'; readonly label: string; readonly escaped: boolean; readonly payload?: WaveNode }
  | { readonly k: 'tuple'; readonly items: readonly WaveNode[] }
  | { readonly k: 'list'; readonly items: readonly WaveNode[] }
  | { readonly k: 'record'; readonly fields: readonly (readonly [string, WaveNode])[] }
  | { readonly k: 'flags'; readonly names: readonly string[] };

const KEYWORDS = new Set(['true', 'false', 'inf', 'nan', 'some', 'none', 'ok', 'err']);
const LABEL = /^[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z][a-zA-Z0-9]*)*/;
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/;

class Reader {
  readonly #s: string;
  #at = 0;

  constructor(s: string) {
    this.#s = s;
  }

  fail(message: string): never {
    let line = 1;
    let col = 1;
    for (let i = 0; i < this.#at && i < this.#s.length; i++) {
      if (this.#s[i] === '\n') {
        line++;
        col = 1;
      } else col++;
    }
    throw new ParseError(message, line, col);
  }

  /** Skips whitespace and `//` comments. */
  ws(): void {
    for (;;) {
      const c = this.#s[this.#at];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.#at++;
      else if (c === '/' && this.#s[this.#at + 1] === '/') {
        while (this.#at < this.#s.length && this.#s[this.#at] !== '\n') this.#at++;
      } else return;
    }
  }

  peek(): string | undefined {
    return this.#s[this.#at];
  }

  get done(): boolean {
    return this.#at >= this.#s.length;
  }

  eat(c: string): boolean {
    this.ws();
    if (this.#s.startsWith(c, this.#at)) {
      this.#at += c.length;
      return true;
    }
    return false;
  }

  expect(c: string): void {
    if (!this.eat(c)) this.fail(`expected \`${c}\``);
  }

  label(): { label: string; escaped: boolean } {
    this.ws();
    const escaped = this.#s[this.#at] === '%';
    if (escaped) this.#at++;
    const m = LABEL.exec(this.#s.slice(this.#at));
    if (m === null) this.fail('expected a label');
    this.#at += m[0].length;
    return { label: m[0], escaped };
  }

  value(): WaveNode {
    this.ws();
    const c = this.peek();
    if (c === undefined) this.fail('expected a value');
    if (c === '"') return { k: 'string', value: this.#string() };
    if (c === '\'') return { k: 'char', value: this.#char() };
    if (c === '(') return { k: 'tuple', items: this.#seq('(', ')') };
    if (c === '[') return { k: 'list', items: this.#seq('[', ']') };
    if (c === '{') return this.#braces();
    if (c === '-' || (c >= '0' && c <= '9')) {
      if (this.#s.startsWith('-inf', this.#at)) {
        this.#at += 4;
        return { k: 'number', text: '-inf' };
      }
      const m = NUMBER.exec(this.#s.slice(this.#at));
      if (m === null) this.fail('malformed number');
      this.#at += m[0].length;
      return { k: 'number', text: m[0] };
    }
    const { label, escaped } = this.label();
    if (!escaped && (label === 'inf' || label === 'nan')) return { k: 'number', text: label };
    if (this.eat('(')) {
      const payload = this.value();
      this.expect(')');
      return { k: 'case', label, escaped, payload };
    }
    return { k: 'case', label, escaped };
  }

  #seq(open: string, close: string): WaveNode[] {
    this.expect(open);
    const items: WaveNode[] = [];
    while (!this.eat(close)) {
      items.push(this.value());
      if (!this.eat(',')) {
        this.expect(close);
        break;
      }
    }
    return items;
  }

  /** `{:}` (empty record), `{}` (no flags), `{a: v, ...}` (record) or `{a, b}` (flags). */
  #braces(): WaveNode {
    this.expect('{');
    if (this.eat(':')) {
      this.expect('}');
      return { k: 'record', fields: [] };
    }
    if (this.eat('}')) return { k: 'flags', names: [] };
    const first = this.label().label;
    if (this.eat(':')) {
      const fields: [string, WaveNode][] = [[first, this.value()]];
      while (this.eat(',')) {
        if (this.eat('}')) return { k: 'record', fields };
        const name = this.label().label;
        this.expect(':');
        fields.push([name, this.value()]);
      }
      this.expect('}');
      return { k: 'record', fields };
    }
    const names = [first];
    while (this.eat(',')) {
      if (this.eat('}')) return { k: 'flags', names };
      names.push(this.label().label);
    }
    this.expect('}');
    return { k: 'flags', names };
  }

  #escape(): string {
    const c = this.#s[this.#at++];
    switch (c) {
      case '\'': return '\'';
      case '"': return '"';
      case '\\': return '\\';
      case 't': return '\t';
      case 'n': return '\n';
      case 'r': return '\r';
      case 'u': {
        const m = /^\{([0-9a-fA-F]{1,6})\}/.exec(this.#s.slice(this.#at));
        if (m === null) this.fail('malformed \\u{...} escape');
        this.#at += m[0].length;
        const cp = parseInt(m[1], 16);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.fail('not a Unicode scalar value');
        return String.fromCodePoint(cp);
      }
      default: return this.fail(`unknown escape \\${c ?? ''}`);
    }
  }

  #char(): string {
    this.#at++;
    let c: string;
    if (this.#s[this.#at] === '\\') {
      this.#at++;
      c = this.#escape();
    } else {
      const cp = this.#s.codePointAt(this.#at);
      if (cp === undefined || cp === 0x27 || cp === 0x0a) this.fail('expected a char');
      c = String.fromCodePoint(cp);
      this.#at += c.length;
    }
    if (this.#s[this.#at] !== '\'') this.fail('expected `\'` closing a char');
    this.#at++;
    return c;
  }

  #string(): string {
    if (this.#s.startsWith('"""', this.#at)) return this.#multiline();
    this.#at++;
    let out = '';
    for (;;) {
      const c = this.#s[this.#at];
      if (c === undefined || c === '\n') this.fail('unterminated string');
      this.#at++;
      if (c === '"') return out;
      out += c === '\\' ? this.#escape() : c;
    }
  }

  /** `"""` + line break ... line break + indent + `"""`: the closing indent is removed from every line. */
  #multiline(): string {
    this.#at += 3;
    if (this.#s.startsWith('\r\n', this.#at)) this.#at += 2;
    else if (this.#s[this.#at] === '\n') this.#at++;
    else this.fail('a multiline string starts with a line break after `"""`');
    const end = this.#s.indexOf('"""', this.#at);
    if (end < 0) this.fail('unterminated multiline string');
    const raw = this.#s.slice(this.#at, end);
    const lastBreak = raw.lastIndexOf('\n');
    const indent = raw.slice(lastBreak + 1);
    if (!/^ *$/.test(indent)) this.fail('the closing `"""` of a multiline string must be on a line of its own');
    const body = raw.slice(0, lastBreak).replace(/\r$/, '');
    const lines = body.split(/\r?\n/).map((l) => {
      if (!l.startsWith(indent) && l.trim() !== '') this.fail('a line of a multiline string is indented less than its closing `"""`');
      return l.slice(indent.length);
    });
    this.#at = end + 3;
    return new Reader(`"${lines.join('\\n').replace(/"/g, '\\"')}"`).#string();
  }
}

/** Parses one untyped WAVE value. */
export function parseWave(text: string): WaveNode {
  const r: Reader = new Reader(text);
  const v = r.value();
  r.ws();
  if (!r.done) r.fail('unexpected text after the value');
  return v;
}

/** Parses `name(arg, ...)`: the function's name (any text before the parenthesis) and its arguments. */
export function parseWaveCall(text: string): { name: string; args: WaveNode[] } {
  const open = text.indexOf('(');
  if (open < 0) return { name: text.trim(), args: [] };
  const name = text.slice(0, open).trim();
  const r: Reader = new Reader(text.slice(open));
  const tuple = r.value();
  r.ws();
  if (!r.done || tuple.k !== 'tuple') r.fail('expected `name(arguments)`');
  return { name, args: [...tuple.items] };
}

// ---- typed conversion into the runtime's JavaScript shapes ----

/** A value that does not fit its type: a TypeError (the text itself parsed). */
function fail(message: string): never {
  throw new TypeError(message);
}

type Def = Exclude<VT, string>['def'];

/** The definition behind a value type, following `prim` aliases; a primitive name stays a string. */
function defOf(t: VT): Def | string {
  if (typeof t === 'string') return t;
  return t.def.kind === 'prim' ? defOf(t.def.type) : t.def;
}

function isOptionOrResult(t: VT): boolean {
  const d = defOf(t);
  return typeof d !== 'string' && (d.kind === 'option' || d.kind === 'result');
}

const INT_RANGE: Readonly<Record<string, readonly [bigint, bigint]>> = {
  s8: [-128n, 127n], u8: [0n, 255n], s16: [-32768n, 32767n], u16: [0n, 65535n],
  s32: [-(2n ** 31n), 2n ** 31n - 1n], u32: [0n, 2n ** 32n - 1n], s64: [-(2n ** 63n), 2n ** 63n - 1n], u64: [0n, 2n ** 64n - 1n],
};

const TYPED_ARRAYS: Readonly<Record<string, new (items: ArrayLike<number> & ArrayLike<bigint>) => unknown>> = {
  u8: Uint8Array, s8: Int8Array, u16: Uint16Array, s16: Int16Array, u32: Uint32Array, s32: Int32Array,
  u64: BigUint64Array, s64: BigInt64Array, f32: Float32Array, f64: Float64Array,
} as unknown as Readonly<Record<string, new (items: ArrayLike<number> & ArrayLike<bigint>) => unknown>>;

function describe(n: WaveNode): string {
  switch (n.k) {
    case 'number': return `number ${n.text}`;
    case 'case': return `\`${n.label}\``;
    default: return `a ${n.k}`;
  }
}

function prim(p: string, n: WaveNode): unknown {
  switch (p) {
    case 'bool':
      if (n.k === 'case' && !n.escaped && n.payload === undefined && (n.label === 'true' || n.label === 'false')) return n.label === 'true';
      return fail(`expected a bool, got ${describe(n)}`);
    case 'char':
      if (n.k !== 'char') fail(`expected a char, got ${describe(n)}`);
      return n.value;
    case 'string':
      if (n.k !== 'string') fail(`expected a string, got ${describe(n)}`);
      return n.value;
    case 'f32': case 'f64': {
      if (n.k !== 'number') fail(`expected a number, got ${describe(n)}`);
      const v = n.text === 'nan' ? NaN : n.text === 'inf' ? Infinity : n.text === '-inf' ? -Infinity : Number(n.text);
      return p === 'f32' ? Math.fround(v) : v;
    }
    default: {
      const range = INT_RANGE[p];
      if (range === undefined) return fail(`values of type ${p} cannot be written in WAVE`);
      if (n.k !== 'number' || !/^-?[0-9]+$/.test(n.text)) fail(`expected an integer, got ${describe(n)}`);
      const v = BigInt(n.text);
      if (v < range[0] || v > range[1]) fail(`${n.text} is out of range for ${p}`);
      return p === 's64' || p === 'u64' ? v : Number(v);
    }
  }
}

/** The JavaScript value of WAVE node `n` for value type `t` (names 'wit', results tagged). */
export function waveToJs(n: WaveNode, t: VT): unknown {
  const d = defOf(t);
  if (typeof d === 'string') return prim(d, n);
  switch (d.kind) {
    case 'record': {
      if (n.k === 'flags' && n.names.length === 0 && d.fields.length === 0) return {};
      if (n.k !== 'record') return fail(`expected a record, got ${describe(n)}`);
      const given = new Map(n.fields);
      for (const [name] of n.fields) if (!d.fields.some(([f]) => f === name)) fail(`no field \`${name}\` in this record`);
      const out: Record<string, unknown> = {};
      for (const [name, ft] of d.fields) {
        const v = given.get(name);
        if (v === undefined) {
          const fd = defOf(ft);
          if (typeof fd !== 'string' && fd.kind === 'option') out[name] = waveToJs({ k: 'case', label: 'none', escaped: false }, ft);
          else fail(`missing field \`${name}\``);
        } else out[name] = waveToJs(v, ft);
      }
      return out;
    }
    case 'variant': {
      if (n.k !== 'case') return fail(`expected a variant case, got ${describe(n)}`);
      const c = d.cases.find(([name]) => name === n.label);
      if (c === undefined) return fail(`no case \`${n.label}\` in this variant`);
      if (KEYWORDS.has(n.label) && !n.escaped) fail(`the case \`${n.label}\` is a keyword: write \`%${n.label}\``);
      if ((c[1] === undefined) !== (n.payload === undefined)) fail(c[1] === undefined ? `case \`${n.label}\` has no payload` : `case \`${n.label}\` needs a payload`);
      return c[1] === undefined ? { tag: n.label } : { tag: n.label, val: waveToJs(n.payload as WaveNode, c[1]) };
    }
    case 'enum': {
      if (n.k !== 'case' || n.payload !== undefined || !d.names.includes(n.label)) return fail(`expected one of ${d.names.join(', ')}, got ${describe(n)}`);
      if (KEYWORDS.has(n.label) && !n.escaped) fail(`the case \`${n.label}\` is a keyword: write \`%${n.label}\``);
      return n.label;
    }
    case 'flags': {
      if (n.k !== 'flags') return fail(`expected flags, got ${describe(n)}`);
      const out: Record<string, boolean> = {};
      for (const name of d.names) out[name] = false;
      for (const name of n.names) {
        if (!d.names.includes(name)) fail(`no flag \`${name}\``);
        out[name] = true;
      }
      return out;
    }
    case 'tuple': {
      if (n.k !== 'tuple' || n.items.length !== d.types.length) return fail(`expected a tuple of ${d.types.length}, got ${describe(n)}`);
      return d.types.map((et, i) => waveToJs(n.items[i], et));
    }
    case 'list': {
      if (n.k !== 'list') return fail(`expected a list, got ${describe(n)}`);
      if (d.length !== undefined && n.items.length !== d.length) fail(`expected a list of ${d.length}, got ${n.items.length}`);
      const items = n.items.map((x) => waveToJs(x, d.element));
      const e = defOf(d.element);
      const Typed = typeof e === 'string' ? TYPED_ARRAYS[e] : undefined;
      return Typed === undefined ? items : new Typed(items as unknown as ArrayLike<number> & ArrayLike<bigint>);
    }
    case 'option': {
      // An option of an option is tagged, so that nesting survives (abi/values.ts).
      const x = defOf(d.type);
      const nested = typeof x !== 'string' && x.kind === 'option';
      if (n.k === 'case' && !n.escaped && n.label === 'none' && n.payload === undefined) return nested ? { tag: 'none' } : undefined;
      const inner = n.k === 'case' && !n.escaped && n.label === 'some' && n.payload !== undefined ? n.payload : undefined;
      if (inner === undefined && isOptionOrResult(d.type)) return fail('an option of an option or result is written some(...) or none');
      const v = waveToJs(inner ?? n, d.type);
      return nested ? { tag: 'some', val: v } : v;
    }
    case 'result': {
      if (n.k === 'case' && !n.escaped && (n.label === 'ok' || n.label === 'err')) {
        const t2 = n.label === 'ok' ? d.ok : d.error;
        if ((t2 === undefined) !== (n.payload === undefined)) fail(t2 === undefined ? `\`${n.label}\` has no payload here` : `\`${n.label}\` needs a payload`);
        return t2 === undefined ? { tag: n.label } : { tag: n.label, val: waveToJs(n.payload as WaveNode, t2) };
      }
      if (d.ok === undefined || isOptionOrResult(d.ok)) return fail('expected ok(...) or err(...)');
      return { tag: 'ok', val: waveToJs(n, d.ok) };
    }
    case 'own': case 'borrow': return fail('resources cannot be written in WAVE');
    default: return fail(`values of this type cannot be written in WAVE (${d.kind})`);
  }
}

/** The arguments of a call to `f`, from WAVE: trailing `none` options may be left out. */
export function waveArgs(f: FuncT, args: readonly WaveNode[]): unknown[] {
  if (args.length > f.params.length) fail(`${f.params.length} arguments expected, got ${args.length}`);
  return f.params.map(([name, t], i) => {
    const a = args[i];
    if (a !== undefined) return waveToJs(a, t);
    const d = defOf(t);
    if (typeof d !== 'string' && d.kind === 'option') return waveToJs({ k: 'case', label: 'none', escaped: false }, t);
    return fail(`missing argument \`${name}\``);
  });
}

// ---- printing ----

function label(name: string): string {
  return KEYWORDS.has(name) ? `%${name}` : name;
}

function quote(s: string, q: '"' | '\''): string {
  let out = q;
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === q || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return out + q;
}

function number(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

/** `value` (in the runtime's JavaScript shape for `t`, results tagged) as WAVE text. */
export function jsToWave(value: unknown, t: VT): string {
  const d = defOf(t);
  if (typeof d === 'string') {
    switch (d) {
      case 'bool': return value ? 'true' : 'false';
      case 'char': return quote(String(value), '\'');
      case 'string': return quote(String(value), '"');
      case 'f32': case 'f64': return number(value as number);
      default: return String(value);
    }
  }
  switch (d.kind) {
    case 'record': {
      if (d.fields.length === 0) return '{:}';
      const v = value as Record<string, unknown>;
      return `{${d.fields.map(([name, ft]) => `${name}: ${jsToWave(v[name], ft)}`).join(', ')}}`;
    }
    case 'variant': {
      const v = value as { tag: string; val?: unknown };
      const c = d.cases.find(([name]) => name === v.tag);
      return c?.[1] === undefined ? label(v.tag) : `${label(v.tag)}(${jsToWave(v.val, c[1])})`;
    }
    case 'enum': return label(String(value));
    case 'flags': {
      const v = value as Record<string, boolean>;
      return `{${d.names.filter((name) => v[name]).join(', ')}}`;
    }
    case 'tuple': return `(${d.types.map((et, i) => jsToWave((value as unknown[])[i], et)).join(', ')})`;
    case 'list': return `[${Array.from(value as ArrayLike<unknown>, (x) => jsToWave(x, d.element)).join(', ')}]`;
    case 'option': {
      const x = defOf(d.type);
      const nested = typeof x !== 'string' && x.kind === 'option';
      if (nested) {
        const v = value as { tag: string; val?: unknown };
        return v.tag === 'none' ? 'none' : `some(${jsToWave(v.val, d.type)})`;
      }
      return value === undefined ? 'none' : `some(${jsToWave(value, d.type)})`;
    }
    case 'result': {
      const v = value as { tag: 'ok' | 'err'; val?: unknown };
      const t2 = v.tag === 'ok' ? d.ok : d.error;
      return t2 === undefined ? v.tag : `${v.tag}(${jsToWave(v.val, t2)})`;
    }
    case 'own': case 'borrow': return `<${d.kind} resource>`;
    default: return `<${d.kind}>`;
  }
}
