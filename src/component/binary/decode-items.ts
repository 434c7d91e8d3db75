// Decoding the items of component sections that are not types: core instances, instances,
// canonical definitions, start, imports, exports and values (Binary.md).
import type { Reader } from '../../binary/reader.ts';
import { readValType as readCoreValType } from '../../binary/decode-types.ts';
import type {
  AnyCanonFields, Canon, CanonOpt, CoreInstance, Export, Import, Instance, Start, Value,
} from '../ast.ts';
import { CANON_BY_CODE, CANON_OPT_CODE, CORE_SORT_CODE, byCode } from '../codes.ts';
import {
  readCoreSort, readExternName, readExternType, readResultList, readSort, readValType,
} from './decode-types.ts';
import { badByte, readFlag, readOptional, readVec } from './read-util.ts';

const OPT_BY_CODE = byCode(CANON_OPT_CODE);

export function readCoreInstance(r: Reader): CoreInstance {
  const at = r.pos;
  const b = r.u8();
  if (b === 0x00) {
    const module = r.u32();
    const args = readVec(r, (r) => {
      const name = r.name();
      const kindAt = r.pos;
      const kind = r.u8();
      if (kind !== CORE_SORT_CODE.instance) badByte(r, kind, 'instantiation arg kind', kindAt);
      return { name, instance: r.u32() };
    });
    return { kind: 'instantiate', module, args };
  }
  if (b !== 0x01) badByte(r, b, 'core instance', at);
  return { kind: 'exports', exports: readVec(r, (r) => ({ name: r.name(), sort: readCoreSort(r), index: r.u32() })) };
}

export function readInstance(r: Reader): Instance {
  const at = r.pos;
  const b = r.u8();
  if (b === 0x00) {
    const component = r.u32();
    const args = readVec(r, (r) => ({ name: r.name(), sort: readSort(r), index: r.u32() }));
    return { kind: 'instantiate', component, args };
  }
  if (b !== 0x01) badByte(r, b, 'instance', at);
  return { kind: 'exports', exports: readVec(r, (r) => ({ name: readExternName(r), sort: readSort(r), index: r.u32() })) };
}

function readCanonOpt(r: Reader): CanonOpt {
  const at = r.pos;
  const b = r.u8();
  const kind = OPT_BY_CODE[b];
  switch (kind) {
    case 'utf8': case 'utf16': case 'latin1+utf16': case 'async': return { kind };
    case 'memory': case 'realloc': case 'post-return': case 'callback': return { kind, index: r.u32() };
    default: return badByte(r, b, 'canonical option', at);
  }
}

function readOpts(r: Reader): CanonOpt[] {
  return readVec(r, readCanonOpt);
}

/** One canonical definition, its immediates read as the canon table's row says. */
export function readCanon(r: Reader): Canon {
  const at = r.pos;
  const b = r.u8();
  const row = CANON_BY_CODE[b];
  if (!row) return badByte(r, b, 'canonical function', at);
  const c = { op: row.name } as AnyCanonFields;
  const sortByte = (what: string): void => {
    const sAt = r.pos;
    const s = r.u8();
    if (s !== 0x00) badByte(r, s, what, sAt);
  };
  switch (row.imm) {
    case 'none': break;
    case 'lift': sortByte('canonical function lift'); c.func = r.u32(); c.options = readOpts(r); c.type = r.u32(); break;
    case 'lower': sortByte('canonical function lower'); c.func = r.u32(); c.options = readOpts(r); break;
    case 'type': c.type = r.u32(); break;
    case 'type_opts': c.type = r.u32(); c.options = readOpts(r); break;
    case 'type_async': c.type = r.u32(); c.async = readFlag(r, 'async'); break;
    case 'opts': c.options = readOpts(r); break;
    case 'async': c.async = readFlag(r, 'async'); break;
    case 'cancel': c.cancellable = readFlag(r, 'cancellable'); break;
    case 'cancel_memory': c.cancellable = readFlag(r, 'cancellable'); c.memory = r.u32(); break;
    case 'task_return': {
      const result = readResultList(r);
      if (result !== undefined) c.result = result;
      c.options = readOpts(r);
      break;
    }
    case 'context': c.valtype = readCoreValType(r); c.index = r.u32(); break;
    case 'core_type_table': c.type = r.u32(); c.table = r.u32(); break;
    case 'shared': c.shared = readFlag(r, 'shared'); break;
    case 'shared_core_type': c.shared = readFlag(r, 'shared'); c.type = r.u32(); break;
    case 'shared_core_type_table': c.shared = readFlag(r, 'shared'); c.type = r.u32(); c.table = r.u32(); break;
  }
  return c as Canon;
}

export function readStart(r: Reader): Start {
  const func = r.u32();
  const args = readVec(r, (r) => r.u32());
  return { func, args, results: r.u32() };
}

export function readImport(r: Reader): Import {
  return { name: readExternName(r), type: readExternType(r) };
}

export function readExport(r: Reader): Export {
  const name = readExternName(r);
  const sort = readSort(r, 'component external kind');
  const index = r.u32();
  const type = readOptional(r, 'optional component export type', readExternType);
  return type === undefined ? { name, sort, index } : { name, sort, index, type };
}

export function readValue(r: Reader): Value {
  const type = readValType(r);
  const n = r.u32();
  return { type, bytes: r.bytesView(n) };
}
