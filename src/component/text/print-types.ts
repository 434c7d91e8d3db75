// Component types in the text format (Explainer.md, "Type Definitions"), written so that
// the text parser reads them back to the same definitions: value types by reference only
// (an inline compound type would be hoisted into a definition of its own), function types
// with their `(param "l" t)` lists, component and instance types one declarator a line,
// resources with their `rep` and `dtor`, extern types with their ids, and core types
// (function types and module types) with the core printer's type syntax.
import type { RecGroup } from '../../core/types.ts';
import { globalTypeText, memoryTypeText, subTypeText, tableTypeText, valText } from '../../text/print-types.ts';
import { nameText } from '../../text/print-values.ts';
import type {
  Alias, ComponentDecl, CoreExternType, CoreType, DefValType, ExternName, ExternType, FuncType,
  Sort, TypeDef, ValType,
} from '../ast.ts';

/** Writes a sort's reference: `$id` where one is printed, else the index. */
export type RefText = (sort: Sort, index: number) => string;

/** References inside type declarators: their own index spaces, which print no ids. */
export const PLAIN_REFS: RefText = (_sort, index) => String(index);

const NO_IDS = new Map<number, string>();

/** Lines of text at a depth; the printer's output. */
export class Lines {
  readonly parts: string[] = [];

  line(depth: number, text: string): void {
    this.parts.push('  '.repeat(depth) + text + '\n');
  }

  toString(): string {
    return this.parts.join('');
  }
}

export function valTypeText(t: ValType, ref: RefText): string {
  return typeof t === 'number' ? ref('type', t) : t;
}

export function defValTypeText(t: DefValType, ref: RefText): string {
  const v = (x: ValType): string => valTypeText(x, ref);
  switch (t.kind) {
    case 'prim': return t.type;
    case 'record': return `(record${t.fields.map((f) => ` (field ${nameText(f.name)} ${v(f.type)})`).join('')})`;
    case 'variant':
      return `(variant${t.cases.map((c) => ` (case ${nameText(c.name)}${c.type === undefined ? '' : ` ${v(c.type)}`})`).join('')})`;
    case 'list': return t.length === undefined ? `(list ${v(t.element)})` : `(list ${v(t.element)} ${t.length})`;
    case 'tuple': return `(tuple${t.types.map((x) => ` ${v(x)}`).join('')})`;
    case 'flags': case 'enum': return `(${t.kind}${t.names.map((n) => ` ${nameText(n)}`).join('')})`;
    case 'option': return `(option ${v(t.type)})`;
    case 'result': {
      let out = '(result';
      if (t.ok !== undefined) out += ` ${v(t.ok)}`;
      if (t.error !== undefined) out += ` (error ${v(t.error)})`;
      return `${out})`;
    }
    case 'own': case 'borrow': return `(${t.kind} ${ref('type', t.type)})`;
    case 'stream': case 'future': return t.element === undefined ? `(${t.kind})` : `(${t.kind} ${v(t.element)})`;
    case 'map': return `(map ${v(t.key)} ${v(t.value)})`;
  }
}

export function funcTypeText(t: FuncType, ref: RefText): string {
  let out = t.async ? '(func async' : '(func';
  for (const p of t.params) out += ` (param ${nameText(p.name)} ${valTypeText(p.type, ref)})`;
  if (t.result !== undefined) out += ` (result ${valTypeText(t.result, ref)})`;
  return `${out})`;
}

/** `"name"` and its attributes (Binary.md, `nameattributes`). */
export function externNameText(n: ExternName): string {
  let out = nameText(n.name);
  for (const a of n.attributes) {
    switch (a.kind) {
      case 'implements': out += ` (implements ${nameText(a.name)})`; break;
      case 'versionsuffix': out += ` (versionsuffix ${nameText(a.suffix)})`; break;
      case 'external-id': out += ` (external-id ${nameText(a.id)})`; break;
    }
  }
  return out;
}

/** True if the text form of the name gives back the same binary form (0x01 and an empty 0x02 it cannot). */
export function externNameExact(n: ExternName): boolean {
  return n.form === (n.attributes.length > 0 ? 2 : 0);
}

export function sortText(s: Sort): string {
  return s;
}

/**
 * An extern type as an import or export declares it: `(func $id (;3;) (type 2))`. `def` is
 * the id and index comment of the item it defines.
 */
export function externTypeText(t: ExternType, def: string, ref: RefText): string {
  switch (t.kind) {
    case 'module': return `(core module${def} (type ${ref('core type', t.type)}))`;
    case 'func': case 'component': case 'instance': return `(${t.kind}${def} (type ${ref('type', t.type)}))`;
    case 'value':
      return t.bound.kind === 'eq' ? `(value${def} (eq ${ref('value', t.bound.value)}))` : `(value${def} ${valTypeText(t.bound.type, ref)})`;
    case 'type':
      return t.bound.kind === 'eq' ? `(type${def} (eq ${ref('type', t.bound.type)}))` : `(type${def} (sub resource))`;
  }
}

/** The sort of the index an extern type of this kind defines. */
export function externSort(kind: ExternType['kind']): Sort {
  return kind === 'module' ? 'core module' : kind;
}

export function aliasText(a: Alias, def: string, ref: RefText): string {
  const t = a.target;
  switch (t.kind) {
    case 'export': return `(alias export ${ref('instance', t.instance)} ${nameText(t.name)} (${a.sort}${def}))`;
    case 'core-export': return `(alias core export ${ref('core instance', t.instance)} ${nameText(t.name)} (${a.sort}${def}))`;
    case 'outer': return `(alias outer ${t.count} ${t.index} (${a.sort}${def}))`;
  }
}

function indexComment(i: number): string {
  return ` (;${i};)`;
}

/** One core type of a rec group on one line, or the group as `(rec ...)`. */
function recGroupText(g: RecGroup): string {
  if (g.types.length === 1) return subTypeText(g.types[0], NO_IDS, undefined);
  return `(rec${g.types.map((t) => ` (type ${subTypeText(t, NO_IDS, undefined)})`).join('')})`;
}

function coreExternTypeText(t: CoreExternType): string {
  switch (t.kind) {
    case 'func': return `(func (type ${t.type}))`;
    case 'table': return `(table ${tableTypeText(t.type, NO_IDS)})`;
    case 'memory': return `(memory ${memoryTypeText(t.type)})`;
    case 'global': return `(global ${globalTypeText(t.type, NO_IDS)})`;
    case 'tag': return `(tag (type ${t.type.type}))`;
  }
}

/** `head` (an opening `(core type $id (;N;)`), the core type, and the closing paren. */
export function printCoreType(out: Lines, depth: number, head: string, t: CoreType): void {
  if (t.kind === 'rec') {
    out.line(depth, `${head} ${recGroupText(t.group)})`);
    return;
  }
  if (t.decls.length === 0) {
    out.line(depth, `${head} (module))`);
    return;
  }
  out.line(depth, head);
  out.line(depth + 1, '(module');
  let types = 0;
  for (const d of t.decls) {
    switch (d.kind) {
      case 'import': out.line(depth + 2, `(import ${nameText(d.module)} ${nameText(d.name)} ${coreExternTypeText(d.type)})`); break;
      case 'export': out.line(depth + 2, `(export ${nameText(d.name)} ${coreExternTypeText(d.type)})`); break;
      case 'type':
        // A module type declares function types (a module type inside is not valid).
        out.line(depth + 2, `(type${indexComment(types++)} ${d.type.kind === 'rec' ? recGroupText(d.type.group) : '(module)'})`);
        break;
      case 'alias': out.line(depth + 2, `(alias outer ${d.count} ${d.index} (type${indexComment(types++)}))`); break;
    }
  }
  out.line(depth + 1, ')');
  out.line(depth, ')');
}

/**
 * `head` (an opening `(type $id (;N;)`), the type definition, and the closing paren; a
 * component or instance type writes one declarator a line, in its own index spaces.
 */
export function printTypeDef(out: Lines, depth: number, head: string, t: TypeDef, ref: RefText): void {
  switch (t.kind) {
    case 'func': out.line(depth, `${head} ${funcTypeText(t, ref)})`); return;
    case 'resource': {
      const dtor = t.dtor === undefined ? '' : ` (dtor (core func ${ref('core func', t.dtor)}))`;
      out.line(depth, `${head} (resource (rep ${valText(t.rep, NO_IDS)})${dtor}))`);
      return;
    }
    case 'component': case 'instance':
      if (t.decls.length === 0) {
        out.line(depth, `${head} (${t.kind}))`);
        return;
      }
      out.line(depth, head);
      out.line(depth + 1, `(${t.kind}`);
      printDecls(out, depth + 2, t.decls);
      out.line(depth + 1, ')');
      out.line(depth, ')');
      return;
    default: out.line(depth, `${head} ${defValTypeText(t, ref)})`);
  }
}

/** Declarators of a component or instance type, with index comments of their own spaces. */
function printDecls(out: Lines, depth: number, decls: readonly ComponentDecl[]): void {
  const counts = new Map<Sort, number>();
  const next = (sort: Sort): string => {
    const n = counts.get(sort) ?? 0;
    counts.set(sort, n + 1);
    return indexComment(n);
  };
  for (const d of decls) {
    switch (d.kind) {
      case 'core-type': printCoreType(out, depth, `(core type${next('core type')}`, d.type); break;
      case 'type': printTypeDef(out, depth, `(type${next('type')}`, d.type, PLAIN_REFS); break;
      case 'alias': out.line(depth, aliasText(d.alias, next(d.alias.sort), PLAIN_REFS)); break;
      case 'import': case 'export':
        out.line(depth, `(${d.kind} ${externNameText(d.name)} ${externTypeText(d.type, next(externSort(d.type.kind)), PLAIN_REFS)})`);
        break;
    }
  }
}
