// What the parser knows about the module it is reading: one index space per kind of
// definition with its identifiers (https://webassembly.github.io/spec/core/text/modules.html#indices),
// the type definitions for type uses, struct field identifiers, and the names it collects.
import type { Module, Names } from '../core/ast.ts';
import type { FuncType, SubType, ValType } from '../core/types.ts';
import { valTypeToString } from '../core/types.ts';
import { type Cursor, T_ID, T_ID_STRING } from './cursor.ts';

export type SpaceName = 'type' | 'func' | 'table' | 'memory' | 'global' | 'tag' | 'elem' | 'data';

export class Space {
  readonly name: SpaceName;
  readonly ids = new Map<string, number>();
  count = 0;
  constructor(name: SpaceName) {
    this.name = name;
  }
}

export function emptyNames(): Names {
  return {
    funcs: new Map(), locals: new Map(), labels: new Map(), types: new Map(), tables: new Map(),
    memories: new Map(), globals: new Map(), elems: new Map(), datas: new Map(), fields: new Map(),
    tags: new Map(), unknown: [],
  };
}

const NAME_MAP_OF = {
  type: 'types', func: 'funcs', table: 'tables', memory: 'memories', global: 'globals', tag: 'tags',
  elem: 'elems', data: 'datas',
} as const;

export class ModuleContext {
  readonly c: Cursor;
  readonly module: Module;
  readonly names: Names = emptyNames();
  readonly spaces: Readonly<Record<SpaceName, Space>> = {
    type: new Space('type'), func: new Space('func'), table: new Space('table'),
    memory: new Space('memory'), global: new Space('global'), tag: new Space('tag'),
    elem: new Space('elem'), data: new Space('data'),
  };
  /** How deep the folded instruction being read is nested (the parser recurses on them). */
  foldDepth = 0;
  /** Every type definition so far, explicit ones first, then implicit ones. */
  readonly defs: SubType[] = [];
  /** Whether each definition is alone in its recursion group. */
  readonly singleton: boolean[] = [];
  /** How many definitions of each space the last pass has read (their indices were fixed before). */
  readonly read: { [K in SpaceName]?: number } = {};
  /** Set when code refers to data segments (memory.init, data.drop, array.new_data, ...): the binary then needs a data count section. */
  needsDataCount = false;
  /** Field identifiers of each struct type. */
  readonly fieldIds: (Map<string, number> | undefined)[] = [];
  /** First singleton, final, supertype-less function type of each signature. */
  private funcTypeIndex: Map<string, number> | undefined;

  constructor(c: Cursor, module: Module) {
    this.c = c;
    this.module = module;
  }

  /** Binds `id` (if any) to the next index of `space`; returns that index. */
  define(space: SpaceName, id: string | undefined, at: number, annotated?: string): number {
    const s = this.spaces[space];
    const index = s.count++;
    if (id !== undefined) {
      if (s.ids.has(id)) this.c.fail(at, `duplicate ${space} ${id}`);
      s.ids.set(id, index);
    }
    const name = annotated ?? id;
    if (name !== undefined) this.names[NAME_MAP_OF[space]].set(index, name);
    return index;
  }

  /** An index of `space` at the cursor: an identifier or a natural. */
  index(space: SpaceName): number {
    const c: Cursor = this.c;
    const k = c.kind[c.pos];
    if (k === T_ID || k === T_ID_STRING) {
      const at = c.pos;
      const id = c.id() as string;
      const i = this.spaces[space].ids.get(id);
      if (i === undefined) c.fail(at, `unknown ${space} ${id}`);
      return i;
    }
    if (!c.atNat()) c.unexpected();
    return c.u32();
  }

  /** The function type of type index `i`, if it is one. */
  funcType(i: number): FuncType | undefined {
    const d = this.defs[i];
    return d && d.comp.kind === 'func' ? d.comp : undefined;
  }

  /**
   * The type index for an inline function type: the first existing type that is exactly
   * `(type (func ...))` alone in its group, or a new one appended to the type section
   * (https://webassembly.github.io/spec/core/text/modules.html#abbreviations).
   */
  typeFor(params: readonly ValType[], results: readonly ValType[]): number {
    if (!this.funcTypeIndex) {
      this.funcTypeIndex = new Map();
      for (let i = 0; i < this.defs.length; i++) this.noteFuncType(i);
    }
    const key = signatureKey(params, results);
    const found = this.funcTypeIndex.get(key);
    if (found !== undefined) return found;
    const sub: SubType = { final: true, supertypes: [], comp: { kind: 'func', params, results } };
    const index = this.defs.length;
    this.defs.push(sub);
    this.singleton.push(true);
    this.fieldIds.push(undefined);
    this.module.types.push({ types: [sub] });
    this.spaces.type.count++;
    this.funcTypeIndex.set(key, index);
    return index;
  }

  private noteFuncType(i: number): void {
    const d = this.defs[i];
    if (!this.singleton[i] || !d.final || d.supertypes.length > 0 || d.comp.kind !== 'func') return;
    const key = signatureKey(d.comp.params, d.comp.results);
    if (!this.funcTypeIndex?.has(key)) this.funcTypeIndex?.set(key, i);
  }
}

function signatureKey(params: readonly ValType[], results: readonly ValType[]): string {
  let key = '';
  for (const p of params) key += `${valTypeToString(p)} `;
  key += '->';
  for (const r of results) key += ` ${valTypeToString(r)}`;
  return key;
}
