// Result patterns of `assert_return` (WebAssembly/spec interpreter/README.md, "Scripts":
// `result ::= (<num_type>.const <num_pat>) | (v128.const <shape> <num_pat>+) | (ref.<kind> ...)
// | (either <result>+)`). Numbers compare bit for bit: +0 is not -0, and a NaN matches only
// the same payload unless the pattern is `nan:canonical` (the sign is free, the payload is
// exactly the quiet bit) or `nan:arithmetic` (the quiet bit is set, the rest is free)
// (https://webassembly.github.io/spec/core/exec/numerics.html#nan-propagation).
import { formatValue, HostRef, type Value, WasmRef } from '../runtime/values.ts';
import type { NanPattern, ResultPattern } from '../text/wast.ts';

type LaneShape = 'i8x16' | 'i16x8' | 'i32x4' | 'i64x2' | 'f32x4' | 'f64x2';

const F32_QUIET = 0x00400000;
const F32_EXP = 0x7f800000;
const F64_QUIET = 0x0008000000000000n;
const F64_EXP = 0x7ff0000000000000n;

function f32Matches(bits: number, p: number | NanPattern): boolean {
  if (p === 'nan:canonical') return (bits & 0x7fffffff) === (F32_EXP | F32_QUIET);
  if (p === 'nan:arithmetic') return (bits & (F32_EXP | F32_QUIET)) === (F32_EXP | F32_QUIET);
  return bits === p >>> 0;
}

function f64Matches(bits: bigint, p: bigint | NanPattern): boolean {
  if (p === 'nan:canonical') return (bits & 0x7fffffffffffffffn) === (F64_EXP | F64_QUIET);
  if (p === 'nan:arithmetic') return (bits & (F64_EXP | F64_QUIET)) === (F64_EXP | F64_QUIET);
  return bits === BigInt.asUintN(64, p);
}

const LANE_BYTES: Readonly<Record<LaneShape, number>> = { i8x16: 1, i16x8: 2, i32x4: 4, i64x2: 8, f32x4: 4, f64x2: 8 };

function laneMatches(view: DataView, shape: LaneShape, k: number, p: number | bigint | NanPattern): boolean {
  const at = k * LANE_BYTES[shape];
  switch (shape) {
    case 'i8x16': return view.getUint8(at) === (Number(p) & 0xff);
    case 'i16x8': return view.getUint16(at, true) === (Number(p) & 0xffff);
    case 'i32x4': return view.getUint32(at, true) === Number(p) >>> 0;
    case 'i64x2': return typeof p !== 'string' && view.getBigUint64(at, true) === BigInt.asUintN(64, BigInt(p));
    case 'f32x4': return f32Matches(view.getUint32(at, true), typeof p === 'bigint' ? Number(p) : p);
    case 'f64x2': return f64Matches(view.getBigUint64(at, true), typeof p === 'number' ? BigInt(p) : p);
  }
}

/**
 * A reference pattern: `ref.null` (of any type: results are typed by the function already),
 * or a non-null reference of a kind. Host references are the embedder's; `ref.extern` without
 * a number is any non-null external reference, host or externalised.
 */
function refMatches(v: Value, kind: string, id: number | undefined): boolean {
  if (v.type !== 'ref') return false;
  const r = v.ref;
  if (kind === 'null') return r === null;
  if (r === null) return false;
  switch (kind) {
    case 'extern':
      if (id !== undefined) return r instanceof HostRef && r.id === id;
      return true;
    case 'host':
      return r instanceof HostRef && (id === undefined || r.id === id);
    case 'any':
      return true;
    case 'eq':
      return r instanceof WasmRef && (r.kind === 'i31' || r.kind === 'struct' || r.kind === 'array');
    case 'func':
      // `(ref.func n)` names a function the runner cannot identify across the JS API.
      return r instanceof WasmRef && r.kind === 'func';
    default:
      return r instanceof WasmRef && r.kind === kind;
  }
}

/** True if `v` matches `p`. */
export function matches(v: Value, p: ResultPattern): boolean {
  switch (p.type) {
    case 'either': return p.options.some((o) => matches(v, o));
    case 'i32': return v.type === 'i32' && v.value === (p.value | 0);
    case 'i64': return v.type === 'i64' && v.value === BigInt.asIntN(64, p.value);
    case 'f32': return v.type === 'f32' && f32Matches(v.bits, 'nan' in p ? p.nan : p.bits);
    case 'f64': return v.type === 'f64' && f64Matches(v.bits, 'nan' in p ? p.nan : p.bits);
    case 'v128': {
      if (v.type !== 'v128') return false;
      const view = new DataView(v.bytes.buffer, v.bytes.byteOffset, 16);
      return p.lanes.every((lane, k) => laneMatches(view, p.shape, k, lane));
    }
    case 'ref.null': return refMatches(v, 'null', undefined);
    case 'ref': return refMatches(v, p.kind, p.value);
  }
}

/** Matches a whole result list; returns a description of the first difference, if any. */
export function resultsMismatch(values: readonly Value[], patterns: readonly ResultPattern[]): string | undefined {
  if (values.length !== patterns.length) {
    return `expected ${patterns.length} results, got ${values.length}: ${values.map(formatValue).join(', ')}`;
  }
  for (let i = 0; i < values.length; i++) {
    if (!matches(values[i], patterns[i])) {
      return `result ${i}: expected ${formatPattern(patterns[i])}, got ${formatValue(values[i])}`;
    }
  }
  return undefined;
}

export function formatPattern(p: ResultPattern): string {
  switch (p.type) {
    case 'either': return `either(${p.options.map(formatPattern).join(' | ')})`;
    case 'i32': case 'i64': return `${p.type}:${p.value}`;
    case 'f32': return 'nan' in p ? `f32:${p.nan}` : `f32:0x${(p.bits >>> 0).toString(16).padStart(8, '0')}`;
    case 'f64': return 'nan' in p ? `f64:${p.nan}` : `f64:0x${BigInt.asUintN(64, p.bits).toString(16).padStart(16, '0')}`;
    case 'v128': return `v128:${p.shape} ${p.lanes.map((l) => (typeof l === 'string' ? l : `0x${l.toString(16)}`)).join(' ')}`;
    case 'ref.null': return p.heap === undefined ? 'ref.null' : `ref.null ${p.heap}`;
    case 'ref': return p.value === undefined ? `ref.${p.kind}` : `ref.${p.kind} ${p.value}`;
  }
}
