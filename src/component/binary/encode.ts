// Encoding components. A component built through the API (or parsed from text) is encoded
// canonically. A decoded component keeps the bytes of every section the caller did not
// change, as the core encoder does: a section is unchanged when its canonical encoding
// equals that of its original bytes. Nested modules and components follow the same rule
// through their own encoders, so padding and custom sections deep inside survive.
import { encodeModule } from '../../binary/encode.ts';
import { writeValType as writeCoreValType } from '../../binary/encode-types.ts';
import { Reader } from '../../binary/reader.ts';
import { Writer } from '../../binary/writer.ts';
import { MAGIC } from '../../binary/decode.ts';
import type {
  AnyCanonFields, Canon, CanonOpt, Component, ComponentNames, CoreInstance, Export, Import, Instance,
  Section,
} from '../ast.ts';
import { CANON_BY_NAME, CANON_OPT_CODE, COMPONENT_SECTION_ID, COMPONENT_VERSION, CORE_SORT_CODE } from '../codes.ts';
import { SECTION_SPANS, decodeSectionAt } from './decode.ts';
import { COMPONENT_NAME_SECTION, decodeComponentNames, encodeComponentNames } from './names.ts';
import {
  writeAlias, writeCoreSort, writeCoreType, writeExternName, writeExternType, writeResultList,
  writeSort, writeTypeDef, writeValType,
} from './encode-types.ts';

export interface ComponentEncodeOptions {
  /** Ignore original bytes everywhere (nested modules included) and encode canonically. */
  canonical?: boolean;
}

export function encodeComponent(c: Component, options: ComponentEncodeOptions = {}): Uint8Array<ArrayBuffer> {
  const w = new Writer(c.source && !options.canonical ? c.source.end - c.source.start + 64 : 1024);
  writeComponent(w, c, options);
  return w.finish().slice();
}

function writeComponent(w: Writer, c: Component, options: ComponentEncodeOptions): void {
  w.bytes(Uint8Array.from(MAGIC));
  w.bytes(Uint8Array.from(COMPONENT_VERSION));
  const bytes = options.canonical ? undefined : c.source?.bytes;
  const names = c.names ? namesSection(c, c.names) : undefined;
  for (const s of c.sections) {
    const content = s === names?.section ? names.content : sectionContent(s, options);
    const span = bytes ? SECTION_SPANS.get(s) : undefined;
    if (bytes && span && isUnchanged(s, content, bytes, span)) {
      w.bytes(bytes.subarray(span.start, span.end));
      continue;
    }
    w.u8(COMPONENT_SECTION_ID[s.kind]);
    w.u32(content.length);
    w.bytes(content);
  }
  if (names && !names.section) {
    w.u8(COMPONENT_SECTION_ID.custom);
    w.u32(names.content.length);
    w.bytes(names.content);
  }
}

/**
 * The `component-name` section `c.names` is written into (the first one; none: appended at
 * the end, where wasm-tools puts it) and its contents: its own bytes while they decode to
 * the same names, else the encoding of `c.names`, as the core encoder treats `name`.
 */
function namesSection(c: Component, names: ComponentNames): { section?: Section; content: Uint8Array } {
  const current = encodeComponentNames(names);
  const section = c.sections.find((s) => s.kind === 'custom' && s.name === COMPONENT_NAME_SECTION);
  const w = new Writer(current.length + 24);
  w.name(COMPONENT_NAME_SECTION);
  if (section?.kind === 'custom') {
    const original = decodeComponentNames(section.data);
    w.bytes(original && equalBytes(encodeComponentNames(original), current) ? section.data : current);
    return { section, content: w.finish() };
  }
  w.bytes(current);
  return { content: w.finish() };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isUnchanged(s: Section, content: Uint8Array, bytes: Uint8Array, span: { id: number; contentStart: number; end: number }): boolean {
  if (span.id !== COMPONENT_SECTION_ID[s.kind]) return false;
  const raw = bytes.subarray(span.contentStart, span.end);
  if (equalBytes(content, raw)) return true;
  // Nested modules and components encode losslessly themselves: differing bytes mean a change.
  if (s.kind === 'core-module' || s.kind === 'component' || s.kind === 'custom') return false;
  // Padded LEB128s and the like: compare canonical forms of the original and the current.
  const fresh = readSectionAgain(bytes, span);
  return fresh !== undefined && equalBytes(content, sectionContent(fresh, { canonical: true }));
}

function readSectionAgain(bytes: Uint8Array, span: { id: number; contentStart: number; end: number }): Section | undefined {
  try {
    return decodeSectionAt(new Reader(bytes, span.contentStart, span.end), span.id);
  } catch {
    return undefined;
  }
}

/** The contents of a section (without id and size). */
function sectionContent(s: Section, options: ComponentEncodeOptions): Uint8Array {
  const w = new Writer();
  const vec = <T>(items: readonly T[], item: (t: T) => void): void => {
    w.u32(items.length);
    for (const x of items) item(x);
  };
  switch (s.kind) {
    case 'custom': w.name(s.name); w.bytes(s.data); break;
    case 'core-module': return encodeModule(s.module, { canonical: options.canonical === true });
    case 'component': writeComponent(w, s.component, options); break;
    case 'core-instance': vec(s.items, (i) => writeCoreInstance(w, i)); break;
    case 'core-type': vec(s.items, (t) => writeCoreType(w, t)); break;
    case 'instance': vec(s.items, (i) => writeInstance(w, i)); break;
    case 'alias': vec(s.items, (a) => writeAlias(w, a)); break;
    case 'type': vec(s.items, (t) => writeTypeDef(w, t)); break;
    case 'canon': vec(s.items, (c) => writeCanon(w, c)); break;
    case 'start': w.u32(s.start.func); vec(s.start.args, (a) => w.u32(a)); w.u32(s.start.results); break;
    case 'import': vec(s.items, (i) => writeImport(w, i)); break;
    case 'export': vec(s.items, (e) => writeExport(w, e)); break;
    case 'value': vec(s.items, (v) => { writeValType(w, v.type); w.u32(v.bytes.length); w.bytes(v.bytes); }); break;
  }
  return w.finish();
}

function writeCoreInstance(w: Writer, i: CoreInstance): void {
  if (i.kind === 'instantiate') {
    w.u8(0x00);
    w.u32(i.module);
    w.u32(i.args.length);
    for (const a of i.args) { w.name(a.name); w.u8(CORE_SORT_CODE.instance); w.u32(a.instance); }
  } else {
    w.u8(0x01);
    w.u32(i.exports.length);
    for (const e of i.exports) { w.name(e.name); writeCoreSort(w, e.sort); w.u32(e.index); }
  }
}

function writeInstance(w: Writer, i: Instance): void {
  if (i.kind === 'instantiate') {
    w.u8(0x00);
    w.u32(i.component);
    w.u32(i.args.length);
    for (const a of i.args) { w.name(a.name); writeSort(w, a.sort); w.u32(a.index); }
  } else {
    w.u8(0x01);
    w.u32(i.exports.length);
    for (const e of i.exports) { writeExternName(w, e.name); writeSort(w, e.sort); w.u32(e.index); }
  }
}

function writeOpts(w: Writer, opts: readonly CanonOpt[]): void {
  w.u32(opts.length);
  for (const o of opts) {
    w.u8(CANON_OPT_CODE[o.kind]);
    if ('index' in o) w.u32(o.index);
  }
}

/** One canonical definition, its immediates written as the canon table's row says. */
export function writeCanon(w: Writer, canon: Canon): void {
  const row = CANON_BY_NAME.get(canon.op);
  if (!row) throw new Error(`unknown canonical built-in ${canon.op}`);
  const c = canon as AnyCanonFields;
  w.u8(row.code);
  switch (row.imm) {
    case 'none': break;
    case 'lift': w.u8(0x00); w.u32(c.func); writeOpts(w, c.options); w.u32(c.type); break;
    case 'lower': w.u8(0x00); w.u32(c.func); writeOpts(w, c.options); break;
    case 'type': w.u32(c.type); break;
    case 'type_opts': w.u32(c.type); writeOpts(w, c.options); break;
    case 'type_async': w.u32(c.type); w.u8(c.async ? 1 : 0); break;
    case 'opts': writeOpts(w, c.options); break;
    case 'async': w.u8(c.async ? 1 : 0); break;
    case 'cancel': w.u8(c.cancellable ? 1 : 0); break;
    case 'cancel_memory': w.u8(c.cancellable ? 1 : 0); w.u32(c.memory); break;
    case 'task_return': writeResultList(w, c.result); writeOpts(w, c.options); break;
    case 'context': writeCoreValType(w, c.valtype); w.u32(c.index); break;
    case 'core_type_table': w.u32(c.type); w.u32(c.table); break;
    case 'shared': w.u8(c.shared ? 1 : 0); break;
    case 'shared_core_type': w.u8(c.shared ? 1 : 0); w.u32(c.type); break;
    case 'shared_core_type_table': w.u8(c.shared ? 1 : 0); w.u32(c.type); w.u32(c.table); break;
  }
}

function writeImport(w: Writer, i: Import): void {
  writeExternName(w, i.name);
  writeExternType(w, i.type);
}

function writeExport(w: Writer, e: Export): void {
  writeExternName(w, e.name);
  writeSort(w, e.sort);
  w.u32(e.index);
  if (e.type === undefined) w.u8(0);
  else {
    w.u8(1);
    writeExternType(w, e.type);
  }
}
