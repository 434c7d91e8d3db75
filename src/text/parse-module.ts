// Modules in the text format (https://webassembly.github.io/spec/core/text/modules.html).
// Identifiers may be used before their definition, so a module is read in passes over its
// fields: the first assigns every index and binds identifiers (skipping each field's body
// with the lexer's matching-parenthesis table), the second reads type definitions, the
// third everything else in order. Implicit function types from type uses are appended to
// the type section after the explicit ones, as the spec's abbreviations say.
import type {
  CustomSection, Data, Elem, ElemMode, ExternKind, Expr, Func, Global, Import, Locals,
  Module, SectionName,
} from '../core/ast.ts';
import { SECTION_ORDER, emptyModule } from '../core/ast.ts';
import { REF_FUNC, type RefType, type SubType, type ValType } from '../core/types.ts';
import { ModuleContext, type SpaceName } from './context.ts';
import { type Cursor, T_EOF, T_LPAREN, T_RPAREN } from './cursor.ts';
import { concat } from './lexer.ts';
import { Body, expr, folded, typeUse } from './parse-instr.ts';
import {
  addrType, atValType, globalType, memoryType, pageSize, refType, tableType, typeDef, valType,
} from './parse-types.ts';

const DEFINITION_WORD: Readonly<Record<string, string>> = {
  func: 'function', table: 'table', memory: 'memory', global: 'global', tag: 'tag',
};

const IMPORTABLE: ReadonlySet<string> = new Set(['func', 'table', 'memory', 'global', 'tag']);

/**
 * Parses the module fields from token `first` up to token `last` (exclusive: a `)` or EOF),
 * with an optional module identifier.
 */
export function parseModuleFields(c: Cursor, first: number, last: number, id: string | undefined, idName?: string): Module {
  const m = emptyModule();
  const ctx = new ModuleContext(c, m);
  if (idName !== undefined || id !== undefined) ctx.names.module = idName ?? id;
  declare(ctx, first, last);
  // Type definitions.
  c.pos = first;
  while (c.pos < last) {
    if (c.kind[c.pos] !== T_LPAREN) c.unexpected();
    if (c.isKw(c.pos + 1, 'type')) m.types.push({ types: [typeDefAt(ctx, false)] });
    else if (c.isKw(c.pos + 1, 'rec')) recGroup(ctx);
    else c.skipGroup();
  }
  // Everything else, in order.
  const state: FieldState = { definedKind: undefined, hasStart: false };
  c.pos = first;
  while (c.pos < last) field(ctx, state);
  if (c.pos !== last) c.unexpected();
  if (ctx.needsDataCount || c.tokens.dataCounts.some((at) => at >= first && at <= last)) m.dataCount = m.datas.length;
  customs(ctx, first, last);
  if (hasNames(ctx)) m.names = ctx.names;
  return m;
}

interface FieldState {
  /** The kind of the first definition (not import) of a func, table, memory, global or tag. */
  definedKind: string | undefined;
  hasStart: boolean;
}

function hasNames(ctx: ModuleContext): boolean {
  const n = ctx.names;
  return n.module !== undefined || n.funcs.size > 0 || n.locals.size > 0 || n.labels.size > 0 ||
    n.types.size > 0 || n.tables.size > 0 || n.memories.size > 0 || n.globals.size > 0 ||
    n.elems.size > 0 || n.datas.size > 0 || n.fields.size > 0 || n.tags.size > 0;
}

/** An identifier and the `@name` annotation after it, if any. */
function idAndName(c: Cursor): { id: string | undefined; at: number; name: string | undefined } {
  const at = c.pos;
  const id = c.id();
  return { id, at, name: c.nameAnnotation(c.pos) ?? c.nameAnnotation(at) };
}

/** Pass 1: every definition's index and identifier. */
function declare(ctx: ModuleContext, first: number, last: number): void {
  const c: Cursor = ctx.c;
  c.pos = first;
  while (c.pos < last) {
    if (c.kind[c.pos] !== T_LPAREN) c.unexpected();
    const open = c.pos;
    const close = c.tokens.match[open];
    if (close < 0 || close >= last) c.fail(open, 'unexpected end of input');
    const kw = c.peekKeyword(open + 1);
    c.pos = open + 2;
    switch (kw) {
      case 'type': {
        const { id, at, name } = idAndName(c);
        ctx.define('type', id, at, name);
        break;
      }
      case 'rec':
        while (c.atParen('type')) {
          const inner = c.pos;
          c.pos += 2;
          const { id, at, name } = idAndName(c);
          ctx.define('type', id, at, name);
          c.pos = inner;
          c.skipGroup();
        }
        break;
      case 'func': case 'table': case 'memory': case 'global': case 'tag': {
        const { id, at, name } = idAndName(c);
        ctx.define(kw, id, at, name);
        if (kw === 'table' || kw === 'memory') {
          // An inline (elem ...) or (data ...) defines a segment here.
          const seg = kw === 'table' ? 'elem' : 'data';
          for (let i = c.pos; i < close;) {
            if (c.kind[i] === T_LPAREN) {
              if (c.isKw(i + 1, seg)) ctx.define(seg, undefined, i);
              i = c.tokens.match[i] + 1;
            } else i++;
          }
        }
        break;
      }
      case 'import': {
        c.name();
        c.name();
        if (c.kind[c.pos] !== T_LPAREN) c.unexpected();
        const kind = c.peekKeyword(c.pos + 1);
        if (kind === undefined || !IMPORTABLE.has(kind)) c.unexpected(c.pos + 1);
        c.pos += 2;
        const { id, at, name } = idAndName(c);
        ctx.define(kind as SpaceName, id, at, name);
        break;
      }
      case 'elem': case 'data': {
        const { id, at, name } = idAndName(c);
        ctx.define(kw, id, at, name);
        break;
      }
      case 'export': case 'start':
        break;
      default:
        c.unexpected(open + 1);
    }
    c.pos = close + 1;
  }
}

/** `(type ...)` at the cursor (pass 2). */
function typeDefAt(ctx: ModuleContext, inRec: boolean): SubType {
  const index = ctx.defs.length;
  const sub = typeDef(ctx, index);
  ctx.defs.push(sub);
  ctx.singleton.push(!inRec);
  if (ctx.fieldIds.length <= index) ctx.fieldIds.length = index + 1;
  return sub;
}

function recGroup(ctx: ModuleContext): void {
  const c: Cursor = ctx.c;
  c.pos += 2;
  const types: SubType[] = [];
  const start = ctx.defs.length;
  while (c.atParen('type')) types.push(typeDefAt(ctx, true));
  c.rparen();
  // A group of one is still a group; only types outside any `rec` are singletons for matching.
  for (let i = start; i < ctx.defs.length; i++) ctx.singleton[i] = false;
  ctx.module.types.push({ types });
}

/** `(export "name")*` inline exports for the definition `index` of `kind`. */
function inlineExports(ctx: ModuleContext, kind: ExternKind, index: number): void {
  const c: Cursor = ctx.c;
  while (c.eatParen('export')) {
    ctx.module.exports.push({ name: c.name(), kind, index });
    c.rparen();
  }
}

/** `(import "m" "n")` inline; returns the names, or undefined. */
function inlineImport(ctx: ModuleContext): { module: string; name: string } | undefined {
  const c: Cursor = ctx.c;
  if (!c.eatParen('import')) return undefined;
  const module = c.name();
  const name = c.name();
  c.rparen();
  return { module, name };
}

function checkImportOrder(ctx: ModuleContext, state: FieldState, at: number): void {
  if (state.definedKind !== undefined) ctx.c.fail(at, `import after ${DEFINITION_WORD[state.definedKind]}`);
}

/** Pass 3: one module field at `(`. */
function field(ctx: ModuleContext, state: FieldState): void {
  const c: Cursor = ctx.c;
  const m = ctx.module;
  const open = c.pos;
  const kw = c.peekKeyword(open + 1);
  c.pos = open + 2;
  switch (kw) {
    case 'type': case 'rec':
      c.pos = open;
      c.skipGroup();
      return;
    case 'func': funcField(ctx, state, open); return;
    case 'table': tableField(ctx, state, open); return;
    case 'memory': memoryField(ctx, state, open); return;
    case 'global': globalField(ctx, state, open); return;
    case 'tag': tagField(ctx, state, open); return;
    case 'import': importField(ctx, state, open); return;
    case 'export': {
      const name = c.name();
      c.lparen();
      const kind = c.peekKeyword();
      if (kind === undefined || !IMPORTABLE.has(kind)) c.unexpected();
      c.pos++;
      const index = ctx.index(kind as SpaceName);
      c.rparen();
      c.rparen();
      m.exports.push({ name, kind: kind as ExternKind, index });
      return;
    }
    case 'start':
      if (state.hasStart) c.fail(open, 'multiple start sections');
      state.hasStart = true;
      m.start = ctx.index('func');
      c.rparen();
      return;
    case 'elem': elemField(ctx); return;
    case 'data': dataField(ctx); return;
    default: c.unexpected(open + 1);
  }
}

/** Skips the identifier (bound in pass 1) and returns the definition's index. */
function nextIndex(ctx: ModuleContext, space: SpaceName): number {
  ctx.c.id();
  const n = ctx.read[space] ?? 0;
  ctx.read[space] = n + 1;
  return n;
}

function funcField(ctx: ModuleContext, state: FieldState, open: number): void {
  const c: Cursor = ctx.c;
  const m = ctx.module;
  const index = nextIndex(ctx, 'func');
  inlineExports(ctx, 'func', index);
  const imported = inlineImport(ctx);
  if (imported) {
    checkImportOrder(ctx, state, open);
    const type = typeUse(ctx);
    c.rparen();
    m.imports.push({ ...imported, desc: { kind: 'func', type } });
    return;
  }
  state.definedKind ??= 'func';
  const ids: (string | undefined)[] = [];
  const notes = new Map<number, string>();
  const type = typeUse(ctx, ids, notes);
  const localIds = new Map<string, number>();
  let localNames: Map<number, string> | undefined;
  const bind = (id: string | undefined, i: number, at: number) => {
    const name = notes.get(i) ?? id;
    if (name !== undefined) (localNames ??= new Map()).set(i, name);
    if (id === undefined) return;
    if (localIds.has(id)) c.fail(at, `duplicate local ${id}`);
    localIds.set(id, i);
  };
  for (let i = 0; i < ids.length; i++) bind(ids[i], i, open);
  let n = ids.length;
  const locals: Locals[] = [];
  const push = (t: ValType) => {
    const prev = locals[locals.length - 1];
    if (prev && prev.type === t) prev.count++;
    else locals.push({ count: 1, type: t });
    n++;
  };
  while (c.atParen('local')) {
    c.pos += 2;
    const at = c.pos;
    const id = c.id();
    const note = c.nameAnnotation(c.pos);
    if (note !== undefined) notes.set(n, note);
    if (id !== undefined) {
      bind(id, n, at);
      push(valType(ctx));
    } else {
      if (note !== undefined) bind(undefined, n, at);
      while (c.kind[c.pos] !== T_RPAREN) push(valType(ctx));
    }
    c.rparen();
  }
  const body = new Body(localIds);
  const instrs = expr(ctx, body);
  c.rparen();
  const f: Func = { type, locals, body: instrs };
  m.funcs.push(f);
  if (localNames) ctx.names.locals.set(index, localNames);
  if (body.labelNames) ctx.names.labels.set(index, body.labelNames);
}

function tableField(ctx: ModuleContext, state: FieldState, open: number): void {
  const c: Cursor = ctx.c;
  const m = ctx.module;
  const index = nextIndex(ctx, 'table');
  inlineExports(ctx, 'table', index);
  const imported = inlineImport(ctx);
  if (imported) {
    checkImportOrder(ctx, state, open);
    const type = tableType(ctx);
    c.rparen();
    m.imports.push({ ...imported, desc: { kind: 'table', type } });
    return;
  }
  state.definedKind ??= 'table';
  // `addrtype? reftype (elem ...)`: the table is sized by its inline segment.
  const save = c.pos;
  const addr = addrType(ctx);
  if (atValType(ctx)) {
    const ref = refType(ctx);
    c.lparen();
    c.keyword('elem');
    const init: Expr[] = [];
    let type: RefType = ref;
    if (c.kind[c.pos] === T_LPAREN) {
      while (c.kind[c.pos] === T_LPAREN) init.push(elemItem(ctx));
    } else {
      // Function indices: (ref func) elements, or the table's own type if it is narrower.
      if (ref.heap === 'func') type = REF_FUNC;
      while (c.atIndex()) init.push([{ op: 'ref.func', func: ctx.index('func') }]);
    }
    c.rparen();
    c.rparen();
    const n = init.length;
    m.tables.push({ type: { addr, limits: { min: n, max: n }, ref } });
    const offset: Expr = [addr === 'i64' ? { op: 'i64.const', value: 0n } : { op: 'i32.const', value: 0 }];
    m.elems.push({ type, init, mode: { kind: 'active', table: index, offset } });
    nextIndex(ctx, 'elem');
    return;
  }
  c.pos = save;
  const type = tableType(ctx);
  if (c.kind[c.pos] !== T_RPAREN) {
    const init = expr(ctx, new Body());
    c.rparen();
    m.tables.push({ type, init });
    return;
  }
  c.rparen();
  m.tables.push({ type });
}

function memoryField(ctx: ModuleContext, state: FieldState, open: number): void {
  const c: Cursor = ctx.c;
  const m = ctx.module;
  const index = nextIndex(ctx, 'memory');
  inlineExports(ctx, 'memory', index);
  const imported = inlineImport(ctx);
  if (imported) {
    checkImportOrder(ctx, state, open);
    const type = memoryType(ctx);
    c.rparen();
    m.imports.push({ ...imported, desc: { kind: 'memory', type } });
    return;
  }
  state.definedKind ??= 'memory';
  const save = c.pos;
  const addr = addrType(ctx);
  const pageSizeLog2 = pageSize(ctx);
  if (c.eatParen('data')) {
    const parts: Uint8Array[] = [];
    while (c.atString()) parts.push(c.bytes());
    c.rparen();
    c.rparen();
    const init = concat(parts);
    const pageBytes = 2 ** (pageSizeLog2 ?? 16);
    const pages = Math.ceil(init.length / pageBytes);
    const limits = { min: pages, max: pages };
    m.memories.push({
      type: pageSizeLog2 === undefined ? { addr, limits, shared: false } : { addr, limits, shared: false, pageSizeLog2 },
    });
    const offset: Expr = [addr === 'i64' ? { op: 'i64.const', value: 0n } : { op: 'i32.const', value: 0 }];
    m.datas.push({ init, mode: { kind: 'active', memory: index, offset } });
    nextIndex(ctx, 'data');
    return;
  }
  c.pos = save;
  const type = memoryType(ctx);
  c.rparen();
  m.memories.push({ type });
}

function globalField(ctx: ModuleContext, state: FieldState, open: number): void {
  const c: Cursor = ctx.c;
  const m = ctx.module;
  const index = nextIndex(ctx, 'global');
  inlineExports(ctx, 'global', index);
  const imported = inlineImport(ctx);
  if (imported) {
    checkImportOrder(ctx, state, open);
    const type = globalType(ctx);
    c.rparen();
    m.imports.push({ ...imported, desc: { kind: 'global', type } });
    return;
  }
  state.definedKind ??= 'global';
  const type = globalType(ctx);
  const init = expr(ctx, new Body());
  c.rparen();
  const g: Global = { type, init };
  m.globals.push(g);
}

function tagField(ctx: ModuleContext, state: FieldState, open: number): void {
  const c: Cursor = ctx.c;
  const m = ctx.module;
  const index = nextIndex(ctx, 'tag');
  inlineExports(ctx, 'tag', index);
  const imported = inlineImport(ctx);
  if (imported) {
    checkImportOrder(ctx, state, open);
    const type = typeUse(ctx);
    c.rparen();
    m.imports.push({ ...imported, desc: { kind: 'tag', type: { type } } });
    return;
  }
  state.definedKind ??= 'tag';
  const type = typeUse(ctx);
  c.rparen();
  m.tags.push({ type });
}

function importField(ctx: ModuleContext, state: FieldState, open: number): void {
  const c: Cursor = ctx.c;
  const module = c.name();
  const name = c.name();
  checkImportOrder(ctx, state, open);
  c.lparen();
  const kind = c.peekKeyword() as string;
  c.pos++;
  nextIndex(ctx, kind as SpaceName);
  let imp: Import;
  switch (kind) {
    case 'func': imp = { module, name, desc: { kind: 'func', type: typeUse(ctx) } }; break;
    case 'table': imp = { module, name, desc: { kind: 'table', type: tableType(ctx) } }; break;
    case 'memory': imp = { module, name, desc: { kind: 'memory', type: memoryType(ctx) } }; break;
    case 'global': imp = { module, name, desc: { kind: 'global', type: globalType(ctx) } }; break;
    default: imp = { module, name, desc: { kind: 'tag', type: { type: typeUse(ctx) } } }; break;
  }
  c.rparen();
  c.rparen();
  ctx.module.imports.push(imp);
}

/** An element expression at `(`: `(item instr*)` or one folded instruction. */
function elemItem(ctx: ModuleContext): Expr {
  const c: Cursor = ctx.c;
  if (c.eatParen('item')) {
    const e = expr(ctx, new Body());
    c.rparen();
    return e;
  }
  // A single folded instruction.
  const out: Expr = [];
  folded(ctx, new Body(), out);
  return out;
}

/** `(offset instr*)` or a folded instruction, at `(`. */
function offsetExpr(ctx: ModuleContext): Expr {
  const c: Cursor = ctx.c;
  if (c.eatParen('offset')) {
    const e = expr(ctx, new Body());
    c.rparen();
    return e;
  }
  return elemItem(ctx);
}

function elemField(ctx: ModuleContext): void {
  const c: Cursor = ctx.c;
  const m = ctx.module;
  nextIndex(ctx, 'elem');
  let mode: ElemMode;
  let legacyIndices = false;
  if (c.eatKw('declare')) mode = { kind: 'declarative' };
  else if (c.atParen('table') || c.atParen('offset') || (c.kind[c.pos] === T_LPAREN && !c.atParen('ref')) ||
    (c.atNat() && c.kind[c.pos + 1] === T_LPAREN)) {
    let table = 0;
    let explicitTable = false;
    if (c.atNat()) {
      // `(elem 0 (offset) ...)`: the MVP's bare table index.
      table = c.u32();
    } else if (c.eatParen('table')) {
      table = ctx.index('table');
      c.rparen();
      explicitTable = true;
    }
    mode = { kind: 'active', table, offset: offsetExpr(ctx) };
    legacyIndices = !explicitTable;
  } else mode = { kind: 'passive' };
  let type: RefType;
  const init: Expr[] = [];
  if (c.eatKw('func')) {
    type = REF_FUNC;
    while (c.atIndex()) init.push([{ op: 'ref.func', func: ctx.index('func') }]);
  } else if (legacyIndices && (c.atIndex() || c.kind[c.pos] === T_RPAREN)) {
    // `(elem offset funcidx*)`: the MVP form, for table 0.
    type = REF_FUNC;
    while (c.atIndex()) init.push([{ op: 'ref.func', func: ctx.index('func') }]);
  } else {
    type = refType(ctx);
    while (c.kind[c.pos] === T_LPAREN) init.push(elemItem(ctx));
  }
  c.rparen();
  const e: Elem = { type, init, mode };
  m.elems.push(e);
}

function dataField(ctx: ModuleContext): void {
  const c: Cursor = ctx.c;
  nextIndex(ctx, 'data');
  const parts: Uint8Array[] = [];
  let d: Data;
  if (c.kind[c.pos] === T_LPAREN || c.atNat()) {
    let memory = 0;
    if (c.atNat()) memory = c.u32(); // `(data 0 (offset) ...)`: the MVP's bare memory index
    else if (c.eatParen('memory')) {
      memory = ctx.index('memory');
      c.rparen();
    }
    const offset = offsetExpr(ctx);
    while (c.atString()) parts.push(c.bytes());
    d = { init: concat(parts), mode: { kind: 'active', memory, offset } };
  } else {
    while (c.atString()) parts.push(c.bytes());
    d = { init: concat(parts), mode: { kind: 'passive' } };
  }
  c.rparen();
  ctx.module.datas.push(d);
}

/** The `@custom` annotations within the module's tokens, placed as they ask. */
function customs(ctx: ModuleContext, first: number, last: number): void {
  for (const a of ctx.c.tokens.customs) {
    if (a.at < first || a.at > last) continue;
    let after: SectionName | null = 'data';
    if (a.place) {
      const s = a.place.section;
      if (s === 'first') after = null;
      else if (s === 'last') after = 'data';
      else {
        const i = SECTION_ORDER.indexOf(s as SectionName);
        after = a.place.where === 'after' ? SECTION_ORDER[i] : i === 0 ? null : SECTION_ORDER[i - 1];
      }
    }
    const custom: CustomSection = { name: a.name, data: a.data, after };
    ctx.module.customs.push(custom);
  }
}

/** A whole text: `(module $id? field*)` or bare fields, then the end of input. */
export function parseModuleText(c: Cursor): Module {
  let m: Module;
  if (c.kind[0] === T_LPAREN && c.isKw(1, 'module')) {
    const close = c.tokens.match[0];
    if (close < 0) c.fail(c.tokens.count, 'unexpected end of input');
    c.pos = 2;
    const id = c.id();
    const name = c.nameAnnotation(c.pos) ?? c.nameAnnotation(2);
    m = parseModuleFields(c, c.pos, close, id, name);
    c.pos = close + 1;
  } else m = parseModuleFields(c, 0, c.tokens.count, undefined);
  if (c.kind[c.pos] !== T_EOF) c.unexpected();
  return m;
}
