// Validating modules (https://webassembly.github.io/spec/core/valid/modules.html).
// `validateModule` takes bytes or a Module. Function bodies that were decoded lazily and never
// read are validated straight from their bytes, operator by operator, with no instruction
// objects; bodies that exist as instructions (parsed, edited) are validated from those.
import type { Expr, Func, Instr, Module, SectionName } from '../core/ast.ts';
import { SECTION_ID } from '../core/ast.ts';
import { decodeModule } from '../binary/decode.ts';
import { type DecodeTables, decodeTables, immScratch, readLocals } from '../binary/decode-instr.ts';
import type { Reader } from '../binary/reader.ts';
import { DecodedFunc } from '../binary/func-body.ts';
import { ValidationError } from '../core/errors.ts';
import { ALL_FEATURES, type FeatureSet } from '../core/features.ts';
import type { Limits, MemoryType, TableType } from '../core/types.ts';
import { canonType, KIND_FUNC } from './canonical.ts';
import type { ModuleContext } from './context.ts';
import { checkFeatures } from './features.ts';
import { FuncValidator } from './func.ts';
import { I_NONE, type StreamTable, streamTable, VALIDATOR_OPS, type ValidatorOp, validatorOp } from './ops.ts';
import { isSubtype } from './subtype.ts';
import { TypeContext } from './type-context.ts';
import { I32, I64, isDefaultable } from './type-codes.ts';

export interface ValidateOptions {
  /** The features the module may use (default: all Tessera knows). */
  features?: FeatureSet;
  /**
   * Validate function bodies (default true). False checks everything else (types, imports,
   * exports, constant expressions, segments): for a caller about to hand the module to an
   * engine that validates bodies itself (compileComponent), the bodies are then not even decoded.
   */
  bodies?: boolean;
}

/**
 * Validates a module, given as bytes (decoded first; a malformed module throws DecodeError)
 * or as a Module. Throws ValidationError, whose `offset` points at the offending
 * instruction when the body came from bytes. Returns the module.
 */
export function validateModule(input: Module | Uint8Array | ArrayBuffer, options: ValidateOptions = {}): Module {
  const features = options.features ?? ALL_FEATURES;
  const m = input instanceof Uint8Array || input instanceof ArrayBuffer ? decodeModule(input, { features }) : input;
  try {
    new ModuleValidator(m, features).run(options.bodies !== false);
  } catch (e) {
    // The spec decodes the whole module before validating it: a malformed body anywhere
    // wins over an invalid instruction, as it would in a decoder that reads everything first.
    if (e instanceof ValidationError) for (const f of m.funcs) if (f instanceof DecodedFunc && !f.isRead) f.reread();
    throw e;
  }
  return m;
}

const END: ValidatorOp = validatorOp('end') as ValidatorOp;

/** Instructions allowed in constant expressions (https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions). */
const CONSTANT = new Set<string>([
  'i32.const', 'i64.const', 'f32.const', 'f64.const', 'v128.const', 'ref.null', 'ref.func', 'global.get',
  'i32.add', 'i32.sub', 'i32.mul', 'i64.add', 'i64.sub', 'i64.mul', 'ref.i31', 'any.convert_extern',
  'extern.convert_any', 'struct.new', 'struct.new_default', 'array.new', 'array.new_default', 'array.new_fixed',
]);

const EXTENDED = new Set<string>(['i32.add', 'i32.sub', 'i32.mul', 'i64.add', 'i64.sub', 'i64.mul']);

const TWO_32 = 2n ** 32n;

const ENABLED_ROWS = new WeakMap<FeatureSet, Uint8Array>();

/** Per opcode row, 1 if `features` has its feature; cached per feature set (a module's validation is often sub-millisecond). */
function enabledRows(features: FeatureSet): Uint8Array {
  let rows = ENABLED_ROWS.get(features);
  if (rows === undefined) {
    rows = new Uint8Array(VALIDATOR_OPS.length);
    for (let i = 0; i < rows.length; i++) rows[i] = features.has(VALIDATOR_OPS[i].def.feature) ? 1 : 0;
    ENABLED_ROWS.set(features, rows);
  }
  return rows;
}

class ModuleValidator {
  readonly m: Module;
  readonly features: FeatureSet;
  readonly types: TypeContext;
  readonly ctx: ModuleContext;
  readonly v: FuncValidator;
  /** Per opcode row, 1 if its feature is on; built lazily (only bodies decoded with other features need it). */
  #enabled: Uint8Array | undefined = undefined;
  /** Every instruction's immediates pass through this one object. */
  readonly scratch = immScratch();

  /** Offset of the first section with each id (see at). */
  #sectionStarts: Map<number, number> | undefined = undefined;
  // The reader of the last body streamed, reused for the next, and the tables for its features.
  #reader: Reader | undefined = undefined;
  #streamTable: StreamTable | undefined = undefined;
  #decodeTables: DecodeTables | undefined = undefined;

  constructor(m: Module, features: FeatureSet) {
    this.m = m;
    this.features = features;
    checkFeatures(m, features, (name) => this.at(name));
    this.types = TypeContext.of(m, this.at('type'));
    this.ctx = this.#context();
    this.v = new FuncValidator(this.ctx);
  }

  /** The offset of a section in the decoded bytes, for errors about its entries. */
  at(name: SectionName): number | undefined {
    // Asked once per function and per constant expression: the spans are indexed on first use.
    if (!this.#sectionStarts) {
      this.#sectionStarts = new Map();
      for (const s of this.m.source?.sections ?? []) if (!this.#sectionStarts.has(s.id)) this.#sectionStarts.set(s.id, s.start);
    }
    return this.#sectionStarts.get(SECTION_ID[name]);
  }

  fail(message: string, section: SectionName): never {
    throw new ValidationError(message, this.at(section));
  }

  #context(): ModuleContext {
    const m = this.m;
    const types = this.types;
    const funcs: number[] = [];
    const tableAddr: number[] = [];
    const tableElem: number[] = [];
    const memAddr: number[] = [];
    const globalType: number[] = [];
    const globalMutable: number[] = [];
    const tags: number[] = [];
    const funcTypeId = (index: number, section: SectionName): number => {
      const id = types.id(index, this.at(section));
      if (canonType(id).kind !== KIND_FUNC) this.fail(`type mismatch: type ${index} is not a function type`, section);
      return id;
    };
    const tagTypeId = (index: number, section: SectionName): number => {
      const id = funcTypeId(index, section);
      if (canonType(id).results.length > 0) this.fail('non-empty tag result type', section);
      return id;
    };
    const table = (t: TableType, section: SectionName) => {
      this.#tableType(t, section);
      tableAddr.push(t.addr === 'i64' ? I64 : I32);
      tableElem.push(types.valType(t.ref, this.at(section)));
    };
    const memory = (t: MemoryType, section: SectionName) => {
      this.#memoryType(t, section);
      memAddr.push(t.addr === 'i64' ? I64 : I32);
    };
    for (const im of m.imports) {
      const d = im.desc;
      switch (d.kind) {
        case 'func': funcs.push(funcTypeId(d.type, 'import')); break;
        case 'table': table(d.type, 'import'); break;
        case 'memory': memory(d.type, 'import'); break;
        case 'global':
          globalType.push(types.valType(d.type.type, this.at('import')));
          globalMutable.push(d.type.mutable ? 1 : 0);
          break;
        case 'tag': tags.push(tagTypeId(d.type.type, 'import')); break;
      }
    }
    // Indexed loops over the long lists: this code runs once per module, mostly before the
    // optimizing compiler sees it, and for-of would allocate an iterator result per item.
    for (let k = 0; k < m.funcs.length; k++) funcs.push(funcTypeId(m.funcs[k].type, 'func'));
    for (const t of m.tables) table(t.type, 'table');
    for (const mem of m.memories) memory(mem.type, 'memory');
    if (memAddr.length > 1 && !this.features.has('multi-memory')) this.fail('multiple memories', 'memory');
    for (const g of m.globals) {
      globalType.push(types.valType(g.type.type, this.at('global')));
      globalMutable.push(g.type.mutable ? 1 : 0);
    }
    for (const t of m.tags) tags.push(tagTypeId(t.type, 'tag'));
    const elemTypes = m.elems.map((e) => types.valType(e.type, this.at('elem')));
    return {
      types, features: this.features, funcs: Int32Array.from(funcs), tableAddr: Int32Array.from(tableAddr),
      tableElem: Int32Array.from(tableElem), memAddr: Int32Array.from(memAddr),
      globalType: Int32Array.from(globalType), globalMutable: Uint8Array.from(globalMutable),
      visibleGlobals: globalType.length, tags: Int32Array.from(tags), elemTypes: Int32Array.from(elemTypes),
      dataCount: m.datas.length, refs: this.#declaredRefs(funcs.length),
    };
  }

  /** C.refs: the functions named outside function bodies (exports, segments, initialisers). */
  #declaredRefs(count: number): Uint8Array {
    const refs = new Uint8Array(count);
    const scan = (e: Expr) => {
      for (let k = 0; k < e.length; k++) {
        const i = e[k];
        if (i.op === 'ref.func' && i.func < count) refs[i.func] = 1;
      }
    };
    const m = this.m;
    for (let k = 0; k < m.exports.length; k++) {
      const ex = m.exports[k];
      if (ex.kind === 'func' && ex.index < count) refs[ex.index] = 1;
    }
    for (let k = 0; k < m.globals.length; k++) scan(m.globals[k].init);
    for (const t of m.tables) if (t.init) scan(t.init);
    for (const e of m.elems) {
      for (let k = 0; k < e.init.length; k++) scan(e.init[k]);
      if (e.mode.kind === 'active') scan(e.mode.offset);
    }
    for (let k = 0; k < m.datas.length; k++) {
      const d = m.datas[k];
      if (d.mode.kind === 'active') scan(d.mode.offset);
    }
    return refs;
  }

  run(bodies: boolean): void {
    const m = this.m;
    const ctx = this.ctx;
    const importedGlobals = m.imports.filter((i) => i.desc.kind === 'global').length;
    const importedTables = ctx.tableAddr.length - m.tables.length;
    // Table initialisers see the imported globals only: the global section comes later.
    ctx.visibleGlobals = importedGlobals;
    m.tables.forEach((t, k) => {
      const type = ctx.tableElem[importedTables + k];
      if (t.init) this.#constExpr(t.init, type, 'table');
      else if (!isDefaultable(type)) this.fail(`type mismatch: table ${importedTables + k} of non-nullable references needs an initialiser`, 'table');
    });
    // A global's initialiser sees only the globals before it.
    m.globals.forEach((g, k) => {
      ctx.visibleGlobals = importedGlobals + k;
      this.#constExpr(g.init, ctx.globalType[importedGlobals + k], 'global');
    });
    ctx.visibleGlobals = ctx.globalType.length;
    this.#exports();
    if (m.start !== undefined) {
      if (m.start >= ctx.funcs.length) this.fail(`unknown function ${m.start}`, 'start');
      const t = canonType(ctx.funcs[m.start]);
      if (t.params.length > 0 || t.results.length > 0) this.fail('start function must have type [] -> []', 'start');
    }
    m.elems.forEach((e, k) => {
      const type = ctx.elemTypes[k];
      for (let j = 0; j < e.init.length; j++) this.#constExpr(e.init[j], type, 'elem');
      if (e.mode.kind === 'active') {
        const x = e.mode.table;
        if (x >= ctx.tableAddr.length) this.fail(`unknown table ${x}`, 'elem');
        this.#constExpr(e.mode.offset, ctx.tableAddr[x], 'elem');
        if (!isSubtype(type, ctx.tableElem[x])) this.fail(`type mismatch: element segment ${k} does not match table ${x}`, 'elem');
      }
    });
    for (let k = 0; k < m.datas.length; k++) {
      const d = m.datas[k];
      if (d.mode.kind !== 'active') continue;
      const x = d.mode.memory;
      if (x >= ctx.memAddr.length) this.fail(`unknown memory ${x}`, 'data');
      this.#constExpr(d.mode.offset, ctx.memAddr[x], 'data');
    }
    if (m.dataCount !== undefined && m.dataCount !== m.datas.length) {
      this.fail('data count and data section have inconsistent lengths', 'datacount');
    }
    if (!bodies) return;
    const imported = ctx.funcs.length - m.funcs.length;
    for (let k = 0; k < m.funcs.length; k++) this.#func(m.funcs[k], ctx.funcs[imported + k]);
  }

  #exports(): void {
    const ctx = this.ctx;
    const names = new Set<string>();
    const counts = {
      func: ctx.funcs.length, table: ctx.tableAddr.length, memory: ctx.memAddr.length,
      global: ctx.globalType.length, tag: ctx.tags.length,
    };
    const what = { func: 'function', table: 'table', memory: 'memory', global: 'global', tag: 'tag' };
    const exports = this.m.exports;
    for (let k = 0; k < exports.length; k++) {
      const e = exports[k];
      if (names.has(e.name)) this.fail(`duplicate export name ${JSON.stringify(e.name)}`, 'export');
      names.add(e.name);
      if (e.index >= counts[e.kind]) this.fail(`unknown ${what[e.kind]} ${e.index}`, 'export');
    }
  }

  #limits(l: Limits, bound: bigint, what: string, section: SectionName): void {
    const min = BigInt(l.min);
    const max = l.max === undefined ? undefined : BigInt(l.max);
    if (min > bound || (max !== undefined && max > bound)) this.fail(`${what} must be at most ${bound}`, section);
    if (max !== undefined && min > max) this.fail('size minimum must not be greater than maximum', section);
  }

  #tableType(t: TableType, section: SectionName): void {
    this.#limits(t.limits, t.addr === 'i64' ? 2n ** 64n - 1n : TWO_32 - 1n, 'table size', section);
  }

  #memoryType(t: MemoryType, section: SectionName): void {
    const log2 = t.pageSizeLog2 ?? 16;
    if (log2 !== 0 && log2 !== 16) this.fail('invalid custom page size', section);
    // At most 2^32 (or 2^64) bytes; with 1-byte pages the count itself must fit the address type.
    const bits = t.addr === 'i64' ? 64 : 32;
    const pages = log2 === 0 ? 2n ** BigInt(bits) - 1n : 2n ** BigInt(bits - log2);
    const { min, max } = t.limits;
    if (BigInt(min) > pages || (max !== undefined && BigInt(max) > pages)) {
      this.fail(`memory size must be at most ${pages} pages (${bytesText(pages << BigInt(log2))})`, section);
    }
    this.#limits(t.limits, 2n ** 64n, 'memory size', section);
    if (t.shared && t.limits.max === undefined) this.fail('shared memory must have maximum', section);
  }

  #constExpr(e: Expr, type: number, section: SectionName): void {
    const v = this.v;
    v.at = this.at(section);
    v.beginConst(type);
    for (let k = 0; k < e.length; k++) {
      const i = e[k];
      if (!CONSTANT.has(i.op)) this.fail(`constant expression required: ${i.op} is not constant`, section);
      if (EXTENDED.has(i.op) && !this.features.has('extended-const')) this.fail(`constant expression required: ${i.op} needs extended-const`, section);
      if (i.op === 'global.get' && i.global < this.ctx.visibleGlobals && this.ctx.globalMutable[i.global]) {
        this.fail(`constant expression required: global ${i.global} is mutable`, section);
      }
      this.#instr(i);
    }
    v.op(END, this.scratch);
    if (!v.done) this.fail('constant expression required', section);
  }

  #instr(i: Instr): void {
    const op = validatorOp(i.op);
    if (!op) throw new ValidationError(`unknown operator ${i.op}`, this.v.at);
    if (!this.features.has(op.def.feature)) throw new ValidationError(`${op.def.feature} support is not enabled: ${i.op}`, this.v.at);
    // Instructions come in many shapes; copied into the one scratch object, the validator's
    // property reads stay monomorphic (and fast for the streaming path too). Instructions
    // checked by their signature alone read nothing of it (i32.const: every data segment's offset).
    const scratch = this.scratch;
    if (op.handler !== 0 || op.immCheck !== I_NONE) {
      scratch.types = undefined;
      Object.assign(scratch, i);
    }
    this.v.op(op, scratch);
  }

  #func(f: Func, typeId: number): void {
    const v = this.v;
    if (f instanceof DecodedFunc && !f.isRead) {
      this.#streamFunc(f, typeId);
      return;
    }
    v.at = f.offset;
    v.beginFunc(typeId, f.locals, f.offset);
    for (const i of f.body) {
      this.#instr(i);
      if (v.done) throw new ValidationError('operators remaining after end of function', v.at);
    }
    v.op(END, this.scratch);
  }

  /** Validates a body from its bytes: read an operator, check it, read the next. */
  #streamFunc(f: DecodedFunc, typeId: number): void {
    const v = this.v;
    const r = f.bodyReader(this.#reader);
    v.at = f.offset;
    v.beginFunc(typeId, readLocals(r), f.offset);
    if (r !== this.#reader) {
      // The first body, or one from other bytes: look up the tables for its features once.
      this.#reader = r;
      this.#streamTable = streamTable(r.features, this.features);
      this.#decodeTables = decodeTables(r.features);
    }
    // Bytes decoded for these features need no feature check: the opcode tables had none else.
    const enabled = r.features === this.features ? undefined : (this.#enabled ??= enabledRows(this.features));
    v.stream(r, this.#streamTable as StreamTable, this.#decodeTables as DecodeTables, this.scratch, f.hasDataCount, enabled);
    if (r.pos !== f.end) r.fail('section size mismatch');
  }
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** A power-of-two-ish byte count as the spec's messages write it: 4GiB, 256TiB. */
function bytesText(n: bigint): string {
  let unit = 0;
  while (n >= 1024n && n % 1024n === 0n && unit < UNITS.length - 1) {
    n /= 1024n;
    unit++;
  }
  return `${n}${UNITS[unit]}`;
}
