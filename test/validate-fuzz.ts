// Differential fuzzing of the validator against V8: mutate valid modules (flip, overwrite,
// insert, delete bytes) and require that `validateModule` and `WebAssembly.validate` agree on
// each result. Used by a bounded test and by `scripts/fuzz-validate.ts` for long runs.
// Disagreements where V8 is the one that departs from the spec are classified by
// `v8Departure`, each with the evidence, and reported separately rather than as failures.
import { validateModule } from '../src/validate/module.ts';
import { DecodeError, ValidationError } from '../src/core/errors.ts';
import { decodeModule } from '../src/binary/decode.ts';
import type { Module } from '../src/core/ast.ts';

export interface Seed {
  readonly name: string;
  readonly bytes: Uint8Array<ArrayBuffer>;
}

export interface Disagreement {
  readonly seed: string;
  readonly iteration: number;
  readonly tessera: string;
  readonly v8: boolean;
  readonly bytes: Uint8Array<ArrayBuffer>;
}

export interface FuzzReport {
  readonly iterations: number;
  readonly agreed: number;
  /** Mutants both judged valid. */
  readonly bothValid: number;
  readonly disagreements: Disagreement[];
  /** Disagreements explained by a V8 departure, by reason. */
  readonly v8Departures: Map<string, number>;
}

/** A small deterministic PRNG (mulberry32), so a failing iteration can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One to three random edits, never touching the 8-byte header (that only tests the magic). */
export function mutate(bytes: Uint8Array, random: () => number): Uint8Array<ArrayBuffer> {
  let out = Uint8Array.from(bytes);
  const edits = 1 + Math.floor(random() * 3);
  for (let k = 0; k < edits; k++) {
    if (out.length <= 8) break;
    const at = 8 + Math.floor(random() * (out.length - 8));
    const byte = Math.floor(random() * 256);
    switch (Math.floor(random() * 5)) {
      case 0: out[at] ^= 1 << Math.floor(random() * 8); break;
      case 1: out[at] = byte; break;
      case 2: out[at] = random() < 0.5 ? out[at] + 1 : out[at] - 1; break;
      case 3: {
        const grown = new Uint8Array(out.length + 1);
        grown.set(out.subarray(0, at));
        grown[at] = byte;
        grown.set(out.subarray(at), at + 1);
        out = grown;
        break;
      }
      case 4: out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + 1)]); break;
    }
  }
  return out;
}

/** Tessera's verdict: 'valid', or the error; anything but a Decode/ValidationError is a crash. */
export function tesseraVerdict(bytes: Uint8Array): string {
  try {
    validateModule(bytes);
    return 'valid';
  } catch (e) {
    if (e instanceof DecodeError || e instanceof ValidationError) return e.message;
    throw e;
  }
}

/**
 * Known departures of V8 (Node 24) from the spec that a mutant can hit, with the evidence
 * checked on the module: V8's implementation limits (https://github.com/v8/v8/blob/main/src/wasm/wasm-limits.h)
 * reject modules the spec accepts, and V8 lacks some proposals Tessera validates.
 */
export function v8Departure(bytes: Uint8Array, tessera: string, v8: boolean): string | undefined {
  // V8 lets br_on_non_null target a label without results; the spec requires the label's
  // last type to be a reference (SpiderMonkey agrees: "target block type expected to be [_, ref]").
  if (v8 && tessera.startsWith('type mismatch: br_on_non_null needs a label')) return 'V8 accepts br_on_non_null to a label of arity 0';
  // In unreachable code V8 does not check ref.eq's operands: `unreachable i32.const 0 ref.eq`
  // passes V8 though an i32 is not an eqref (reachable, V8 rejects the same operands).
  const at = /\(at byte 0x([0-9a-f]+)\)$/.exec(tessera);
  if (v8 && at && bytes[parseInt(at[1], 16)] === 0xd3 && tessera.includes('(ref null eq)')) return 'V8 skips ref.eq operand checks in unreachable code';
  // `unreachable ref.as_non_null f32.nearest`: the spec's algorithm (appendix, pop_ref)
  // turns the unknown operand into (ref bot), which is no f32; V8 keeps it unknown.
  if (v8 && tessera.includes('but stack has [(ref bot)]')) return 'V8 keeps a popped unknown reference unknown (spec: (ref bot))';
  // An element segment's type is a `reftype` in the binary grammar (elem ::= 5:u32 et:reftype
  // ...), so a number type there is malformed; V8 reads any value type and, with no items,
  // never notices (found with seed 7).
  const typeAt = /\(at byte 0x([0-9a-f]+)\)$/.exec(tessera);
  const numType = typeAt !== null && bytes[parseInt(typeAt[1], 16)] >= 0x7b && bytes[parseInt(typeAt[1], 16)] <= 0x7f;
  if (v8 && numType && tessera.startsWith('malformed reference type')) return 'V8 reads a value type where an element segment needs a reference type';
  if (v8 || tessera !== 'valid') return undefined;
  let m: Module;
  try {
    m = decodeModule(bytes);
  } catch {
    return undefined;
  }
  const big = (x: number | bigint | undefined, limit: number) => x !== undefined && BigInt(x) > BigInt(limit);
  const memories = [...m.memories.map((x) => x.type), ...m.imports.flatMap((i) => (i.desc.kind === 'memory' ? [i.desc.type] : []))];
  const tables = [...m.tables.map((x) => x.type), ...m.imports.flatMap((i) => (i.desc.kind === 'table' ? [i.desc.type] : []))];
  if (memories.some((t) => t.pageSizeLog2 !== undefined)) return 'V8 lacks custom-page-sizes';
  if (memories.some((t) => t.addr === 'i64' && (big(t.limits.min, 262144) || big(t.limits.max, 262144)))) return 'V8 limit: memory64 pages';
  if (memories.some((t) => t.addr === 'i32' && t.shared && big(t.limits.max, 65536))) return 'V8 limit: shared memory pages';
  if (tables.some((t) => big(t.limits.min, 10_000_000))) return 'V8 limit: initial table size';
  if (tables.some((t) => t.addr === 'i64')) return 'V8 limit: table64';
  if (m.datas.length > 100_000 || m.elems.length > 10_000_000) return 'V8 limit: segments';
  if (m.imports.length > 100_000 || m.exports.length > 100_000) return 'V8 limit: imports/exports';
  if (m.types.reduce((n, g) => n + g.types.length, 0) > 1_000_000) return 'V8 limit: types';
  if (m.funcs.some((f) => f.locals.some((l) => l.count > 50_000))) return 'V8 limit: locals';
  for (const f of m.funcs) for (const i of f.body) if (i.op === 'array.new_fixed' && i.length > 10_000) return 'V8 limit: array.new_fixed';
  for (const f of m.funcs) {
    for (const i of f.body) {
      if (i.op.startsWith('i64.add128') || i.op.startsWith('i64.sub128') || i.op.startsWith('i64.mul_wide')) return 'V8 lacks wide-arithmetic';
    }
  }
  return undefined;
}

export function fuzz(seeds: readonly Seed[], iterations: number, seed = 1): FuzzReport {
  const random = rng(seed);
  const disagreements: Disagreement[] = [];
  const v8Departures = new Map<string, number>();
  let agreed = 0;
  let bothValid = 0;
  for (let n = 0; n < iterations; n++) {
    const s = seeds[Math.floor(random() * seeds.length)];
    const bytes = mutate(s.bytes, random);
    const tessera = tesseraVerdict(bytes);
    const v8 = WebAssembly.validate(bytes);
    if ((tessera === 'valid') === v8) {
      agreed++;
      if (v8) bothValid++;
      continue;
    }
    const departure = v8Departure(bytes, tessera, v8);
    if (departure) v8Departures.set(departure, (v8Departures.get(departure) ?? 0) + 1);
    else disagreements.push({ seed: s.name, iteration: n, tessera, v8, bytes });
  }
  return { iterations, agreed, bothValid, disagreements, v8Departures };
}
