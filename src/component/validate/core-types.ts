// Core types inside components (Explainer.md, "Type Definitions": core:moduletype; and
// "Instance Definitions": core module instantiation). A core module's type is read off its
// imports and exports; matching follows the core spec's import matching
// (https://webassembly.github.io/spec/core/valid/types.html#import-subtyping).
import type { Module } from '../../core/ast.ts';
import type { Limits, SubType, ValType as CoreValType } from '../../core/types.ts';
import { valTypeEquals, valTypeToString } from '../../core/types.ts';
import type { CoreExternT, CoreFuncT, ModuleT } from './model.ts';

/** Function types of a module's type section, by index (GC struct/array types are undefined). */
export function moduleFuncTypes(subs: readonly SubType[]): (CoreFuncT | undefined)[] {
  return subs.map((s) => (s.comp.kind === 'func' ? { params: s.comp.params, results: s.comp.results } : undefined));
}

/**
 * The type of a core module: its imports in order and its exports by name. Only what they
 * name is looked up (a big module has tens of thousands of functions and exports a few).
 */
export function moduleTypeOf(m: Module): ModuleT {
  const types = moduleFuncTypes(m.types.flatMap((g) => g.types));
  const EMPTY: CoreFuncT = { params: [], results: [] };
  // Imported entities of each kind come first in their index spaces.
  const funcs: CoreFuncT[] = [];
  const tables: CoreExternT[] = [];
  const memories: CoreExternT[] = [];
  const globals: CoreExternT[] = [];
  const tags: CoreExternT[] = [];
  const imports: { module: string; name: string; type: CoreExternT }[] = [];
  for (const imp of m.imports) {
    let t: CoreExternT;
    switch (imp.desc.kind) {
      case 'func': t = { kind: 'func', type: types[imp.desc.type] ?? EMPTY }; funcs.push(t.type); break;
      case 'tag': t = { kind: 'tag', type: types[imp.desc.type.type] ?? EMPTY }; tags.push(t); break;
      case 'table': t = { kind: 'table', type: imp.desc.type }; tables.push(t); break;
      case 'memory': t = { kind: 'memory', type: imp.desc.type }; memories.push(t); break;
      case 'global': t = { kind: 'global', type: imp.desc.type }; globals.push(t); break;
    }
    imports.push({ module: imp.module, name: imp.name, type: t });
  }
  const local = <T>(imported: readonly T[], index: number, defined: () => T | undefined): T | undefined =>
    index < imported.length ? imported[index] : defined();
  const exports = new Map<string, CoreExternT>();
  for (const e of m.exports) {
    const i = e.index;
    let t: CoreExternT | undefined;
    switch (e.kind) {
      case 'func': {
        const f = local(funcs, i, () => {
          const d = m.funcs[i - funcs.length];
          return d === undefined ? undefined : types[d.type] ?? EMPTY;
        });
        t = f === undefined ? undefined : { kind: 'func', type: f };
        break;
      }
      case 'table': t = local(tables, i, () => { const d = m.tables[i - tables.length]; return d && { kind: 'table', type: d.type }; }); break;
      case 'memory': t = local(memories, i, () => { const d = m.memories[i - memories.length]; return d && { kind: 'memory', type: d.type }; }); break;
      case 'global': t = local(globals, i, () => { const d = m.globals[i - globals.length]; return d && { kind: 'global', type: d.type }; }); break;
      case 'tag': t = local(tags, i, () => { const d = m.tags[i - tags.length]; return d && { kind: 'tag', type: types[d.type] ?? EMPTY }; }); break;
    }
    if (t !== undefined) exports.set(e.name, t);
  }
  return { imports, exports };
}

export function funcTypeEquals(a: CoreFuncT, b: CoreFuncT): boolean {
  if (a.unknown || b.unknown) return true;
  const eq = (x: readonly CoreValType[], y: readonly CoreValType[]): boolean => x.length === y.length && x.every((v, i) => valTypeEquals(v, y[i]));
  return eq(a.params, b.params) && eq(a.results, b.results);
}

export function coreFuncTypeString(t: CoreFuncT): string {
  const list = (xs: readonly CoreValType[], kw: string): string => (xs.length ? ` (${kw} ${xs.map(valTypeToString).join(' ')})` : '');
  return `(func${list(t.params, 'param')}${list(t.results, 'result')})`;
}

function limitsMatch(a: Limits, b: Limits): boolean {
  if (BigInt(a.min) < BigInt(b.min)) return false;
  if (b.max === undefined) return true;
  return a.max !== undefined && BigInt(a.max) <= BigInt(b.max);
}

/** Why the actual extern `a` does not match the expected `b`, or undefined. */
export function coreExternMismatch(a: CoreExternT, b: CoreExternT): string | undefined {
  if (a.kind !== b.kind) return `expected ${b.kind}, found ${a.kind}`;
  switch (b.kind) {
    case 'func': case 'tag': {
      const at = a.type as CoreFuncT;
      // wasm-tools' layout: the two types one above the other.
      return funcTypeEquals(at, b.type) ? undefined : `expected: ${coreFuncTypeString(b.type)}\nfound:    ${coreFuncTypeString(at)}`;
    }
    case 'table': {
      const at = (a as typeof b).type;
      if (!valTypeEquals(at.ref, b.type.ref)) return `expected table element type ${valTypeToString(b.type.ref)}, found ${valTypeToString(at.ref)}`;
      return limitsMatch(at.limits, b.type.limits) && at.addr === b.type.addr ? undefined : 'mismatch in table limits';
    }
    case 'memory': {
      const at = (a as typeof b).type;
      if (at.shared !== b.type.shared) return 'mismatch in the shared flag for memories';
      if (at.addr !== b.type.addr) return 'mismatch in index type used for memories';
      if ((at.pageSizeLog2 ?? 16) !== (b.type.pageSizeLog2 ?? 16)) return 'mismatch in page size for memories';
      return limitsMatch(at.limits, b.type.limits) ? undefined : 'mismatch in memory limits';
    }
    case 'global': {
      const at = (a as typeof b).type;
      if (at.mutable !== b.type.mutable) return 'global types differ in mutability';
      return valTypeEquals(at.type, b.type.type) ? undefined : `expected global type ${valTypeToString(b.type.type)}, found ${valTypeToString(at.type)}`;
    }
  }
}

/** Module subtyping: imports contravariant, exports covariant. */
export function moduleMismatch(a: ModuleT, b: ModuleT): string | undefined {
  for (const imp of a.imports) {
    const other = b.imports.find((x) => x.module === imp.module && x.name === imp.name);
    if (other === undefined) return `missing expected import \`${imp.module}::${imp.name}\``;
    const m = coreExternMismatch(other.type, imp.type);
    if (m) return `type mismatch in import \`${imp.module}::${imp.name}\`: ${m}`;
  }
  for (const [name, t] of b.exports) {
    const at = a.exports.get(name);
    if (at === undefined) return `missing expected export \`${name}\``;
    const m = coreExternMismatch(at, t);
    if (m) return `type mismatch in export \`${name}\`: ${m}`;
  }
  return undefined;
}
