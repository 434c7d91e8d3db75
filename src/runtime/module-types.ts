// Lookups in a module's index spaces (https://webassembly.github.io/spec/core/syntax/modules.html#indices):
// type indices run over the types of all recursion groups; function, table, memory, global
// and tag indices count imports first.
import type { ExternKind, Module } from '../core/ast.ts';
import type { FuncType, GlobalType, MemoryType, SubType, TableType, TagType } from '../core/types.ts';

export function subTypeAt(m: Module, index: number): SubType {
  let base = 0;
  for (const group of m.types) {
    if (index < base + group.types.length) return group.types[index - base];
    base += group.types.length;
  }
  throw new RangeError(`unknown type ${index}`);
}

export function funcTypeAt(m: Module, index: number): FuncType {
  const comp = subTypeAt(m, index).comp;
  if (comp.kind !== 'func') throw new TypeError(`type ${index} is not a function type`);
  return comp;
}

export function importCount(m: Module, kind: ExternKind): number {
  let n = 0;
  for (const i of m.imports) if (i.desc.kind === kind) n++;
  return n;
}

/** The import that defines item `index` of `kind`, or undefined for a defined item. */
function importAt(m: Module, kind: ExternKind, index: number): number | undefined {
  let n = 0;
  for (let i = 0; i < m.imports.length; i++) {
    if (m.imports[i].desc.kind !== kind) continue;
    if (n === index) return i;
    n++;
  }
  return undefined;
}

/** The import position of item `index` of `kind`, or -1 if the module defines it. */
export function importPosition(m: Module, kind: ExternKind, index: number): number {
  return importAt(m, kind, index) ?? -1;
}

export function funcTypeIndex(m: Module, index: number): number {
  const at = importAt(m, 'func', index);
  if (at !== undefined) {
    const d = m.imports[at].desc;
    if (d.kind === 'func') return d.type;
  }
  return m.funcs[index - importCount(m, 'func')].type;
}

export function tableType(m: Module, index: number): TableType {
  const at = importAt(m, 'table', index);
  if (at !== undefined) {
    const d = m.imports[at].desc;
    if (d.kind === 'table') return d.type;
  }
  return m.tables[index - importCount(m, 'table')].type;
}

export function memoryType(m: Module, index: number): MemoryType {
  const at = importAt(m, 'memory', index);
  if (at !== undefined) {
    const d = m.imports[at].desc;
    if (d.kind === 'memory') return d.type;
  }
  return m.memories[index - importCount(m, 'memory')].type;
}

export function globalType(m: Module, index: number): GlobalType {
  const at = importAt(m, 'global', index);
  if (at !== undefined) {
    const d = m.imports[at].desc;
    if (d.kind === 'global') return d.type;
  }
  return m.globals[index - importCount(m, 'global')].type;
}

export function tagType(m: Module, index: number): TagType {
  const at = importAt(m, 'tag', index);
  if (at !== undefined) {
    const d = m.imports[at].desc;
    if (d.kind === 'tag') return d.type;
  }
  return m.tags[index - importCount(m, 'tag')];
}
