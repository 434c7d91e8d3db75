// Encoding modules. A module built through the API is encoded canonically (shortest LEB128s,
// shorthand types, the most compact element segment form). A decoded module keeps the bytes
// of every part the caller did not change: compilers pad LEB128s, and DWARF and other
// offset-based data depend on the exact layout. "Unchanged" means the part's canonical
// encoding equals that of the original bytes, so in-place edits are seen too.
import {
  type CustomSection, type Data, type Elem, type Export, type Func, type Import, type Module,
  SECTION_ID, SECTION_ORDER, type SectionName, type SectionSpan, type Table, emptyModule,
} from '../core/ast.ts';
import { type SectionState, CUSTOM_SPANS, MAGIC, VERSION, readSection } from './decode.ts';
import { decodeNames } from './decode-names.ts';
import { writeExpr, writeInstr, writeLocals } from './encode-instr.ts';
import { encodeNames } from './encode-names.ts';
import { writeGlobalType, writeMemoryType, writeRecGroup, writeRefType, writeTableType } from './encode-types.ts';
import { DecodedFunc } from './func-body.ts';
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';

export interface EncodeOptions {
  /** Ignore the original bytes of a decoded module and encode everything canonically. */
  canonical?: boolean;
}

const EXTERN_CODE = { func: 0, table: 1, memory: 2, global: 3, tag: 4 } as const;

export function encodeModule(m: Module, options: EncodeOptions = {}): Uint8Array<ArrayBuffer> {
  const source = options.canonical ? undefined : m.source;
  const spans = new Map<number, SectionSpan>();
  if (source) for (const s of source.sections) if (s.id !== 0) spans.set(s.id, s);

  const w = new Writer(source ? source.bytes.length + 64 : 4096);
  w.bytes(Uint8Array.from(MAGIC));
  w.bytes(Uint8Array.from(VERSION));
  const customs = m.customs.slice();
  if (m.names && !customs.some((c) => c.name === 'name')) {
    customs.push({ name: 'name', data: new Uint8Array(0), after: 'data' });
  }
  writeCustoms(w, m, customs, null, source?.bytes, options.canonical === true);
  for (const name of SECTION_ORDER) {
    const id = SECTION_ID[name];
    const span = spans.get(id);
    if (name === 'code') writeCodeSection(w, m, source?.bytes, span);
    else {
      const current = sectionContent(m, name);
      if (span && source && isUnchanged(current, source.bytes, span, name)) {
        w.bytes(source.bytes.subarray(span.start, span.end));
      } else if (current) writeSection(w, id, current);
    }
    writeCustoms(w, m, customs, name, source?.bytes, options.canonical === true);
  }
  return w.finish().slice();
}

function writeSection(w: Writer, id: number, content: Uint8Array): void {
  w.u8(id);
  w.u32(content.length);
  w.bytes(content);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True if `current` encodes the same contents as the original section at `span`. */
function isUnchanged(current: Uint8Array | undefined, bytes: Uint8Array, span: SectionSpan, name: SectionName): boolean {
  const raw = bytes.subarray(span.contentStart, span.end);
  if (current && equalBytes(current, raw)) return true;
  const fresh = emptyModule();
  const state: SectionState = { funcTypes: undefined, codeCount: undefined };
  readSection(new Reader(bytes, span.contentStart, span.end), name, fresh, state);
  const original = sectionContent(fresh, name, state.funcTypes);
  if (!current || !original) return current === original;
  return equalBytes(current, original);
}

/** The canonical contents of a known section; undefined if the section would be absent. */
function sectionContent(m: Module, name: SectionName, funcTypes?: number[]): Uint8Array | undefined {
  const w = new Writer();
  const vec = <T>(items: readonly T[], write: (item: T) => void): Uint8Array | undefined => {
    if (items.length === 0) return undefined;
    w.u32(items.length);
    for (const item of items) write(item);
    return w.finish();
  };
  switch (name) {
    case 'type': return vec(m.types, (g) => writeRecGroup(w, g));
    case 'import': return vec(m.imports, (i) => writeImport(w, i));
    case 'func': return vec(funcTypes ?? m.funcs.map((f) => f.type), (t) => w.u32(t));
    case 'table': return vec(m.tables, (t) => writeTable(w, t));
    case 'memory': return vec(m.memories, (mem) => writeMemoryType(w, mem.type));
    case 'tag': return vec(m.tags, (t) => { w.u8(0); w.u32(t.type); });
    case 'global': return vec(m.globals, (g) => { writeGlobalType(w, g.type); writeExpr(w, g.init); });
    case 'export': return vec(m.exports, (e) => writeExport(w, e));
    case 'start':
      if (m.start === undefined) return undefined;
      w.u32(m.start);
      return w.finish();
    case 'elem': return vec(m.elems, (e) => writeElem(w, e));
    case 'datacount':
      if (m.dataCount === undefined) return undefined;
      w.u32(m.dataCount);
      return w.finish();
    case 'data': return vec(m.datas, (d) => writeData(w, d));
    case 'code': return undefined;
  }
}

function writeImport(w: Writer, i: Import): void {
  w.name(i.module);
  w.name(i.name);
  const d = i.desc;
  w.u8(EXTERN_CODE[d.kind]);
  switch (d.kind) {
    case 'func': w.u32(d.type); break;
    case 'table': writeTableType(w, d.type); break;
    case 'memory': writeMemoryType(w, d.type); break;
    case 'global': writeGlobalType(w, d.type); break;
    case 'tag': w.u8(0); w.u32(d.type.type); break;
  }
}

function writeTable(w: Writer, t: Table): void {
  if (t.init) {
    w.u8(0x40);
    w.u8(0x00);
    writeTableType(w, t.type);
    writeExpr(w, t.init);
  } else writeTableType(w, t.type);
}

function writeExport(w: Writer, e: Export): void {
  w.name(e.name);
  w.u8(EXTERN_CODE[e.kind]);
  w.u32(e.index);
}

/** The function index of an element item that is exactly `ref.func x`, else undefined. */
function funcIndexOf(item: Elem['init'][number]): number | undefined {
  if (item.length !== 1) return undefined;
  const i = item[0];
  return i.op === 'ref.func' ? i.func : undefined;
}

function writeElem(w: Writer, e: Elem): void {
  // Index forms carry (ref func) elements; the implicit type of flag 4 is funcref.
  const isFuncref = e.type.heap === 'func';
  const indices = isFuncref && !e.type.nullable && e.init.every((item) => funcIndexOf(item) !== undefined);
  const mode = e.mode;
  let flags: number;
  if (mode.kind === 'active') flags = mode.table === 0 && (indices || (isFuncref && e.type.nullable)) ? 0 : 2;
  else flags = mode.kind === 'passive' ? 1 : 3;
  if (!indices) flags |= 4;
  w.u32(flags);
  if (mode.kind === 'active') {
    if (flags & 2) w.u32(mode.table);
    writeExpr(w, mode.offset);
  }
  if (flags & 3) {
    if (indices) w.u8(0x00);
    else writeRefType(w, e.type);
  }
  w.u32(e.init.length);
  for (const item of e.init) {
    if (indices) w.u32(funcIndexOf(item) as number);
    else writeExpr(w, item);
  }
}

function writeData(w: Writer, d: Data): void {
  const mode = d.mode;
  if (mode.kind === 'passive') w.u8(1);
  else {
    if (mode.memory === 0) w.u8(0);
    else {
      w.u8(2);
      w.u32(mode.memory);
    }
    writeExpr(w, mode.offset);
  }
  w.u32(d.init.length);
  w.bytes(d.init);
}

/** A function's canonical encoding: size, locals, body. */
function canonicalFunc(f: Pick<Func, 'locals' | 'body'>): Uint8Array {
  const w = new Writer();
  writeCanonicalFunc(w, f, new Writer());
  return w.finish();
}

/**
 * Writes a function's canonical encoding to `w`, the body first into `scratch` (emptied here)
 * to learn its size: one scratch writer serves every function of a module, where a writer
 * of its own per function spent a tenth of encoding a parsed module allocating and growing.
 */
function writeCanonicalFunc(w: Writer, f: Pick<Func, 'locals' | 'body'>, scratch: Writer): void {
  scratch.length = 0;
  writeLocals(scratch, f.locals);
  const body = f.body;
  for (let k = 0; k < body.length; k++) writeInstr(scratch, body[k]);
  scratch.u8(0x0b);
  w.sized(scratch);
}

/**
 * The bytes of one code entry: the original ones while the body is unread or reads back the
 * same, the canonical encoding otherwise.
 */
function codeEntry(f: Func, bytes: Uint8Array | undefined): { data: Uint8Array; original: boolean } {
  if (bytes && f instanceof DecodedFunc && f.source === bytes) {
    if (!f.isRead) return { data: f.original, original: true };
    const current = canonicalFunc(f);
    if (equalBytes(current, f.original)) return { data: f.original, original: true };
    const fresh = f.reread();
    if (equalBytes(current, canonicalFunc(fresh))) return { data: f.original, original: true };
    return { data: current, original: false };
  }
  return { data: canonicalFunc(f), original: false };
}

function writeCodeSection(w: Writer, m: Module, bytes: Uint8Array | undefined, span: SectionSpan | undefined): void {
  if (m.funcs.length === 0 && !span) return;
  const content = new Writer();
  content.u32(m.funcs.length);
  // The section is unchanged if every entry is original and they follow each other as before.
  let contiguous = span !== undefined;
  let expected = -1;
  const scratch = new Writer(1 << 12);
  for (const f of m.funcs) {
    if (!bytes || !(f instanceof DecodedFunc) || f.source !== bytes) {
      // Not from this module's bytes (a parsed or built module): canonical, written in place.
      contiguous = false;
      writeCanonicalFunc(content, f, scratch);
      continue;
    }
    const entry = codeEntry(f, bytes);
    if (!entry.original || (expected !== -1 && (f as DecodedFunc).offset !== expected)) contiguous = false;
    if (entry.original) expected = (f as DecodedFunc).offset + entry.data.length;
    content.bytes(entry.data);
  }
  if (bytes && span && contiguous) {
    const first = m.funcs.length > 0 ? (m.funcs[0] as DecodedFunc).offset : span.end;
    const countReader = new Reader(bytes, span.contentStart, span.end);
    const originalCount = countReader.u32();
    if (originalCount === m.funcs.length && countReader.pos === first && expected === span.end) {
      w.bytes(bytes.subarray(span.start, span.end));
      return;
    }
    if (originalCount === 0 && m.funcs.length === 0) {
      w.bytes(bytes.subarray(span.start, span.end));
      return;
    }
  }
  if (m.funcs.length === 0) return;
  writeSection(w, SECTION_ID.code, content.finish());
}

function writeCustoms(
  w: Writer, m: Module, customs: readonly CustomSection[], after: SectionName | null,
  bytes: Uint8Array | undefined, canonical: boolean,
): void {
  for (const c of customs) {
    if (c.after !== after) continue;
    let data = c.data;
    if (c.name === 'name' && m.names) {
      const current = encodeNames(m.names);
      const original = decodeNames(c.data);
      if (!original || !equalBytes(current, encodeNames(original))) data = current;
    }
    const span = CUSTOM_SPANS.get(c);
    if (!canonical && span && bytes && data === c.data && isOriginalCustom(c, bytes, span)) {
      w.bytes(bytes.subarray(span.start, span.end));
      continue;
    }
    const body = new Writer(data.length + c.name.length + 8);
    body.name(c.name);
    body.bytes(data);
    w.u8(0);
    w.sized(body);
  }
}

function isOriginalCustom(c: CustomSection, bytes: Uint8Array, span: SectionSpan): boolean {
  if (c.data.buffer !== bytes.buffer) return false;
  const r = new Reader(bytes, span.contentStart, span.end);
  return r.name() === c.name && c.data.byteOffset === r.pos + bytes.byteOffset && c.data.length === span.end - r.pos;
}
