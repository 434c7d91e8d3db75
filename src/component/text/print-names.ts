// Which `$id` each definition of a component gets when printed. The text parser names every
// `$id` (or `(@name "...")`) definition in the `component-name` section, as wasm-tools
// does; so ids carry the section exactly when it holds what ids would make: sorts in
// wasm-tools' order, each once, indices ascending and in range, no unknown subsections, the
// section last and written canonically. Then the section is printed as ids only.
// Otherwise the section is printed as raw bytes, `(@custom "component-name" ...)`, in its
// place; the parser then takes it as it is and ids are only references. They are still
// printed, for the reader.
// Two kinds of definitions print ids the component does not choose: a nested core module's
// `$id` is also its own module name (the core printer prints it from the module's name
// section), and a nested component's `$id` is also the name that component gives itself.
import type { Component, ComponentNames, Section, Sort } from '../ast.ts';
import type { Module } from '../../core/ast.ts';
import { type Space, idsFor, nameSectionBytes } from '../../text/print-names.ts';
import { COMPONENT_NAME_SECTION, NAME_SORT_ORDER, decodeComponentNames, encodeComponentNames, sortNames } from '../binary/names.ts';

/** The sort of each index a section defines, in order. */
export function definedSorts(s: Section, out: (sort: Sort, count: number) => void): void {
  switch (s.kind) {
    case 'custom': break;
    case 'core-module': out('core module', 1); break;
    case 'core-instance': out('core instance', s.items.length); break;
    case 'core-type': out('core type', s.items.length); break;
    case 'component': out('component', 1); break;
    case 'instance': out('instance', s.items.length); break;
    case 'alias': for (const a of s.items) out(a.sort, 1); break;
    case 'type': out('type', s.items.length); break;
    case 'canon': for (const c of s.items) out(c.op === 'lift' ? 'func' : 'core func', 1); break;
    case 'start': out('value', s.start.results); break;
    case 'import': for (const i of s.items) out(i.type.kind === 'module' ? 'core module' : i.type.kind, 1); break;
    case 'export': for (const e of s.items) out(e.sort, 1); break;
    case 'value': out('value', s.items.length); break;
  }
}

/** How many indices each sort has once all of the component's definitions are made. */
export function sortCounts(c: Component): Map<Sort, number> {
  const counts = new Map<Sort, number>();
  for (const s of c.sections) definedSorts(s, (sort, n) => counts.set(sort, (counts.get(sort) ?? 0) + n));
  return counts;
}

/** What a nested definition's header id must say, when the component cannot choose it. */
export type Forced = { name: string | undefined } | 'free';

/** The plan of a component's ids. */
export interface NamePlan {
  /** The names section is carried by ids (else printed raw, and ids are references only). */
  asIds: boolean;
  spaces: Map<Sort, Space>;
  /** Core modules (by index) printed without their name section as ids (see `conflicts`). */
  rawModuleNames: Set<number>;
  /** The contents the encoder writes for the names section (raw printing prints these). */
  sectionData: Uint8Array | undefined;
  /** The names section is appended (names but no section): raw printing prints it last. */
  appended: boolean;
  /** This component's name as its parent must print it on its header. */
  header: Forced;
}

const NO_SPACE: Space = { ids: new Map(), notes: new Map() };

export function spaceOf(plan: NamePlan, sort: Sort): Space {
  return plan.spaces.get(sort) ?? NO_SPACE;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The bytes the encoder writes into the (first) names section: see encode.ts. */
function writtenData(names: ComponentNames | undefined, data: Uint8Array | undefined): Uint8Array | undefined {
  if (!names) return data;
  const current = encodeComponentNames(names);
  if (data === undefined) return current;
  const original = decodeComponentNames(data);
  return original && equalBytes(encodeComponentNames(original), current) ? data : current;
}

/** True if the parser, given the ids, builds exactly `names` and encodes them as `data`. */
function idsCarry(names: ComponentNames, data: Uint8Array, counts: Map<Sort, number>): boolean {
  if (names.unknown.length > 0) return false;
  if (names.component === undefined && names.sorts.length === 0) return false;
  let order = -1;
  for (const { sort, names: map } of names.sorts) {
    const at = NAME_SORT_ORDER.indexOf(sort);
    if (at <= order || map.size === 0) return false;
    order = at;
    const count = counts.get(sort) ?? 0;
    let last = -1;
    for (const index of map.keys()) {
      if (index <= last || index >= count) return false;
      last = index;
    }
  }
  return equalBytes(encodeComponentNames(names), data);
}

/**
 * Plans the ids of component `c`. `modules` gives each nested core module's own name as the
 * core printer prints it on its header (undefined: no id), by module index; `children` each
 * nested component's header constraint, by component index.
 */
export function planNames(
  c: Component, modules: Map<number, string | undefined>, children: Map<number, Forced>,
): NamePlan {
  const counts = sortCounts(c);
  const sections = c.sections.filter((s) => s.kind === 'custom' && s.name === COMPONENT_NAME_SECTION);
  const first = sections[0]?.kind === 'custom' ? sections[0].data : undefined;
  const data = writtenData(c.names, first);
  const names = c.names;
  const rawModuleNames = new Set<number>();
  let asIds: boolean;
  if (!names) asIds = sections.length === 0;
  else {
    // The parser appends the section the ids make, after everything else.
    const last = sections.length === 0 || (sections.length === 1 && c.sections[c.sections.length - 1] === sections[0]);
    asIds = last && data !== undefined && idsCarry(names, data, counts);
  }
  if (asIds) {
    const moduleNames = sortNames(names, 'core module');
    for (const [k, own] of modules) {
      const given = moduleNames?.get(k);
      if (given === own) continue;
      // A module names itself but the component does not name it: print the module's own
      // names as bytes, so that its header carries no id.
      if (given === undefined) rawModuleNames.add(k);
      else asIds = false;
    }
    const componentNames = sortNames(names, 'component');
    for (const [k, forced] of children) {
      // Without any names section there is nothing to print raw: the child's name is lost.
      if (forced !== 'free' && forced.name !== componentNames?.get(k) && names) asIds = false;
    }
  }
  if (!asIds) rawModuleNames.clear();
  const spaces = new Map<Sort, Space>();
  for (const sort of NAME_SORT_ORDER) {
    let map = sortNames(names, sort);
    if (sort === 'core module' || sort === 'component') {
      const fixed = new Map(map ?? []);
      const forced = sort === 'core module'
        ? [...modules].map(([k, own]): [number, string | undefined] => [k, rawModuleNames.has(k) ? undefined : own])
        : [...children].filter(([, f]) => f !== 'free').map(([k, f]): [number, string | undefined] => [k, (f as { name: string | undefined }).name]);
      for (const [k, own] of forced) {
        if (own === undefined) fixed.delete(k);
        else fixed.set(k, own);
      }
      map = fixed;
    }
    if (map && map.size > 0) spaces.set(sort, idsFor(map, sort.replace(' ', '-')));
  }
  return {
    asIds, spaces, rawModuleNames, sectionData: data, appended: sections.length === 0 && names !== undefined,
    header: asIds ? { name: names?.component } : 'free',
  };
}

/** The id (with its `(@name ...)` when made up) a component prints on its own header. */
export function ownHeader(name: string | undefined): string {
  if (name === undefined) return '';
  const space = idsFor(new Map([[0, name]]), 'component');
  return ` ${space.ids.get(0)}${space.notes.get(0) ?? ''}`;
}

/** A module to print with its name section as bytes (no ids, hence no header id). */
export function withRawNames(m: Module): Module {
  const names = m.names;
  if (!names) return m;
  // The bytes the encoder writes for the names, where it writes them.
  const customs = m.customs.map((c) => (c.name === 'name' ? { ...c, data: nameSectionBytes(names, c.data) } : c));
  if (!customs.some((c) => c.name === 'name')) customs.push({ name: 'name', data: nameSectionBytes(names, new Uint8Array(0)), after: 'data' });
  const copy: Module = { ...m, customs };
  delete copy.names;
  return copy;
}
