// External visibility of types (Explainer.md, "Import and Export Definitions": the types
// an import or export mentions must themselves be named by an import or export, so that
// bindings generators can give them names). Records, variants, enums, flags and resources
// are "named" kinds; lists, tuples, options, results and handles are structural.
import { ValidationError } from '../../core/errors.ts';
import type { EntityT, FuncT, TypeEntry, VT } from './model.ts';

function named(t: VT | undefined, set: ReadonlySet<TypeEntry>): boolean {
  if (t === undefined || typeof t === 'string') return true;
  const d = t.def;
  switch (d.kind) {
    case 'record': case 'variant': case 'enum': case 'flags': case 'resource': return set.has(t);
    default: return inner(t, set);
  }
}

/** The types a definition refers to are named (the definition itself need not be). */
function inner(t: TypeEntry, set: ReadonlySet<TypeEntry>): boolean {
  const d = t.def;
  switch (d.kind) {
    case 'record': return d.fields.every(([, f]) => named(f, set));
    case 'variant': return d.cases.every(([, c]) => named(c, set));
    case 'tuple': return d.types.every((x) => named(x, set));
    case 'list': return named(d.element, set);
    case 'option': return named(d.type, set);
    case 'result': return named(d.ok, set) && named(d.error, set);
    case 'own': case 'borrow': return set.has(d.resource);
    case 'stream': case 'future': return named(d.element, set);
    case 'map': return named(d.key, set) && named(d.value, set);
    case 'func': return funcNamed(d.type, set);
    default: return true;
  }
}

function funcNamed(f: FuncT, set: ReadonlySet<TypeEntry>): boolean {
  return f.params.every(([, t]) => named(t, set)) && named(f.result, set);
}

function entityNamed(e: EntityT, set: ReadonlySet<TypeEntry>): boolean {
  switch (e.kind) {
    case 'func': return funcNamed(e.type, set);
    case 'value': return named(e.type, set);
    case 'type': {
      const d = e.type.def;
      if (d.kind === 'instance') return entityNamed({ kind: 'instance', type: d.type }, set);
      if (d.kind === 'component') return entityNamed({ kind: 'component', type: d.type }, set);
      return inner(e.type, set);
    }
    case 'instance': {
      // An instance's own type exports name the types its other exports use.
      const local = new Set(set);
      for (const x of e.type.exports.values()) {
        for (let t = x.kind === 'type' ? x.type : undefined; t !== undefined; t = t.origin ?? t.aliasOf) local.add(t);
      }
      return [...e.type.exports.values()].every((x) => entityNamed(x, local));
    }
    case 'component': {
      // A component type names what it imports (for its imports) and exports.
      const imported = new Set(set);
      for (const x of e.type.imports.values()) if (x.kind === 'type') imported.add(x.type);
      if (![...e.type.imports.values()].every((x) => entityNamed(x, imported))) return false;
      const all = new Set(imported);
      for (const x of e.type.exports.values()) if (x.kind === 'type') all.add(x.type);
      return [...e.type.exports.values()].every((x) => entityNamed(x, all));
    }
    default: return true;
  }
}

/**
 * The entries an exported type entry names: itself, and the instance exports it was
 * aliased from through any re-exports (the instance's types are what its functions use).
 * A re-export of a local definition names only the new entry (Explainer.md, "External
 * visibility": `(export $R' "r" (type $R))` names `$R'`, not `$R`).
 */
export function exportNames(e: TypeEntry): TypeEntry[] {
  const out = [e];
  for (let t: TypeEntry | undefined = e; t !== undefined; t = t.origin ?? t.aliasOf) {
    if (t.aliasOf !== undefined) out.push(t.aliasOf);
  }
  return out;
}

export function checkVisible(e: EntityT, set: ReadonlySet<TypeEntry>, what: 'import' | 'export'): void {
  if (!entityNamed(e, set)) throw new ValidationError(`${e.kind} not valid to be used as ${what}`);
}
