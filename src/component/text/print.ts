// `printComponent`: a component in the text format (Explainer.md), laid out like
// `wasm-tools print`. The text reads back to the same component: parsing it and encoding
// gives the component's canonical encoding, names and custom sections included. So every
// definition is printed in its explicit form, in section order (`(alias export $i "f" (func))`
// rather than inline export paths, types by reference rather than inline), canonical
// built-ins as `(core func (canon ...))` and lifts as `(func (type t) (canon lift ...))`,
// and custom sections as `(@custom "name" "bytes")` where they were. Nested core modules are
// printed by the core printer, indented.
import type { Module } from '../../core/ast.ts';
import { type PrintOptions, printWat } from '../../text/print.ts';
import { defId } from '../../text/print-names.ts';
import { nameText } from '../../text/print-values.ts';
import { valText } from '../../text/print-types.ts';
import type { AnyCanonFields, Canon, CanonOpt, Component, Section, Sort } from '../ast.ts';
import { CANON_BY_NAME } from '../codes.ts';
import { COMPONENT_NAME_SECTION } from '../binary/names.ts';
import {
  type Forced, type NamePlan, definedSorts, ownHeader, planNames, spaceOf, withRawNames,
} from './print-names.ts';
import {
  Lines, aliasText, externNameText, externTypeText, printCoreType, printTypeDef, valTypeText,
} from './print-types.ts';

export type { PrintOptions };

/** Prints a component; names come from its `component-name` section. */
export function printComponent(c: Component, options: PrintOptions = {}): string {
  const out = new Lines();
  const planned = plan(c, options);
  const header = planned.names.header === 'free' ? c.names?.component : planned.names.header.name;
  new ComponentPrinter(c, planned, options, out).print(0, ownHeader(header));
  return out.toString();
}

/** A component's id plan, and what its nested modules and components print. */
interface Planned {
  names: NamePlan;
  /** Each core module section's text, from the core printer. */
  modules: Map<Section, string>;
  children: Map<Section, Planned>;
}

/** The core printer's text of a module and the name it prints on its header, if any. */
function moduleText(m: Module, options: PrintOptions): { text: string; own: string | undefined } {
  const text = printWat(m, { folded: options.folded, indices: options.indices, offsets: options.offsets });
  // `(module`, or `(module $id ...`; behind an offset column when offsets are printed.
  const first = text.slice(0, text.indexOf('\n'));
  return { text, own: first.endsWith('(module') ? undefined : m.names?.module };
}

function plan(c: Component, options: PrintOptions): Planned {
  const modules = new Map<Section, string>();
  const children = new Map<Section, Planned>();
  const moduleNames = new Map<number, string | undefined>();
  const moduleSections = new Map<number, Section & { kind: 'core-module' }>();
  const childHeaders = new Map<number, Forced>();
  const counts = new Map<Sort, number>();
  for (const s of c.sections) {
    if (s.kind === 'core-module') {
      const k = counts.get('core module') ?? 0;
      const { text, own } = moduleText(s.module, options);
      modules.set(s, text);
      moduleNames.set(k, own);
      moduleSections.set(k, s);
    } else if (s.kind === 'component') {
      const child = plan(s.component, options);
      children.set(s, child);
      childHeaders.set(counts.get('component') ?? 0, child.names.header);
    }
    definedSorts(s, (sort, n) => counts.set(sort, (counts.get(sort) ?? 0) + n));
  }
  const names = planNames(c, moduleNames, childHeaders);
  for (const k of names.rawModuleNames) {
    const s = moduleSections.get(k);
    if (s) modules.set(s, moduleText(withRawNames(s.module), options).text);
  }
  return { names, modules, children };
}

const INDENT = '  ';
const NO_IDS = new Map<number, string>();

class ComponentPrinter {
  readonly c: Component;
  readonly planned: Planned;
  readonly options: PrintOptions;
  readonly out: Lines;
  /** How many indices of each sort are defined so far: only those are referenced by id. */
  readonly defined = new Map<Sort, number>();
  readonly ref = (sort: Sort, index: number): string => {
    if (index >= (this.defined.get(sort) ?? 0)) return String(index);
    return spaceOf(this.planned.names, sort).ids.get(index) ?? String(index);
  };

  constructor(c: Component, planned: Planned, options: PrintOptions, out: Lines) {
    this.c = c;
    this.planned = planned;
    this.options = options;
    this.out = out;
  }

  /**
   * The id and index comment of the next index of `sort`. The definition is made by `next`,
   * once its text is written: references in it cannot name the index it defines.
   */
  def(sort: Sort): string {
    const index = this.defined.get(sort) ?? 0;
    const comment = this.options.indices === false ? '' : ` (;${index};)`;
    return defId(spaceOf(this.planned.names, sort), index) + comment;
  }

  next(sort: Sort): void {
    this.defined.set(sort, (this.defined.get(sort) ?? 0) + 1);
  }

  print(depth: number, header: string): void {
    const out = this.out;
    const names = this.planned.names;
    out.line(depth, `(component${header}`);
    const last = this.c.sections[this.c.sections.length - 1];
    let firstNames = true;
    for (const s of this.c.sections) {
      if (s.kind === 'custom' && s.name === COMPONENT_NAME_SECTION) {
        // Carried by the ids: the parser appends it, last.
        if (names.asIds && s === last) continue;
        const data = firstNames && names.sectionData ? names.sectionData : s.data;
        firstNames = false;
        this.custom(depth + 1, s.name, data);
        continue;
      }
      this.section(depth + 1, s);
    }
    if (!names.asIds && names.appended && names.sectionData) this.custom(depth + 1, COMPONENT_NAME_SECTION, names.sectionData);
    out.line(depth, ')');
  }

  custom(depth: number, name: string, data: Uint8Array): void {
    this.out.line(depth, `(@custom ${nameText(name)} ${bytesText(data)})`);
  }

  section(depth: number, s: Section): void {
    const out = this.out;
    const ref = this.ref;
    switch (s.kind) {
      case 'custom': this.custom(depth, s.name, s.data); break;
      case 'core-module': {
        const text = this.planned.modules.get(s) ?? '(module\n)\n';
        out.line(depth, `(core module${this.def('core module')}`);
        this.next('core module');
        // The core printer's text after its `(module ...` line, one level deeper.
        const rest = text.slice(text.indexOf('\n') + 1, -1);
        const pad = INDENT.repeat(depth);
        out.parts.push(pad + rest.replaceAll('\n', `\n${pad}`) + '\n');
        break;
      }
      case 'component': {
        const child = this.planned.children.get(s);
        if (!child) break;
        const header = this.def('component');
        new ComponentPrinter(s.component, child, this.options, out).print(depth, header);
        this.next('component');
        break;
      }
      case 'core-instance':
        for (const i of s.items) {
          const head = `(core instance${this.def('core instance')}`;
          if (i.kind === 'instantiate') {
            const args = i.args.map((a) => ` (with ${nameText(a.name)} (instance ${ref('core instance', a.instance)}))`).join('');
            out.line(depth, `${head} (instantiate ${ref('core module', i.module)}${args}))`);
          } else {
            this.lines(depth, head, i.exports.map((e) => `(export ${nameText(e.name)} (${e.sort} ${ref(`core ${e.sort}`, e.index)}))`));
          }
          this.next('core instance');
        }
        break;
      case 'instance':
        for (const i of s.items) {
          const head = `(instance${this.def('instance')}`;
          if (i.kind === 'instantiate') {
            const args = i.args.map((a) => `(with ${nameText(a.name)} (${a.sort} ${ref(a.sort, a.index)}))`);
            this.lines(depth, `${head} (instantiate ${ref('component', i.component)}`, args, '))');
          } else {
            this.lines(depth, head, i.exports.map((e) => `(export ${externNameText(e.name)} (${e.sort} ${ref(e.sort, e.index)}))`));
          }
          this.next('instance');
        }
        break;
      case 'core-type':
        for (const t of s.items) {
          printCoreType(out, depth, `(core type${this.def('core type')}`, t);
          this.next('core type');
        }
        break;
      case 'type':
        for (const t of s.items) {
          printTypeDef(out, depth, `(type${this.def('type')}`, t, ref);
          this.next('type');
        }
        break;
      case 'alias':
        for (const a of s.items) {
          out.line(depth, aliasText(a, this.def(a.sort), ref));
          this.next(a.sort);
        }
        break;
      case 'canon':
        for (const c of s.items) {
          out.line(depth, this.canonText(c));
          this.next(c.op === 'lift' ? 'func' : 'core func');
        }
        break;
      case 'start': {
        const st = s.start;
        let text = `(start ${ref('func', st.func)}`;
        for (const a of st.args) text += ` (value ${ref('value', a)})`;
        for (let k = 0; k < st.results; k++) {
          text += ` (result (value${this.def('value')}))`;
          this.next('value');
        }
        out.line(depth, `${text})`);
        break;
      }
      case 'import':
        for (const i of s.items) {
          const sort = i.type.kind === 'module' ? 'core module' : i.type.kind;
          out.line(depth, `(import ${externNameText(i.name)} ${externTypeText(i.type, this.def(sort), ref)})`);
          this.next(sort);
        }
        break;
      case 'export':
        for (const e of s.items) {
          // The ascribed type is read before the export defines its index.
          const type = e.type === undefined ? '' : ` ${externTypeText(e.type, '', ref)}`;
          out.line(depth, `(export${this.def(e.sort)} ${externNameText(e.name)} (${e.sort} ${ref(e.sort, e.index)})${type})`);
          this.next(e.sort);
        }
        break;
      case 'value':
        // 🪙 No text form yet reads a value's bytes back; this one is explicit about it.
        for (const v of s.items) {
          out.line(depth, `(value${this.def('value')} ${valTypeText(v.type, ref)} binary ${bytesText(v.bytes)})`);
          this.next('value');
        }
        break;
    }
  }

  /** `head` and `items` on one line when short, else one item a line; then `close`. */
  lines(depth: number, head: string, items: readonly string[], close = ')'): void {
    const one = `${head}${items.map((x) => ` ${x}`).join('')}${close}`;
    if (items.length <= 1 || one.length <= 100) {
      this.out.line(depth, one);
      return;
    }
    this.out.line(depth, head);
    for (const x of items) this.out.line(depth + 1, x);
    this.out.line(depth, close);
  }

  optsText(options: readonly CanonOpt[]): string {
    let out = '';
    for (const o of options) {
      switch (o.kind) {
        case 'utf8': case 'utf16': case 'latin1+utf16': out += ` string-encoding=${o.kind}`; break;
        case 'async': out += ' async'; break;
        case 'memory': out += ` (memory ${this.ref('core memory', o.index)})`; break;
        default: out += ` (${o.kind} ${this.ref('core func', o.index)})`;
      }
    }
    return out;
  }

  /** A canonical definition, immediates as the canon table's row says (codes.ts). */
  canonText(canon: Canon): string {
    const ref = this.ref;
    const c = canon as AnyCanonFields;
    const row = CANON_BY_NAME.get(c.op);
    if (row?.imm === 'lift') {
      // References come before the definition's own index.
      const body = `(type ${ref('type', c.type)}) (canon lift (core func ${ref('core func', c.func)})${this.optsText(c.options)})`;
      return `(func${this.def('func')} ${body})`;
    }
    const flag = (on: boolean, word: string): string => (on ? ` ${word}` : '');
    let imm = '';
    switch (row?.imm) {
      case 'lower': imm = ` (func ${ref('func', c.func)})${this.optsText(c.options)}`; break;
      case 'type': imm = ` ${ref('type', c.type)}`; break;
      case 'type_opts': imm = ` ${ref('type', c.type)}${this.optsText(c.options)}`; break;
      case 'type_async': imm = ` ${ref('type', c.type)}${flag(c.async, 'async')}`; break;
      case 'opts': imm = this.optsText(c.options); break;
      case 'async': imm = flag(c.async, 'async'); break;
      case 'cancel': imm = flag(c.cancellable, 'cancellable'); break;
      case 'cancel_memory': imm = `${flag(c.cancellable, 'cancellable')} (memory ${ref('core memory', c.memory)})`; break;
      case 'task_return':
        imm = `${c.result === undefined ? '' : ` (result ${valTypeText(c.result, ref)})`}${this.optsText(c.options)}`;
        break;
      case 'context': imm = ` ${valText(c.valtype, NO_IDS)} ${c.index}`; break;
      case 'core_type_table': imm = ` ${ref('core type', c.type)} ${ref('core table', c.table)}`; break;
      case 'shared': imm = flag(c.shared, 'shared'); break;
      case 'shared_core_type': imm = `${flag(c.shared, 'shared')} ${ref('core type', c.type)}`; break;
      case 'shared_core_type_table':
        imm = `${flag(c.shared, 'shared')} ${ref('core type', c.type)} ${ref('core table', c.table)}`;
        break;
      default: break;
    }
    return `(core func${this.def('core func')} (canon ${c.op}${imm}))`;
  }
}

const HEX = '0123456789abcdef';

/** Bytes as a string literal: printable ASCII as it is (but `"` and `\`), the rest `\hh`. */
function bytesText(data: Uint8Array): string {
  const parts: string[] = ['"'];
  let run = '';
  for (let i = 0; i < data.length; i++) {
    const b = data[i];
    if (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c) run += String.fromCharCode(b);
    else run += `\\${HEX[b >> 4]}${HEX[b & 15]}`;
    if (run.length > 4096) {
      parts.push(run);
      run = '';
    }
  }
  parts.push(run, '"');
  return parts.join('');
}
