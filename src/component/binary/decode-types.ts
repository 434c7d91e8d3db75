// Decoding component and core types, sorts, aliases and names (Binary.md, "Type
// Definitions", "Alias Definitions", "Import and Export Definitions").
import type { Reader } from '../../binary/reader.ts';
import {
  readGlobalType, readMemoryType, readRecGroup, readTableType, readValType as readCoreValType,
} from '../../binary/decode-types.ts';
import type {
  Alias, Case, ComponentDecl, CoreExternType, CoreModuleDecl, CoreType, DefValType, ExternName,
  ExternType, Field, InstanceDecl, NameAttribute, Sort, TypeDef, ValType,
} from '../ast.ts';
import {
  CORE_SORT_CODE, EXTERN_CODE, PRIM_CODE, SORT_CODE, TYPE_CODE, byCode, type CoreSort,
} from '../codes.ts';
import {
  type DecodeState, badByte, enter, readOptional, readVec, zeroByte,
} from './read-util.ts';

const PRIM_BY_CODE = byCode(PRIM_CODE);
const CORE_SORT_BY_CODE = byCode(CORE_SORT_CODE);
const SORT_BY_CODE = byCode(SORT_CODE);
const EXTERN_BY_CODE = byCode(EXTERN_CODE);

export function readCoreSort(r: Reader, what = 'core sort'): CoreSort {
  const at = r.pos;
  const b = r.u8();
  return CORE_SORT_BY_CODE[b] ?? badByte(r, b, what, at);
}

export function readSort(r: Reader, what = 'sort'): Sort {
  const at = r.pos;
  const b = r.u8();
  if (b === 0) return `core ${readCoreSort(r)}`;
  return SORT_BY_CODE[b] ?? badByte(r, b, what, at);
}

/** `valtype`: a primitive code, or a type index as a non-negative s33. */
export function readValType(r: Reader): ValType {
  const at = r.pos;
  const prim = PRIM_BY_CODE[r.peek()];
  if (prim) {
    r.pos++;
    return prim;
  }
  const index = r.s33();
  if (index < 0 || index > 0xffff_ffff) badByte(r, r.bytes[at], 'component value type', at);
  return index;
}

function readLabel(r: Reader): string {
  return r.name();
}

function readField(r: Reader): Field {
  return { name: readLabel(r), type: readValType(r) };
}

function readCase(r: Reader): Case {
  const name = readLabel(r);
  const type = readOptional(r, 'optional variant case type', readValType);
  // The trailing 0x00 may become a `refines` immediate again; today it must be zero.
  zeroByte(r);
  return type === undefined ? { name } : { name, type };
}

export function readResultList(r: Reader): ValType | undefined {
  const at = r.pos;
  const b = r.u8();
  if (b === 0) return readValType(r);
  if (b !== 1) badByte(r, b, 'component function results', at);
  const at2 = r.pos;
  const n = r.u8();
  if (n !== 0) badByte(r, n, 'number of results', at2);
  return undefined;
}

/** A `defvaltype` whose leading byte `b` (at `at`) has been read. */
function readDefValType(r: Reader, b: number, at: number): DefValType {
  const prim = PRIM_BY_CODE[b];
  if (prim) return { kind: 'prim', type: prim };
  switch (b) {
    case TYPE_CODE.record: return { kind: 'record', fields: readVec(r, readField) };
    case TYPE_CODE.variant: return { kind: 'variant', cases: readVec(r, readCase) };
    case TYPE_CODE.list: return { kind: 'list', element: readValType(r) };
    case TYPE_CODE['fixed-list']: return { kind: 'list', element: readValType(r), length: r.u32() };
    case TYPE_CODE.tuple: return { kind: 'tuple', types: readVec(r, readValType) };
    case TYPE_CODE.flags: return { kind: 'flags', names: readVec(r, readLabel) };
    case TYPE_CODE.enum: return { kind: 'enum', names: readVec(r, readLabel) };
    case TYPE_CODE.option: return { kind: 'option', type: readValType(r) };
    case TYPE_CODE.result: {
      const ok = readOptional(r, 'optional result type', readValType);
      const error = readOptional(r, 'optional result type', readValType);
      const t: DefValType = { kind: 'result' };
      if (ok !== undefined) t.ok = ok;
      if (error !== undefined) t.error = error;
      return t;
    }
    case TYPE_CODE.own: return { kind: 'own', type: r.u32() };
    case TYPE_CODE.borrow: return { kind: 'borrow', type: r.u32() };
    case TYPE_CODE.stream: case TYPE_CODE.future: {
      const kind = b === TYPE_CODE.stream ? 'stream' : 'future';
      const element = readOptional(r, `optional ${kind} type`, readValType);
      return element === undefined ? { kind } : { kind, element };
    }
    case TYPE_CODE.map: return { kind: 'map', key: readValType(r), value: readValType(r) };
    default: return badByte(r, b, 'component defined type', at);
  }
}

/** A component `type` (deftype). */
export function readTypeDef(r: Reader, state: DecodeState): TypeDef {
  const at = r.pos;
  const b = r.u8();
  switch (b) {
    case TYPE_CODE.func: case TYPE_CODE['func-async']: {
      const params = readVec(r, readField);
      const result = readResultList(r);
      const f: TypeDef = { kind: 'func', async: b === TYPE_CODE['func-async'], params };
      if (result !== undefined) f.result = result;
      return f;
    }
    case TYPE_CODE.component: {
      enter(r, state);
      const decls = readVec(r, (r) => readComponentDecl(r, state));
      state.depth--;
      return { kind: 'component', decls };
    }
    case TYPE_CODE.instance: {
      enter(r, state);
      const decls = readVec(r, (r) => readInstanceDecl(r, state, 'component or instance type declaration'));
      state.depth--;
      return { kind: 'instance', decls };
    }
    case TYPE_CODE.resource: {
      const rep = readCoreValType(r);
      const dtor = readOptional(r, 'resource destructor', (r) => r.u32());
      return dtor === undefined ? { kind: 'resource', rep } : { kind: 'resource', rep, dtor };
    }
    default: return readDefValType(r, b, at);
  }
}

function readComponentDecl(r: Reader, state: DecodeState): ComponentDecl {
  if (r.peek() === 0x03) {
    r.pos++;
    return { kind: 'import', name: readExternName(r), type: readExternType(r) };
  }
  return readInstanceDecl(r, state, 'component or instance type declaration');
}

function readInstanceDecl(r: Reader, state: DecodeState, what: string): InstanceDecl {
  const at = r.pos;
  const b = r.u8();
  switch (b) {
    case 0x00: return { kind: 'core-type', type: readCoreType(r, state) };
    case 0x01: return { kind: 'type', type: readTypeDef(r, state) };
    case 0x02: return { kind: 'alias', alias: readAlias(r) };
    case 0x04: return { kind: 'export', name: readExternName(r), type: readExternType(r) };
    default: return badByte(r, b, what, at);
  }
}

/** `core:type`: a rec group, a `0x00 0x50` non-final sub type, or a module type. */
export function readCoreType(r: Reader, state: DecodeState): CoreType {
  const b = r.peek();
  if (b === 0x50) {
    r.pos++;
    enter(r, state);
    const decls = readVec(r, (r) => readModuleDecl(r, state));
    state.depth--;
    return { kind: 'module', decls };
  }
  // The 0x00 prefix tells a non-final sub type from a module type (Binary.md, core:deftype).
  if (b === 0x00) {
    r.pos++;
    const at = r.pos;
    if (r.peek() !== 0x50) badByte(r, r.peek(), 'non-final sub type', at);
  }
  return { kind: 'rec', group: readRecGroup(r) };
}

function readModuleDecl(r: Reader, state: DecodeState): CoreModuleDecl {
  const at = r.pos;
  const b = r.u8();
  switch (b) {
    case 0x00: return { kind: 'import', module: r.name(), name: r.name(), type: readCoreExternType(r) };
    case 0x01: return { kind: 'type', type: readCoreType(r, state) };
    case 0x02: {
      const sortAt = r.pos;
      const sort = r.u8();
      if (sort !== CORE_SORT_CODE.type) badByte(r, sort, 'outer alias kind', sortAt);
      const targetAt = r.pos;
      const target = r.u8();
      if (target !== 0x01) badByte(r, target, 'outer alias target', targetAt);
      return { kind: 'alias', count: r.u32(), index: r.u32() };
    }
    case 0x03: return { kind: 'export', name: r.name(), type: readCoreExternType(r) };
    default: return badByte(r, b, 'type definition', at);
  }
}

export function readCoreExternType(r: Reader): CoreExternType {
  const at = r.pos;
  const b = r.u8();
  switch (b) {
    case 0x00: return { kind: 'func', type: r.u32() };
    case 0x01: return { kind: 'table', type: readTableType(r) };
    case 0x02: return { kind: 'memory', type: readMemoryType(r) };
    case 0x03: return { kind: 'global', type: readGlobalType(r) };
    case 0x04: zeroByte(r); return { kind: 'tag', type: { type: r.u32() } };
    default: return badByte(r, b, 'external kind', at);
  }
}

export function readExternType(r: Reader): ExternType {
  const at = r.pos;
  const b = r.u8();
  const kind = EXTERN_BY_CODE[b];
  switch (kind) {
    case 'module': {
      const sortAt = r.pos;
      const s = r.u8();
      if (s !== CORE_SORT_CODE.module) badByte(r, s, 'component external kind', sortAt);
      return { kind, type: r.u32() };
    }
    case 'func': case 'component': case 'instance': return { kind, type: r.u32() };
    case 'value': {
      const bAt = r.pos;
      const tag = r.u8();
      if (tag === 0) return { kind, bound: { kind: 'eq', value: r.u32() } };
      if (tag !== 1) badByte(r, tag, 'value bound', bAt);
      return { kind, bound: { kind: 'type', type: readValType(r) } };
    }
    case 'type': {
      const bAt = r.pos;
      const tag = r.u8();
      if (tag === 0) return { kind, bound: { kind: 'eq', type: r.u32() } };
      if (tag !== 1) badByte(r, tag, 'type bound', bAt);
      return { kind, bound: { kind: 'sub-resource' } };
    }
    default: return badByte(r, b, 'component external kind', at);
  }
}

/** Sorts an outer alias may name (Binary.md, "Alias Definitions"). */
const OUTER_ALIAS_SORTS: ReadonlySet<Sort> = new Set<Sort>(['core module', 'core type', 'type', 'component']);

export function readAlias(r: Reader): Alias {
  const sortAt = r.pos;
  const sort = readSort(r, 'component outer alias kind');
  const at = r.pos;
  const b = r.u8();
  switch (b) {
    case 0x00: return { sort, target: { kind: 'export', instance: r.u32(), name: r.name() } };
    case 0x01: return { sort, target: { kind: 'core-export', instance: r.u32(), name: r.name() } };
    case 0x02:
      if (!OUTER_ALIAS_SORTS.has(sort)) {
        const code = r.bytes[sortAt] === 0 ? r.bytes[sortAt + 1] : r.bytes[sortAt];
        badByte(r, code, 'component outer alias kind', sortAt);
      }
      return { sort, target: { kind: 'outer', count: r.u32(), index: r.u32() } };
    default: return badByte(r, b, 'alias', at);
  }
}

/** `nameattributes`: a name in one of three forms, the last with attributes. */
export function readExternName(r: Reader): ExternName {
  const at = r.pos;
  const form = r.u8();
  if (form > 2) badByte(r, form, 'component name', at);
  const name = r.name();
  const attributes = form === 2 ? readVec(r, readAttribute) : [];
  return { name, form: form as 0 | 1 | 2, attributes };
}

function readAttribute(r: Reader): NameAttribute {
  const at = r.pos;
  const b = r.u8();
  switch (b) {
    case 0x00: return { kind: 'implements', name: r.name() };
    case 0x01: return { kind: 'versionsuffix', suffix: r.name() };
    case 0x02: return { kind: 'external-id', id: r.name() };
    default: return badByte(r, b, 'name option', at);
  }
}
