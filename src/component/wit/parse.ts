// The WIT parser: one file's text to its syntax tree (WIT.md "Lexical structure" and the
// item grammars). Errors are ParseErrors worded as wasm-tools words them ("expected X, found Y").
import type {
  Case, ExternTarget, Field, FuncType, Gate, Id, IncludeDecl, InterfaceDecl, InterfaceMember,
  NestedPackage, PackageName, Primitive, ResourceFunc, TopItem, TypeDecl, TypeExpr, UseDecl,
  UsePath, WitFile, WorldDecl, WorldMember,
} from './ast.ts';
import { PRIMITIVES } from './ast.ts';
import { describe, identifierName, Lexer, Source, type Span, type Token } from './lexer.ts';

// wasm-tools' limits, so deeply nested input ends in an error rather than a stack overflow.
const MAX_TYPE_DEPTH = 100;
const MAX_PACKAGE_DEPTH = 100;

const PRIMITIVE_SET: ReadonlySet<string> = new Set(PRIMITIVES);
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:[0-9A-Za-z-]*[A-Za-z-][0-9A-Za-z-]*|0|[1-9]\d*)(?:\.(?:[0-9A-Za-z-]*[A-Za-z-][0-9A-Za-z-]*|0|[1-9]\d*))*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?/;

/** Parses one WIT file. `name` only labels error messages. */
export function parseWitFile(text: string, name = '<input>'): WitFile {
  return new Parser(new Source(text, name)).file();
}

/** Doc comments as wasm-tools renders them: markers stripped, common indentation removed. */
export function docsText(raw: readonly string[]): string | undefined {
  if (raw.length === 0) return undefined;
  const lines: string[] = [];
  for (const doc of raw) {
    const body = doc.startsWith('/**') ? doc.slice(3, -2) : doc.replace(/^\/+/, '');
    lines.push(body.trimEnd());
  }
  const indents = lines.filter((l) => l !== '').map((l) => l.length - l.trimStart().length);
  const min = indents.length ? Math.min(...indents) : 0;
  const out: string[] = [];
  for (const l of lines) {
    const line = l.startsWith(' '.repeat(min)) ? l.slice(min) : l;
    out.push(...line.split(/\r?\n/));
  }
  return out.join('\n');
}

class Parser {
  readonly lexer: Lexer;
  readonly source: Source;
  constructor(source: Source) {
    this.source = source;
    this.lexer = new Lexer(source);
  }

  // --- token helpers ---

  peek(): Token {
    return this.lexer.peek();
  }

  next(): Token {
    return this.lexer.next();
  }

  eat(kind: string): Token | undefined {
    const save = this.lexer.pos;
    const t = this.lexer.next();
    if (t.kind === kind) return t;
    this.lexer.pos = save;
    return undefined;
  }

  expect(kind: string): Token {
    const t = this.next();
    if (t.kind !== kind) {
      const what = kind === 'integer' ? 'an integer' : kind === 'string' ? 'a string literal' : kind === '->' ? '`->`' : isWord(kind) ? `keyword \`${kind}\`` : `'${kind}'`;
      throw this.expected(what, t);
    }
    return t;
  }

  expected(what: string, found: Token): Error {
    return this.source.error(`expected ${what}, found ${describe(found)}`, found.start);
  }

  id(): Id {
    const t = this.next();
    if (t.kind !== 'id' && t.kind !== 'explicit-id') throw this.expected('an identifier or string', t);
    return { name: identifierName(this.lexer, t), span: t };
  }

  isId(t: Token): boolean {
    return t.kind === 'id' || t.kind === 'explicit-id';
  }

  /** Docs collected by the lexer before the next token. */
  docs(): string | undefined {
    return docsText(this.peek().docs);
  }

  version(): string {
    const t = this.next();
    if (t.kind !== 'integer') throw this.expected('an integer', t);
    const m = SEMVER.exec(this.source.text.slice(t.start));
    if (!m) {
      // Report the first token that breaks `major.minor.patch`, as the token grammar would.
      this.lexer.pos = t.end;
      this.expect('.');
      this.expect('integer');
      this.expect('.');
      this.expect('integer');
      throw this.source.error('unexpected character in version', t.start);
    }
    this.lexer.pos = t.start + m[0].length;
    return m[0];
  }

  // --- files and packages ---

  file(): WitFile {
    const save = this.lexer.pos;
    const first = this.peek();
    let pkg: PackageName | undefined;
    let packageDocs: string | undefined;
    let packageDocsSpan: Span | undefined;
    if (first.kind === 'package') {
      this.next();
      const name = this.packageName();
      if (this.eat(';')) {
        pkg = name;
        packageDocs = docsText(first.docs);
        if (first.docs.length) packageDocsSpan = { start: this.commentStart(first), end: first.start };
      } else this.lexer.pos = save;
    }
    const items: TopItem[] = [];
    const nested: NestedPackage[] = [];
    this.declList(items, nested, undefined, 0);
    return { source: this.source, package: pkg, packageDocs, packageDocsSpan, items, nested };
  }

  /** Where the doc comments before `t` start (for pointing at them). */
  commentStart(t: Token): number {
    const text = this.source.text;
    const firstDoc = t.docs[0];
    const at = text.lastIndexOf(firstDoc, t.start);
    return at >= 0 ? at : t.start;
  }

  declList(items: TopItem[], nested: NestedPackage[], end: string | undefined, depth: number): void {
    for (;;) {
      const t = this.peek();
      if (end === undefined ? t.kind === 'eof' : t.kind === end) {
        this.next();
        return;
      }
      const docs = docsText(t.docs);
      const gate = this.gate();
      const k = this.peek();
      switch (k.kind) {
        case 'interface': items.push(this.interfaceDecl(docs, gate)); break;
        case 'world': items.push(this.worldDecl(docs, gate)); break;
        case 'use': items.push(this.toplevelUse(gate)); break;
        case 'package': {
          this.next();
          if (gate.since || gate.unstable || gate.deprecated || gate.externalId !== undefined) {
            throw this.source.error('cannot place attributes on nested packages', k.start);
          }
          if (depth >= MAX_PACKAGE_DEPTH) throw this.source.error('package nesting too deep', k.start);
          const name = this.packageName();
          this.expect('{');
          const inner: TopItem[] = [];
          const innerNested: NestedPackage[] = [];
          this.declList(inner, innerNested, '}', depth + 1);
          if (innerNested.length) {
            throw this.source.error('nested packages must be placed at the top-level', innerNested[0].name.span.start);
          }
          nested.push({ name, docs, items: inner });
          break;
        }
        default: throw this.expected('`world`, `interface` or `use`', k);
      }
    }
  }

  packageName(): PackageName {
    const ns = this.id();
    this.expect(':');
    const name = this.id();
    let version: string | undefined;
    if (this.eat('@')) version = this.version();
    return { namespace: ns.name, name: name.name, version, span: { start: ns.span.start, end: this.lexer.pos } };
  }

  gate(): Gate {
    const gate: Gate = {};
    while (this.eat('@')) {
      const id = this.id();
      switch (id.name) {
        case 'since': case 'deprecated': {
          this.expect('(');
          this.field('version');
          this.expect('=');
          const version = this.version();
          this.expect(')');
          gate[id.name] = { version, span: id.span };
          break;
        }
        case 'unstable': {
          this.expect('(');
          this.field('feature');
          this.expect('=');
          const feature = this.id().name;
          this.expect(')');
          gate.unstable = { feature, span: id.span };
          break;
        }
        case 'external-id': {
          this.expect('(');
          const t = this.expect('string');
          this.expect(')');
          gate.externalId = stringValue(this.lexer.text(t).slice(1, -1));
          break;
        }
        default: throw this.source.error(`unknown attribute \`${id.name}\``, id.span.start);
      }
    }
    return gate;
  }

  field(expected: string): void {
    const id = this.id();
    if (id.name !== expected) throw this.source.error(`expected \`${expected}\`, found \`${id.name}\``, id.span.start);
  }

  usePath(): UsePath {
    const first = this.id();
    if (!this.eat(':')) return { kind: 'local', name: first };
    const pkg = this.id();
    this.expect('/');
    const name = this.id();
    let version: string | undefined;
    if (this.eat('@')) version = this.version();
    const span = { start: first.span.start, end: this.lexer.pos };
    return {
      kind: 'package',
      package: { namespace: first.name, name: pkg.name, version, span: { start: first.span.start, end: pkg.span.end } },
      name,
      span,
    };
  }

  toplevelUse(gate: Gate): TopItem {
    this.expect('use');
    const path = this.usePath();
    const as = this.eat('as') ? this.id() : undefined;
    this.expect(';');
    return { kind: 'use', path, as, gate };
  }

  useDecl(docs: string | undefined, gate: Gate): UseDecl {
    this.expect('use');
    const path = this.usePath();
    this.expect('.');
    this.expect('{');
    const names: UseDecl['names'] = [];
    while (!this.eat('}')) {
      const name = this.id();
      const as = this.eat('as') ? this.id() : undefined;
      names.push({ name, as });
      if (!this.eat(',')) {
        this.expect('}');
        break;
      }
    }
    this.expect(';');
    return { kind: 'use', path, names, gate, docs };
  }

  // --- interfaces ---

  interfaceDecl(docs: string | undefined, gate: Gate): InterfaceDecl {
    this.expect('interface');
    const name = this.id();
    return { kind: 'interface', name, docs, gate, items: this.interfaceItems() };
  }

  interfaceItems(): InterfaceMember[] {
    this.expect('{');
    const items: InterfaceMember[] = [];
    for (;;) {
      const docs = this.docs();
      const gate = this.gate();
      const t = this.peek();
      if (t.kind === '}') {
        this.next();
        return items;
      }
      if (t.kind === 'use') items.push(this.useDecl(docs, gate));
      else if (this.isTypeStart(t.kind)) items.push(this.typeDecl(docs, gate));
      else if (this.isId(t)) {
        const name = this.id();
        this.expect(':');
        const func = this.funcType();
        this.expect(';');
        items.push({ kind: 'func', name, docs, gate, func });
      } else throw this.expected('`type`, `resource` or `func`', t);
    }
  }

  isTypeStart(kind: string): boolean {
    return kind === 'type' || kind === 'resource' || kind === 'record' || kind === 'variant' || kind === 'enum' || kind === 'flags';
  }

  funcType(): FuncType {
    const isAsync = this.eat('async') !== undefined;
    this.expect('func');
    return { async: isAsync, ...this.paramsAndResult() };
  }

  paramsAndResult(): { params: FuncType['params']; result?: TypeExpr } {
    this.expect('(');
    const params: FuncType['params'] = [];
    while (!this.eat(')')) {
      const name = this.id();
      this.expect(':');
      params.push({ name, type: this.type(0) });
      if (!this.eat(',')) {
        this.expect(')');
        break;
      }
    }
    const result = this.eat('->') ? this.type(0) : undefined;
    return { params, result };
  }

  typeDecl(docs: string | undefined, gate: Gate): TypeDecl {
    const kw = this.next();
    const name = this.id();
    const base = { name, docs, gate };
    switch (kw.kind) {
      case 'type': {
        this.expect('=');
        const type = this.type(0);
        this.expect(';');
        return { ...base, kind: 'type', type };
      }
      case 'resource': {
        if (this.eat(';')) return { ...base, kind: 'resource' };
        this.expect('{');
        const funcs: ResourceFunc[] = [];
        for (;;) {
          const fdocs = this.docs();
          const fgate = this.gate();
          const t = this.next();
          if (t.kind === '}') break;
          if (t.kind === 'constructor') {
            const { params, result } = this.paramsAndResult();
            this.expect(';');
            funcs.push({ kind: 'constructor', name: { name: 'constructor', span: t }, docs: fdocs, gate: fgate, func: { async: false, params, result } });
          } else if (this.isId(t)) {
            const fname: Id = { name: identifierName(this.lexer, t), span: t };
            this.expect(':');
            const isStatic = this.eat('static') !== undefined;
            const func = this.funcType();
            this.expect(';');
            funcs.push({ kind: isStatic ? 'static' : 'method', name: fname, docs: fdocs, gate: fgate, func });
          } else throw this.expected('`constructor` or identifier', t);
        }
        // `resource r {}` is written back as `resource r;`, an empty list means the same.
        return { ...base, kind: 'resource', funcs };
      }
      case 'record': {
        this.expect('{');
        const fields: Field[] = [];
        while (!this.eat('}')) {
          const fdocs = this.docs();
          const fname = this.id();
          this.expect(':');
          fields.push({ name: fname, type: this.type(0), docs: fdocs });
          if (!this.eat(',')) {
            this.expect('}');
            break;
          }
        }
        return { ...base, kind: 'record', fields };
      }
      default: {
        const kind = kw.kind as 'variant' | 'enum' | 'flags';
        this.expect('{');
        const cases: Case[] = [];
        while (!this.eat('}')) {
          const cdocs = this.docs();
          const cname = this.id();
          let type: TypeExpr | undefined;
          if (kind === 'variant' && this.eat('(')) {
            type = this.type(0);
            this.expect(')');
          }
          cases.push({ name: cname, type, docs: cdocs });
          if (!this.eat(',')) {
            this.expect('}');
            break;
          }
        }
        if (cases.length === 0 && kind !== 'flags') throw this.source.error(`empty ${kind}`, name.span.start);
        return { ...base, kind, cases };
      }
    }
  }

  type(depth: number): TypeExpr {
    const t = this.next();
    if (depth >= MAX_TYPE_DEPTH) throw this.source.error('type nesting too deep', t.start);
    const span = (): Span => ({ start: t.start, end: this.lexer.pos });
    if (PRIMITIVE_SET.has(t.kind)) return { kind: 'primitive', name: t.kind as Primitive, span: t };
    switch (t.kind) {
      case 'id': case 'explicit-id': return { kind: 'name', name: { name: identifierName(this.lexer, t), span: t }, span: t };
      case 'own': case 'borrow': {
        this.expect('<');
        const resource = this.id();
        this.expect('>');
        return { kind: t.kind, resource, span: span() };
      }
      case 'list': {
        this.expect('<');
        const element = this.type(depth + 1);
        let size: number | undefined;
        if (this.eat(',')) {
          const n = this.next();
          if (n.kind !== 'integer') throw this.expected('fixed-length', n);
          size = Number(this.lexer.text(n));
          if (!(size > 0 && size < 2 ** 32)) throw this.source.error('invalid list size: must be between 1 and 2^32-1', n.start);
        }
        this.expect('>');
        return { kind: 'list', element, size, span: span() };
      }
      case 'option': {
        this.expect('<');
        const type = this.type(depth + 1);
        this.expect('>');
        return { kind: 'option', type, span: span() };
      }
      case 'result': {
        if (!this.eat('<')) return { kind: 'result', span: t };
        let ok: TypeExpr | undefined;
        let err: TypeExpr | undefined;
        if (this.eat('_')) {
          this.expect(',');
          err = this.type(depth + 1);
        } else {
          ok = this.type(depth + 1);
          if (this.eat(',')) err = this.type(depth + 1);
        }
        this.expect('>');
        return { kind: 'result', ok, err, span: span() };
      }
      case 'tuple': {
        this.expect('<');
        const types: TypeExpr[] = [];
        while (!this.eat('>')) {
          types.push(this.type(depth + 1));
          if (!this.eat(',')) {
            this.expect('>');
            break;
          }
        }
        return { kind: 'tuple', types, span: span() };
      }
      case 'map': {
        this.expect('<');
        const key = this.type(depth + 1);
        this.expect(',');
        const value = this.type(depth + 1);
        this.expect('>');
        return { kind: 'map', key, value, span: span() };
      }
      case 'future': case 'stream': {
        if (!this.eat('<')) return { kind: t.kind, span: t };
        const payload = this.type(depth + 1);
        this.expect('>');
        return { kind: t.kind, payload, span: span() };
      }
      default: throw this.expected('a type', t);
    }
  }

  // --- worlds ---

  worldDecl(docs: string | undefined, gate: Gate): WorldDecl {
    this.expect('world');
    const name = this.id();
    this.expect('{');
    const items: WorldMember[] = [];
    for (;;) {
      const idocs = this.docs();
      const igate = this.gate();
      const t = this.peek();
      if (t.kind === '}') {
        this.next();
        break;
      }
      if (t.kind === 'import' || t.kind === 'export') {
        this.next();
        items.push({ kind: t.kind, target: this.externTarget(), docs: idocs, gate: igate });
      } else if (t.kind === 'use') items.push(this.useDecl(idocs, igate));
      else if (t.kind === 'include') items.push(this.include(igate));
      else if (this.isTypeStart(t.kind)) items.push(this.typeDecl(idocs, igate));
      else throw this.expected('`import`, `export`, `include`, `use`, or type definition', t);
    }
    return { kind: 'world', name, docs, gate, items };
  }

  externTarget(): ExternTarget {
    const save = this.lexer.pos;
    const id = this.id();
    if (this.eat(':')) {
      const t = this.peek();
      if (t.kind === 'func' || t.kind === 'async') {
        const func = this.funcType();
        this.expect(';');
        return { kind: 'func', name: id, func };
      }
      if (t.kind === 'interface') {
        this.next();
        return { kind: 'interface', name: id, items: this.interfaceItems() };
      }
      // `label: path` unless the colon belonged to `ns:pkg/iface` (an id then `/` follows).
      const afterColon = this.lexer.pos;
      let qualified = false;
      if (this.isId(this.peek())) {
        this.next();
        qualified = this.peek().kind === '/';
      }
      this.lexer.pos = afterColon;
      if (!qualified) {
        const path = this.usePath();
        this.expect(';');
        return { kind: 'named-path', name: id, path };
      }
    }
    this.lexer.pos = save;
    const path = this.usePath();
    this.expect(';');
    return { kind: 'path', path };
  }

  include(gate: Gate): IncludeDecl {
    this.expect('include');
    const path = this.usePath();
    const names: IncludeDecl['with'] = [];
    if (this.eat('with')) {
      this.expect('{');
      while (!this.eat('}')) {
        const from = this.id();
        this.expect('as');
        const to = this.id();
        names.push({ from, to });
        if (!this.eat(',')) {
          this.expect('}');
          break;
        }
      }
      this.eat(';');
    } else this.expect(';');
    return { kind: 'include', path, with: names, gate };
  }
}

function isWord(kind: string): boolean {
  return /^[a-z]/.test(kind) && kind !== 'integer' && kind !== 'string';
}

/** The value of a string literal's body (the core text format's `name` escapes). */
function stringValue(body: string): string {
  return body.replace(/\\(u\{([0-9a-fA-F_]+)\}|[0-9a-fA-F]{2}|t|n|r|"|'|\\)/g, (_m, esc: string, hex?: string) => {
    if (hex !== undefined) return String.fromCodePoint(parseInt(hex.replaceAll('_', ''), 16));
    switch (esc) {
      case 't': return '\t';
      case 'n': return '\n';
      case 'r': return '\r';
      case '"': case "'": case '\\': return esc;
      default: return String.fromCharCode(parseInt(esc, 16));
    }
  });
}
