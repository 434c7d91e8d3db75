// Which `$id` each item gets when printed. Ids come only from the `name` section, so a
// module printed and parsed back has the same name section (the parser turns every `$id`
// into a name entry and honours `(@name "...")`). A name that is not a valid unquoted id is
// written in the string form `$"..."`; an empty name, or one already taken in its index
// space, gets a made-up unique id plus `(@name "real name")`, as wasm-tools does: the id
// must be unique to be referenced, the annotation keeps the name exact.
// When the section cannot be carried by ids (malformed, unknown subsections, names of
// items that do not exist, an encoding or placement the parser would not reproduce), no
// ids are printed and the section is printed as raw bytes instead, which is exact.
import type { Module, NameMap, Names } from '../core/ast.ts';
import { encodeNames } from '../binary/encode-names.ts';
import { decodeNames } from '../binary/decode-names.ts';
import { idText, nameText } from './print-values.ts';

/** The printed id of each named item of one index space, as references write it. */
export type IdMap = Map<number, string>;

/** An index space's ids, and ` (@name "...")` for the items whose id is made up. */
export interface Space {
  readonly ids: IdMap;
  readonly notes: Map<number, string>;
}

const NO_IDS: Space = { ids: new Map(), notes: new Map() };

/** The id and annotation a definition prints (with a leading space), or ''. */
export function defId(space: Space, index: number): string {
  const id = space.ids.get(index);
  if (id === undefined) return '';
  const note = space.notes.get(index);
  return note === undefined ? ` ${id}` : ` ${id}${note}`;
}

export interface PrintNames {
  /** The module's id (and annotation), with a leading space, or ''. */
  module: string;
  funcs: Space;
  types: Space;
  tables: Space;
  memories: Space;
  globals: Space;
  elems: Space;
  datas: Space;
  tags: Space;
  /** Per function: local index → id. */
  locals: Map<number, Space>;
  /** Per function: label index (order of block instructions) → id. */
  labels: Map<number, Space>;
  /** Per struct type: field index → id. */
  fields: Map<number, Space>;
}

export function emptyPrintNames(): PrintNames {
  return {
    module: '', funcs: NO_IDS, types: NO_IDS, tables: NO_IDS, memories: NO_IDS, globals: NO_IDS,
    elems: NO_IDS, datas: NO_IDS, tags: NO_IDS, locals: new Map(), labels: new Map(), fields: new Map(),
  };
}

/**
 * Ids for one index space. In an index space an id must be unique; labels may repeat
 * (an inner label shadows an outer one), so they only need a made-up id when empty.
 */
export function idsFor(map: NameMap, kind: string, unique = true): Space {
  if (map.size === 0) return NO_IDS;
  const ids: IdMap = new Map();
  const notes = new Map<number, string>();
  const taken = new Set<string>();
  const later: [number, string][] = [];
  for (const [index, name] of [...map].sort((a, b) => a[0] - b[0])) {
    if (name === '' || (unique && taken.has(name))) later.push([index, name]);
    else {
      taken.add(name);
      ids.set(index, idText(name));
    }
  }
  for (const [index, name] of later) {
    let made = `#${kind}${index} ${name}`;
    while (taken.has(made)) made += '_';
    taken.add(made);
    ids.set(index, idText(made));
    notes.set(index, ` (@name ${nameText(name)})`);
  }
  return { ids, notes };
}

function indirect(map: Map<number, NameMap>, kind: string, unique = true): Map<number, Space> {
  const out = new Map<number, Space>();
  for (const [index, inner] of map) out.set(index, idsFor(inner, kind, unique));
  return out;
}

/** The ids to print, or undefined when the name section must be printed as raw bytes. */
export function planNames(m: Module, counts: IndexCounts): PrintNames | undefined {
  const names = m.names;
  if (!names) return undefined;
  if (!namesExpressible(m, names, counts)) return undefined;
  return {
    module: names.module === undefined ? ''
      : names.module === '' ? ' $"#module" (@name "")' : ` ${idText(names.module)}`,
    funcs: idsFor(names.funcs, 'func'),
    types: idsFor(names.types, 'type'),
    tables: idsFor(names.tables, 'table'),
    memories: idsFor(names.memories, 'memory'),
    globals: idsFor(names.globals, 'global'),
    elems: idsFor(names.elems, 'elem'),
    datas: idsFor(names.datas, 'data'),
    tags: idsFor(names.tags, 'tag'),
    locals: indirect(names.locals, 'local'),
    labels: indirect(names.labels, 'label', false),
    fields: indirect(names.fields, 'field'),
  };
}

/** How many items each index space has, and per function its locals and labels. */
export interface IndexCounts {
  funcs: number;
  importedFuncs: number;
  types: number;
  tables: number;
  memories: number;
  globals: number;
  elems: number;
  datas: number;
  tags: number;
  /** Locals (params included) of function `i`, or -1 when its type is not a function type. */
  localCount(func: number): number;
  /** Block instructions in the body of function `i`. */
  labelCount(func: number): number;
  /** Fields of type `i`, or -1 when it is not a struct type. */
  fieldCount(type: number): number;
}

function inRange(map: NameMap, count: number): boolean {
  for (const index of map.keys()) if (index >= count) return false;
  return true;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * True if printing ids reproduces the name section exactly: every name belongs to an item
 * the text can name, the section's bytes are what the encoder writes for the names it
 * holds, and it is the last section (where a parser puts the section it builds from ids).
 */
function namesExpressible(m: Module, names: Names, c: IndexCounts): boolean {
  if (names.unknown.length > 0) return false;
  const simple: [NameMap, number][] = [
    [names.funcs, c.funcs], [names.types, c.types], [names.tables, c.tables],
    [names.memories, c.memories], [names.globals, c.globals], [names.elems, c.elems],
    [names.datas, c.datas], [names.tags, c.tags],
  ];
  for (const [map, count] of simple) if (!inRange(map, count)) return false;
  for (const [func, map] of names.locals) {
    // Imported functions have no locals in the text format to carry the names.
    if (func < c.importedFuncs || func >= c.funcs) return false;
    if (map.size > 0 && !inRange(map, c.localCount(func))) return false;
  }
  for (const [func, map] of names.labels) {
    if (func < c.importedFuncs || func >= c.funcs) return false;
    if (map.size > 0 && !inRange(map, c.labelCount(func))) return false;
  }
  for (const [type, map] of names.fields) {
    if (type >= c.types) return false;
    if (map.size > 0 && !inRange(map, c.fieldCount(type))) return false;
  }
  // An empty inner map would vanish: the text has nothing to say "no names here".
  for (const map of [names.locals, names.labels, names.fields]) {
    for (const inner of map.values()) if (inner.size === 0) return false;
  }
  const section = m.customs.filter((s) => s.name === 'name');
  if (section.length > 1) return false;
  const encoded = encodeNames(names);
  if (section.length === 1) {
    const s = section[0];
    if (m.customs[m.customs.length - 1] !== s) return false;
    if (s.after !== 'data' && !nothingAfter(m, s.after)) return false;
    if (!equalBytes(nameSectionBytes(names, s.data), encoded)) return false;
  }
  return encoded.length > 0;
}

/**
 * The contents the encoder writes for the name section: its original bytes while they
 * decode to the same names, the encoding of `names` otherwise.
 */
export function nameSectionBytes(names: Names, data: Uint8Array): Uint8Array {
  const encoded = encodeNames(names);
  const original = decodeNames(data);
  return original && equalBytes(encodeNames(original), encoded) ? data : encoded;
}

const LATER_SECTIONS: Record<string, (m: Module) => boolean> = {
  type: (m) => m.types.length > 0, import: (m) => m.imports.length > 0,
  func: (m) => m.funcs.length > 0, table: (m) => m.tables.length > 0,
  memory: (m) => m.memories.length > 0, tag: (m) => m.tags.length > 0,
  global: (m) => m.globals.length > 0, export: (m) => m.exports.length > 0,
  start: (m) => m.start !== undefined, elem: (m) => m.elems.length > 0,
  datacount: (m) => m.dataCount !== undefined, code: (m) => m.funcs.length > 0,
  data: (m) => m.datas.length > 0,
};
const ORDER = Object.keys(LATER_SECTIONS);

/** True if no known section follows the one named `after`. */
function nothingAfter(m: Module, after: string | null): boolean {
  const from = after === null ? 0 : ORDER.indexOf(after) + 1;
  for (let i = from; i < ORDER.length; i++) if (LATER_SECTIONS[ORDER[i]](m)) return false;
  return true;
}
