// Import and export names (Explainer.md, "Import and Export Definitions"): the grammar of
// plain, annotated (`[constructor]`, `[method]`, `[static]`) and interface names with
// semver versions, strong uniqueness (case-insensitive, annotations ignored), the
// `implements` attribute, and the function shapes annotations demand. Messages follow
// wasm-tools, since the testsuite matches them.
import { ValidationError } from '../../core/errors.ts';
import type { ExternName } from '../ast.ts';
import type { EntityT, TypeEntry, VT } from './model.ts';

export type ParsedName =
  | { kind: 'plain'; label: string }
  | { kind: 'constructor'; resource: string }
  | { kind: 'method' | 'static'; resource: string; name: string }
  | { kind: 'interface' };

const WORD = /^(?:[a-z][0-9a-z]*|[A-Z][0-9A-Z]*)$/;
const WORD_REST = /^(?:[0-9a-z]+|[0-9A-Z]+)$/;

/** A kebab-case `label`: words of one case separated by `-`, the first starting with a letter. */
export function isKebab(s: string): boolean {
  const words = s.split('-');
  return WORD.test(words[0]) && words.slice(1).every((w) => WORD_REST.test(w));
}

export function checkKebab(s: string, what = ''): void {
  if (!isKebab(s)) throw new ValidationError(`${what}\`${s}\` is not in kebab case`);
}

/** Parses an extern name, throwing ValidationError with wasm-tools' phrase if malformed. */
export function parseName(raw: string): ParsedName {
  try {
    return parseNameInner(raw);
  } catch (e) {
    if (e instanceof ValidationError && !e.phrase.startsWith('`' + raw + '` is not a valid')) {
      throw new ValidationError(`\`${raw}\` is not a valid extern name: ${e.phrase}`);
    }
    throw e;
  }
}

function parseNameInner(raw: string): ParsedName {
  const ann = /^\[(constructor|method|static)\]/.exec(raw);
  if (ann) {
    const rest = raw.slice(ann[0].length);
    if (ann[1] === 'constructor') { checkKebab(rest); return { kind: 'constructor', resource: rest }; }
    const dot = rest.indexOf('.');
    if (dot < 0) throw new ValidationError('failed to find `.` character');
    const resource = rest.slice(0, dot);
    const name = rest.slice(dot + 1);
    checkKebab(resource);
    checkKebab(name);
    return { kind: ann[1] as 'method' | 'static', resource, name };
  }
  if (!raw.includes(':')) { checkKebab(raw); return { kind: 'plain', label: raw }; }
  try {
    parseInterface(raw);
  } catch (e) {
    if (e instanceof ValidationError) throw new ValidationError(`\`${raw}\` is not a valid extern name: ${e.phrase}`);
    throw e;
  }
  return { kind: 'interface' };
}

/** `namespace:package/interface(@version)?`; namespace and package words are lowercase. */
function parseInterface(raw: string): void {
  const lower = (s: string): void => {
    checkKebab(s);
    if (s !== s.toLowerCase()) throw new ValidationError(`\`${s}\` is not lowercase`);
  };
  const colon = raw.indexOf(':');
  lower(raw.slice(0, colon));
  let rest = raw.slice(colon + 1);
  const slash = rest.indexOf('/');
  const nextColon = rest.indexOf(':');
  if (nextColon >= 0 && (slash < 0 || nextColon < slash)) throw new ValidationError('expected `/` after package name');
  if (slash < 0) { lower(rest); throw new ValidationError('expected `/` after package name'); }
  lower(rest.slice(0, slash));
  rest = rest.slice(slash + 1);
  const at = rest.indexOf('@');
  const iface = at < 0 ? rest : rest.slice(0, at);
  const trailing = iface.indexOf('/');
  if (trailing >= 0) throw new ValidationError(`trailing characters found: \`${iface.slice(trailing)}\``);
  checkKebab(iface);
  if (at >= 0) checkSemver(rest.slice(at + 1));
}

/** A semver 2.0 version (https://semver.org), as the `semver` crate reads it. */
function checkSemver(v: string): void {
  if (v === '') throw new ValidationError('empty string');
  let i = 0;
  const number = (): void => {
    if (i >= v.length) throw new ValidationError('unexpected end of input');
    if (!/[0-9]/.test(v[i])) throw new ValidationError(`unexpected character '${v[i]}'`);
    const start = i;
    while (i < v.length && /[0-9]/.test(v[i])) i++;
    if (v[start] === '0' && i - start > 1) throw new ValidationError('invalid leading zero');
  };
  const dot = (): void => {
    if (i >= v.length) throw new ValidationError('unexpected end of input');
    if (v[i] !== '.') throw new ValidationError(`unexpected character '${v[i]}'`);
    i++;
  };
  number(); dot(); number(); dot(); number();
  const idents = (end: number): void => {
    for (const seg of v.slice(i, end).split('.')) {
      if (seg === '') throw new ValidationError('empty identifier segment');
      const bad = /[^0-9A-Za-z-]/.exec(seg);
      if (bad) throw new ValidationError(`unexpected character '${bad[0]}'`);
    }
    i = end;
  };
  if (i < v.length && v[i] === '-') {
    i++;
    const plus = v.indexOf('+', i);
    idents(plus < 0 ? v.length : plus);
  }
  if (i < v.length && v[i] === '+') { i++; idents(v.length); }
  if (i < v.length) throw new ValidationError(`unexpected character '${v[i]}'`);
}

/**
 * Explainer.md, "Name Uniqueness": the canonical form of a name is lowercase,
 * `[method]l.l` and `[static]l.l` become `l`, other annotations but `[constructor]` are
 * stripped.
 */
function uniquenessKey(p: ParsedName, raw: string): string {
  switch (p.kind) {
    case 'plain': return p.label.toLowerCase();
    case 'constructor': return `[constructor]${p.resource.toLowerCase()}`;
    case 'method': case 'static': {
      const r = p.resource.toLowerCase();
      const n = p.name.toLowerCase();
      return r === n ? n : `${r}.${n}`;
    }
    case 'interface': return raw.toLowerCase();
  }
}

/**
 * One namespace of names: a component's imports, its exports, an instance's exports.
 * It also knows which resource type entries are named here, for annotated functions.
 */
export class NameSpace {
  readonly what: 'import' | 'export';
  readonly #keys = new Map<string, string>();
  readonly #resources = new Map<TypeEntry, string>();
  readonly #labels = new Set<string>();

  constructor(what: 'import' | 'export') {
    this.what = what;
  }

  add(name: ExternName, e: EntityT): void {
    const raw = name.name;
    const p = parseName(raw);
    const kinds = new Set<string>();
    for (const attr of name.attributes) {
      if (kinds.has(attr.kind)) throw new ValidationError(`duplicate '${attr.kind}' option in name`);
      kinds.add(attr.kind);
    }
    for (const attr of name.attributes) {
      if (attr.kind !== 'implements') continue;
      if (e.kind !== 'instance') throw new ValidationError('only instances can have an `implements` attribute');
      if (p.kind !== 'plain') throw new ValidationError(`name \`${raw}\` is not valid with \`implements\``);
      let q: ParsedName;
      try { q = parseName(attr.name); } catch (err) {
        throw new ValidationError(`\`implements\` value is not a valid name: ${err instanceof ValidationError ? err.phrase : String(err)}`);
      }
      if (q.kind !== 'interface') throw new ValidationError(`\`implements\` value \`${attr.name}\` must be an interface name`);
    }
    if (p.kind === 'constructor' || p.kind === 'method' || p.kind === 'static') this.#annotated(p, raw, e);
    const key = uniquenessKey(p, raw);
    const prev = this.#keys.get(key);
    if (prev !== undefined) throw new ValidationError(`${this.what} name \`${raw}\` conflicts with previous name \`${prev}\``);
    this.#keys.set(key, raw);
    if (p.kind === 'plain' && e.kind === 'type' && e.type.def.kind === 'resource') {
      this.#resources.set(e.type, p.label);
      this.#labels.add(p.label);
    }
  }

  #resourceName(t: VT | undefined, kind: 'own' | 'borrow'): TypeEntry | undefined {
    if (t === undefined || typeof t === 'string' || t.def.kind !== kind) return undefined;
    return t.def.resource;
  }

  #expectResource(r: TypeEntry, expected: string): void {
    const actual = this.#resources.get(r);
    if (actual === undefined) throw new ValidationError('resource used in function does not have a name in this context');
    if (actual !== expected) throw new ValidationError(`function does not match expected resource name \`${actual}\``);
  }

  // Explainer.md, "Import and Export Definitions": what each annotation requires.
  #annotated(p: Exclude<ParsedName, { kind: 'plain' | 'interface' }>, raw: string, e: EntityT): void {
    if (e.kind !== 'func') throw new ValidationError(`item \`${raw}\` is not a func`);
    const f = e.type;
    if (p.kind === 'constructor') {
      if (f.async) throw new ValidationError('constructor function cannot be async');
      if (f.result === undefined) throw new ValidationError('function should return one value');
      let r = this.#resourceName(f.result, 'own');
      if (r === undefined && typeof f.result !== 'string' && f.result.def.kind === 'result' && f.result.def.ok !== undefined) {
        r = this.#resourceName(f.result.def.ok, 'own');
      }
      if (r === undefined) throw new ValidationError('function should return `(own $T)` or `(result (own $T))`');
      this.#expectResource(r, p.resource);
    } else if (p.kind === 'method') {
      if (f.params.length === 0) throw new ValidationError('function should have at least one argument');
      const [name, t] = f.params[0];
      if (name !== 'self') throw new ValidationError('function should have a first argument called `self`');
      const r = this.#resourceName(t, 'borrow');
      if (r === undefined) throw new ValidationError('function should take a first argument of `(borrow $T)`');
      this.#expectResource(r, p.resource);
    } else if (!this.#labels.has(p.resource)) {
      throw new ValidationError('static resource name is not known in this context');
    }
  }
}
