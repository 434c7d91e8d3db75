// Types in the text format (https://webassembly.github.io/spec/core/text/types.html), with
// type indices written as their `$id` when the name section names them.
import type {
  AbsHeapType, CompType, FieldType, GlobalType, HeapType, Limits, MemoryType, RefType,
  StorageType, SubType, TableType, ValType,
} from '../core/types.ts';
import { type IdMap, type Space, defId } from './print-names.ts';
import { u64Text } from './print-values.ts';

const REF_SHORTHAND: Readonly<Record<AbsHeapType, string>> = {
  func: 'funcref', nofunc: 'nullfuncref', extern: 'externref', noextern: 'nullexternref',
  any: 'anyref', eq: 'eqref', i31: 'i31ref', struct: 'structref', array: 'arrayref',
  none: 'nullref', exn: 'exnref', noexn: 'nullexnref',
};

/** A type index, as its id when it has one. */
export function typeIdx(index: number, types: IdMap): string {
  return types.get(index) ?? String(index);
}

export function heapText(h: HeapType, types: IdMap): string {
  if (typeof h === 'string') return h;
  return types.get(h) ?? String(h);
}

export function refText(t: RefType, types: IdMap): string {
  if (t.nullable && typeof t.heap === 'string') return REF_SHORTHAND[t.heap];
  return t.nullable ? `(ref null ${heapText(t.heap, types)})` : `(ref ${heapText(t.heap, types)})`;
}

export function valText(t: ValType | StorageType, types: IdMap): string {
  return typeof t === 'string' ? t : refText(t, types);
}

/** Value types separated by spaces, for `(param ...)` and `(result ...)`. */
export function valTexts(ts: readonly ValType[], types: IdMap): string {
  let out = '';
  for (let i = 0; i < ts.length; i++) out += (i === 0 ? '' : ' ') + valText(ts[i], types);
  return out;
}

/** ` (param a b) (result c)`, with a leading space; empty for `[] -> []`. */
export function signatureText(params: readonly ValType[], results: readonly ValType[], types: IdMap): string {
  let out = '';
  if (params.length > 0) out += ` (param ${valTexts(params, types)})`;
  if (results.length > 0) out += ` (result ${valTexts(results, types)})`;
  return out;
}

function fieldTypeText(f: FieldType, types: IdMap): string {
  const t = valText(f.storage, types);
  return f.mutable ? `(mut ${t})` : t;
}

export function compTypeText(c: CompType, types: IdMap, fields: Space | undefined): string {
  switch (c.kind) {
    case 'func': return `(func${signatureText(c.params, c.results, types)})`;
    case 'array': return `(array ${fieldTypeText(c.element, types)})`;
    case 'struct': {
      let out = '(struct';
      for (let i = 0; i < c.fields.length; i++) {
        const id = fields === undefined ? '' : defId(fields, i);
        out += ` (field${id} ${fieldTypeText(c.fields[i], types)})`;
      }
      return `${out})`;
    }
  }
}

/** A subtype: the plain composite type when final without supertypes, else `(sub ...)`. */
export function subTypeText(t: SubType, types: IdMap, fields: Space | undefined): string {
  const comp = compTypeText(t.comp, types, fields);
  if (t.final && t.supertypes.length === 0) return comp;
  let out = t.final ? '(sub final' : '(sub';
  for (const s of t.supertypes) out += ` ${typeIdx(s, types)}`;
  return `${out} ${comp})`;
}

function limitsText(addr: 'i32' | 'i64', l: Limits): string {
  const min = u64Text(l.min);
  const head = addr === 'i64' ? `i64 ${min}` : min;
  return l.max === undefined ? head : `${head} ${u64Text(l.max)}`;
}

export function tableTypeText(t: TableType, types: IdMap): string {
  return `${limitsText(t.addr, t.limits)} ${refText(t.ref, types)}`;
}

export function memoryTypeText(t: MemoryType): string {
  let out = limitsText(t.addr, t.limits);
  if (t.shared) out += ' shared';
  // custom-page-sizes: the page size in bytes, a power of two.
  if (t.pageSizeLog2 !== undefined) out += ` (pagesize ${u64Text(t.pageSizeLog2 < 53 ? 2 ** t.pageSizeLog2 : 1n << BigInt(t.pageSizeLog2))})`;
  return out;
}

export function globalTypeText(t: GlobalType, types: IdMap): string {
  const v = valText(t.type, types);
  return t.mutable ? `(mut ${v})` : v;
}
