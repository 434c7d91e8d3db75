// Component types in the text format (Explainer.md, "Type Definitions"): value types (with
// inline compound types hoisted to definitions of their own, as the binary format needs),
// function, component, instance and resource types, extern types, and the core types a
// component may define (function types and module types).
import type { Cursor } from '../../text/cursor.ts';
import { T_LPAREN, T_RPAREN } from '../../text/cursor.ts';
import type { ValType as CoreValType, RecGroup } from '../../core/types.ts';
import type {
  CoreExternType, CoreModuleDecl, CoreType, DefValType, ExternType, Field, FuncType, TypeDef, ValType,
} from '../ast.ts';
import { PRIM_CODE, type PrimValType } from '../codes.ts';
import type { ComponentParser } from './parse.ts';
import { outerTarget, type Scope } from './scope.ts';

const PRIMS: ReadonlySet<string> = new Set(Object.keys(PRIM_CODE));

const CORE_NUM: ReadonlySet<string> = new Set(['i32', 'i64', 'f32', 'f64', 'v128']);
const CORE_REF_SHORTHAND: Readonly<Record<string, string>> = {
  funcref: 'func', externref: 'extern', anyref: 'any', eqref: 'eq', i31ref: 'i31', structref: 'struct',
  arrayref: 'array', nullref: 'none', nullfuncref: 'nofunc', nullexternref: 'noextern', exnref: 'exn',
};

export function coreValType(c: Cursor): CoreValType {
  const kw = c.peekKeyword();
  if (kw !== undefined && CORE_NUM.has(kw)) {
    c.pos++;
    return kw as CoreValType;
  }
  if (kw !== undefined && kw in CORE_REF_SHORTHAND) {
    c.pos++;
    return { nullable: true, heap: CORE_REF_SHORTHAND[kw] } as CoreValType;
  }
  if (c.eatParen('ref')) {
    const nullable = c.eatKw('null');
    const ht = c.peekKeyword();
    let heap: string | number;
    if (ht !== undefined) { c.pos++; heap = ht; } else heap = c.u32();
    c.rparen();
    return { nullable, heap } as CoreValType;
  }
  return c.unexpected();
}

/** Value types, defined types and everything built from them. */
export class TypeParser {
  readonly p: ComponentParser;
  constructor(p: ComponentParser) {
    this.p = p;
  }

  get c(): Cursor {
    return this.p.c;
  }

  /** A `valtype`: a primitive, a type reference, or an inline defvaltype (hoisted). */
  valType(scope: Scope): ValType {
    const c = this.c;
    const kw = c.peekKeyword();
    if (kw !== undefined && PRIMS.has(kw)) {
      c.pos++;
      return kw as PrimValType;
    }
    if (c.at(T_LPAREN)) {
      const t = this.defValType(scope);
      return this.p.defineType(scope, t, undefined);
    }
    return this.p.index(scope, 'type');
  }

  /** A `defvaltype` at the cursor (a primitive keyword or a parenthesised constructor). */
  defValType(scope: Scope): DefValType {
    const c = this.c;
    const kw = c.peekKeyword();
    if (kw !== undefined && PRIMS.has(kw)) {
      c.pos++;
      return { kind: 'prim', type: kw as PrimValType };
    }
    c.lparen();
    const head = c.peekKeyword();
    c.pos++;
    let t: DefValType;
    switch (head) {
      case 'record': {
        const fields: Field[] = [];
        while (c.eatParen('field')) {
          const name = c.name();
          fields.push({ name, type: this.valType(scope) });
          c.rparen();
        }
        t = { kind: 'record', fields };
        break;
      }
      case 'variant': {
        const cases: DefValType & { kind: 'variant' } = { kind: 'variant', cases: [] };
        while (c.eatParen('case')) {
          c.id();
          const name = c.name();
          const type = c.at(T_RPAREN) || c.atParen('refines') ? undefined : this.valType(scope);
          if (c.atParen('refines')) c.skipGroup();
          c.rparen();
          cases.cases.push(type === undefined ? { name } : { name, type });
        }
        t = cases;
        break;
      }
      case 'list': {
        const element = this.valType(scope);
        t = c.atNat() ? { kind: 'list', element, length: c.u32() } : { kind: 'list', element };
        break;
      }
      case 'tuple': {
        const types: ValType[] = [];
        while (!c.at(T_RPAREN)) types.push(this.valType(scope));
        t = { kind: 'tuple', types };
        break;
      }
      case 'flags': case 'enum': {
        const names: string[] = [];
        while (c.atString()) names.push(c.name());
        t = { kind: head, names };
        break;
      }
      case 'option': t = { kind: 'option', type: this.valType(scope) }; break;
      case 'result': {
        const r: DefValType & { kind: 'result' } = { kind: 'result' };
        if (!c.at(T_RPAREN) && !c.atParen('error')) r.ok = this.valType(scope);
        if (c.eatParen('error')) {
          r.error = this.valType(scope);
          c.rparen();
        }
        t = r;
        break;
      }
      case 'own': case 'borrow': t = { kind: head, type: this.p.index(scope, 'type') }; break;
      case 'stream': case 'future':
        t = c.at(T_RPAREN) ? { kind: head } : { kind: head, element: this.valType(scope) };
        break;
      case 'map': {
        const key = this.valType(scope);
        t = { kind: 'map', key, value: this.valType(scope) };
        break;
      }
      default: return c.unexpected(c.pos - 1);
    }
    c.rparen();
    return t;
  }

  /** `(param "l" t)* (result t)?` after a `func` keyword (and `async`). */
  funcType(scope: Scope, async: boolean): FuncType {
    const c = this.c;
    const params: Field[] = [];
    while (c.eatParen('param')) {
      const name = c.name();
      params.push({ name, type: this.valType(scope) });
      c.rparen();
    }
    const f: FuncType = { kind: 'func', async, params };
    if (c.eatParen('result')) {
      if (c.atString()) c.name();
      f.result = this.valType(scope);
      c.rparen();
    }
    return f;
  }

  /** A `deftype` at the cursor: the body of `(type $t ...)`. */
  typeDef(scope: Scope): TypeDef {
    const c = this.c;
    if (c.at(T_LPAREN)) {
      const head = c.peekKeyword(c.pos + 1);
      switch (head) {
        case 'func': {
          c.pos += 2;
          const f = this.funcType(scope, c.eatKw('async'));
          c.rparen();
          return f;
        }
        case 'component': case 'instance': {
          c.pos += 2;
          const t = this.p.typeDecls(scope, head);
          c.rparen();
          return t;
        }
        case 'resource': {
          c.pos += 2;
          c.lparen();
          c.keyword('rep');
          const rep = coreValType(c);
          c.rparen();
          let dtor: number | undefined;
          if (c.eatParen('dtor')) {
            dtor = this.p.coreRef(scope, 'core func');
            c.rparen();
          }
          c.rparen();
          return dtor === undefined ? { kind: 'resource', rep } : { kind: 'resource', rep, dtor };
        }
      }
    }
    return this.defValType(scope);
  }

  /** An `externtype` (import/export/declarator), binding its `$id` in the sort's space. */
  externType(scope: Scope): { type: ExternType; id: string | undefined } {
    const c = this.c;
    c.lparen();
    if (c.eatKw('core')) {
      c.keyword('module');
      const id = this.p.defId();
      const type = this.typeUseOr(scope, 'core type', () => this.p.defineCoreType(scope, this.moduleType(scope)));
      c.rparen();
      return { type: { kind: 'module', type }, id };
    }
    const head = c.peekKeyword();
    c.pos++;
    const id = this.p.defId();
    let type: ExternType;
    switch (head) {
      case 'func': {
        const index = this.typeUseOr(scope, 'type', () => this.p.defineType(scope, this.funcType(scope, c.eatKw('async')), undefined));
        type = { kind: 'func', type: index };
        break;
      }
      case 'component': case 'instance': {
        const index = this.typeUseOr(scope, 'type', () => this.p.defineType(scope, this.p.typeDecls(scope, head), undefined));
        type = { kind: head, type: index };
        break;
      }
      case 'value':
        if (c.eatParen('eq')) {
          type = { kind: 'value', bound: { kind: 'eq', value: this.p.index(scope, 'value') } };
          c.rparen();
        } else type = { kind: 'value', bound: { kind: 'type', type: this.valType(scope) } };
        break;
      case 'type':
        if (c.eatParen('eq')) {
          type = { kind: 'type', bound: { kind: 'eq', type: this.p.index(scope, 'type') } };
          c.rparen();
        } else {
          c.lparen();
          c.keyword('sub');
          c.keyword('resource');
          c.rparen();
          type = { kind: 'type', bound: { kind: 'sub-resource' } };
        }
        break;
      default: return c.unexpected(c.pos - 1);
    }
    c.rparen();
    return { type, id };
  }

  /** `(type idx)` if next, else the inline form that `inline` parses and defines. */
  typeUseOr(scope: Scope, sort: 'type' | 'core type', inline: () => number): number {
    const c = this.c;
    // `(type idx)`, not a declarator `(type $t (record ...))` of an inline instance type.
    if (c.atParen('type') && c.kind[c.pos + 3] === T_RPAREN) {
      c.pos += 2;
      const index = this.p.index(scope, sort);
      c.rparen();
      return index;
    }
    return inline();
  }

  /** A core type body: `(func ...)` or `(module decl*)`, or a rec group. */
  coreType(scope: Scope): CoreType {
    const c = this.c;
    if (c.atParen('module')) {
      c.pos += 2;
      const t = this.moduleTypeBody(scope);
      c.rparen();
      return t;
    }
    return { kind: 'rec', group: this.coreSubType() };
  }

  moduleType(scope: Scope): CoreType {
    return this.moduleTypeBody(scope);
  }

  /** Module declarators up to the closing paren (not consumed). */
  private moduleTypeBody(scope: Scope): CoreType {
    const c = this.c;
    const decls: CoreModuleDecl[] = [];
    const types = new Map<string, number>();
    let typeCount = 0;
    const typeRef = (): number => {
      const id = c.id();
      if (id === undefined) return c.u32();
      const index = types.get(id);
      if (index === undefined) return c.fail(c.pos - 1, `unknown core type $${id}`);
      return index;
    };
    const externType = (): CoreExternType => {
      c.lparen();
      const head = c.peekKeyword();
      c.pos++;
      c.id();
      let t: CoreExternType;
      if (head === 'func') {
        if (c.atParen('type')) {
          c.pos += 2;
          t = { kind: 'func', type: typeRef() };
          c.rparen();
        } else {
          const g = this.coreFuncBody();
          decls.push({ kind: 'type', type: { kind: 'rec', group: g } });
          t = { kind: 'func', type: typeCount++ };
        }
      } else if (head === 'memory') {
        const min = c.u64();
        const max = c.atNat() ? c.u64() : undefined;
        const shared = c.eatKw('shared');
        t = { kind: 'memory', type: { addr: 'i32', limits: max === undefined ? { min } : { min, max }, shared } };
      } else if (head === 'table') {
        const min = c.u64();
        const max = c.atNat() ? c.u64() : undefined;
        const ref = coreValType(c);
        if (typeof ref === 'string') return c.unexpected();
        t = { kind: 'table', type: { addr: 'i32', limits: max === undefined ? { min } : { min, max }, ref } };
      } else if (head === 'global') {
        let mutable = false;
        let type: CoreValType;
        if (c.eatParen('mut')) {
          mutable = true;
          type = coreValType(c);
          c.rparen();
        } else type = coreValType(c);
        t = { kind: 'global', type: { type, mutable } };
      } else if (head === 'tag') {
        c.lparen();
        c.keyword('type');
        t = { kind: 'tag', type: { type: typeRef() } };
        c.rparen();
      } else return c.unexpected(c.pos - 1);
      c.rparen();
      return t;
    };
    while (c.at(T_LPAREN)) {
      const head = c.peekKeyword(c.pos + 1);
      c.pos += 2;
      if (head === 'import') {
        const module = c.name();
        const name = c.name();
        decls.push({ kind: 'import', module, name, type: externType() });
      } else if (head === 'export') {
        const name = c.name();
        decls.push({ kind: 'export', name, type: externType() });
      } else if (head === 'type') {
        const id = c.id();
        if (id !== undefined) types.set(id, typeCount);
        decls.push({ kind: 'type', type: { kind: 'rec', group: this.coreSubType() } });
        typeCount++;
      } else if (head === 'alias') {
        c.keyword('outer');
        // The module type is a scope of its own: count 1 is the enclosing component or type.
        const { count, target } = outerTarget(c, scope, 1);
        const idxAt = c.pos;
        const idxId = c.id();
        let index = idxId === undefined ? c.u32() : 0;
        if (idxId !== undefined) {
          const found = count === 0 ? undefined : target.lookup('core type', idxId);
          if (found === undefined) return c.fail(idxAt, `unknown core type $${idxId}`);
          index = found;
        }
        c.lparen();
        c.keyword('type');
        const id = c.id();
        if (id !== undefined) types.set(id, typeCount);
        c.rparen();
        decls.push({ kind: 'alias', count, index });
        typeCount++;
      } else c.unexpected(c.pos - 1);
      c.rparen();
    }
    return { kind: 'module', decls };
  }

  /** `(func ...)` (or `(sub ...)`, `(rec ...)`) as a one-type rec group. */
  coreSubType(): RecGroup {
    const c = this.c;
    if (c.atParen('func')) {
      c.pos += 2;
      const g = this.coreFuncBody();
      c.rparen();
      return g;
    }
    return c.unexpected();
  }

  /** `(param ...)* (result ...)*` of a core function type. */
  coreFuncBody(): RecGroup {
    const c = this.c;
    const params: CoreValType[] = [];
    const results: CoreValType[] = [];
    while (c.eatParen('param')) {
      if (c.id() !== undefined) params.push(coreValType(c));
      else while (!c.at(T_RPAREN)) params.push(coreValType(c));
      c.rparen();
    }
    while (c.eatParen('result')) {
      while (!c.at(T_RPAREN)) results.push(coreValType(c));
      c.rparen();
    }
    return { types: [{ final: true, supertypes: [], comp: { kind: 'func', params, results } }] };
  }
}
