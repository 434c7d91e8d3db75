// Validating instruction sequences: the operand and control stacks of the spec's algorithm
// (https://webassembly.github.io/spec/core/appendix/algorithm.html), extended with local
// initialisation (non-nullable locals) as in Wasm 3.0. Types are encoded numbers, the
// operand stack is an Int32Array and frames live in parallel arrays, so checking an
// instruction allocates nothing. One FuncValidator is reused for every body of a module.
import type { Catch, Locals, MemArg } from '../core/ast.ts';
import { type DecodeTables, type ImmTarget, MEMARG_HAS_MEMORY, readImmediates, readMemArg, readOpcode } from '../binary/decode-instr.ts';
import { readBlockType } from '../binary/decode-types.ts';
import { BY_CODE, EMPTY_BLOCK } from '../binary/types-codes.ts';
import type { Reader } from '../binary/reader.ts';
import { DecodeError, ValidationError } from '../core/errors.ts';
import type { BlockType, HeapType, ValType } from '../core/types.ts';
import { canonType, type CanonType, KIND_ARRAY, KIND_FUNC, KIND_STRUCT } from './canonical.ts';
import type { ModuleContext } from './context.ts';
import * as H from './ops.ts';
import { S_BLOCK, S_FIRST_INDEX, S_LAST_INDEX, S_LOCAL_SET, S_LOOP, type StreamEntry, type StreamTable, VALIDATOR_OPS, type ValidatorOp } from './ops.ts';
import { isHeapSubtype, isSubtype, topHeap } from './subtype.ts';
import {
  ANY, ARRAY, BOT, CONCRETE, EQ, EXN, EXTERN, F32, F64, FUNC, HEAP_BOT, heapCode, heapOf, I31, I32, I64,
  isDefaultable, isNullable, isNumOrVec, isRef, refCode, unpacked, V128, valCode,
} from './type-codes.ts';

const EMPTY = new Int32Array(0);

// Frame kinds.
const K_FUNC = 0;
const K_BLOCK = 1;
const K_LOOP = 2;
const K_IF = 3;
const K_ELSE = 4;
const K_TRY = 5;
const K_CATCH = 6;
const K_CATCH_ALL = 7;
const K_TRY_TABLE = 8;

/**
 * Block types of one byte, by that byte: empty, a numeric or vector type, or a nullable
 * abstract reference (funcref, ...). Any other block type is read by readBlockType.
 */
const SHORT_BLOCK_TYPES: readonly (Int32Array | undefined)[] = Array.from({ length: 256 }, (_, b) => {
  if (b === EMPTY_BLOCK) return EMPTY;
  const num = BY_CODE.valtype[b];
  if (num !== undefined) return Int32Array.of(valCode(num, () => 0));
  const heap = BY_CODE.heap[b];
  return heap === undefined ? undefined : Int32Array.of(refCode(heapCode(heap, () => 0), true));
});

/**
 * The end of a LEB128 of one to four bytes at `pos`, or -1 for a longer or truncated one.
 * Every integer reader (u32, s32, u64, s64) accepts such an encoding whatever its bits: they
 * check unused bits and length only from the fifth byte on. At most 28 bits.
 */
function shortLeb(bytes: Uint8Array, pos: number, end: number): number {
  for (let i = pos; i < pos + 4 && i < end; i++) if (bytes[i] < 0x80) return i + 1;
  return -1;
}

/** A memory access's alignment: at most natural, exactly natural for atomics. */
function alignmentOk(v: ValidatorOp, align: number): boolean {
  return v.exactAlign ? align === v.naturalAlign : align <= v.naturalAlign;
}

/** Implementation limit shared with V8 and wasm-tools: locals per function. */
export const MAX_LOCALS = 50_000;

const EXNREF = refCode(EXN, true);
const REF_EXN = refCode(EXN, false);
const FUNCREF = refCode(FUNC, true);
const EQREF = refCode(EQ, true);

export class FuncValidator {
  readonly #m: ModuleContext;
  /** Offset of the instruction being checked, for errors. */
  at: number | undefined = undefined;
  /** A constant expression: `ref.func` needs no declaration there. */
  #inConst = false;

  // Operand stack.
  #vals = new Int32Array(256);
  #sp = 0;

  // Control frames, as parallel arrays indexed by depth.
  #kind = new Uint8Array(64);
  #height = new Int32Array(64);
  #unreachable = new Uint8Array(64);
  #initHeight = new Int32Array(64);
  #params: Int32Array[] = [];
  #results: Int32Array[] = [];
  #depth = 0;
  /** The innermost frame's height (#height[#depth - 1]), which every pop compares with. */
  #floor = 0;

  // Locals: their types, and for non-defaultable ones whether they are set yet. Locals set
  // inside a block are recorded on #initStack, to be unset again when the block ends.
  #locals = new Int32Array(64);
  #nLocals = 0;
  #set = new Uint8Array(64);
  #initStack = new Int32Array(64);
  #initSp = 0;

  /** Scratch for br_table's per-label pops. */
  #tmp = new Int32Array(16);
  readonly #valueBlocks = new Map<number, Int32Array>();

  /** The address type of memory 0, or BOT without memories: what most accesses use. */
  readonly #memory0: number;

  constructor(m: ModuleContext) {
    this.#m = m;
    this.#memory0 = m.memAddr.length > 0 ? m.memAddr[0] : BOT;
  }

  /** Starts a function body: parameters and declared locals, and the function's frame. */
  beginFunc(typeId: number, locals: readonly Locals[], at?: number): void {
    const ft = canonType(typeId);
    let total = ft.params.length;
    for (const l of locals) {
      total += l.count;
      if (total > MAX_LOCALS) throw new ValidationError(`too many locals: more than ${MAX_LOCALS}`, at);
    }
    if (this.#locals.length < total) {
      this.#locals = new Int32Array(total);
      this.#set = new Uint8Array(total);
    }
    this.#locals.set(ft.params);
    let n = ft.params.length;
    this.#set.fill(1, 0, n);
    for (const l of locals) {
      const t = this.#m.types.valType(l.type, at);
      this.#locals.fill(t, n, n + l.count);
      this.#set.fill(isDefaultable(t) ? 1 : 0, n, n + l.count);
      n += l.count;
    }
    this.#nLocals = n;
    this.#initSp = 0;
    this.#inConst = false;
    this.#begin(ft.results);
  }

  /** Starts a constant expression of the given result type. */
  beginConst(result: number): void {
    this.#nLocals = 0;
    this.#initSp = 0;
    this.#inConst = true;
    this.#begin(this.#valueBlock(result));
  }

  #begin(results: Int32Array): void {
    this.#sp = 0;
    this.#popFrames(0);
    this.#pushFrame(K_FUNC, EMPTY, results);
  }

  /** True when the instructions so far closed the outermost frame (the final `end`). */
  get done(): boolean {
    return this.#depth === 0;
  }

  fail(message: string): never {
    throw new ValidationError(message, this.at);
  }

  // ---- operand stack ----

  #push(t: number): void {
    if (this.#sp === this.#vals.length) {
      const grown = new Int32Array(this.#vals.length * 2);
      grown.set(this.#vals);
      this.#vals = grown;
    }
    this.#vals[this.#sp++] = t;
  }

  #pushVals(ts: Int32Array, to = ts.length): void {
    for (let i = 0; i < to; i++) this.#push(ts[i]);
  }

  #pop(): number {
    if (this.#sp === this.#floor) {
      if (this.#unreachable[this.#depth - 1]) return BOT;
      this.fail('type mismatch: instruction requires a value but the stack is empty');
    }
    return this.#vals[--this.#sp];
  }

  /** Pops a value that must match `expected`; returns the actual type. */
  #popExpect(expected: number): number {
    if (this.#sp === this.#floor) {
      if (this.#unreachable[this.#depth - 1]) return BOT;
      this.fail(`type mismatch: instruction requires [${this.#name(expected)}] but stack has []`);
    }
    const actual = this.#vals[--this.#sp];
    if (actual !== expected && !isSubtype(actual, expected)) {
      this.fail(`type mismatch: instruction requires [${this.#name(expected)}] but stack has [${this.#name(actual)}]`);
    }
    return actual;
  }

  /**
   * Pops `params` and pushes `results`. When the operands are there with exactly those types,
   * they are overwritten in place; otherwise (a subtype, an unreachable frame, an error)
   * #popVals and #pushVals decide.
   */
  #sig(params: Int32Array, results: Int32Array): void {
    const n = params.length;
    const base = this.#sp - n;
    const vals = this.#vals;
    if (base >= this.#floor && base + results.length <= vals.length) {
      let k = 0;
      while (k < n && vals[base + k] === params[k]) k++;
      if (k === n) {
        for (let j = 0; j < results.length; j++) vals[base + j] = results[j];
        this.#sp = base + results.length;
        return;
      }
    }
    this.#popVals(params);
    this.#pushVals(results);
  }

  #popVals(ts: Int32Array, to = ts.length): void {
    for (let i = to - 1; i >= 0; i--) this.#popExpect(ts[i]);
  }

  /** Pops a reference of any type; from a polymorphic stack, `(ref null bot)`. */
  #popRef(): number {
    const t = this.#pop();
    if (t === BOT) return refCode(HEAP_BOT, true);
    if (!isRef(t)) this.fail(`type mismatch: instruction requires a reference but stack has [${this.#name(t)}]`);
    return t;
  }

  #name(t: number): string {
    return this.#m.types.typeName(t);
  }

  // ---- control stack ----

  #pushFrame(kind: number, params: Int32Array, results: Int32Array): void {
    const d = this.#depth;
    if (d === this.#kind.length) this.#growFrames();
    this.#kind[d] = kind;
    this.#height[d] = this.#sp;
    this.#floor = this.#sp;
    this.#unreachable[d] = 0;
    this.#initHeight[d] = this.#initSp;
    this.#params[d] = params;
    this.#results[d] = results;
    this.#depth = d + 1;
    this.#pushVals(params);
  }

  /** Drops the frames from depth `d` on. */
  #popFrames(d: number): void {
    this.#depth = d;
    this.#floor = d > 0 ? this.#height[d - 1] : 0;
  }

  #growFrames(): void {
    const n = this.#kind.length * 2;
    const kind = new Uint8Array(n);
    kind.set(this.#kind);
    const height = new Int32Array(n);
    height.set(this.#height);
    const unreachable = new Uint8Array(n);
    unreachable.set(this.#unreachable);
    const initHeight = new Int32Array(n);
    initHeight.set(this.#initHeight);
    this.#kind = kind;
    this.#height = height;
    this.#unreachable = unreachable;
    this.#initHeight = initHeight;
  }

  /** Checks the frame's results are on the stack, and nothing else; leaves the stack at its height. */
  #endFrameBody(): void {
    const d = this.#depth - 1;
    const results = this.#results[d];
    this.#popVals(results);
    if (this.#sp !== this.#height[d]) {
      // Popped values stay in the array above #sp: the message shows the whole block's stack.
      const stack = this.#m.types.typeListName(this.#vals, this.#height[d], this.#sp + results.length);
      this.fail(`type mismatch: block requires ${this.#m.types.typeListName(results)} but stack has ${stack}`);
    }
    this.#resetInits(this.#initHeight[d]);
  }

  #resetInits(to: number): void {
    for (let k = this.#initSp - 1; k >= to; k--) this.#set[this.#initStack[k]] = 0;
    this.#initSp = to;
  }

  #setUnreachable(): void {
    const d = this.#depth - 1;
    this.#sp = this.#height[d];
    this.#unreachable[d] = 1;
  }

  /** How many values a branch to label `l` (which exists) carries. */
  #labelArity(l: number): number {
    const d = this.#depth - 1 - l;
    return this.#kind[d] === K_LOOP ? this.#params[d].length : this.#results[d].length;
  }

  /** The types a branch to label `l` carries: a loop's parameters, otherwise results. */
  #labelTypes(l: number): Int32Array {
    if (l >= this.#depth) this.fail(`unknown label ${l}`);
    const d = this.#depth - 1 - l;
    return this.#kind[d] === K_LOOP ? this.#params[d] : this.#results[d];
  }

  #valueBlock(t: number): Int32Array {
    let block = this.#valueBlocks.get(t);
    if (!block) {
      block = Int32Array.of(t);
      this.#valueBlocks.set(t, block);
    }
    return block;
  }

  #blockType(bt: BlockType): CanonType | Int32Array {
    switch (bt.kind) {
      case 'empty': return EMPTY;
      case 'value': return this.#valueBlock(this.#m.types.valType(bt.type, this.at));
      case 'index': return this.#funcType(bt.type);
    }
  }

  /** Opens a block; `if` first pops its condition (after its block type is known valid). */
  #openBlock(kind: number, bt: BlockType): void {
    this.#openBlockOf(kind, this.#blockType(bt));
  }

  #openBlockOf(kind: number, t: CanonType | Int32Array): void {
    if (t instanceof Int32Array) this.#openBlockWith(kind, EMPTY, t);
    else this.#openBlockWith(kind, t.params, t.results);
  }

  /** Opens a block of type [params] -> [results]; `if` first pops its condition. */
  #openBlockWith(kind: number, params: Int32Array, results: Int32Array): void {
    if (kind === K_IF) this.#popExpect(I32);
    this.#popVals(params);
    this.#pushFrame(kind, params, results);
  }

  // ---- module context lookups ----

  #funcType(typeIndex: number): CanonType {
    return this.#m.types.funcType(typeIndex, this.at);
  }

  #typeOfKind(typeIndex: number, kind: number, what: string): CanonType {
    const t = this.#m.types.type(typeIndex, this.at);
    if (t.kind !== kind) this.fail(`type mismatch: type ${typeIndex} is not ${what}`);
    return t;
  }

  #func(f: number): CanonType {
    if (f >= this.#m.funcs.length) this.fail(`unknown function ${f}`);
    return canonType(this.#m.funcs[f]);
  }

  #table(x: number): number {
    if (x >= this.#m.tableAddr.length) this.fail(`unknown table ${x}`);
    return x;
  }

  #memoryAddr(x: number): number {
    if (x >= this.#m.memAddr.length) this.fail(`unknown memory ${x}`);
    return this.#m.memAddr[x];
  }

  #elem(x: number): number {
    if (x >= this.#m.elemTypes.length) this.fail(`unknown elem segment ${x}`);
    return this.#m.elemTypes[x];
  }

  #data(x: number): void {
    if (x >= this.#m.dataCount) this.fail(`unknown data segment ${x}`);
  }

  #tag(x: number): CanonType {
    if (x >= this.#m.tags.length) this.fail(`unknown tag ${x}`);
    return canonType(this.#m.tags[x]);
  }

  #local(x: number): number {
    if (x >= this.#nLocals) this.fail(`unknown local ${x}`);
    return this.#locals[x];
  }

  #markSet(x: number): void {
    if (this.#set[x] === 0) {
      this.#set[x] = 1;
      if (this.#initSp === this.#initStack.length) {
        const grown = new Int32Array(this.#initStack.length * 2);
        grown.set(this.#initStack);
        this.#initStack = grown;
      }
      this.#initStack[this.#initSp++] = x;
    }
  }

  // ---- streaming from bytes ----

  /**
   * Validates a function body's instructions from its bytes, starting at `r.pos` (after the
   * locals) and ending after the `end` that closes the function, where `r.pos` is left.
   * No instruction objects: the frequent instructions (the stream table's kinds) are decoded
   * and checked in place, their common case inline and anything else through the helpers
   * op() uses; the rest are read into `scratch` by the decoder's readImmediates and checked by
   * op(). Malformed bytes throw the decoder's DecodeError: the inline reads accept only
   * encodings every Reader primitive accepts alike, and hand anything else to the Reader (or
   * to readOpcode on the general path).
   * `enabled` is set when the bytes were decoded with other features than the validator's.
   */
  stream(
    r: Reader, table: StreamTable, tables: DecodeTables, scratch: ImmTarget,
    hasDataCount: boolean, enabled: Uint8Array | undefined,
  ): void {
    const bytes = r.bytes;
    const end = r.end;
    const single = table.single;
    const memarg = scratch.memarg as MemArg;
    // The position lives here; the Reader catches up whenever one of its primitives (or the
    // general path) reads, so a malformed or truncated immediate fails as the decoder fails.
    let pos = r.pos;
    while (this.#depth !== 0) {
      const at = pos;
      this.at = at;
      let s: StreamEntry | undefined;
      if (at < end) {
        const b = bytes[at];
        s = single[b];
        pos = at + 1;
        if (s === undefined) {
          // A prefix and a code of one or two bytes; longer (or truncated) codes, and
          // illegal opcodes, are left to readOpcode on the general path.
          const codes = table.prefixed[b];
          if (codes !== undefined && pos + 1 < end) {
            const c = bytes[pos];
            if (c < 0x80) {
              s = codes[c];
              pos++;
            } else if (bytes[pos + 1] < 0x80) {
              s = codes[(c & 0x7f) | (bytes[pos + 1] << 7)];
              pos += 2;
            }
          }
        }
      }
      if (s !== undefined) {
        const kind = s.kind;
        // Instructions with one u32 index: one or two bytes are the common case (14 bits, any
        // such encoding is a valid u32), the Reader does the rest.
        let x = 0;
        if (kind >= S_FIRST_INDEX && kind <= S_LAST_INDEX) {
          x = pos < end ? bytes[pos] : 0x80;
          if (x < 0x80) pos++;
          else if (pos + 1 < end && bytes[pos + 1] < 0x80) {
            x = (x & 0x7f) | (bytes[pos + 1] << 7);
            pos += 2;
          } else {
            r.pos = pos;
            x = r.u32();
            pos = r.pos;
          }
        }
        // Literal cases (the S_* numbers of ops.ts): V8 compiles only those to a jump table.
        switch (kind) {
          case 2: this.#localGet(x); continue; // S_LOCAL_GET
          case 3: case 4: { // S_LOCAL_SET, S_LOCAL_TEE
            // The common case inline: a local already set (or defaultable), and a value of
            // exactly its type on top. Then local.set pops it, and local.tee changes nothing.
            const top = this.#sp - 1;
            if (
              x < this.#nLocals && this.#set[x] !== 0 && top >= this.#floor
              && this.#vals[top] === this.#locals[x]
            ) {
              if (kind === S_LOCAL_SET) this.#sp = top;
            } else if (kind === S_LOCAL_SET) {
              this.#localSet(x);
            } else {
              this.#localTee(x);
            }
            continue;
          }
          case 5: this.#globalGet(x); continue; // S_GLOBAL_GET
          case 6: this.#globalSet(x); continue; // S_GLOBAL_SET
          case 7: this.#call(this.#func(x)); continue; // S_CALL
          case 8: this.#br(x); continue; // S_BR
          case 9: { // S_BR_IF
            // The common case inline: a label that takes no values, and an i32 condition.
            const top = this.#sp - 1;
            if (
              x < this.#depth && this.#labelArity(x) === 0 && top >= this.#floor
              && this.#vals[top] === I32
            ) {
              this.#sp = top;
            } else {
              this.#brIf(x);
            }
            continue;
          }
          case 10: { // S_I32_CONST: the value does not matter, only that it decodes.
            const next = shortLeb(bytes, pos, end);
            if (next >= 0) pos = next;
            else {
              r.pos = pos;
              r.s32();
              pos = r.pos;
            }
            this.#push(I32);
            continue;
          }
          case 11: { // S_MEMARG
            const v = s.op;
            const flags = pos < end ? bytes[pos] : 0x80;
            const next = shortLeb(bytes, pos + 1, end);
            if (flags < MEMARG_HAS_MEMORY && next >= 0 && this.#memory0 === I32 && alignmentOk(v, flags)) {
              // The common case inline: flags of one byte (no memory index), an offset of at
              // most 28 bits (within any memory's range), memory 0 of 32 bits, and an alignment
              // #memarg accepts.
              pos = next;
            } else {
              r.pos = pos;
              readMemArg(r, memarg);
              pos = r.pos;
              if (this.#memarg(v, memarg) !== I32) {
                this.#sig(v.params64, v.results64);
                continue;
              }
            }
          }
          // falls through: on a 32-bit memory, the signature as written
          case 1: { // S_SIG
            // The common case of #sig inline: one or two operands of exactly the types needed.
            const base = this.#sp - s.np;
            const vals = this.#vals;
            if (s.np !== 0 && base >= this.#floor && vals[base] === s.p0 && (s.np === 1 || vals[base + 1] === s.p1)) {
              if (s.nr === 1) vals[base] = s.r0;
              this.#sp = base + s.nr;
            } else {
              this.#sig(s.op.params, s.op.results);
            }
            continue;
          }
          case 12: case 13: case 14: { // S_BLOCK, S_LOOP, S_IF
            const k = kind === S_BLOCK ? K_BLOCK : kind === S_LOOP ? K_LOOP : K_IF;
            const t = pos < end ? SHORT_BLOCK_TYPES[bytes[pos]] : undefined;
            if (t !== undefined) {
              pos++;
              // #openBlockWith(k, EMPTY, t), with the common case of its condition check inline.
              const top = this.#sp - 1;
              if (k !== K_IF) {
                this.#pushFrame(k, EMPTY, t);
              } else if (top >= this.#floor && this.#vals[top] === I32) {
                this.#sp = top;
                this.#pushFrame(k, EMPTY, t);
              } else {
                this.#openBlockWith(k, EMPTY, t);
              }
            } else {
              r.pos = pos;
              this.#openBlock(k, readBlockType(r));
              pos = r.pos;
            }
            continue;
          }
          case 15: { // S_END
            // The common case of #end inline: the frame's result (or none) is on the stack
            // with exactly its type, and no local was set inside the frame. #end would pop and
            // push back the same values.
            const d = this.#depth - 1;
            const results = this.#results[d];
            const n = results.length;
            const base = this.#height[d];
            if (
              this.#sp === base + n && (n === 0 || (n === 1 && this.#vals[base] === results[0]))
              && this.#initSp === this.#initHeight[d] && (this.#kind[d] !== K_IF || (n === 0 && this.#params[d].length === 0))
            ) {
              this.#popFrames(d);
            } else {
              this.#end();
            }
            continue;
          }
          case 16: this.#pop(); continue; // S_DROP
          case 17: this.#select(undefined); continue; // S_SELECT
          case 18: this.#setUnreachable(); continue; // S_UNREACHABLE
          case 19: this.#return(); continue; // S_RETURN
          case 20: this.#else(); continue; // S_ELSE
          case 21: // S_I64_CONST
            if (pos < end && bytes[pos] < 0x80) pos++;
            else {
              r.pos = pos;
              r.skipS64();
              pos = r.pos;
            }
            this.#push(I64);
            continue;
          case 22: // S_F32_CONST
            r.pos = pos;
            r.skip(4);
            pos = r.pos;
            this.#push(F32);
            continue;
          case 23: // S_F64_CONST
            r.pos = pos;
            r.skip(8);
            pos = r.pos;
            this.#push(F64);
            continue;
          case 24: // S_V128_CONST
            r.pos = pos;
            r.skip(16);
            pos = r.pos;
            this.#push(V128);
            continue;
          case 25: { // S_CALL_INDIRECT
            r.pos = pos;
            const type = r.u32();
            const table = r.u32();
            pos = r.pos;
            this.#call(this.#callIndirect(type, table));
            continue;
          }
          case 26: this.#throwRef(); continue; // S_THROW_REF
        }
      }
      r.pos = at;
      const e = readOpcode(r, tables);
      // Instructions without immediates (and untyped select) skip the immediate reader.
      if (e.bare === undefined) readImmediates(r, e, scratch, true);
      else scratch.types = undefined;
      const op = VALIDATOR_OPS[e.row];
      if (enabled && !enabled[e.row]) throw new ValidationError(`${op.def.feature} support is not enabled: ${op.def.name}`, at);
      if (op.needsDataCount && !hasDataCount) throw new DecodeError('data count section required', at);
      this.op(op, scratch);
      pos = r.pos;
    }
    r.pos = pos;
  }

  // ---- instructions ----

  /** Checks one instruction; `i` holds its immediates (an Instr, or the streaming scratch). */
  op(v: ValidatorOp, i: ImmTarget): void {
    if (v.handler === 0) {
      this.#plain(v, i);
      return;
    }
    const m = this.#m;
    // Literal cases (the H_* numbers of ops.ts): V8 compiles only those to a jump table.
    switch (v.handler) {
      case 1: this.#setUnreachable(); break; // H_UNREACHABLE
      case 2: this.#openBlock(K_BLOCK, i.blockType as BlockType); break; // H_BLOCK
      case 3: this.#openBlock(K_LOOP, i.blockType as BlockType); break; // H_LOOP
      case 4: this.#openBlock(K_IF, i.blockType as BlockType); break; // H_IF
      case 5: this.#else(); break; // H_ELSE
      case 6: this.#end(); break; // H_END
      case 7: this.#br(i.label as number); break; // H_BR
      case 8: this.#brIf(i.label as number); break; // H_BR_IF
      case 9: this.#brTable(i.labels as number[], i.default as number); break; // H_BR_TABLE
      case 10: this.#return(); break; // H_RETURN
      case 11: this.#call(this.#func(i.func as number)); break; // H_CALL
      case 13: this.#returnCall(this.#func(i.func as number)); break; // H_RETURN_CALL
      case 12: this.#call(this.#callIndirect(i.type as number, i.table as number)); break; // H_CALL_INDIRECT
      case 14: this.#returnCall(this.#callIndirect(i.type as number, i.table as number)); break; // H_RETURN_CALL_INDIRECT
      case 15: this.#call(this.#callRef(i.type as number)); break; // H_CALL_REF
      case 16: this.#returnCall(this.#callRef(i.type as number)); break; // H_RETURN_CALL_REF
      case 17: this.#pop(); break; // H_DROP
      case 18: this.#select(i.types); break; // H_SELECT
      case 19: this.#localGet(i.local as number); break; // H_LOCAL_GET
      case 20: this.#localSet(i.local as number); break; // H_LOCAL_SET
      case 21: this.#localTee(i.local as number); break; // H_LOCAL_TEE
      case 22: this.#globalGet(i.global as number); break; // H_GLOBAL_GET
      case 23: this.#globalSet(i.global as number); break; // H_GLOBAL_SET
      case 24: { // H_TABLE_GET
        const x = this.#table(i.table as number);
        this.#popExpect(m.tableAddr[x]);
        this.#push(m.tableElem[x]);
        break;
      }
      case 25: { // H_TABLE_SET
        const x = this.#table(i.table as number);
        this.#popExpect(m.tableElem[x]);
        this.#popExpect(m.tableAddr[x]);
        break;
      }
      case 26: this.#push(m.tableAddr[this.#table(i.table as number)]); break; // H_TABLE_SIZE
      case 27: { // H_TABLE_GROW
        const x = this.#table(i.table as number);
        this.#popExpect(m.tableAddr[x]);
        this.#popExpect(m.tableElem[x]);
        this.#push(m.tableAddr[x]);
        break;
      }
      case 28: { // H_TABLE_FILL
        const x = this.#table(i.table as number);
        this.#popExpect(m.tableAddr[x]);
        this.#popExpect(m.tableElem[x]);
        this.#popExpect(m.tableAddr[x]);
        break;
      }
      case 29: { // H_TABLE_COPY
        const dst = this.#table(i.table as number);
        const src = this.#table(i.srcTable as number);
        if (!isSubtype(m.tableElem[src], m.tableElem[dst])) this.fail('type mismatch: table element types do not match');
        const dstAddr = m.tableAddr[dst];
        const srcAddr = m.tableAddr[src];
        this.#popExpect(dstAddr === I64 && srcAddr === I64 ? I64 : I32);
        this.#popExpect(srcAddr);
        this.#popExpect(dstAddr);
        break;
      }
      case 30: { // H_TABLE_INIT
        const x = this.#table(i.table as number);
        const e = this.#elem(i.elem as number);
        if (!isSubtype(e, m.tableElem[x])) this.fail('type mismatch: element segment does not match the table');
        this.#popExpect(I32);
        this.#popExpect(I32);
        this.#popExpect(m.tableAddr[x]);
        break;
      }
      case 31: { // H_MEMORY_INIT
        const addr = this.#memoryAddr(i.memory as number);
        this.#data(i.data as number);
        this.#popExpect(I32);
        this.#popExpect(I32);
        this.#popExpect(addr);
        break;
      }
      case 32: { // H_MEMORY_COPY
        const dst = this.#memoryAddr(i.memory as number);
        const src = this.#memoryAddr(i.srcMemory as number);
        this.#popExpect(dst === I64 && src === I64 ? I64 : I32);
        this.#popExpect(src);
        this.#popExpect(dst);
        break;
      }
      case 33: this.#push(refCode(m.types.heapType(i.heap as HeapType, this.at), true)); break; // H_REF_NULL
      case 34: // H_REF_IS_NULL
        this.#popRef();
        this.#push(I32);
        break;
      case 35: { // H_REF_FUNC
        const f = i.func as number;
        if (f >= m.funcs.length) this.fail(`unknown function ${f}`);
        if (!this.#inConst && !m.refs[f]) this.fail(`undeclared function reference ${f}`);
        this.#push(refCode(CONCRETE + m.funcs[f], false));
        break;
      }
      case 36: // H_REF_EQ
        this.#popExpect(EQREF);
        this.#popExpect(EQREF);
        this.#push(I32);
        break;
      case 37: this.#push(refCode(heapOf(this.#popRef()), false)); break; // H_REF_AS_NON_NULL
      case 38: { // H_BR_ON_NULL
        const t = this.#popRef();
        const types = this.#labelTypes(i.label as number);
        this.#popVals(types);
        this.#pushVals(types);
        this.#push(refCode(heapOf(t), false));
        break;
      }
      case 39: { // H_BR_ON_NON_NULL
        const t = this.#popRef();
        const types = this.#labelTypes(i.label as number);
        const n = types.length;
        if (n === 0 || !isSubtype(refCode(heapOf(t), false), types[n - 1])) {
          this.fail(`type mismatch: br_on_non_null needs a label whose last type matches ${this.#name(refCode(heapOf(t), false))}`);
        }
        this.#popVals(types, n - 1);
        this.#pushVals(types, n - 1);
        break;
      }
      case 40: this.#openBlock(K_TRY, i.blockType as BlockType); break; // H_TRY
      case 41: { // H_CATCH
        const tag = this.#tag(i.tag as number);
        this.#catchClause(K_CATCH);
        this.#pushVals(tag.params);
        break;
      }
      case 42: this.#catchClause(K_CATCH_ALL); break; // H_CATCH_ALL
      case 43: { // H_DELEGATE
        const d = this.#depth - 1;
        if (this.#kind[d] !== K_TRY) this.fail('delegate outside try');
        this.#endFrameBody();
        const results = this.#results[d];
        this.#popFrames(d);
        if ((i.label as number) >= this.#depth) this.fail(`unknown label ${i.label}`);
        this.#pushVals(results);
        break;
      }
      case 44: // H_THROW
        this.#popVals(this.#tag(i.tag as number).params);
        this.#setUnreachable();
        break;
      case 45: { // H_RETHROW
        const l = i.label as number;
        if (l >= this.#depth) this.fail(`unknown label ${l}`);
        const kind = this.#kind[this.#depth - 1 - l];
        if (kind !== K_CATCH && kind !== K_CATCH_ALL) this.fail('invalid rethrow label');
        this.#setUnreachable();
        break;
      }
      case 46: this.#throwRef(); break; // H_THROW_REF
      case 47: { // H_TRY_TABLE
        for (const c of i.catches as Catch[]) this.#checkCatch(c);
        this.#openBlock(K_TRY_TABLE, i.blockType as BlockType);
        break;
      }
      case 48: { // H_STRUCT_NEW
        const x = i.type as number;
        const t = this.#typeOfKind(x, KIND_STRUCT, 'a struct type');
        for (let f = t.params.length - 1; f >= 0; f--) this.#popExpect(unpacked(t.params[f]));
        this.#push(refCode(CONCRETE + m.types.id(x), false));
        break;
      }
      case 49: { // H_STRUCT_NEW_DEFAULT
        const x = i.type as number;
        const t = this.#typeOfKind(x, KIND_STRUCT, 'a struct type');
        for (const f of t.params) if (!isDefaultable(f)) this.fail(`field type is not defaultable: ${this.#name(f)}`);
        this.#push(refCode(CONCRETE + m.types.id(x), false));
        break;
      }
      case 50: case 51: { // H_STRUCT_GET, H_STRUCT_GET_PACKED
        const x = i.type as number;
        const field = this.#field(x, i.field as number);
        this.#checkPacked(field, v.handler === H.H_STRUCT_GET_PACKED);
        this.#popExpect(refCode(CONCRETE + m.types.id(x), true));
        this.#push(unpacked(field));
        break;
      }
      case 52: { // H_STRUCT_SET
        const x = i.type as number;
        const field = this.#field(x, i.field as number);
        if (!canonType(m.types.id(x)).results[i.field as number]) this.fail(`immutable field ${i.field}`);
        this.#popExpect(unpacked(field));
        this.#popExpect(refCode(CONCRETE + m.types.id(x), true));
        break;
      }
      case 53: { // H_ARRAY_NEW
        const x = i.type as number;
        this.#popExpect(I32);
        this.#popExpect(unpacked(this.#array(x).params[0]));
        this.#push(refCode(CONCRETE + m.types.id(x), false));
        break;
      }
      case 54: { // H_ARRAY_NEW_DEFAULT
        const x = i.type as number;
        const elem = this.#array(x).params[0];
        if (!isDefaultable(elem)) this.fail(`array type is not defaultable: ${this.#name(elem)}`);
        this.#popExpect(I32);
        this.#push(refCode(CONCRETE + m.types.id(x), false));
        break;
      }
      case 55: { // H_ARRAY_NEW_FIXED
        const x = i.type as number;
        const elem = unpacked(this.#array(x).params[0]);
        this.#popMany(elem, i.length as number);
        this.#push(refCode(CONCRETE + m.types.id(x), false));
        break;
      }
      case 56: { // H_ARRAY_NEW_DATA
        const x = i.type as number;
        this.#numericArray(x);
        this.#data(i.data as number);
        this.#popExpect(I32);
        this.#popExpect(I32);
        this.#push(refCode(CONCRETE + m.types.id(x), false));
        break;
      }
      case 57: { // H_ARRAY_NEW_ELEM
        const x = i.type as number;
        const elem = this.#array(x).params[0];
        if (!isSubtype(this.#elem(i.elem as number), elem)) this.fail('type mismatch: element segment does not match the array');
        this.#popExpect(I32);
        this.#popExpect(I32);
        this.#push(refCode(CONCRETE + m.types.id(x), false));
        break;
      }
      case 58: case 59: { // H_ARRAY_GET, H_ARRAY_GET_PACKED
        const x = i.type as number;
        const elem = this.#array(x).params[0];
        this.#checkPacked(elem, v.handler === H.H_ARRAY_GET_PACKED);
        this.#popExpect(I32);
        this.#popExpect(refCode(CONCRETE + m.types.id(x), true));
        this.#push(unpacked(elem));
        break;
      }
      case 60: { // H_ARRAY_SET
        const x = i.type as number;
        const elem = this.#mutableArray(x);
        this.#popExpect(unpacked(elem));
        this.#popExpect(I32);
        this.#popExpect(refCode(CONCRETE + m.types.id(x), true));
        break;
      }
      case 61: // H_ARRAY_LEN
        this.#popExpect(refCode(ARRAY, true));
        this.#push(I32);
        break;
      case 62: { // H_ARRAY_FILL
        const x = i.type as number;
        const elem = this.#mutableArray(x);
        this.#popExpect(I32);
        this.#popExpect(unpacked(elem));
        this.#popExpect(I32);
        this.#popExpect(refCode(CONCRETE + m.types.id(x), true));
        break;
      }
      case 63: { // H_ARRAY_COPY
        const x = i.type as number;
        const y = i.srcType as number;
        const dst = this.#mutableArray(x);
        const src = this.#array(y).params[0];
        if (!isSubtype(src, dst)) this.fail('array types do not match');
        this.#popExpect(I32);
        this.#popExpect(I32);
        this.#popExpect(refCode(CONCRETE + m.types.id(y), true));
        this.#popExpect(I32);
        this.#popExpect(refCode(CONCRETE + m.types.id(x), true));
        break;
      }
      case 64: { // H_ARRAY_INIT_DATA
        const x = i.type as number;
        this.#mutableArray(x);
        this.#numericArray(x);
        this.#data(i.data as number);
        this.#popArrayInit(x);
        break;
      }
      case 65: { // H_ARRAY_INIT_ELEM
        const x = i.type as number;
        const elem = this.#mutableArray(x);
        if (!isSubtype(this.#elem(i.elem as number), elem)) this.fail('type mismatch: element segment does not match the array');
        this.#popArrayInit(x);
        break;
      }
      case 66: case 67: { // H_REF_TEST, H_REF_CAST
        const rt = this.#refType(i.ref as ValType);
        this.#popExpect(refCode(topHeap(heapOf(rt)), true));
        this.#push(v.handler === H.H_REF_TEST ? I32 : rt);
        break;
      }
      case 68: case 69: this.#brOnCast(i, v.handler === H.H_BR_ON_CAST_FAIL); break; // H_BR_ON_CAST, H_BR_ON_CAST_FAIL
      case 70: { // H_ANY_CONVERT_EXTERN
        const t = this.#popExpect(refCode(EXTERN, true));
        this.#push(refCode(ANY, t !== BOT && isNullable(t)));
        break;
      }
      case 71: { // H_EXTERN_CONVERT_ANY
        const t = this.#popExpect(refCode(ANY, true));
        this.#push(refCode(EXTERN, t !== BOT && isNullable(t)));
        break;
      }
      case 72: // H_REF_I31
        this.#popExpect(I32);
        this.#push(refCode(I31, false));
        break;
      case 73: // H_I31_GET
        this.#popExpect(refCode(I31, true));
        this.#push(I32);
        break;
      default:
        throw new Error(`validator: handler ${v.handler} of ${v.def.name} is missing`);
    }
  }

  /** Instructions the opcode table's signature describes, after checking their immediates. */
  #plain(v: ValidatorOp, i: ImmTarget): void {
    let addr = I32;
    switch (v.immCheck) {
      case H.I_NONE: break;
      case H.I_MEMARG: {
        addr = this.#memarg(v, i.memarg as MemArg);
        if (v.lanes && (i.lane as number) >= v.lanes) this.fail('invalid lane index');
        break;
      }
      case H.I_MEMORY: addr = this.#memoryAddr(i.memory as number); break;
      case H.I_LANE: if ((i.lane as number) >= v.lanes) this.fail('invalid lane index'); break;
      case H.I_SHUFFLE: for (const lane of i.lanes as Uint8Array) if (lane >= 32) this.fail('invalid lane index'); break;
      case H.I_DATA: this.#data(i.data as number); break;
      case H.I_ELEM: this.#elem(i.elem as number); break;
    }
    if (addr === I32) this.#sig(v.params, v.results);
    else this.#sig(v.params64, v.results64);
  }

  /** Checks a memory access's memarg; returns the memory's address type. */
  #memarg(v: ValidatorOp, memarg: MemArg): number {
    const addr = this.#memoryAddr(memarg.memory);
    if (!alignmentOk(v, memarg.align)) {
      this.fail(v.exactAlign ? 'alignment must be equal to natural' : 'alignment must not be larger than natural');
    }
    // Offsets are read as u64; a 32-bit memory can only use 32 bits of them.
    if (addr === I32 && memarg.offset > 0xffff_ffff) this.fail('offset out of range');
    return addr;
  }

  #localGet(x: number): void {
    const t = this.#local(x);
    if (this.#set[x] === 0) this.fail(`uninitialized local ${x}`);
    this.#push(t);
  }

  #localSet(x: number): void {
    this.#popExpect(this.#local(x));
    this.#markSet(x);
  }

  #localTee(x: number): void {
    const t = this.#local(x);
    this.#popExpect(t);
    this.#markSet(x);
    this.#push(t);
  }

  #globalGet(x: number): void {
    const m = this.#m;
    if (x >= m.visibleGlobals) this.fail(`unknown global ${x}`);
    this.#push(m.globalType[x]);
  }

  #globalSet(x: number): void {
    const m = this.#m;
    if (x >= m.visibleGlobals) this.fail(`unknown global ${x}`);
    if (!m.globalMutable[x]) this.fail(`immutable global ${x}`);
    this.#popExpect(m.globalType[x]);
  }

  #br(l: number): void {
    this.#popVals(this.#labelTypes(l));
    this.#setUnreachable();
  }

  #brIf(l: number): void {
    const types = this.#labelTypes(l);
    this.#popExpect(I32);
    this.#popVals(types);
    this.#pushVals(types);
  }

  #throwRef(): void {
    this.#popExpect(EXNREF);
    this.#setUnreachable();
  }

  #else(): void {
    const d = this.#depth - 1;
    if (this.#kind[d] !== K_IF) this.fail('else without if');
    this.#endFrameBody();
    this.#kind[d] = K_ELSE;
    this.#unreachable[d] = 0;
    this.#pushVals(this.#params[d]);
  }

  #return(): void {
    this.#popVals(this.#results[0]);
    this.#setUnreachable();
  }

  #end(): void {
    const d = this.#depth - 1;
    const kind = this.#kind[d];
    if (kind !== K_IF) {
      this.#endFrameBody();
    } else {
      // `if` without `else`: the missing else passes the parameters through as the results.
      this.#endFrameBody();
      this.#pushVals(this.#params[d]);
      this.#unreachable[d] = 0;
      this.#endFrameBody();
    }
    this.#popFrames(d);
    this.#pushVals(this.#results[d]);
  }

  #catchClause(kind: number): void {
    const d = this.#depth - 1;
    const current = this.#kind[d];
    if (current !== K_TRY && current !== K_CATCH) this.fail(current === K_CATCH_ALL ? 'catch after catch_all' : 'catch outside try');
    this.#endFrameBody();
    this.#kind[d] = kind;
    this.#unreachable[d] = 0;
  }

  #checkCatch(c: Catch): void {
    const label = this.#labelTypes(c.label);
    let ok: boolean;
    if (c.kind === 'catch' || c.kind === 'catch_ref') {
      const params = this.#tag(c.tag).params;
      const n = params.length + (c.kind === 'catch_ref' ? 1 : 0);
      ok = label.length === n && params.every((t, k) => isSubtype(t, label[k]))
        && (c.kind === 'catch' || isSubtype(REF_EXN, label[n - 1]));
    } else {
      ok = c.kind === 'catch_all' ? label.length === 0 : label.length === 1 && isSubtype(REF_EXN, label[0]);
    }
    if (!ok) this.fail(`type mismatch: ${c.kind} clause does not match label ${c.label}`);
  }

  #brTable(labels: readonly number[], def: number): void {
    this.#popExpect(I32);
    const arity = this.#labelTypes(def).length;
    if (this.#tmp.length < arity) this.#tmp = new Int32Array(arity);
    const tmp = this.#tmp;
    for (const l of labels) {
      const types = this.#labelTypes(l);
      if (types.length !== arity) this.fail(`type mismatch: br_table labels ${l} and ${def} have different arities`);
      for (let k = arity - 1; k >= 0; k--) tmp[k] = this.#popExpect(types[k]);
      for (let k = 0; k < arity; k++) this.#push(tmp[k]);
    }
    this.#popVals(this.#labelTypes(def));
    this.#setUnreachable();
  }

  #call(t: CanonType): void {
    this.#sig(t.params, t.results);
  }

  #returnCall(t: CanonType): void {
    const own = this.#results[0];
    const ok = t.results.length === own.length && t.results.every((r, k) => isSubtype(r, own[k]));
    if (!ok) this.fail(`type mismatch: tail call returns ${this.#m.types.typeListName(t.results)} but the function returns ${this.#m.types.typeListName(own)}`);
    this.#popVals(t.params);
    this.#setUnreachable();
  }

  #callIndirect(typeIndex: number, table: number): CanonType {
    const x = this.#table(table);
    if (!isSubtype(this.#m.tableElem[x], FUNCREF)) this.fail(`type mismatch: table ${x} is not a table of functions`);
    const t = this.#funcType(typeIndex);
    this.#popExpect(this.#m.tableAddr[x]);
    return t;
  }

  #callRef(typeIndex: number): CanonType {
    const t = this.#funcType(typeIndex);
    this.#popExpect(refCode(CONCRETE + this.#m.types.id(typeIndex), true));
    return t;
  }

  #select(types: readonly ValType[] | undefined): void {
    if (types) {
      if (types.length !== 1) this.fail('invalid result arity');
      const t = this.#m.types.valType(types[0], this.at);
      this.#popExpect(I32);
      this.#popExpect(t);
      this.#popExpect(t);
      this.#push(t);
      return;
    }
    this.#popExpect(I32);
    const a = this.#pop();
    const b = this.#pop();
    if ((a !== BOT && !isNumOrVec(a)) || (b !== BOT && !isNumOrVec(b))) this.fail('type mismatch: select without types needs numeric or vector operands');
    if (a !== b && a !== BOT && b !== BOT) this.fail(`type mismatch: select operands ${this.#name(b)} and ${this.#name(a)} differ`);
    this.#push(a === BOT ? b : a);
  }

  /** Pops `n` values of type `t`; on a polymorphic stack the missing ones are free. */
  #popMany(t: number, n: number): void {
    const d = this.#depth - 1;
    const available = this.#sp - this.#height[d];
    if (n > available && !this.#unreachable[d]) this.fail(`type mismatch: instruction requires ${n} operands but stack has ${available}`);
    for (let k = Math.min(n, available); k > 0; k--) this.#popExpect(t);
  }

  #refType(t: ValType): number {
    return this.#m.types.valType(t, this.at);
  }

  #field(x: number, field: number): number {
    const t = this.#typeOfKind(x, KIND_STRUCT, 'a struct type');
    if (field >= t.params.length) this.fail(`unknown field ${field}`);
    return t.params[field];
  }

  #array(x: number): CanonType {
    return this.#typeOfKind(x, KIND_ARRAY, 'an array type');
  }

  #mutableArray(x: number): number {
    const t = this.#array(x);
    if (!t.results[0]) this.fail(`immutable array ${x}`);
    return t.params[0];
  }

  #numericArray(x: number): void {
    const elem = this.#array(x).params[0];
    if (isRef(elem)) this.fail('array type is not numeric or vector');
  }

  #checkPacked(storage: number, packed: boolean): void {
    const isPacked = unpacked(storage) !== storage;
    if (isPacked !== packed) this.fail(packed ? 'type mismatch: field is not packed' : 'type mismatch: packed field needs a _s or _u instruction');
  }

  #popArrayInit(x: number): void {
    this.#popExpect(I32);
    this.#popExpect(I32);
    this.#popExpect(I32);
    this.#popExpect(refCode(CONCRETE + this.#m.types.id(x), true));
  }

  #brOnCast(i: ImmTarget, onFail: boolean): void {
    const from = this.#refType(i.from as ValType);
    const to = this.#refType(i.to as ValType);
    if (!isSubtype(to, from)) this.fail(`type mismatch: cast target ${this.#name(to)} does not match ${this.#name(from)}`);
    const diff = refCode(heapOf(from), isNullable(from) && !isNullable(to));
    const branch = onFail ? diff : to;
    const types = this.#labelTypes(i.label as number);
    const n = types.length;
    if (n === 0 || !isSubtype(branch, types[n - 1])) {
      this.fail(`type mismatch: label ${i.label} does not take ${this.#name(branch)}`);
    }
    this.#popExpect(from);
    this.#popVals(types, n - 1);
    this.#pushVals(types, n - 1);
    this.#push(onFail ? to : diff);
  }
}
