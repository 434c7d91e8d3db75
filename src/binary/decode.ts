// Decoding modules (https://webassembly.github.io/spec/core/binary/modules.html).
// Sections are decoded into the AST; function bodies are recorded and read on first use
// (or at once with `lazy: false`). Nothing is allocated from a count before the bytes behind
// it are known to exist, so hostile sizes cost nothing.
import {
  type CustomSection, type Data, type Elem, type ElemMode, type Export, type ExternKind, type Func,
  type Import, type ImportDesc, type Module, SECTION_ID, SECTION_ORDER, type SectionName,
  type SectionSpan, type Table, emptyModule,
} from '../core/ast.ts';
import { DecodeError } from '../core/errors.ts';
import { ALL_FEATURES, type FeatureSet } from '../core/features.ts';
import { FUNCREF, REF_FUNC, type RefType } from '../core/types.ts';
import { readExpr } from './decode-instr.ts';
import { decodeNames } from './decode-names.ts';
import { readGlobalType, readMemoryType, readRecGroup, readRefType, readTableType } from './decode-types.ts';
import { DecodedFunc } from './func-body.ts';
import { Reader } from './reader.ts';

export interface DecodeOptions {
  /** Read function bodies on first use (default). `false` reads and checks them all now. */
  lazy?: boolean;
  /** The features the module may use (default: all Tessera knows). */
  features?: FeatureSet;
  /**
   * Where the module lies in `input` (a component's core module section): offsets in the
   * AST and in errors stay absolute in `input`. Default: all of it.
   */
  range?: { start: number; end: number };
}

export const MAGIC = [0x00, 0x61, 0x73, 0x6d];
export const VERSION = [0x01, 0x00, 0x00, 0x00];

const SECTION_BY_ID: (SectionName | undefined)[] = [];
for (const name of SECTION_ORDER) SECTION_BY_ID[SECTION_ID[name]] = name;
const ORDER = new Map<SectionName, number>(SECTION_ORDER.map((name, i) => [name, i]));

/** The original span of each decoded custom section, for lossless re-encoding. */
export const CUSTOM_SPANS = new WeakMap<CustomSection, SectionSpan>();

const EXTERN_KINDS: readonly ExternKind[] = ['func', 'table', 'memory', 'global', 'tag'];

/** Decodes a binary module. Throws DecodeError (with an absolute offset) if it is malformed. */
function decodeSections(input: Uint8Array | ArrayBuffer, options: DecodeOptions, partial: Module[]): Module {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const range = options.range ?? { start: 0, end: bytes.length };
  const r: Reader = new Reader(bytes, range.start, range.end, options.features ?? ALL_FEATURES);
  readHeader(r);
  const m = emptyModule();
  partial.push(m);
  const sections: SectionSpan[] = [];
  const state: SectionState = { funcTypes: undefined, codeCount: undefined };
  let last = -1;
  let lastName: SectionName | null = null;
  while (!r.atEnd()) {
    const start = r.pos;
    const id = r.u8();
    const sizeAt = r.pos;
    const size = r.u32();
    if (size > r.end - r.pos) r.fail('length out of bounds', sizeAt);
    const span: SectionSpan = { id, start, contentStart: r.pos, end: r.pos + size };
    if (id === 0) {
      const s = r.sub(span.contentStart, span.end);
      const custom: CustomSection = { name: s.name(), data: bytes.subarray(s.pos, span.end), after: lastName };
      s.pos = span.end;
      CUSTOM_SPANS.set(custom, span);
      m.customs.push(custom);
      if (custom.name === 'name') m.names = decodeNames(custom.data);
    } else {
      const name = SECTION_BY_ID[id];
      if (!name) r.fail('malformed section id', start);
      const order = ORDER.get(name) as number;
      if (order <= last) r.fail('unexpected content after last section', start);
      last = order;
      lastName = name;
      // As in the reference decoder, reading may run past the section's end (into the
      // following bytes); the size is checked afterwards. Errors then match the spec's.
      const s = r.sub(span.contentStart, r.end);
      readSection(s, name, m, state);
      if (s.pos !== span.end) s.fail('section size mismatch');
    }
    sections.push(span);
    r.pos = span.end;
  }
  finish(r, m, state);
  m.source = { bytes, sections };
  if (options.lazy === false) for (const f of m.funcs) (f as DecodedFunc).read();
  return m;
}

/**
 * Decodes the sections, then the bodies if asked. When a later section is malformed, a
 * malformed body before it is the first error in byte order, as a streaming decoder sees it.
 */
export function decodeModule(input: Uint8Array | ArrayBuffer, options: DecodeOptions = {}): Module {
  const partial: Module[] = [];
  try {
    return decodeSections(input, options, partial);
  } catch (e) {
    if (e instanceof DecodeError) {
      for (const f of partial[0]?.funcs ?? []) {
        if (f instanceof DecodedFunc && f.offset < e.offset) f.read();
      }
    }
    throw e;
  }
}

function readHeader(r: Reader): void {
  const b = r.bytes;
  const at = r.pos;
  if (r.end - at < 4) throw new DecodeError('unexpected end', r.end);
  if (MAGIC.some((x, i) => b[at + i] !== x)) throw new DecodeError('magic header not detected', at);
  if (r.end - at < 8) throw new DecodeError('unexpected end', r.end);
  if (VERSION.some((x, i) => b[at + 4 + i] !== x)) throw new DecodeError('unknown binary version', at + 4);
  r.pos = at + 8;
}

export interface SectionState {
  /** The function section's type indices, until the code section pairs them with bodies. */
  funcTypes: number[] | undefined;
  codeCount: number | undefined;
  /** memory.init and data.drop need a data count section before the code. */
  hasDataCount?: boolean;
}

export function readSection(r: Reader, name: SectionName, m: Module, state: SectionState): void {
  switch (name) {
    case 'type': m.types = readVec(r, readRecGroup); break;
    case 'import': m.imports = readVec(r, readImport); break;
    case 'func': state.funcTypes = readVec(r, (r) => r.u32()); break;
    case 'table': m.tables = readVec(r, readTable); break;
    case 'memory': m.memories = readVec(r, (r) => ({ type: readMemoryType(r) })); break;
    case 'tag': m.tags = readVec(r, readTagType); break;
    case 'global': m.globals = readVec(r, (r) => ({ type: readGlobalType(r), init: readExpr(r) })); break;
    case 'export': m.exports = readVec(r, readExport); break;
    case 'start': m.start = r.u32(); break;
    case 'elem': m.elems = readVec(r, readElem); break;
    case 'datacount': m.dataCount = r.u32(); state.hasDataCount = true; break;
    case 'code': readCode(r, m, state); break;
    case 'data': m.datas = readVec(r, readData); break;
  }
}

function readVec<T>(r: Reader, item: (r: Reader) => T): T[] {
  const n = r.count();
  const out: T[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = item(r);
  return out;
}

function readTagType(r: Reader): { type: number } {
  const at = r.pos;
  if (r.u8() !== 0) r.fail('malformed tag attribute', at);
  return { type: r.u32() };
}

function readImport(r: Reader): Import {
  const module = r.name();
  const name = r.name();
  const at = r.pos;
  const kind = r.u8();
  let desc: ImportDesc;
  switch (kind) {
    case 0x00: desc = { kind: 'func', type: r.u32() }; break;
    case 0x01: desc = { kind: 'table', type: readTableType(r) }; break;
    case 0x02: desc = { kind: 'memory', type: readMemoryType(r) }; break;
    case 0x03: desc = { kind: 'global', type: readGlobalType(r) }; break;
    case 0x04: desc = { kind: 'tag', type: readTagType(r) }; break;
    default: return r.fail('malformed import kind', at);
  }
  return { module, name, desc };
}

function readTable(r: Reader): Table {
  if (r.peek() !== 0x40) return { type: readTableType(r) };
  r.pos++;
  const at = r.pos;
  if (r.u8() !== 0x00) r.fail('malformed table', at);
  const type = readTableType(r);
  return { type, init: readExpr(r) };
}

function readExport(r: Reader): Export {
  const name = r.name();
  const at = r.pos;
  const kind = EXTERN_KINDS[r.u8()];
  if (!kind) r.fail('malformed export kind', at);
  return { name, kind, index: r.u32() };
}

/** Element segments: flags 0-7 select mode, table index, and index or expression items. */
function readElem(r: Reader): Elem {
  const at = r.pos;
  const flags = r.u32();
  if (flags > 7) r.fail('malformed elements segment kind', at);
  const passiveOrDeclarative = (flags & 1) !== 0;
  const explicitTable = (flags & 2) !== 0;
  const usesExprs = (flags & 4) !== 0;
  let mode: ElemMode;
  if (!passiveOrDeclarative) {
    const table = explicitTable ? r.u32() : 0;
    mode = { kind: 'active', table, offset: readExpr(r) };
  } else {
    mode = explicitTable ? { kind: 'declarative' } : { kind: 'passive' };
  }
  // Function indices make elements of type (ref func); flag 4 implies funcref; the other
  // expression forms name their type (https://webassembly.github.io/spec/core/binary/modules.html#element-section).
  let type: RefType = usesExprs ? FUNCREF : REF_FUNC;
  if (passiveOrDeclarative || explicitTable) {
    if (usesExprs) type = readRefType(r);
    else {
      const kindAt = r.pos;
      if (r.u8() !== 0x00) r.fail('malformed element kind', kindAt);
    }
  }
  const init = usesExprs
    ? readVec(r, readExpr)
    : readVec(r, (r) => [{ op: 'ref.func' as const, func: r.u32() }]);
  return { type, init, mode };
}

function readData(r: Reader): Data {
  const at = r.pos;
  const flags = r.u32();
  let mode: Data['mode'];
  switch (flags) {
    case 0: mode = { kind: 'active', memory: 0, offset: readExpr(r) }; break;
    case 1: mode = { kind: 'passive' }; break;
    case 2: {
      const memory = r.u32();
      mode = { kind: 'active', memory, offset: readExpr(r) };
      break;
    }
    default: return r.fail('malformed data segment kind', at);
  }
  const n = r.count();
  return { init: r.bytesView(n), mode };
}

function readCode(r: Reader, m: Module, state: SectionState): void {
  const n = r.count();
  // A count that differs from the function section's is reported once all sections are read.
  const types = state.funcTypes ?? [];
  const funcs: Func[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const offset = r.pos;
    const size = r.u32();
    if (size > r.end - r.pos) r.unexpectedEnd();
    const bodyStart = r.pos;
    r.pos += size;
    funcs[i] = new DecodedFunc(types[i] ?? 0, r, offset, bodyStart, r.pos, state.hasDataCount);
  }
  m.funcs = funcs;
  state.codeCount = n;
}

function finish(r: Reader, m: Module, state: SectionState): void {
  const declared = state.funcTypes?.length ?? 0;
  if ((state.codeCount ?? 0) !== declared) r.fail('function and code section have inconsistent lengths');
  if (m.dataCount !== undefined && m.dataCount !== m.datas.length) {
    r.fail('data count and data section have inconsistent lengths');
  }
}
