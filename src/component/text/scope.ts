// Index spaces of the component text format (Explainer.md, "Index Spaces"). Components are
// read in one pass: every definition precedes its uses, so identifiers are bound as
// definitions are appended. A reference a scope cannot resolve is looked up in the
// enclosing scopes and becomes an implicit outer alias, as in wasm-tools.
import type { Cursor } from '../../text/cursor.ts';
import type { Alias, ComponentDecl, Export, Section, Sort } from '../ast.ts';
import { ITEM_TEXT_POSITIONS } from '../positions.ts';

export type ScopeKind = 'component' | 'component-type' | 'instance-type' | 'module-type';

interface Space {
  ids: Map<string, number>;
  count: number;
}

/** Sorts an outer alias may name (Binary.md, "Alias Definitions": outeraliassort). */
const OUTER_SORTS: ReadonlySet<Sort> = new Set<Sort>(['type', 'core type', 'component', 'core module']);

export class Scope {
  readonly kind: ScopeKind;
  readonly parent: Scope | undefined;
  /** The `$id` of the component this scope reads, for `(alias outer $id ...)`. */
  id: string | undefined;
  readonly spaces = new Map<Sort, Space>();
  /** A component's sections, or a component/instance type's declarators. */
  readonly sections: Section[] = [];
  readonly decls: ComponentDecl[] = [];
  /** Inline `(export "x")`s, appended when the component closes. */
  readonly deferred: Export[] = [];
  /** Source offset of the field being read: where the items it adds are reported. */
  at = -1;
  /**
   * A component's names, by sort: every definition with a `$id` (or `(@name "...")` after
   * it), as wasm-tools writes them into the `component-name` section. Type scopes name nothing.
   */
  readonly names = new Map<Sort, Map<number, string>>();
  /** The contents of the first `(@custom "component-name" ...)` in a component, if any. */
  explicitNames: Uint8Array | undefined;

  constructor(kind: ScopeKind, parent?: Scope) {
    this.kind = kind;
    this.parent = parent;
  }

  space(sort: Sort): Space {
    let s = this.spaces.get(sort);
    if (!s) {
      s = { ids: new Map(), count: 0 };
      this.spaces.set(sort, s);
    }
    return s;
  }

  /**
   * Appends one index to a sort's space, binding `id` to it; returns the index. The index is
   * named `name` (an `@name` annotation), else `id`.
   */
  define(sort: Sort, id: string | undefined, name?: string): number {
    const s = this.space(sort);
    const index = s.count++;
    if (id !== undefined) {
      if (s.ids.has(id)) throw new Error(`duplicate ${sort} identifier $${id}`);
      s.ids.set(id, index);
    }
    const named = name ?? id;
    if (named !== undefined && this.kind === 'component') {
      let map = this.names.get(sort);
      if (!map) this.names.set(sort, map = new Map());
      map.set(index, named);
    }
    return index;
  }

  lookup(sort: Sort, id: string): number | undefined {
    return this.spaces.get(sort)?.ids.get(id);
  }

  /** Appends an item to the section of `kind`, merging with the last section if it matches. */
  push<K extends 'core-instance' | 'core-type' | 'instance' | 'alias' | 'type' | 'canon' | 'import' | 'export'>(
    kind: K, item: Extract<Section, { kind: K }>['items'][number],
  ): void {
    if (this.at >= 0 && !ITEM_TEXT_POSITIONS.has(item)) ITEM_TEXT_POSITIONS.set(item, this.at);
    const last = this.sections[this.sections.length - 1];
    if (last && last.kind === kind) (last.items as unknown[]).push(item);
    else this.sections.push({ kind, items: [item] } as Section);
  }

  /** Adds an alias in the way this scope holds definitions, then defines its index. */
  alias(alias: Alias, id?: string, name?: string): number {
    if (this.kind === 'component') this.push('alias', alias);
    else this.decls.push({ kind: 'alias', alias });
    return this.define(alias.sort, id, name);
  }

  /**
   * Resolves `$id` in `sort`: here, or in an enclosing scope through an outer alias (only
   * for sorts outer aliases allow). Undefined if nothing binds it.
   */
  resolve(sort: Sort, id: string): number | undefined {
    const here = this.lookup(sort, id);
    if (here !== undefined || !OUTER_SORTS.has(sort)) return here;
    let count = 0;
    for (let s = this.parent; s; s = s.parent) {
      count++;
      const index = s.lookup(sort, id);
      if (index !== undefined) {
        // Bind the alias to the same id so later uses find it here. wasm-tools does not name
        // such an alias in the `component-name` section: neither does this.
        const local = this.alias({ sort, target: { kind: 'outer', count, index } });
        this.space(sort).ids.set(id, local);
        return local;
      }
    }
    return undefined;
  }
}

/**
 * The `ct` of `(alias outer ct ...)`: a count of enclosing scopes or the `$id` of one, read
 * at the cursor and resolved from `scope`, which counts as `first` (0 in a component, 1 in a
 * module type, whose own scope cannot be the target). Fails with "invalid outer alias count".
 */
export function outerTarget(c: Cursor, scope: Scope, first: number): { count: number; target: Scope } {
  const at = c.pos;
  const outerId = c.id();
  let count = first;
  let target: Scope | undefined = scope;
  if (outerId === undefined) {
    count = c.u32();
    for (let k = first; k < count && target; k++) target = target.parent;
  } else {
    while (target && target.id !== outerId) {
      target = target.parent;
      count++;
    }
  }
  if (!target) return c.fail(at, 'invalid outer alias count');
  return { count, target };
}
