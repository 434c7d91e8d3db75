// Components in the text format (Explainer.md): `(component $id? definition*)` with nested
// core modules (read by the core WAT parser), core instances, core types, components,
// instances, aliases (explicit, inline `(func $i "name")` export aliases and implicit outer
// aliases), types, canonical definitions (explicit and as `(func (canon lift ...))` /
// `(core func (canon lower ...))` sugar), start, imports and exports (also inline
// `(export "x")` on definitions). Definitions precede their uses in components, so one pass
// reads them, binding identifiers and appending sections as the binary format orders them.
import { ParseError } from '../../core/errors.ts';
import { decodeModule } from '../../binary/decode.ts';
import { Cursor, T_EOF, T_LPAREN, T_RPAREN, T_STRING } from '../../text/cursor.ts';
import { type CustomAnnotation, lex } from '../../text/lexer.ts';
import { decodeSource } from '../../text/parse.ts';
import { parseModuleFields } from '../../text/parse-module.ts';
import type {
  Alias, AnyCanonFields, Canon, CanonOpt, Component, ComponentNames, ComponentType, CoreSort, CoreType,
  ExternName, InstanceType, NameAttribute, Sort, TypeDef,
} from '../ast.ts';
import { CANON_BY_NAME, CORE_SORT_CODE, SORT_CODE } from '../codes.ts';
import { decodeComponent } from '../binary/decode.ts';
import { COMPONENT_NAME_SECTION, NAME_SORT_ORDER, decodeComponentNames } from '../binary/names.ts';
import { COMPONENT_TEXT, ITEM_TEXT_POSITIONS } from '../positions.ts';
import { outerTarget, Scope } from './scope.ts';
import { TypeParser, coreValType } from './parse-types.ts';

/** Nesting of components and types the parser accepts before a ParseError. */
const MAX_DEPTH = 100;

/** Parses a text component: `(component ...)`, then the end of input. */
export function parseComponent(text: string | Uint8Array): Component {
  const c = new Cursor(lex(decodeSource(text)));
  const p = new ComponentParser(c);
  c.lparen();
  c.keyword('component');
  const component = p.componentBody(undefined);
  if (!c.at(T_EOF)) c.unexpected();
  COMPONENT_TEXT.set(component, c.text);
  return component;
}

const CORE_SORTS: ReadonlySet<string> = new Set(Object.keys(CORE_SORT_CODE));
const SORTS: ReadonlySet<string> = new Set(Object.keys(SORT_CODE));
/** Sorts core instances export; other sorts (core module too) come from component instances. */
const CORE_INSTANCE_SORTS: ReadonlySet<Sort> = new Set<Sort>(['core func', 'core table', 'core memory', 'core global', 'core tag']);

export class ComponentParser {
  readonly c: Cursor;
  readonly types: TypeParser;
  depth = 0;

  constructor(c: Cursor) {
    this.c = c;
    this.types = new TypeParser(this);
  }

  /** After `(component`: `$id?`, the fields or `binary "..."`, and the closing paren. */
  componentBody(parent: Scope | undefined): Component {
    const id = this.defId();
    return this.componentBodyAfterId(parent, id, this.takeName(id));
  }

  // ---- identifiers and references ----

  /** `(@name "...")` annotations of definition ids read but not bound yet, by id. */
  private readonly pendingNames = new Map<string, (string | undefined)[]>();
  /** `(@custom ...)` annotations by the token that follows them, built on first use. */
  private customsByToken: Map<number, CustomAnnotation[]> | undefined;

  /**
   * A definition's `$id`, remembering the `(@name "...")` that follows (or precedes) it: the
   * name the definition gets in the `component-name` section, as in wasm-tools. An
   * annotation without an id is not read.
   */
  defId(): string | undefined {
    const c = this.c;
    const at = c.pos;
    const id = c.id();
    if (id === undefined) return undefined;
    let stack = this.pendingNames.get(id);
    if (!stack) this.pendingNames.set(id, stack = []);
    stack.push(c.nameAnnotation(c.pos) ?? c.nameAnnotation(at));
    return id;
  }

  /** The annotated name of the definition `id` being bound (once). */
  private takeName(id: string | undefined): string | undefined {
    return id === undefined ? undefined : this.pendingNames.get(id)?.pop();
  }

  private peekName(id: string | undefined): string | undefined {
    if (id === undefined) return undefined;
    const stack = this.pendingNames.get(id);
    return stack?.[stack.length - 1];
  }

  bind(scope: Scope, sort: Sort, id: string | undefined, at: number): number {
    if (id !== undefined && scope.lookup(sort, id) !== undefined) this.c.fail(at, `duplicate ${sort} identifier`);
    return scope.define(sort, id, this.takeName(id));
  }

  /** Adds an alias and binds its `$id`, if any. */
  private bindAlias(scope: Scope, alias: Alias, id: string | undefined, at: number): number {
    if (id !== undefined && scope.lookup(alias.sort, id) !== undefined) this.c.fail(at, `duplicate ${alias.sort} identifier`);
    return scope.alias(alias, id, this.takeName(id));
  }

  /** `(@custom "name" "data"*)` annotations before the token at the cursor: custom sections. */
  private customs(scope: Scope): void {
    const c = this.c;
    if (c.tokens.customs.length === 0) return;
    if (!this.customsByToken) {
      this.customsByToken = new Map();
      for (const a of c.tokens.customs) {
        const list = this.customsByToken.get(a.at);
        if (list) list.push(a);
        else this.customsByToken.set(a.at, [a]);
      }
    }
    for (const a of this.customsByToken.get(c.pos) ?? []) {
      // A placement (`(after data)`) only means something in a core module; here the
      // annotation's position among the fields is the section's.
      scope.sections.push({ kind: 'custom', name: a.name, data: a.data });
      if (a.name === COMPONENT_NAME_SECTION && scope.explicitNames === undefined) scope.explicitNames = a.data;
    }
  }

  /**
   * The component's names: an explicit `component-name` section wins (its ids are then
   * only references, which is how the printer writes names ids cannot carry exactly);
   * else the names of the `$id`s, sorts in wasm-tools' order.
   */
  private names(scope: Scope, name: string | undefined): ComponentNames | undefined {
    if (scope.explicitNames !== undefined) return decodeComponentNames(scope.explicitNames);
    const names: ComponentNames = { sorts: [], unknown: [] };
    if (name !== undefined) names.component = name;
    for (const sort of NAME_SORT_ORDER) {
      const map = scope.names.get(sort);
      if (map && map.size > 0) names.sorts.push({ sort, names: map });
    }
    return names.component === undefined && names.sorts.length === 0 ? undefined : names;
  }

  /** A bare index: `$id` or a number. */
  index(scope: Scope, sort: Sort): number {
    const c = this.c;
    const at = c.pos;
    const id = c.id();
    if (id === undefined) return c.u32();
    const index = scope.resolve(sort, id);
    if (index === undefined) return c.fail(at, `unknown ${sort} $${id}`);
    return index;
  }

  /** `$i "name" "name"...`: an instance and the export path, as export aliases. */
  private exportPath(scope: Scope, sort: Sort, core: boolean): number {
    const c = this.c;
    let instance = this.index(scope, core ? 'core instance' : 'instance');
    const names: string[] = [];
    while (c.atString()) names.push(c.name());
    for (let k = 0; k < names.length; k++) {
      const last = k === names.length - 1;
      const s: Sort = last ? sort : core ? 'core instance' : 'instance';
      instance = scope.alias({ sort: s, target: { kind: core ? 'core-export' : 'export', instance, name: names[k] } });
    }
    return instance;
  }

  /** The inside of a `(sort ...)` reference after its sort keywords: an index or an export path. */
  private refBody(scope: Scope, sort: Sort): number {
    const c = this.c;
    if (c.kind[c.pos + 1] === T_STRING && c.atIndex()) return this.exportPath(scope, sort, CORE_INSTANCE_SORTS.has(sort));
    return this.index(scope, sort);
  }

  /** A sort written in the text: `func`, `core func`, `core module`, ... */
  sort(): Sort {
    const c = this.c;
    if (c.eatKw('core')) {
      const kw = c.peekKeyword();
      if (kw === undefined || !CORE_SORTS.has(kw)) return c.unexpected();
      c.pos++;
      return `core ${kw as CoreSort}`;
    }
    const kw = c.peekKeyword();
    if (kw === undefined || !SORTS.has(kw)) return c.unexpected();
    c.pos++;
    return kw as Sort;
  }

  /** `(sort idx)` or `(sort $i "name")`: a sort and an index. */
  sortRef(scope: Scope): { sort: Sort; index: number } {
    const c = this.c;
    c.lparen();
    const sort = this.sort();
    const index = this.refBody(scope, sort);
    c.rparen();
    return { sort, index };
  }

  /** A reference of a known sort: a bare index, or `(sort idx)` / `(sort $i "name")`. */
  coreRef(scope: Scope, sort: Sort): number {
    const c = this.c;
    if (!c.at(T_LPAREN)) return this.index(scope, sort);
    const at = c.pos;
    const got = this.sortRef(scope);
    if (got.sort !== sort) c.fail(at + 1, `expected ${sort} reference`);
    return got.index;
  }

  /** A core reference written with its plain core keyword, as in core instance exports. */
  private plainCoreRef(scope: Scope): { sort: CoreSort; index: number } {
    const c = this.c;
    c.lparen();
    const kw = c.peekKeyword();
    if (kw === undefined || !CORE_SORTS.has(kw)) return c.unexpected();
    c.pos++;
    const sort = kw as CoreSort;
    const index = this.refBody(scope, `core ${sort}`);
    c.rparen();
    return { sort, index };
  }

  // ---- definitions ----

  defineType(scope: Scope, t: TypeDef, id: string | undefined): number {
    if (scope.kind === 'component') scope.push('type', t);
    else scope.decls.push({ kind: 'type', type: t });
    return this.bind(scope, 'type', id, this.c.pos);
  }

  defineCoreType(scope: Scope, t: CoreType, id?: string): number {
    if (scope.kind === 'component') scope.push('core-type', t);
    else scope.decls.push({ kind: 'core-type', type: t });
    return this.bind(scope, 'core type', id, this.c.pos);
  }

  /** `(component decl*)` / `(instance decl*)` type bodies, up to their closing paren. */
  typeDecls(scope: Scope, kind: 'component' | 'instance'): ComponentType | InstanceType {
    const c = this.c;
    if (++this.depth > MAX_DEPTH) c.fail(c.pos, 'nesting too deep');
    const inner = new Scope(kind === 'component' ? 'component-type' : 'instance-type', scope);
    while (c.at(T_LPAREN)) {
      const at = c.pos + 1;
      const head = c.peekKeyword(at);
      c.pos += 2;
      switch (head) {
        case 'import': case 'export': {
          if (head === 'import' && kind === 'instance') c.unexpected(at);
          const name = this.externName();
          const { type, id } = this.types.externType(inner);
          inner.decls.push({ kind: head, name, type });
          this.bind(inner, externSort(type.kind), id, at);
          break;
        }
        case 'type': {
          const id = this.defId();
          const t = this.types.typeDef(inner);
          this.defineType(inner, t, id);
          break;
        }
        case 'core': {
          c.keyword('type');
          const id = this.defId();
          this.defineCoreType(inner, this.types.coreType(inner), id);
          break;
        }
        case 'alias': this.alias(inner); break;
        default: c.unexpected(at);
      }
      c.rparen();
    }
    this.depth--;
    return kind === 'component' ? { kind, decls: inner.decls } : { kind, decls: inner.decls as InstanceType['decls'] };
  }

  /** `(alias ...)` after its keyword, up to the closing paren (not consumed). */
  alias(scope: Scope): void {
    const c = this.c;
    if (c.eatKw('outer')) {
      // `outer ct idx (sort $id?)`: ct counts enclosing scopes (or names one by its $id),
      // idx is resolved in that scope's space of the sort, which comes last.
      const { count, target } = outerTarget(c, scope, 0);
      const idxAt = c.pos;
      const idxId = c.id();
      const idxNum = idxId === undefined ? c.u32() : 0;
      c.lparen();
      const sort = this.sort();
      const idAt = c.pos;
      const id = this.defId();
      c.rparen();
      let index = idxNum;
      if (idxId !== undefined) {
        const found = target.lookup(sort, idxId);
        if (found === undefined) return c.fail(idxAt, `unknown ${sort} $${idxId}`);
        index = found;
      }
      this.bindAlias(scope, { sort, target: { kind: 'outer', count, index } }, id, idAt);
      return;
    }
    const core = c.eatKw('core');
    c.keyword('export');
    const instance = this.index(scope, core ? 'core instance' : 'instance');
    const name = c.name();
    c.lparen();
    const sort = this.sort();
    const idAt = c.pos;
    const id = this.defId();
    c.rparen();
    this.bindAlias(scope, { sort, target: { kind: core ? 'core-export' : 'export', instance, name } }, id, idAt);
  }

  externName(): ExternName {
    const c = this.c;
    const name = c.name();
    const attributes: NameAttribute[] = [];
    for (;;) {
      if (c.eatParen('implements')) attributes.push({ kind: 'implements', name: c.name() });
      else if (c.eatParen('versionsuffix')) attributes.push({ kind: 'versionsuffix', suffix: c.name() });
      else if (c.eatParen('external-id')) attributes.push({ kind: 'external-id', id: c.name() });
      else break;
      c.rparen();
      const kind = attributes[attributes.length - 1].kind;
      if (attributes.filter((a) => a.kind === kind).length > 1) c.fail(c.pos - 1, `duplicate '${kind}' option in name`);
    }
    return { name, form: attributes.length > 0 ? 2 : 0, attributes };
  }

  /** Inline `(export "x")`s on a definition; exported once the definition has its index. */
  private inlineExports(): ExternName[] {
    const c = this.c;
    const out: ExternName[] = [];
    while (c.atParen('export') && c.kind[c.pos + 2] === T_STRING) {
      const save = c.pos;
      c.pos += 2;
      const name = this.externName();
      // `(export "x" (func $f))` is an instance's export, not an inline export.
      if (!c.at(T_RPAREN)) {
        c.pos = save;
        break;
      }
      out.push(name);
      c.rparen();
    }
    return out;
  }

  /**
   * Inline exports are appended at the end of the component, as wasm-tools expands them, so
   * the indices they add come after every explicit definition's.
   */
  private exportAll(scope: Scope, names: readonly ExternName[], sort: Sort, index: number): void {
    for (const name of names) {
      const e = { name, sort, index };
      ITEM_TEXT_POSITIONS.set(e, scope.at);
      scope.deferred.push(e);
    }
  }

  /** One component field at `(`. */
  field(scope: Scope): void {
    const c = this.c;
    const open = c.pos;
    scope.at = c.start[open];
    c.lparen();
    const at = c.pos;
    const head = c.peekKeyword();
    c.pos++;
    switch (head) {
      case 'core': this.coreField(scope, at); break;
      case 'component': this.nestedComponent(scope, open); return;
      case 'instance': this.instance(scope, at); break;
      case 'alias': this.alias(scope); break;
      case 'type': {
        const id = this.defId();
        const exports = this.inlineExports();
        const index = this.defineType(scope, this.types.typeDef(scope), id);
        this.exportAll(scope, exports, 'type', index);
        break;
      }
      case 'canon': this.canon(scope, undefined, undefined, undefined); break;
      case 'func': this.funcField(scope, at); break;
      case 'start': this.start(scope); break;
      case 'import': {
        const name = this.externName();
        const { type, id } = this.types.externType(scope);
        scope.push('import', { name, type });
        this.bind(scope, externSort(type.kind), id, at);
        break;
      }
      case 'export': {
        const id = this.defId();
        const name = this.externName();
        const { sort, index } = this.sortRef(scope);
        const e: { name: ExternName; sort: Sort; index: number; type?: ReturnType<TypeParser['externType']>['type'] } = { name, sort, index };
        if (c.at(T_LPAREN)) e.type = this.types.externType(scope).type;
        scope.push('export', e);
        this.bind(scope, sort, id, at);
        break;
      }
      case 'value': return c.fail(at, 'value definitions are not supported in text yet');
      default: c.unexpected(at);
    }
    c.rparen();
  }

  private nestedComponent(scope: Scope, open: number): Component {
    const c = this.c;
    const id = this.defId();
    const exports = this.inlineExports();
    const at = scope.at;
    const component = this.componentBodyAfterId(scope, id, this.peekName(id));
    const section = { kind: 'component', component } as const;
    ITEM_TEXT_POSITIONS.set(section, at);
    scope.sections.push(section);
    const index = this.bind(scope, 'component', id, open);
    this.exportAll(scope, exports, 'component', index);
    return component;
  }

  /** `name`: the component's own name (its `@name`, else its `$id`). */
  private componentBodyAfterId(parent: Scope | undefined, id: string | undefined, name: string | undefined): Component {
    const c = this.c;
    if (++this.depth > MAX_DEPTH) c.fail(c.pos, 'nesting too deep');
    if (c.eatKw('binary')) {
      const parts: Uint8Array[] = [];
      while (c.atString()) parts.push(c.bytes());
      c.rparen();
      this.depth--;
      const component = decodeComponent(concat(parts));
      if (id !== undefined) component.id = id;
      return component;
    }
    const scope = new Scope('component', parent);
    scope.id = id;
    while (c.at(T_LPAREN)) {
      this.customs(scope);
      this.field(scope);
    }
    this.customs(scope);
    c.rparen();
    for (const e of scope.deferred) {
      scope.push('export', e);
      scope.define(e.sort, undefined);
    }
    this.depth--;
    const component: Component = { sections: scope.sections };
    if (id !== undefined) component.id = id;
    const names = this.names(scope, name ?? id);
    if (names) component.names = names;
    return component;
  }

  private coreField(scope: Scope, at: number): void {
    const c = this.c;
    const kw = c.peekKeyword();
    c.pos++;
    switch (kw) {
      case 'module': {
        const id = this.defId();
        const exports = this.inlineExports();
        const end = this.groupEnd(at - 1);
        let module;
        if (c.eatKw('binary')) {
          const parts: Uint8Array[] = [];
          while (c.atString()) parts.push(c.bytes());
          module = decodeModule(concat(parts));
        } else {
          // The module's own name section names it too, as wasm-tools encodes it.
          module = parseModuleFields(c, c.pos, end, id, this.peekName(id));
        }
        c.pos = end;
        const section = { kind: 'core-module', module } as const;
        ITEM_TEXT_POSITIONS.set(section, scope.at);
        scope.sections.push(section);
        const index = this.bind(scope, 'core module', id, at);
        this.exportAll(scope, exports, 'core module', index);
        break;
      }
      case 'instance': {
        const id = this.defId();
        if (c.eatParen('instantiate')) {
          let module: number;
          if (c.eatParen('module')) {
            module = this.refBody(scope, 'core module');
            c.rparen();
          } else module = this.index(scope, 'core module');
          const args: { name: string; instance: number }[] = [];
          while (c.eatParen('with')) {
            const name = c.name();
            c.lparen();
            c.keyword('instance');
            let instance: number;
            if (c.at(T_LPAREN)) instance = this.inlineCoreInstance(scope);
            else instance = this.refBody(scope, 'core instance');
            c.rparen();
            args.push({ name, instance });
            c.rparen();
          }
          c.rparen();
          scope.push('core-instance', { kind: 'instantiate', module, args });
        } else {
          scope.push('core-instance', { kind: 'exports', exports: this.coreInlineExports(scope) });
        }
        this.bind(scope, 'core instance', id, at);
        break;
      }
      case 'type': {
        const id = this.defId();
        this.defineCoreType(scope, this.types.coreType(scope), id);
        break;
      }
      case 'func': {
        const id = this.defId();
        c.lparen();
        if (c.eatKw('canon')) {
          this.canon(scope, id, at, 'core func');
        } else if (c.eatKw('alias')) {
          c.keyword('core');
          c.keyword('export');
          const instance = this.index(scope, 'core instance');
          const name = c.name();
          this.bindAlias(scope, { sort: 'core func', target: { kind: 'core-export', instance, name } }, id, at);
        } else c.unexpected();
        c.rparen();
        break;
      }
      case 'table': case 'memory': case 'global': case 'tag': {
        // `(core memory $m (alias core export $i "m"))`
        const id = this.defId();
        c.lparen();
        c.keyword('alias');
        c.keyword('core');
        c.keyword('export');
        const instance = this.index(scope, 'core instance');
        const name = c.name();
        c.rparen();
        this.bindAlias(scope, { sort: `core ${kw}`, target: { kind: 'core-export', instance, name } }, id, at);
        break;
      }
      default: c.unexpected(c.pos - 1);
    }
  }

  /** The index of the `)` closing the group opened at token `open`. */
  private groupEnd(open: number): number {
    const close = this.c.tokens.match[open];
    if (close < 0) this.c.fail(open, 'unexpected end of input');
    return close;
  }

  /** `(export "x" (func $f))*` of a core instance made of exports. */
  private coreInlineExports(scope: Scope): { name: string; sort: CoreSort; index: number }[] {
    const c = this.c;
    const out: { name: string; sort: CoreSort; index: number }[] = [];
    while (c.eatParen('export')) {
      const name = c.name();
      const { sort, index } = this.plainCoreRef(scope);
      out.push({ name, sort, index });
      c.rparen();
    }
    return out;
  }

  /** `(instance (export ...)*)` inline in a core `with`: a core instance defined before. */
  private inlineCoreInstance(scope: Scope): number {
    const exports = this.coreInlineExports(scope);
    scope.push('core-instance', { kind: 'exports', exports });
    return scope.define('core instance', undefined);
  }

  private instance(scope: Scope, at: number): void {
    const c = this.c;
    const id = this.defId();
    const exportsOut = this.inlineExports();
    let index: number;
    if (c.atParen('import')) {
      c.pos += 2;
      const name = this.externName();
      c.rparen();
      const type = this.types.typeUseOr(scope, 'type', () => this.defineType(scope, this.typeDeclsInline(scope, 'instance'), undefined));
      scope.push('import', { name, type: { kind: 'instance', type } });
      index = this.bind(scope, 'instance', id, at);
    } else if (c.eatParen('instantiate')) {
      const component = this.coreRef(scope, 'component');
      const args: { name: string; sort: Sort; index: number }[] = [];
      while (c.eatParen('with')) {
        const name = c.name();
        let arg: { sort: Sort; index: number };
        if (c.atParen('instance') && c.at(T_LPAREN) && c.kind[c.pos + 2] === T_LPAREN) {
          c.pos += 2;
          arg = { sort: 'instance', index: this.inlineInstance(scope) };
          c.rparen();
        } else if (c.atParen('instance') && c.kind[c.pos + 2] === T_RPAREN) {
          c.pos += 2;
          arg = { sort: 'instance', index: this.inlineInstance(scope) };
          c.rparen();
        } else arg = this.sortRef(scope);
        args.push({ name, ...arg });
        c.rparen();
      }
      c.rparen();
      scope.push('instance', { kind: 'instantiate', component, args });
      index = this.bind(scope, 'instance', id, at);
    } else {
      const exports = this.instanceExports(scope);
      scope.push('instance', { kind: 'exports', exports });
      index = this.bind(scope, 'instance', id, at);
    }
    this.exportAll(scope, exportsOut, 'instance', index);
  }

  private instanceExports(scope: Scope): { name: ExternName; sort: Sort; index: number }[] {
    const c = this.c;
    const out: { name: ExternName; sort: Sort; index: number }[] = [];
    while (c.eatParen('export')) {
      const name = this.externName();
      out.push({ name, ...this.sortRef(scope) });
      c.rparen();
    }
    return out;
  }

  private inlineInstance(scope: Scope): number {
    const exports = this.instanceExports(scope);
    scope.push('instance', { kind: 'exports', exports });
    return scope.define('instance', undefined);
  }

  private typeDeclsInline(scope: Scope, kind: 'component' | 'instance'): TypeDef {
    return this.typeDecls(scope, kind);
  }

  /** `(func $id? (export "x")* ...)`: an import, an alias, or a `canon lift`. */
  private funcField(scope: Scope, at: number): void {
    const c = this.c;
    const id = this.defId();
    const exports = this.inlineExports();
    let index: number;
    if (c.atParen('import')) {
      c.pos += 2;
      const name = this.externName();
      c.rparen();
      const type = this.types.typeUseOr(scope, 'type', () => this.defineType(scope, this.types.funcType(scope, c.eatKw('async')), undefined));
      scope.push('import', { name, type: { kind: 'func', type } });
      index = this.bind(scope, 'func', id, at);
    } else if (c.atParen('alias')) {
      c.pos += 2;
      c.keyword('export');
      const instance = this.index(scope, 'instance');
      const name = c.name();
      c.rparen();
      index = this.bindAlias(scope, { sort: 'func', target: { kind: 'export', instance, name } }, id, at);
    } else {
      // `(func $f (type $t)? (canon lift ...))`
      let type: number | undefined;
      if (c.atParen('type')) type = this.types.typeUseOr(scope, 'type', () => 0);
      else if (c.atParen('param') || c.atParen('result') || c.isKw(c.pos, 'async')) {
        type = this.defineType(scope, this.types.funcType(scope, c.eatKw('async')), undefined);
      }
      c.lparen();
      c.keyword('canon');
      index = this.canon(scope, id, at, 'func', type);
      c.rparen();
    }
    this.exportAll(scope, exports, 'func', index);
  }

  private start(scope: Scope): void {
    const c = this.c;
    const func = this.index(scope, 'func');
    const args: number[] = [];
    let results = 0;
    while (c.eatParen('value')) {
      args.push(this.index(scope, 'value'));
      c.rparen();
    }
    while (c.eatParen('result')) {
      c.lparen();
      c.keyword('value');
      const at = c.pos;
      const id = this.defId();
      c.rparen();
      c.rparen();
      this.bind(scope, 'value', id, at);
      results++;
    }
    const section = { kind: 'start', start: { func, args, results } } as const;
    ITEM_TEXT_POSITIONS.set(section, scope.at);
    scope.sections.push(section);
  }

  private opts(scope: Scope): CanonOpt[] {
    const c = this.c;
    const out: CanonOpt[] = [];
    for (;;) {
      const kw = c.peekKeyword();
      if (kw !== undefined && kw.startsWith('string-encoding=')) {
        const enc = kw.slice('string-encoding='.length);
        if (enc !== 'utf8' && enc !== 'utf16' && enc !== 'latin1+utf16') return c.unexpected();
        c.pos++;
        out.push({ kind: enc });
      } else if (kw === 'async') {
        c.pos++;
        out.push({ kind: 'async' });
      } else if (c.eatParen('memory')) {
        out.push({ kind: 'memory', index: this.coreRef(scope, 'core memory') });
        c.rparen();
      } else if (c.atParen('realloc') || c.atParen('post-return') || c.atParen('callback')) {
        const kind = c.peekKeyword(c.pos + 1) as 'realloc' | 'post-return' | 'callback';
        c.pos += 2;
        out.push({ kind, index: this.coreRef(scope, 'core func') });
        c.rparen();
      } else return out;
    }
  }

  /**
   * `canon` after its keyword: the built-in's immediates, then (explicit form) the
   * `(func ...)`/`(core func ...)` that binds the result, or (sugar, `into` given) nothing.
   * Returns the new index. `liftType` is the sugar's `(type ...)` before the canon.
   */
  private canon(scope: Scope, id: string | undefined, at: number | undefined, into: 'func' | 'core func' | undefined, liftType?: number): number {
    const c = this.c;
    const nameAt = c.pos;
    const name = c.peekKeyword() ?? '';
    const row = CANON_BY_NAME.get(name);
    if (!row) return c.fail(nameAt, `unknown canonical built-in ${name}`);
    c.pos++;
    const k = { op: row.name } as AnyCanonFields;
    const flag = (word: string): boolean => c.eatKw(word);
    switch (row.imm) {
      case 'none': break;
      case 'lift': k.func = this.coreRef(scope, 'core func'); k.options = this.opts(scope); break;
      case 'lower': k.func = this.coreRef(scope, 'func'); k.options = this.opts(scope); break;
      case 'type': k.type = this.typeRef(scope); break;
      case 'type_opts': k.type = this.typeRef(scope); k.options = this.opts(scope); break;
      case 'type_async': k.type = this.typeRef(scope); k.async = flag('async'); break;
      case 'opts': k.options = this.opts(scope); break;
      case 'async': k.async = flag('async'); break;
      case 'cancel': k.cancellable = flag('cancellable'); break;
      case 'cancel_memory': {
        k.cancellable = flag('cancellable');
        c.lparen();
        c.keyword('memory');
        k.memory = this.coreRef(scope, 'core memory');
        c.rparen();
        break;
      }
      case 'task_return': {
        if (c.eatParen('result')) {
          k.result = this.types.valType(scope);
          c.rparen();
        }
        k.options = this.opts(scope);
        break;
      }
      case 'context': k.valtype = coreValType(c); k.index = c.u32(); break;
      case 'core_type_table': k.type = this.coreRef(scope, 'core type'); k.table = this.coreRef(scope, 'core table'); break;
      case 'shared': k.shared = flag('shared'); break;
      case 'shared_core_type': k.shared = flag('shared'); k.type = this.coreRef(scope, 'core type'); break;
      case 'shared_core_type_table':
        k.shared = flag('shared');
        k.type = this.coreRef(scope, 'core type');
        k.table = this.coreRef(scope, 'core table');
        break;
    }
    const sort: Sort = row.imm === 'lift' ? 'func' : 'core func';
    let bindId = id;
    let bindAt = at ?? nameAt;
    if (into === undefined) {
      // Explicit form: the definition's sort and id close the canon.
      c.lparen();
      bindAt = c.pos;
      if (sort === 'core func') c.keyword('core');
      c.keyword('func');
      bindId = this.defId();
      if (row.imm === 'lift') k.type = this.liftType(scope);
      c.rparen();
    } else {
      if (into !== sort) c.fail(nameAt, `canon ${name} defines a ${sort}`);
      if (row.imm === 'lift') k.type = liftType ?? this.liftType(scope);
    }
    scope.push('canon', k as Canon);
    return this.bind(scope, sort, bindId, bindAt);
  }

  /** A type index, bare or as `(type idx)`. */
  private typeRef(scope: Scope): number {
    return this.c.at(T_LPAREN) ? this.coreRef(scope, 'type') : this.index(scope, 'type');
  }

  /** The type of a lifted function: `(type idx)` or an inline func type (possibly empty). */
  private liftType(scope: Scope): number {
    const c = this.c;
    return this.types.typeUseOr(scope, 'type', () => this.defineType(scope, this.types.funcType(scope, c.eatKw('async')), undefined));
  }
}

function externSort(kind: 'module' | 'func' | 'value' | 'type' | 'component' | 'instance'): Sort {
  return kind === 'module' ? 'core module' : kind;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}


export { ParseError };
