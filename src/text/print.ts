// `printWat`: a module in the text format (https://webassembly.github.io/spec/core/text/modules.html),
// laid out like `wasm-tools print`. The text reads back to the same module: parsing it and
// encoding gives the module's canonical encoding, name and custom sections included.
import type {
  CustomSection, Data, Elem, Export, Func, Import, Locals, Module, SectionName, Table,
} from '../core/ast.ts';
import type { FuncType, SubType } from '../core/types.ts';
import { printFlatBody, inlineExpr, wrappedExpr } from './print-body.ts';
import { printFoldedBody } from './print-fold.ts';
import { type InstrContext, LabelScope, ROLE_OPENS, opInfo } from './print-instr.ts';
import {
  type IndexCounts, type PrintNames, type Space, defId, emptyPrintNames, nameSectionBytes, planNames,
} from './print-names.ts';
import { instrOffsets } from './print-offsets.ts';
import { openBody, printStreamedBody } from './print-stream.ts';
import { DecodedFunc } from '../binary/func-body.ts';
import { TextOut } from './print-out.ts';
import {
  globalTypeText, memoryTypeText, refText, signatureText, subTypeText, tableTypeText, typeIdx, valText,
} from './print-types.ts';
import { nameText } from './print-values.ts';

export interface PrintOptions {
  /** Write instructions folded, `(i32.add (local.get 0) (i32.const 1))` (default: flat). */
  folded?: boolean;
  /** Comment each function and instruction with its byte offset in the decoded binary. */
  offsets?: boolean;
  /** Comment each definition with its index, `(;3;)` (default: true). */
  indices?: boolean;
}

/** The module's `name` section would be printed as ids; other custom sections as bytes. */
export function printWat(m: Module, options: PrintOptions = {}): string {
  return new ModulePrinter(m, options).print();
}

class ModulePrinter {
  readonly m: Module;
  readonly options: PrintOptions;
  readonly out: TextOut;
  readonly names: PrintNames;
  /** The name section is carried by ids, so it is not printed as bytes. */
  readonly namesAsIds: boolean;
  /** Every type of the module, rec groups flattened. */
  readonly subtypes: SubType[] = [];
  readonly funcTypes: number[] = [];
  readonly importedFuncs: number;

  constructor(m: Module, options: PrintOptions) {
    this.m = m;
    this.options = options;
    for (const g of m.types) for (const t of g.types) this.subtypes.push(t);
    let importedFuncs = 0;
    for (const i of m.imports) {
      if (i.desc.kind === 'func') {
        this.funcTypes.push(i.desc.type);
        importedFuncs++;
      }
    }
    this.importedFuncs = importedFuncs;
    for (const f of m.funcs) this.funcTypes.push(f.type);
    const planned = planNames(m, this.counts());
    this.names = planned ?? emptyPrintNames();
    this.namesAsIds = planned !== undefined;
    let width = 0;
    if (options.offsets) {
      const last = m.source?.bytes.length ?? 0;
      width = Math.max(1, last.toString(16).length);
    }
    this.out = new TextOut(width);
  }

  funcType(typeIndex: number): FuncType | undefined {
    const t = this.subtypes[typeIndex];
    return t?.comp.kind === 'func' ? t.comp : undefined;
  }

  counts(): IndexCounts {
    const m = this.m;
    const count = (kind: Import['desc']['kind']) => m.imports.reduce((n, i) => n + (i.desc.kind === kind ? 1 : 0), 0);
    return {
      funcs: this.funcTypes.length, importedFuncs: this.importedFuncs, types: this.subtypes.length,
      tables: count('table') + m.tables.length, memories: count('memory') + m.memories.length,
      globals: count('global') + m.globals.length, tags: count('tag') + m.tags.length,
      elems: m.elems.length, datas: m.datas.length,
      localCount: (func) => {
        const f = m.funcs[func - this.importedFuncs];
        const type = this.funcType(f.type);
        if (!type) return -1;
        return f.locals.reduce((n, l) => n + l.count, type.params.length);
      },
      labelCount: (func) => {
        let n = 0;
        for (const instr of m.funcs[func - this.importedFuncs].body) if (opInfo(instr).role === ROLE_OPENS) n++;
        return n;
      },
      fieldCount: (type) => {
        const c = this.subtypes[type].comp;
        return c.kind === 'struct' ? c.fields.length : -1;
      },
    };
  }

  /** ` (;N;)` when index comments are on. */
  index(i: number): string {
    return this.options.indices === false ? '' : ` (;${i};)`;
  }

  print(): string {
    const m = this.m;
    const out = this.out;
    out.line(0, `(module${this.names.module}`);
    this.customs(null);
    this.types();
    this.customs('type');
    this.imports();
    this.customs('import');
    this.customs('func');
    this.tables();
    this.customs('table');
    this.memories();
    this.customs('memory');
    this.tags();
    this.customs('tag');
    this.globals();
    this.customs('global');
    for (const e of m.exports) out.line(1, this.exportText(e));
    this.customs('export');
    if (m.start !== undefined) out.line(1, `(start ${this.ref(this.names.funcs, m.start)})`);
    this.customs('start');
    m.elems.forEach((e, i) => out.line(1, this.elemText(e, i)));
    this.customs('elem');
    // The text format has no data count section: a parser adds one when instructions need
    // it. Compilers also emit it otherwise; `(@datacount)` asks for it explicitly so the
    // module reads back the same (other tools ignore an unknown annotation).
    if (m.dataCount !== undefined) out.line(1, '(@datacount)');
    this.customs('datacount');
    m.funcs.forEach((f, i) => this.func(f, this.importedFuncs + i));
    this.customs('code');
    m.datas.forEach((d, i) => this.data(d, i));
    this.customs('data');
    if (m.names && !this.namesAsIds && !m.customs.some((c) => c.name === 'name')) {
      // The encoder appends a name section for names set without one; so does this.
      this.bytesLine('(@custom "name" (after data) ', nameSectionBytes(m.names, new Uint8Array(0)), ')');
    }
    out.line(0, ')');
    return out.toString();
  }

  ref(space: Space, index: number): string {
    return space.ids.get(index) ?? String(index);
  }

  customs(after: SectionName | null): void {
    for (const c of this.m.customs) if (c.after === after) this.custom(c);
  }

  custom(c: CustomSection): void {
    let data = c.data;
    if (c.name === 'name' && this.m.names) {
      if (this.namesAsIds) return;
      data = nameSectionBytes(this.m.names, c.data);
    }
    const place = c.after === null ? '(before first)' : `(after ${c.after})`;
    this.bytesLine(`(@custom ${nameText(c.name)} ${place} `, data, ')');
  }

  types(): void {
    const types = this.names.types;
    let index = 0;
    for (const g of this.m.types) {
      if (g.types.length === 1) {
        this.out.line(1, this.typeText(g.types[0], index++, types));
        continue;
      }
      if (g.types.length === 0) {
        this.out.line(1, '(rec)');
        continue;
      }
      this.out.line(1, '(rec');
      for (const t of g.types) this.out.line(2, this.typeText(t, index++, types));
      this.out.line(1, ')');
    }
  }

  typeText(t: SubType, index: number, types: Space): string {
    return `(type${defId(types, index)}${this.index(index)} ${subTypeText(t, types.ids, this.names.fields.get(index))})`;
  }

  /** `(type N)` plus the signature when N is a function type, for readability. */
  typeUse(typeIndex: number, params?: Space): string {
    const t = this.names.types.ids;
    const ft = this.funcType(typeIndex);
    const use = `(type ${typeIdx(typeIndex, t)})`;
    if (!ft) return use;
    if (!params || params.ids.size === 0) return use + signatureText(ft.params, ft.results, t);
    let out = use;
    let unnamed = '';
    for (let i = 0; i < ft.params.length; i++) {
      const id = defId(params, i);
      if (id === '') {
        unnamed += ` ${valText(ft.params[i], t)}`;
        continue;
      }
      if (unnamed !== '') out += ` (param${unnamed})`;
      unnamed = '';
      out += ` (param${id} ${valText(ft.params[i], t)})`;
    }
    if (unnamed !== '') out += ` (param${unnamed})`;
    return out + signatureText([], ft.results, t);
  }

  imports(): void {
    const n = this.names;
    const counters = { func: 0, table: 0, memory: 0, global: 0, tag: 0 };
    for (const i of this.m.imports) {
      const d = i.desc;
      const k = counters[d.kind]++;
      let desc: string;
      switch (d.kind) {
        case 'func': desc = `(func${defId(n.funcs, k)}${this.index(k)} ${this.typeUse(d.type)})`; break;
        case 'table': desc = `(table${defId(n.tables, k)}${this.index(k)} ${tableTypeText(d.type, n.types.ids)})`; break;
        case 'memory': desc = `(memory${defId(n.memories, k)}${this.index(k)} ${memoryTypeText(d.type)})`; break;
        case 'global': desc = `(global${defId(n.globals, k)}${this.index(k)} ${globalTypeText(d.type, n.types.ids)})`; break;
        case 'tag': desc = `(tag${defId(n.tags, k)}${this.index(k)} ${this.typeUse(d.type.type)})`; break;
      }
      this.out.line(1, `(import ${nameText(i.module)} ${nameText(i.name)} ${desc})`);
    }
  }

  importCount(kind: Import['desc']['kind']): number {
    let n = 0;
    for (const i of this.m.imports) if (i.desc.kind === kind) n++;
    return n;
  }

  get ctx(): InstrContext {
    return { names: this.names, locals: undefined };
  }

  tables(): void {
    const n = this.names;
    const base = this.importCount('table');
    this.m.tables.forEach((t: Table, i) => {
      const k = base + i;
      const init = t.init ? ` ${inlineExpr(t.init, this.ctx)}` : '';
      this.out.line(1, `(table${defId(n.tables, k)}${this.index(k)} ${tableTypeText(t.type, n.types.ids)}${init})`);
    });
  }

  memories(): void {
    const base = this.importCount('memory');
    this.m.memories.forEach((mem, i) => {
      const k = base + i;
      this.out.line(1, `(memory${defId(this.names.memories, k)}${this.index(k)} ${memoryTypeText(mem.type)})`);
    });
  }

  tags(): void {
    const base = this.importCount('tag');
    this.m.tags.forEach((t, i) => {
      const k = base + i;
      this.out.line(1, `(tag${defId(this.names.tags, k)}${this.index(k)} ${this.typeUse(t.type)})`);
    });
  }

  globals(): void {
    const n = this.names;
    const base = this.importCount('global');
    this.m.globals.forEach((g, i) => {
      const k = base + i;
      const init = g.init.length > 0 ? ` ${inlineExpr(g.init, this.ctx)}` : '';
      this.out.line(1, `(global${defId(n.globals, k)}${this.index(k)} ${globalTypeText(g.type, n.types.ids)}${init})`);
    });
  }

  exportText(e: Export): string {
    const spaces = { func: this.names.funcs, table: this.names.tables, memory: this.names.memories, global: this.names.globals, tag: this.names.tags };
    return `(export ${nameText(e.name)} (${e.kind} ${this.ref(spaces[e.kind], e.index)}))`;
  }

  elemText(e: Elem, i: number): string {
    const n = this.names;
    const ctx = this.ctx;
    let out = `(elem${defId(n.elems, i)}${this.index(i)}`;
    const mode = e.mode;
    if (mode.kind === 'declarative') out += ' declare';
    else if (mode.kind === 'active') {
      if (mode.table !== 0) out += ` (table ${this.ref(n.tables, mode.table)})`;
      // The explicit forms `(offset ...)` and `(item ...)`: an elem list after an abbreviated
      // `(i32.const 0)` reads less plainly, and this way no reader can take one for the other.
      out += mode.offset.length === 0 ? ' (offset)' : ` (offset ${inlineExpr(mode.offset, ctx)})`;
    }
    // Function indices stand for `(ref func)` elements that are each `ref.func x`; every
    // other segment lists its type and expressions, which the text keeps apart.
    if (!e.type.nullable && e.type.heap === 'func' && e.init.every((x) => x.length === 1 && x[0].op === 'ref.func')) {
      out += ' func';
      for (const item of e.init) {
        const f = item[0];
        if (f.op === 'ref.func') out += ` ${this.ref(n.funcs, f.func)}`;
      }
      return `${out})`;
    }
    out += ` ${refText(e.type, n.types.ids)}`;
    for (const item of e.init) out += item.length === 0 ? ' (item)' : ` (item ${inlineExpr(item, ctx)})`;
    return `${out})`;
  }

  data(d: Data, i: number): void {
    const n = this.names;
    let head = `(data${defId(n.datas, i)}${this.index(i)}`;
    const mode = d.mode;
    if (mode.kind === 'active') {
      if (mode.memory !== 0) head += ` (memory ${this.ref(n.memories, mode.memory)})`;
      head += ` ${wrappedExpr(mode.offset, 'offset', this.ctx)}`;
    }
    this.bytesLine(`${head} `, d.init, ')');
  }

  /** A line that ends in a (possibly huge) string literal. */
  bytesLine(head: string, data: Uint8Array, tail: string): void {
    const out = this.out;
    out.start(1);
    out.str(head);
    out.byteString(data);
    out.str(tail);
    out.end();
  }

  func(f: Func, index: number): void {
    const n = this.names;
    const out = this.out;
    const localIds = n.locals.get(index);
    // A body nobody has read is printed as it is decoded, without building its AST.
    const stream = !this.options.folded && f instanceof DecodedFunc && !f.isRead ? openBody(f) : undefined;
    const locals = stream ? stream.locals : f.locals;
    out.line(1, `(func${defId(n.funcs, index)}${this.index(index)} ${this.typeUse(f.type, localIds)}`, f.offset);
    const ft = this.funcType(f.type);
    if (locals.length > 0) out.line(2, this.localsText(locals, ft?.params.length ?? 0, localIds));
    const ctx: InstrContext = { names: n, locals: localIds };
    const labels = new LabelScope(n.labels.get(index));
    if (stream) printStreamedBody(out, stream, ctx, labels, 2, this.options.offsets === true);
    else if (this.options.folded) printFoldedBody(out, f.body, ctx, labels, 2, this.foldContext(ft));
    else printFlatBody(out, f.body, ctx, labels, 2, this.options.offsets ? instrOffsets(f) : undefined);
    out.line(1, ')');
  }

  localsText(locals: readonly Locals[], first: number, ids: Space | undefined): string {
    const t = this.names.types.ids;
    let out = '';
    let index = first;
    for (const run of locals) {
      const type = valText(run.type, t);
      let unnamed = '';
      for (let k = 0; k < run.count; k++, index++) {
        const id = ids === undefined ? '' : defId(ids, index);
        if (id === '') {
          unnamed += ` ${type}`;
          continue;
        }
        if (unnamed !== '') out += ` (local${unnamed})`;
        unnamed = '';
        out += ` (local${id} ${type})`;
      }
      if (unnamed !== '') out += ` (local${unnamed})`;
    }
    return out.slice(1);
  }

  foldContext(ft: FuncType | undefined) {
    return {
      results: ft?.results.length ?? 0,
      funcType: (func: number) => this.funcType(this.funcTypes[func]),
      typeAt: (type: number) => this.subtypes[type],
      tagType: (tag: number) => {
        let k = 0;
        for (const i of this.m.imports) if (i.desc.kind === 'tag' && k++ === tag) return this.funcType(i.desc.type.type);
        const t = this.m.tags[tag - k];
        return t ? this.funcType(t.type) : undefined;
      },
    };
  }
}
