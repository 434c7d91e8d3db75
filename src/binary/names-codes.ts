// Subsection ids of the `name` custom section
// (https://webassembly.github.io/spec/core/appendix/custom.html, with the extended-name-section
// proposal's ids 3-11). Shared by decoder and encoder.
import type { Names } from '../core/ast.ts';

export type NameMapKey = 'funcs' | 'types' | 'tables' | 'memories' | 'globals' | 'elems' | 'datas' | 'tags';
export type IndirectKey = 'locals' | 'labels' | 'fields';

export const MODULE_NAME_ID = 0;

/** Subsection id → the `Names` field it fills, and whether it is a map of maps. */
export const NAME_SUBSECTIONS: readonly { id: number; key: NameMapKey | IndirectKey; indirect: boolean }[] = [
  { id: 1, key: 'funcs', indirect: false },
  { id: 2, key: 'locals', indirect: true },
  { id: 3, key: 'labels', indirect: true },
  { id: 4, key: 'types', indirect: false },
  { id: 5, key: 'tables', indirect: false },
  { id: 6, key: 'memories', indirect: false },
  { id: 7, key: 'globals', indirect: false },
  { id: 8, key: 'elems', indirect: false },
  { id: 9, key: 'datas', indirect: false },
  { id: 10, key: 'fields', indirect: true },
  { id: 11, key: 'tags', indirect: false },
];

export function emptyNames(): Names {
  return {
    funcs: new Map(), locals: new Map(), labels: new Map(), types: new Map(), tables: new Map(),
    memories: new Map(), globals: new Map(), elems: new Map(), datas: new Map(), fields: new Map(),
    tags: new Map(), unknown: [],
  };
}
