// Generated adapters: a function type compiled to the JavaScript source of its `canon lift`
// or `canon lower` adapter, evaluated once with `new Function` and then bound per call site.
// Measured against the closure plans (plan*.ts, which stay the reference and the fallback
// where `new Function` is refused, e.g. under a Content-Security-Policy): a record of ten
// fields built as an object literal costs ~24 ns against ~280 ns through keyed stores, and a
// two-argument scalar call ~14 ns against ~28 ns, because V8 sees fixed property names, fixed
// arities and no spread. The generated code follows the same definitions as the plans
// (CanonicalABI.md, "Flat Lifting", "Flat Lowering", "Loading", "Storing") and calls the same
// helpers; parts where inlining buys nothing (list elements, strings, fixed-size lists in
// memory) call the plans' closures.
import { ComponentError } from '../../core/errors.ts';
import type { VT } from '../validate/model.ts';
import type { HandleTable } from './api.ts';
import { index64, tagged64, trap, untagged64, type Core, type Cx } from './context.ts';
import type { FuncPlan } from './func.ts';
import { alignTo, discriminantSize, fieldOffsets, flagsSize, flatten, maxCaseAlignment, shapeOf, variantPayloadFlat, type Case, type Flat } from './layout.ts';
import { toCamelCase } from './names.ts';
import { compilePlan, describe, type PlanOptions } from './plan.ts';
import { liftChar, toBool, toChar, toFloat, toS16, toS32, toS64, toS8, toU16, toU32, toU64, toU8 } from './plan-prim.ts';
import { handover, HintLog } from './string-hints.ts';
import { stringLift, stringLower } from './string.ts';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** What generated code calls; bound to locals once per adapter. */
const HELPERS = {
  toBool, toU8, toS8, toU16, toS16, toU32, toS32, toU64, toS64, toFloat, toChar, liftChar,
  HintLog, ComponentError, HO: handover,
  // 🐘 pointers and lengths of 64-bit memories (context.ts)
  P64: index64, T64: tagged64, U64T: untagged64,
  i32ToF32: (x: number): number => { u32[0] = x; return f32[0]; },
  i64ToF32: (x: bigint): number => { u32[0] = Number(BigInt.asUintN(32, x)); return f32[0]; },
  i64ToF64: (x: bigint): number => { i64[0] = x; return f64[0]; },
  f32ToI32: (x: number): number => { f32[0] = x; return u32[0]; },
  f32ToI64: (x: number): bigint => { f32[0] = x; return BigInt(u32[0]); },
  f64ToI64: (x: number): bigint => { f64[0] = x; return i64[0]; },
  badDisc: (d: number, n: number): never => trap('invalid variant discriminant', `${d} (the type has ${n} cases)`),
  objIn: (v: unknown, what: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null) throw new TypeError(`expected ${what}, got ${describe(v)}`);
    return v as Record<string, unknown>;
  },
  badCase: (v: unknown, what: string): never => {
    throw new TypeError(`expected ${what}, got ${describe(v)}`);
  },
  errPayload: (e: unknown): boolean => typeof e === 'object' && e !== null && 'payload' in e,
};
const HELPER_NAMES = Object.keys(HELPERS);

type Adapter = (...a: never[]) => unknown;
export type Factory = (cx: Cx, target: (...a: never[]) => unknown, handles: HandleTable, postReturn: ((...f: Core[]) => void) | undefined) => Adapter;

/** False where the host forbids `new Function`: the closure plans are used instead. */
export const canGenerate: boolean = (() => {
  try {
    return new Function('return 1')() === 1;
  } catch {
    return false;
  }
})();

const q = (s: string): string => JSON.stringify(s);

class Gen {
  readonly lines: string[] = [];
  readonly consts: unknown[] = [];
  readonly o: PlanOptions;
  n = 0;

  constructor(o: PlanOptions) {
    this.o = o;
  }

  tmp(prefix = 't'): string {
    return `_${prefix}${this.n++}`;
  }

  k(value: unknown): string {
    let i = this.consts.indexOf(value);
    if (i < 0) i = this.consts.push(value) - 1;
    return `K${i}`;
  }

  emit(s: string): void {
    this.lines.push(s);
  }

  bind(expr: string, prefix = 't'): string {
    const t = this.tmp(prefix);
    this.emit(`const ${t} = ${expr};`);
    return t;
  }

  key(name: string): string {
    return this.o.camel ? toCamelCase(name) : name;
  }

  // ---- 🐘 pointers and lengths: i32 numbers, or i64 bigints with a 64-bit memory ----

  get wide(): boolean {
    return this.o.addr === 'i64';
  }

  /** A core pointer or length as a number. */
  ptrIn(x: string): string {
    return this.wide ? `P64(${x})` : `${x} >>> 0`;
  }

  /** A string's (tagged) code-unit count from its core value. */
  lenIn(x: string): string {
    return this.wide ? `${this.o.encoding === 'latin1+utf16' ? 'T64' : 'P64'}(${x})` : `${x} >>> 0`;
  }

  /** A number as a core pointer or length. */
  ptrOut(x: string): string {
    return this.wide ? `BigInt(${x})` : x;
  }

  lenOut(x: string): string {
    return this.wide ? `${this.o.encoding === 'latin1+utf16' ? 'U64T' : 'BigInt'}(${x})` : x;
  }

  /** A pointer or length stored in memory, read as a number / written from one. */
  ptrLoad(p: string, len = false): string {
    if (!this.wide) return `cx.dv.getUint32(${p}, true)`;
    return len ? this.lenIn(`cx.dv.getBigUint64(${p}, true)`) : `P64(cx.dv.getBigUint64(${p}, true))`;
  }

  ptrStore(p: string, x: string, len = false): string {
    if (!this.wide) return `cx.dv.setUint32(${p}, ${x}, true);`;
    return `cx.dv.setBigUint64(${p}, ${len ? this.lenOut(x) : `BigInt(${x})`}, true);`;
  }

  get ptrSize(): number {
    return this.wide ? 8 : 4;
  }

  // ---- flat lowering: JS value → core values (each bound to a const, in order) ----

  lowerFlat(t: VT, v: string): string[] {
    const s = shapeOf(t);
    switch (s.kind) {
      case 'prim': return this.lowerPrim(s.type, v);
      case 'record': {
        const r = this.bind(`objIn(${v}, ${q(s.tuple ? 'an array (tuple)' : 'an object (record)')})`, 'r');
        return s.fields.flatMap(([name, ft], i) => this.lowerFlat(ft, this.bind(s.tuple ? `${r}[${i}]` : `${r}[${q(this.key(name))}]`)));
      }
      case 'flags': return s.names.length === 0 ? [] : [this.bind(this.packFlags(s.names, v))];
      case 'variant': return this.lowerVariant(s.cases, s.as, t, v);
      case 'list': {
        if (s.length !== undefined) return this.lowerFixed(s.element, s.length, v);
        const p = this.bind(`${this.k(compilePlan(t, this.o).range)}.store(cx, ${v})`, 'p');
        return [this.wide ? this.bind(this.ptrOut(p), 'p') : p, this.bind(this.ptrOut('cx.listLen'), 'n')];
      }
      case 'own': return [this.bind(`handles.lowerOwn(${this.k(s.resource)}, ${v}, cx.scope)`, 'h')];
      case 'borrow': return [this.bind(`handles.lowerBorrow(${this.k(s.resource)}, ${v}, cx.scope)`, 'h')];
      case 'stream': return [this.bind(`handles.lowerStream(${this.k(s.type)}, ${v})`, 'h')];
      case 'future': return [this.bind(`handles.lowerFuture(${this.k(s.type)}, ${v})`, 'h')];
    }
  }

  lowerPrim(t: string, v: string): string[] {
    switch (t) {
      case 'bool': return [this.bind(`toBool(${v})`)];
      case 'u8': return [this.bind(`toU8(${v})`)];
      case 's8': return [this.bind(`toS8(${v})`)];
      case 'u16': return [this.bind(`toU16(${v})`)];
      case 's16': return [this.bind(`toS16(${v})`)];
      case 'u32': return [this.bind(`toU32(${v})`)];
      case 's32': return [this.bind(`toS32(${v})`)];
      case 'u64': return [this.bind(`toU64(${v})`)];
      case 's64': return [this.bind(`toS64(${v})`)];
      case 'f32': case 'f64': return [this.bind(`toFloat(${v})`)];
      case 'char': return [this.bind(`toChar(${v})`)];
      case 'string': {
        const p = this.bind(this.ptrOut(`SW(cx, ${v})`), 'p');
        return [p, this.bind(this.lenOut('cx.strLen'), 'n')];
      }
      case 'error-context': return [this.bind(`handles.lowerErrorContext(${v})`, 'h')];
      default: throw new Error(`codegen: ${t}`);
    }
  }

  packFlags(names: readonly string[], v: string): string {
    const r = this.bind(`objIn(${v}, 'an object of booleans (flags)')`, 'r');
    if (names.length === 0) return '0';
    return `(${names.map((n, i) => `(${r}[${q(this.key(n))}] ? ${i === 31 ? '0x80000000' : 1 << i} : 0)`).join(' | ')}) >>> 0`;
  }

  lowerFixed(element: VT, length: number, v: string): string[] {
    const a = this.bind(`${this.k(checkFixed)}(${v}, ${length})`, 'a');
    const out: string[] = [];
    for (let i = 0; i < length; i++) out.push(...this.lowerFlat(element, this.bind(`${a}[${i}]`)));
    return out;
  }

  /** Decodes the JavaScript value of a variant: emits `switch` arms through `arm`. */
  caseSwitch(cases: readonly Case[], as: string, t: VT, v: string, arm: (i: number, payload: string | undefined) => void): void {
    const what = q(as === 'enum' ? `one of ${cases.map((c) => q(c.label)).join(', ')} (enum)` : `{ tag, val } with a tag in ${cases.map((c) => q(c.label)).join(', ')} (${as})`);
    if (as === 'option' && !isNestedOption(t)) {
      this.emit(`if (${v} === undefined || ${v} === null) {`);
      arm(0, undefined);
      this.emit('} else {');
      arm(1, v);
      this.emit('}');
      return;
    }
    let tag = v;
    if (as !== 'enum') {
      this.emit(`if (typeof ${v} !== 'object' || ${v} === null) badCase(${v}, ${what});`);
      tag = this.bind(`${v}.tag`);
    }
    this.emit(`switch (${tag}) {`);
    cases.forEach((c, i) => {
      this.emit(`case ${q(c.label)}: {`);
      arm(i, c.type === undefined ? undefined : this.bind(`${v}.val`));
      this.emit('break; }');
    });
    this.emit(`default: badCase(${tag}, ${what});`);
    this.emit('}');
  }

  lowerVariant(cases: readonly Case[], as: string, t: VT, v: string): string[] {
    const slots = variantPayloadFlat(cases, this.o.addr);
    const d = this.tmp('d');
    const vars = slots.map(() => this.tmp('s'));
    this.emit(`let ${d} = 0${vars.map((x, j) => `, ${x} = ${slots[j] === 'i64' ? '0n' : '0'}`).join('')};`);
    this.caseSwitch(cases, as, t, v, (i, payload) => {
      this.emit(`${d} = ${i};`);
      const c = cases[i];
      if (c.type === undefined || payload === undefined) return;
      const own = flatten(c.type, this.o.addr);
      const flat = this.lowerFlat(c.type, payload);
      flat.forEach((x, j) => this.emit(`${vars[j]} = ${coerceLower(own[j], slots[j], x)};`));
    });
    return [d, ...vars];
  }

  // ---- flat lifting: core values → JS value ----

  liftFlat(t: VT, f: readonly string[]): string {
    const s = shapeOf(t);
    switch (s.kind) {
      case 'prim': return this.liftPrim(s.type, f);
      case 'record': {
        let at = 0;
        const parts = s.fields.map(([name, ft]) => {
          const n = flatten(ft, this.o.addr).length;
          const x = this.liftFlat(ft, f.slice(at, at + n));
          at += n;
          return s.tuple ? x : `${q(this.key(name))}: ${x}`;
        });
        return this.bind(s.tuple ? `[${parts.join(', ')}]` : `{ ${parts.join(', ')} }`, 'o');
      }
      case 'flags': return this.bind(this.unpackFlags(s.names, f[0]), 'o');
      case 'variant': return this.liftVariant(s.cases, s.as, t, f);
      case 'list': {
        if (s.length !== undefined) return this.liftFixed(s.element, s.length, f);
        return this.bind(`${this.k(compilePlan(t, this.o).range)}.load(cx, ${this.ptrIn(f[0])}, ${this.ptrIn(f[1])})`, 'l');
      }
      case 'own': return this.bind(`handles.liftOwn(${this.k(s.resource)}, ${f[0]} >>> 0, cx.scope)`, 'h');
      case 'borrow': return this.bind(`handles.liftBorrow(${this.k(s.resource)}, ${f[0]} >>> 0, cx.scope)`, 'h');
      case 'stream': return this.bind(`handles.liftStream(${this.k(s.type)}, ${f[0]} >>> 0)`, 'h');
      case 'future': return this.bind(`handles.liftFuture(${this.k(s.type)}, ${f[0]} >>> 0)`, 'h');
    }
  }

  liftPrim(t: string, f: readonly string[]): string {
    const x = f[0];
    switch (t) {
      case 'bool': return `(${x} !== 0)`;
      case 'u8': return `(${x} & 255)`;
      case 's8': return `(${x} << 24 >> 24)`;
      case 'u16': return `(${x} & 65535)`;
      case 's16': return `(${x} << 16 >> 16)`;
      case 'u32': return `(${x} >>> 0)`;
      case 's32': return `(${x} | 0)`;
      case 'u64': return this.bind(`BigInt.asUintN(64, ${x})`);
      case 's64': return this.bind(`BigInt.asIntN(64, ${x})`);
      case 'f32': case 'f64': return x;
      case 'char': return this.bind(`liftChar(${x})`, 'c');
      case 'string': return this.bind(`SL(cx, ${this.ptrIn(x)}, ${this.lenIn(f[1])})`, 'str');
      case 'error-context': return this.bind(`handles.liftErrorContext(${x} >>> 0)`, 'h');
      default: throw new Error(`codegen: ${t}`);
    }
  }

  unpackFlags(names: readonly string[], bits: string): string {
    return `{ ${names.map((n, i) => `${q(this.key(n))}: (${bits} & ${i === 31 ? '0x80000000' : 1 << i}) !== 0`).join(', ')} }`;
  }

  liftFixed(element: VT, length: number, f: readonly string[]): string {
    const n = flatten(element, this.o.addr).length;
    const items = Array.from({ length }, (_, i) => this.liftFlat(element, f.slice(i * n, i * n + n)));
    const typed = typedName(element);
    return this.bind(typed !== undefined ? `new ${typed}([${items.join(', ')}])` : `[${items.join(', ')}]`, 'a');
  }

  /** The JavaScript value of case `i` with payload expression `val`. */
  make(cases: readonly Case[], as: string, t: VT, i: number, val: string | undefined): string {
    switch (as) {
      case 'enum': return q(cases[i].label);
      case 'option':
        if (isNestedOption(t)) return i === 0 ? `{ tag: 'none' }` : `{ tag: 'some', val: ${val} }`;
        return i === 0 ? 'undefined' : val!;
      case 'result': return `{ tag: ${q(cases[i].label)}, val: ${val ?? 'undefined'} }`;
      default: return cases[i].type === undefined ? `{ tag: ${q(cases[i].label)} }` : `{ tag: ${q(cases[i].label)}, val: ${val} }`;
    }
  }

  liftVariant(cases: readonly Case[], as: string, t: VT, f: readonly string[]): string {
    const slots = variantPayloadFlat(cases, this.o.addr);
    const r = this.tmp('v');
    const d = this.bind(`${f[0]} >>> 0`, 'd');
    this.emit(`let ${r};`);
    this.emit(`switch (${d}) {`);
    cases.forEach((c, i) => {
      this.emit(`case ${i}: {`);
      let val: string | undefined;
      if (c.type !== undefined) {
        const own = flatten(c.type, this.o.addr);
        const coerced = own.map((want, j) => this.bind(coerceLift(slots[j], want, f[1 + j])));
        val = this.liftFlat(c.type, coerced);
      }
      this.emit(`${r} = ${this.make(cases, as, t, i, val)};`);
      this.emit('break; }');
    });
    this.emit(`default: badDisc(${d}, ${cases.length});`);
    this.emit('}');
    return r;
  }

  // ---- memory: `base` is a variable holding an aligned, checked pointer ----

  load(t: VT, base: string, off: number): string {
    const p = off === 0 ? base : `${base} + ${off}`;
    const s = shapeOf(t);
    switch (s.kind) {
      case 'prim':
        switch (s.type) {
          case 'bool': return `(cx.u8[${p}] !== 0)`;
          case 'u8': return `cx.u8[${p}]`;
          case 's8': return this.bind(`cx.dv.getInt8(${p})`);
          case 'u16': return this.bind(`cx.dv.getUint16(${p}, true)`);
          case 's16': return this.bind(`cx.dv.getInt16(${p}, true)`);
          case 'u32': return this.bind(`cx.dv.getUint32(${p}, true)`);
          case 's32': return this.bind(`cx.dv.getInt32(${p}, true)`);
          case 'u64': return this.bind(`cx.dv.getBigUint64(${p}, true)`);
          case 's64': return this.bind(`cx.dv.getBigInt64(${p}, true)`);
          case 'f32': return this.bind(`cx.dv.getFloat32(${p}, true)`);
          case 'f64': return this.bind(`cx.dv.getFloat64(${p}, true)`);
          case 'char': return this.bind(`liftChar(cx.dv.getUint32(${p}, true))`, 'c');
          case 'string': return this.bind(`SL(cx, ${this.ptrLoad(p)}, ${this.ptrLoad(`${base} + ${off + this.ptrSize}`, true)})`, 'str');
          case 'error-context': return this.bind(`handles.liftErrorContext(cx.dv.getUint32(${p}, true))`, 'h');
          default: throw new Error(`codegen: ${(s as { type: string }).type}`);
        }
      case 'record': {
        const offs = fieldOffsets(s.fields, this.o.addr);
        const parts = s.fields.map(([name, ft], i) => {
          const x = this.load(ft, base, off + offs[i]);
          return s.tuple ? x : `${q(this.key(name))}: ${x}`;
        });
        return this.bind(s.tuple ? `[${parts.join(', ')}]` : `{ ${parts.join(', ')} }`, 'o');
      }
      case 'flags': {
        if (s.names.length === 0) return this.bind('{}', 'o');
        const bits = this.bind(readInt(flagsSize(s.names.length), p));
        return this.bind(this.unpackFlags(s.names, bits), 'o');
      }
      case 'variant': {
        const r = this.tmp('v');
        const d = this.bind(readInt(discriminantSize(s.cases.length), p), 'd');
        const payloadOff = off + alignTo(discriminantSize(s.cases.length), maxCaseAlignment(s.cases, this.o.addr));
        this.emit(`let ${r};`);
        this.emit(`switch (${d}) {`);
        s.cases.forEach((c, i) => {
          this.emit(`case ${i}: {`);
          const val = c.type === undefined ? undefined : this.load(c.type, base, payloadOff);
          this.emit(`${r} = ${this.make(s.cases, s.as, t, i, val)};`);
          this.emit('break; }');
        });
        this.emit(`default: badDisc(${d}, ${s.cases.length});`);
        this.emit('}');
        return r;
      }
      case 'list': return this.bind(`${this.k(compilePlan(t, this.o))}.load(cx, ${p})`, 'l');
      case 'own': return this.bind(`handles.liftOwn(${this.k(s.resource)}, cx.dv.getUint32(${p}, true), cx.scope)`, 'h');
      case 'borrow': return this.bind(`handles.liftBorrow(${this.k(s.resource)}, cx.dv.getUint32(${p}, true), cx.scope)`, 'h');
      case 'stream': return this.bind(`handles.liftStream(${this.k(s.type)}, cx.dv.getUint32(${p}, true))`, 'h');
      case 'future': return this.bind(`handles.liftFuture(${this.k(s.type)}, cx.dv.getUint32(${p}, true))`, 'h');
    }
  }

  store(t: VT, v: string, base: string, off: number): void {
    const p = off === 0 ? base : `${base} + ${off}`;
    const s = shapeOf(t);
    switch (s.kind) {
      case 'prim':
        switch (s.type) {
          case 'bool': this.emit(`cx.u8[${p}] = toBool(${v});`); return;
          case 'u8': this.emit(`cx.u8[${p}] = toU8(${v});`); return;
          case 's8': this.emit(`cx.dv.setInt8(${p}, toS8(${v}));`); return;
          case 'u16': this.emit(`cx.dv.setUint16(${p}, toU16(${v}), true);`); return;
          case 's16': this.emit(`cx.dv.setInt16(${p}, toS16(${v}), true);`); return;
          case 'u32': this.emit(`cx.dv.setUint32(${p}, toU32(${v}), true);`); return;
          case 's32': this.emit(`cx.dv.setInt32(${p}, toS32(${v}), true);`); return;
          case 'u64': this.emit(`cx.dv.setBigUint64(${p}, toU64(${v}), true);`); return;
          case 's64': this.emit(`cx.dv.setBigInt64(${p}, toS64(${v}), true);`); return;
          case 'f32': this.emit(`cx.dv.setFloat32(${p}, toFloat(${v}), true);`); return;
          case 'f64': this.emit(`cx.dv.setFloat64(${p}, toFloat(${v}), true);`); return;
          case 'char': this.emit(`cx.dv.setUint32(${p}, toChar(${v}), true);`); return;
          case 'string': {
            const sp = this.bind(`SW(cx, ${v})`, 'p');
            this.emit(this.ptrStore(p, sp));
            this.emit(this.ptrStore(`${base} + ${off + this.ptrSize}`, 'cx.strLen', true));
            return;
          }
          case 'error-context': this.emit(`cx.dv.setUint32(${p}, handles.lowerErrorContext(${v}), true);`); return;
          default: throw new Error(`codegen: ${(s as { type: string }).type}`);
        }
      case 'record': {
        const r = this.bind(`objIn(${v}, ${q(s.tuple ? 'an array (tuple)' : 'an object (record)')})`, 'r');
        const offs = fieldOffsets(s.fields, this.o.addr);
        s.fields.forEach(([name, ft], i) => this.store(ft, this.bind(s.tuple ? `${r}[${i}]` : `${r}[${q(this.key(name))}]`), base, off + offs[i]));
        return;
      }
      case 'flags': {
        if (s.names.length === 0) return;
        this.emit(writeInt(flagsSize(s.names.length), p, this.bind(this.packFlags(s.names, v))));
        return;
      }
      case 'variant': {
        const d = this.tmp('d');
        const size = discriminantSize(s.cases.length);
        const payloadOff = off + alignTo(size, maxCaseAlignment(s.cases, this.o.addr));
        this.emit(`let ${d} = 0;`);
        this.caseSwitch(s.cases, s.as, t, v, (i, payload) => {
          this.emit(`${d} = ${i};`);
          const c = s.cases[i];
          if (c.type !== undefined && payload !== undefined) this.store(c.type, payload, base, payloadOff);
        });
        this.emit(writeInt(size, p, d));
        return;
      }
      case 'list': this.emit(`${this.k(compilePlan(t, this.o))}.store(cx, ${v}, ${p});`); return;
      case 'own': this.emit(`cx.dv.setUint32(${p}, handles.lowerOwn(${this.k(s.resource)}, ${v}, cx.scope), true);`); return;
      case 'borrow': this.emit(`cx.dv.setUint32(${p}, handles.lowerBorrow(${this.k(s.resource)}, ${v}, cx.scope), true);`); return;
      case 'stream': this.emit(`cx.dv.setUint32(${p}, handles.lowerStream(${this.k(s.type)}, ${v}), true);`); return;
      case 'future': this.emit(`cx.dv.setUint32(${p}, handles.lowerFuture(${this.k(s.type)}, ${v}), true);`); return;
    }
  }
}

function readInt(size: number, p: string): string {
  return size === 1 ? `cx.u8[${p}]` : size === 2 ? `cx.dv.getUint16(${p}, true)` : `cx.dv.getUint32(${p}, true)`;
}

function writeInt(size: number, p: string, x: string): string {
  return size === 1 ? `cx.u8[${p}] = ${x};` : size === 2 ? `cx.dv.setUint16(${p}, ${x}, true);` : `cx.dv.setUint32(${p}, ${x}, true);`;
}

/** `CoerceValueIter.next`: the slot's core type `have` read as the case's `want`. */
function coerceLift(have: Flat, want: Flat, x: string): string {
  if (have === want) return x;
  if (have === 'i32' && want === 'f32') return `i32ToF32(${x})`;
  if (have === 'i64' && want === 'i32') return `Number(BigInt.asIntN(32, ${x}))`;
  if (have === 'i64' && want === 'f32') return `i64ToF32(${x})`;
  if (have === 'i64' && want === 'f64') return `i64ToF64(${x})`;
  throw new Error(`codegen: no coercion from ${have} to ${want}`);
}

/** `lower_flat_variant`: the case's core type `have` written into a `want` slot. */
function coerceLower(have: Flat, want: Flat, x: string): string {
  if (have === want) return x;
  if (have === 'f32' && want === 'i32') return `f32ToI32(${x})`;
  if (have === 'i32' && want === 'i64') return `BigInt(${x} >>> 0)`;
  if (have === 'f32' && want === 'i64') return `f32ToI64(${x})`;
  if (have === 'f64' && want === 'i64') return `f64ToI64(${x})`;
  throw new Error(`codegen: no coercion from ${have} to ${want}`);
}

function isNestedOption(t: VT): boolean {
  const s = shapeOf(t);
  if (s.kind !== 'variant' || s.as !== 'option') return false;
  const inner = shapeOf(s.cases[1].type!);
  return inner.kind === 'variant' && inner.as === 'option';
}

const TYPED_NAMES: Partial<Record<string, string>> = {
  u8: 'Uint8Array', s8: 'Int8Array', u16: 'Uint16Array', s16: 'Int16Array', u32: 'Uint32Array', s32: 'Int32Array',
  u64: 'BigUint64Array', s64: 'BigInt64Array', f32: 'Float32Array', f64: 'Float64Array',
};

function typedName(element: VT): string | undefined {
  const s = shapeOf(element);
  return s.kind === 'prim' ? TYPED_NAMES[s.type] : undefined;
}

function checkFixed(v: unknown, length: number): ArrayLike<unknown> {
  if (!(Array.isArray(v) || ArrayBuffer.isView(v))) {
    if (typeof v === 'object' && v !== null && Symbol.iterator in v) v = Array.from(v as Iterable<unknown>);
    else throw new TypeError(`expected an array (list), got ${describe(v)}`);
  }
  const a = v as ArrayLike<unknown>;
  if (a.length !== length) throw new TypeError(`expected a list of exactly ${length} elements, got ${a.length}`);
  return a;
}

function factory(g: Gen, params: string, body: string): Factory {
  const consts = g.consts.map((_, i) => `K${i} = K[${i}]`);
  const src = `"use strict";
const { ${HELPER_NAMES.join(', ')} } = H;
${consts.length ? `const ${consts.join(', ')};` : ''}
return function adapter(cx, target, handles, postReturn) {
  return function (${params}) {
${body}
  };
};`;
  let outer = compiled.get(src);
  if (outer === undefined) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    outer = new Function('H', 'K', 'SL', 'SW', src) as Outer;
    compiled.set(src, outer);
  }
  return outer(HELPERS, g.consts, stringLift(g.o.encoding), stringLower(g.o.encoding));
}

type Outer = (h: typeof HELPERS, k: unknown[], sl: unknown, sw: unknown) => Factory;

/**
 * Compiled sources, shared by every function type of the same structure: the source names
 * resource types and list plans by index (K0, K1, ...), so compiling a component again (new
 * type objects, the same types) costs only the string building, not `new Function` (~60 µs
 * an adapter). Bounded: cleared when full.
 */
const compiled = new Map<string, Outer>();
const MAX_COMPILED = 2000;

/** The source and factory of the `canon lift` adapter of a compiled function type. */
export function generateLift(plan: FuncPlan, o: PlanOptions, paramTypes: readonly VT[], resultType: VT | undefined): Factory {
  const g = new Gen(o);
  const args = paramTypes.map((_, i) => `a${i}`);
  const strings = plan.paramsHaveStrings || plan.resultHasStrings;
  if (plan.paramsUseMemory || plan.resultUsesMemory) g.emit('if (cx.u8.length === 0) cx.refresh();');
  if (plan.resultHasStrings) g.emit('const want = HO.wantResults; HO.wantResults = false;');
  if (plan.paramsHaveStrings) g.emit('cx.hints = HO.params; HO.params = undefined;');
  else if (strings) g.emit('cx.hints = undefined;');
  if (plan.handles) g.emit('const saved = cx.scope; const scope = handles.beginCall(); cx.scope = scope;');
  let flat: string[];
  if (plan.spillParams) {
    const p = g.bind(`cx.alloc(${plan.tupleAlign}, ${plan.tupleSize}, 'pointer out of bounds of memory')`, 'sp');
    paramTypes.forEach((t, i) => g.store(t, args[i], p, plan.memOffsets[i]));
    flat = [g.ptrOut(p)];
  } else {
    flat = paramTypes.flatMap((t, i) => g.lowerFlat(t, args[i]));
  }
  if (plan.paramsHaveStrings) g.emit('cx.hints = undefined;');
  const hasResult = resultType !== undefined;
  g.emit(`${hasResult ? 'const ret = ' : ''}target(${flat.join(', ')});`);
  let value = 'undefined';
  if (resultType !== undefined) {
    if (plan.paramsUseMemory || plan.resultUsesMemory) g.emit('if (cx.u8.length === 0) cx.refresh();');
    if (plan.resultHasStrings) g.emit('if (want) cx.hints = new HintLog();');
    if (plan.spillResult) {
      g.emit(`const rp = ${g.ptrIn('ret')};`);
      g.emit(`cx.checkPtr(rp, ${plan.result!.align}, ${plan.result!.size});`);
      value = g.load(resultType, 'rp', 0);
    } else {
      value = g.liftFlat(resultType, ['ret']);
    }
    if (plan.resultHasStrings) g.emit('if (want) HO.results = cx.hints; cx.hints = undefined;');
  }
  if (plan.handles) g.emit('handles.endCall(scope); cx.scope = saved;');
  const result = g.bind(value, 'res');
  if (hasResult) g.emit('if (postReturn !== undefined) postReturn(ret);');
  else g.emit('if (postReturn !== undefined) postReturn();');
  if (plan.throws) {
    g.emit(`if (${result}.tag === 'ok') return ${result}.val;`);
    g.emit(`throw new ComponentError(${result}.val);`);
  } else {
    g.emit(`return ${result};`);
  }
  return factory(g, args.join(', '), g.lines.join('\n'));
}

/** The factory of the `canon lower` adapter of a compiled function type. */
export function generateLower(plan: FuncPlan, o: PlanOptions, paramTypes: readonly VT[], resultType: VT | undefined): Factory {
  const g = new Gen(o);
  const nflat = plan.spillParams ? 1 : plan.flatParams.length;
  const flatArgs = Array.from({ length: nflat + (plan.spillResult ? 1 : 0) }, (_, i) => `f${i}`);
  const strings = plan.paramsHaveStrings || plan.resultHasStrings;
  const paramHints = plan.paramsHaveStrings && o.encoding !== 'utf16';
  if (plan.paramsUseMemory || plan.resultUsesMemory) g.emit('if (cx.u8.length === 0) cx.refresh();');
  if (plan.handles) g.emit('const saved = cx.scope; const scope = handles.beginCall(); cx.scope = scope;');
  if (paramHints) g.emit('const log = new HintLog(); cx.hints = log;');
  else if (strings) g.emit('cx.hints = undefined;');
  let args: string[];
  if (plan.spillParams) {
    g.emit(`const ap = ${g.ptrIn('f0')};`);
    g.emit(`cx.checkPtr(ap, ${plan.tupleAlign}, ${plan.tupleSize});`);
    args = paramTypes.map((t, i) => g.bind(g.load(t, 'ap', plan.memOffsets[i]), 'a'));
  } else {
    args = paramTypes.map((t, i) => {
      const at = plan.flatOffsets[i];
      return g.bind(g.liftFlat(t, flatArgs.slice(at, at + flatten(t, o.addr).length)), 'a');
    });
  }
  if (paramHints) g.emit('cx.hints = undefined;');
  const call = `target(${args.join(', ')})`;
  g.emit('let value;');
  if (strings) {
    g.emit(`HO.params = ${paramHints ? 'log' : 'undefined'}; HO.wantResults = ${plan.resultHasStrings}; HO.results = undefined;`);
    g.emit('try {');
  }
  if (plan.throws) {
    g.emit(`try { value = { tag: 'ok', val: ${call} }; } catch (e) { if (errPayload(e)) value = { tag: 'err', val: e.payload }; else throw e; }`);
  } else {
    g.emit(`value = ${call};`);
  }
  if (strings) {
    g.emit('} finally { HO.params = undefined; HO.wantResults = false; }');
    g.emit('cx.hints = HO.results; HO.results = undefined;');
  }
  if (plan.paramsUseMemory || plan.resultUsesMemory) g.emit('if (cx.u8.length === 0) cx.refresh();');
  if (plan.handles) g.emit('cx.scope = scope;');
  let ret: string | undefined;
  if (resultType !== undefined) {
    if (plan.spillResult) {
      g.emit(`const rp = ${g.ptrIn(`f${nflat}`)};`);
      g.emit(`cx.checkPtr(rp, ${plan.result!.align}, ${plan.result!.size});`);
      g.store(resultType, 'value', 'rp', 0);
    } else {
      ret = g.lowerFlat(resultType, 'value')[0];
    }
  }
  if (strings) g.emit('cx.hints = undefined;');
  if (plan.handles) g.emit('handles.endCall(scope); cx.scope = saved;');
  if (ret !== undefined) g.emit(`return ${ret};`);
  return factory(g, flatArgs.join(', '), g.lines.join('\n'));
}

