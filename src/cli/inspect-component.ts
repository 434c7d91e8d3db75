// `tessera inspect` for components: each section with its byte range (absolute offsets, as
// decoded), the nested core modules and components (components recursively), imports and
// exports with their types, and how many of each canonical built-in the component defines.
import type { Module } from '../core/ast.ts';
import type { Component, ExternType, Section, Sort, TypeDef } from '../component/ast.ts';
import { SECTION_SPANS } from '../component/binary/decode.ts';
import { definedSorts } from '../component/text/print-names.ts';
import { PLAIN_REFS, defValTypeText, funcTypeText } from '../component/text/print-types.ts';

export interface ComponentSectionRow {
  section: string;
  start: number;
  end: number;
  size: number;
  count?: number;
}

export interface NestedModuleSummary {
  index: number;
  start: number;
  end: number;
  size: number;
  name?: string;
  imports: number;
  funcs: number;
  exports: number;
}

export interface ComponentSummary {
  /** Index in the enclosing component's component index space (absent at the top). */
  index?: number;
  start: number;
  end: number;
  size: number;
  sections: ComponentSectionRow[];
  modules: NestedModuleSummary[];
  components: ComponentSummary[];
  imports: { name: string; kind: ExternType['kind']; type: string }[];
  /** `type` as for imports: the export's ascribed type, or that of its function or instance. */
  exports: { name: string; sort: Sort; index: number; type?: string }[];
  /** Canonical built-ins by name, in first-use order. */
  canon: Record<string, number>;
}

const SECTION_TITLE: Readonly<Record<Section['kind'], string>> = {
  custom: 'custom', 'core-module': 'core module', 'core-instance': 'core instance', 'core-type': 'core type',
  component: 'component', instance: 'instance', alias: 'alias', type: 'type', canon: 'canon', start: 'start',
  import: 'import', export: 'export', value: 'value',
};

function itemCount(s: Section): number | undefined {
  switch (s.kind) {
    case 'custom': case 'core-module': case 'component': return undefined;
    case 'start': return 1;
    default: return s.items.length;
  }
}

/** Type and function index spaces, as far as local definitions say what an index is. */
class Spaces {
  readonly types: (TypeDef | undefined)[] = [];
  /** The type index of each function, where a lift or an import gives one. */
  readonly funcs: (number | undefined)[] = [];
  /** The type index of each instance, where an import gives one. */
  readonly instances: (number | undefined)[] = [];

  add(s: Section): void {
    if (s.kind === 'type') for (const t of s.items) this.types.push(t);
    else if (s.kind === 'canon') for (const c of s.items) { if (c.op === 'lift') this.funcs.push(c.type); }
    else if (s.kind === 'import') {
      for (const i of s.items) {
        const t = i.type;
        if (t.kind === 'func') this.funcs.push(t.type);
        else if (t.kind === 'instance') this.instances.push(t.type);
        else if (t.kind === 'type') this.types.push(undefined);
      }
    } else {
      definedSorts(s, (sort, n) => {
        const space = sort === 'type' ? this.types : sort === 'func' ? this.funcs : sort === 'instance' ? this.instances : undefined;
        for (let k = 0; k < n && space; k++) space.push(undefined);
      });
    }
  }

  /**
   * What a type index says, as far as local definitions tell: `func (param "x" u32)`, an
   * instance type's exports, `type 3` when the index comes from an alias or an import.
   */
  describe(index: number): string {
    const t = this.types[index];
    if (!t) return `type ${index}`;
    switch (t.kind) {
      case 'func': return funcTypeText(t, PLAIN_REFS).slice(1, -1);
      case 'component': case 'instance': {
        const exports = t.decls.flatMap((d) => (d.kind === 'export' ? [`${d.name.name}: ${d.type.kind}`] : []));
        const imports = t.decls.flatMap((d) => (d.kind === 'import' ? [`${d.name.name}: ${d.type.kind}`] : []));
        let out = `${t.kind} type ${index} {`;
        if (imports.length > 0) out += ` imports ${imports.join(', ')};`;
        return `${out} exports ${exports.length === 0 ? '(none)' : exports.join(', ')} }`;
      }
      case 'resource': return `resource type ${index}`;
      default: return defValTypeText(t, PLAIN_REFS);
    }
  }

  /** An import's or export's type: what its type index says, or the kind and index. */
  externType(t: ExternType): string {
    switch (t.kind) {
      case 'func': case 'component': case 'instance': {
        const text = this.describe(t.type);
        return text.startsWith(t.kind) ? text : `${t.kind} ${text}`;
      }
      case 'module': return `core module (core type ${t.type})`;
      case 'value': return t.bound.kind === 'eq' ? `value (eq ${t.bound.value})` : 'value';
      case 'type': return t.bound.kind === 'eq' ? `type (eq ${this.describe(t.bound.type)})` : 'type (sub resource)';
    }
  }
}

function moduleSummary(m: Module, index: number, span: { start: number; end: number }): NestedModuleSummary {
  const out: NestedModuleSummary = {
    index, start: span.start, end: span.end, size: span.end - span.start,
    imports: m.imports.length, funcs: m.imports.filter((i) => i.desc.kind === 'func').length + m.funcs.length,
    exports: m.exports.length,
  };
  if (m.names?.module !== undefined) out.name = m.names.module;
  return out;
}

export function summarizeComponent(c: Component, index?: number): ComponentSummary {
  const sections: ComponentSectionRow[] = [];
  const modules: NestedModuleSummary[] = [];
  const components: ComponentSummary[] = [];
  const imports: ComponentSummary['imports'] = [];
  const exports: ComponentSummary['exports'] = [];
  const canon: Record<string, number> = {};
  const spaces = new Spaces();
  const counts = new Map<Sort, number>();
  for (const s of c.sections) {
    const span = SECTION_SPANS.get(s) ?? { start: 0, contentStart: 0, end: 0 };
    const row: ComponentSectionRow = {
      section: s.kind === 'custom' ? `custom ${JSON.stringify(s.name)}` : SECTION_TITLE[s.kind],
      start: span.start, end: span.end, size: span.end - span.contentStart,
    };
    const count = itemCount(s);
    if (count !== undefined) row.count = count;
    sections.push(row);
    const inner = { start: span.contentStart, end: span.end };
    if (s.kind === 'core-module') modules.push(moduleSummary(s.module, counts.get('core module') ?? 0, inner));
    else if (s.kind === 'component') components.push(summarizeComponent(s.component, counts.get('component') ?? 0));
    else if (s.kind === 'canon') for (const k of s.items) canon[k.op] = (canon[k.op] ?? 0) + 1;
    else if (s.kind === 'import') {
      for (const i of s.items) imports.push({ name: i.name.name, kind: i.type.kind, type: spaces.externType(i.type) });
    } else if (s.kind === 'export') {
      for (const e of s.items) {
        const row: ComponentSummary['exports'][number] = { name: e.name.name, sort: e.sort, index: e.index };
        const type = e.type !== undefined ? spaces.externType(e.type)
          : e.sort === 'func' && spaces.funcs[e.index] !== undefined ? spaces.describe(spaces.funcs[e.index] as number)
            : e.sort === 'instance' && spaces.instances[e.index] !== undefined ? spaces.describe(spaces.instances[e.index] as number)
              : undefined;
        if (type !== undefined) row.type = type;
        exports.push(row);
      }
    }
    spaces.add(s);
    definedSorts(s, (sort, n) => counts.set(sort, (counts.get(sort) ?? 0) + n));
  }
  const start = c.source?.start ?? 0;
  const end = c.source?.end ?? 0;
  const out: ComponentSummary = { start, end, size: end - start, sections, modules, components, imports, exports, canon };
  if (index !== undefined) out.index = index;
  return out;
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** The summary as text, nested components indented under their parent. */
export function componentText(s: ComponentSummary, depth = 0): string[] {
  const pad = '  '.repeat(depth);
  const lines: string[] = [];
  const width = Math.max(...s.sections.map((r) => r.section.length), 13);
  for (const r of s.sections) {
    lines.push(`${pad}${r.section.padEnd(width)}  ${hex(r.start).padStart(10)} - ${hex(r.end).padStart(10)}  ` +
      `${String(r.size).padStart(10)} bytes${r.count === undefined ? '' : `  ${r.count} items`}`);
  }
  if (s.modules.length > 0) {
    lines.push(`${pad}core modules:`);
    for (const m of s.modules) {
      lines.push(`${pad}  ${m.index}${m.name === undefined ? '' : ` ${JSON.stringify(m.name)}`}: ${hex(m.start)} - ${hex(m.end)}, ` +
        `${m.size} bytes, ${m.imports} imports, ${m.funcs} funcs, ${m.exports} exports`);
    }
  }
  for (const c of s.components) {
    lines.push(`${pad}component ${c.index}: ${hex(c.start)} - ${hex(c.end)}, ${c.size} bytes`);
    lines.push(...componentText(c, depth + 1));
  }
  if (s.imports.length > 0) {
    lines.push(`${pad}imports:`);
    for (const i of s.imports) lines.push(`${pad}  ${JSON.stringify(i.name)}: ${i.type}`);
  }
  if (s.exports.length > 0) {
    lines.push(`${pad}exports:`);
    for (const e of s.exports) lines.push(`${pad}  ${JSON.stringify(e.name)}: ${e.sort} ${e.index}${e.type === undefined ? '' : `, ${e.type}`}`);
  }
  const canon = Object.entries(s.canon);
  if (canon.length > 0) lines.push(`${pad}canonical built-ins: ${canon.map(([op, n]) => `${op} ${n}`).join(', ')}`);
  return lines;
}
