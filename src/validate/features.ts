// Module-level feature checks: types and declarations that a feature introduced. Instructions
// are checked per opcode (each row names its feature); this covers what is not an opcode.
import type { Module, SectionName } from '../core/ast.ts';
import { ValidationError } from '../core/errors.ts';
import type { Feature, FeatureSet } from '../core/features.ts';
import type { StorageType } from '../core/types.ts';

const GC_HEAPS = new Set(['any', 'eq', 'i31', 'struct', 'array', 'none', 'nofunc', 'noextern']);

export function checkFeatures(m: Module, features: FeatureSet, at: (section: SectionName) => number | undefined): void {
  const need = (feature: Feature, what: string, section: SectionName) => {
    if (!features.has(feature)) throw new ValidationError(`${feature} support is not enabled: ${what}`, at(section));
  };
  const storage = (t: StorageType, section: SectionName) => {
    if (t === 'v128') need('simd', 'v128', section);
    if (typeof t !== 'object') return;
    if (typeof t.heap === 'number' || !t.nullable) need('function-references', 'typed references', section);
    else if (GC_HEAPS.has(t.heap)) need('gc', `${t.heap} references`, section);
    else if (t.heap === 'exn' || t.heap === 'noexn') need('exceptions', 'exnref', section);
    else if (t.heap === 'extern') need('reference-types', 'externref', section);
  };
  for (const g of m.types) {
    if (g.types.length !== 1) need('gc', 'recursion groups', 'type');
    for (const sub of g.types) {
      if (!sub.final || sub.supertypes.length > 0) need('gc', 'subtypes', 'type');
      const c = sub.comp;
      if (c.kind === 'func') {
        if (c.results.length > 1) need('multi-value', 'multiple results', 'type');
        for (const t of [...c.params, ...c.results]) storage(t, 'type');
      } else {
        need('gc', `${c.kind} types`, 'type');
        for (const f of c.kind === 'struct' ? c.fields : [c.element]) storage(f.storage, 'type');
      }
    }
  }
  const tables = [...m.imports.flatMap((i) => (i.desc.kind === 'table' ? [i.desc.type] : [])), ...m.tables.map((t) => t.type)];
  if (tables.length > 1) need('reference-types', 'multiple tables', 'table');
  for (const t of tables) {
    storage(t.ref, 'table');
    if (t.addr === 'i64') need('memory64', '64-bit tables', 'table');
  }
  const memories = [...m.imports.flatMap((i) => (i.desc.kind === 'memory' ? [i.desc.type] : [])), ...m.memories.map((t) => t.type)];
  for (const t of memories) {
    if (t.addr === 'i64') need('memory64', '64-bit memories', 'memory');
    if (t.shared) need('threads', 'shared memories', 'memory');
    if (t.pageSizeLog2 !== undefined) need('custom-page-sizes', 'custom page sizes', 'memory');
  }
  for (const im of m.imports) {
    if (im.desc.kind === 'global') {
      storage(im.desc.type.type, 'import');
      if (im.desc.type.mutable) need('mutable-global', 'imported mutable globals', 'import');
    }
    if (im.desc.kind === 'tag') need('exceptions', 'tags', 'import');
  }
  for (const g of m.globals) storage(g.type.type, 'global');
  if (m.tags.length > 0) need('exceptions', 'tags', 'tag');
  for (const e of m.elems) storage(e.type, 'elem');
}
