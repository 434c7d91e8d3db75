// Decoding components (Binary.md, "Component Definitions"). Sections may come in any order
// and repeat; each is decoded into the AST and its span remembered, so an unchanged section
// is re-encoded from its original bytes. Nested core modules go through the core decoder
// over the same buffer, so every offset (in errors and in the AST) stays absolute. Counts
// are checked against the bytes left before anything is allocated, and nesting is bounded.
import type { Module } from '../../core/ast.ts';
import { DecodeError } from '../../core/errors.ts';
import { type DecodeOptions, MAGIC, decodeModule } from '../../binary/decode.ts';
import { Reader } from '../../binary/reader.ts';
import type { Component, ComponentSectionSpan, Section } from '../ast.ts';
import { COMPONENT_SECTION_ID, COMPONENT_VERSION } from '../codes.ts';
import { readAlias, readCoreType, readTypeDef } from './decode-types.ts';
import {
  readCanon, readCoreInstance, readExport, readImport, readInstance, readStart, readValue,
} from './decode-items.ts';
import { ITEM_OFFSETS } from '../positions.ts';
import { type DecodeState, enter } from './read-util.ts';
import { COMPONENT_NAME_SECTION, decodeComponentNames } from './names.ts';

/** The original span of each decoded section, for lossless re-encoding. */
export const SECTION_SPANS = new WeakMap<Section, ComponentSectionSpan>();

export interface ComponentDecodeOptions {
  /** Options for nested core modules (`range` is set by the component decoder). */
  core?: Omit<DecodeOptions, 'range'>;
}

/** Decodes a binary component. Throws DecodeError (absolute offset) if it is malformed. */
export function decodeComponent(input: Uint8Array | ArrayBuffer, options: ComponentDecodeOptions = {}): Component {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  return decodeAt(bytes, 0, bytes.length, { depth: 0 }, options);
}

/** A module or a component, told apart by the preamble's layer field (Binary.md). */
export type Decoded = { kind: 'module'; module: Module } | { kind: 'component'; component: Component };

export function decodeAny(input: Uint8Array | ArrayBuffer, options: ComponentDecodeOptions = {}): Decoded {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (isComponent(bytes)) return { kind: 'component', component: decodeComponent(bytes, options) };
  return { kind: 'module', module: decodeModule(bytes, options.core) };
}

/** True if the preamble says component (layer 1); a bad magic number says neither. */
export function isComponent(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && MAGIC.every((x, i) => bytes[i] === x) && bytes[6] === 0x01 && bytes[7] === 0x00;
}

function readPreamble(r: Reader): void {
  const b = r.bytes;
  const at = r.pos;
  const left = r.end - at;
  if (left < 4) r.fail('unexpected end-of-file', r.end);
  if (MAGIC.some((x, i) => b[at + i] !== x)) r.fail('magic header not detected', at);
  if (left < 8) r.fail('unexpected end-of-file', r.end);
  if (b[at + 6] !== COMPONENT_VERSION[2] || b[at + 7] !== COMPONENT_VERSION[3]) {
    r.fail('expected a version header for a component', at + 6);
  }
  if (b[at + 4] !== COMPONENT_VERSION[0] || b[at + 5] !== COMPONENT_VERSION[1]) r.fail('unknown binary version', at + 4);
  r.pos = at + 8;
}

const MAX_SECTION_ID = COMPONENT_SECTION_ID.value;

function decodeAt(bytes: Uint8Array, start: number, end: number, state: DecodeState, options: ComponentDecodeOptions): Component {
  const r = new Reader(bytes, start, end);
  enter(r, state);
  readPreamble(r);
  const sections: Section[] = [];
  while (!r.atEnd()) {
    const sectionStart = r.pos;
    const id = r.u8();
    if (id > MAX_SECTION_ID) r.fail('malformed section id', sectionStart);
    const sizeAt = r.pos;
    const size = r.u32();
    if (size > r.end - r.pos) r.fail('unexpected end-of-file: section size out of bounds', sizeAt);
    const span: ComponentSectionSpan = { id, start: sectionStart, contentStart: r.pos, end: r.pos + size };
    const s = r.sub(span.contentStart, span.end);
    const section = readSection(s, id, state, options);
    if (s.pos !== span.end) s.fail('section size mismatch: unexpected content after last item');
    SECTION_SPANS.set(section, span);
    ITEM_OFFSETS.set(section, sectionStart);
    sections.push(section);
    r.pos = span.end;
  }
  state.depth--;
  const component: Component = { sections, source: { bytes, start, end } };
  // The first `component-name` section is the one its names come from (Binary.md, "Name Section").
  const nameSection = sections.find((s) => s.kind === 'custom' && s.name === COMPONENT_NAME_SECTION);
  if (nameSection?.kind === 'custom') {
    const names = decodeComponentNames(nameSection.data);
    if (names) component.names = names;
  }
  return component;
}

function readSection(r: Reader, id: number, state: DecodeState, options: ComponentDecodeOptions): Section {
  switch (id) {
    case COMPONENT_SECTION_ID.custom: {
      const name = r.name();
      const data = r.bytesView(r.end - r.pos);
      return { kind: 'custom', name, data };
    }
    case COMPONENT_SECTION_ID['core-module']: {
      const module = decodeNested(r, options);
      return { kind: 'core-module', module };
    }
    case COMPONENT_SECTION_ID['core-instance']: return { kind: 'core-instance', items: readItems(r, readCoreInstance) };
    case COMPONENT_SECTION_ID['core-type']: return { kind: 'core-type', items: readItems(r, (r) => readCoreType(r, state)) };
    case COMPONENT_SECTION_ID.component: {
      const component = decodeAt(r.bytes, r.pos, r.end, state, options);
      r.pos = r.end;
      return { kind: 'component', component };
    }
    case COMPONENT_SECTION_ID.instance: return { kind: 'instance', items: readItems(r, readInstance) };
    case COMPONENT_SECTION_ID.alias: return { kind: 'alias', items: readItems(r, readAlias) };
    case COMPONENT_SECTION_ID.type: return { kind: 'type', items: readItems(r, (r) => readTypeDef(r, state)) };
    case COMPONENT_SECTION_ID.canon: return { kind: 'canon', items: readItems(r, readCanon) };
    case COMPONENT_SECTION_ID.start: return { kind: 'start', start: readStart(r) };
    case COMPONENT_SECTION_ID.import: return { kind: 'import', items: readItems(r, readImport) };
    case COMPONENT_SECTION_ID.export: return { kind: 'export', items: readItems(r, readExport) };
    default: return { kind: 'value', items: readItems(r, readValue) };
  }
}

/** A section's vector of entries, each entry's offset recorded (positions.ts) for error reports. */
function readItems<T extends object>(r: Reader, item: (r: Reader) => T): T[] {
  const n = r.count();
  const out: T[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const x = item(r);
    ITEM_OFFSETS.set(x, at);
    out[i] = x;
  }
  return out;
}

/** Re-reads one item section (not a module, component or custom one) from its contents. */
export function decodeSectionAt(r: Reader, id: number): Section {
  const section = readSection(r, id, { depth: 0 }, {});
  if (r.pos !== r.end) r.fail('section size mismatch');
  return section;
}

/** A core module section: the core decoder over [pos, end) of the same buffer. */
function decodeNested(r: Reader, options: ComponentDecodeOptions): Module {
  const b = r.bytes;
  const at = r.pos;
  // A component where a module belongs gets wasm-tools' phrase rather than the core one.
  if (r.end - at >= 8 && b[at + 6] !== 0 && MAGIC.every((x, i) => b[at + i] === x)) {
    r.fail('expected a version header for a module', at + 4);
  }
  const module = decodeModule(b, { ...options.core, range: { start: at, end: r.end } });
  r.pos = r.end;
  return module;
}

export { DecodeError };
