// Traps: the one table from the host engine's error messages to the spec's trap kinds
// (https://webassembly.github.io/spec/core/exec/runtime.html, "trap"; the phrases are the
// reference interpreter's). V8's messages were found by experiment (see traps.test.ts,
// which triggers each one); some of them stand for two spec kinds the engine does not tell
// apart, so a native trap carries every kind its message may mean.
import { LinkError, Trap, type TrapKind } from '../core/errors.ts';
import { UncaughtException } from '../core/errors.ts';

interface EngineMessage {
  /** Matched against the message without V8's `WebAssembly.Instance(): ` prefix. */
  readonly pattern: RegExp;
  /** The most likely kind first. */
  readonly kinds: readonly TrapKind[];
}

/** V8's RuntimeError messages (V8 13.6, Node 24). */
const V8_MESSAGES: readonly EngineMessage[] = [
  { pattern: /^unreachable$/, kinds: ['unreachable'] },
  { pattern: /^(divide|remainder) by zero$/, kinds: ['integer divide by zero'] },
  { pattern: /^divide result unrepresentable$/, kinds: ['integer overflow'] },
  // NaN and out-of-range conversions share one message.
  { pattern: /^float unrepresentable in integer range$/, kinds: ['invalid conversion to integer', 'integer overflow'] },
  { pattern: /^memory access out of bounds$/, kinds: ['out of bounds memory access'] },
  { pattern: /^data segment( \d+)? (is )?out of bounds/, kinds: ['out of bounds memory access'] },
  // call_indirect past the table's end and table.get/set/init/copy/fill out of range.
  { pattern: /^table index is out of bounds$/, kinds: ['out of bounds table access', 'undefined element'] },
  { pattern: /^element segment( \d+)? (is )?out of bounds/, kinds: ['out of bounds table access'] },
  // call_indirect on a null entry and on a function of the wrong type.
  { pattern: /^null function or function signature mismatch$/, kinds: ['uninitialized element', 'indirect call type mismatch'] },
  { pattern: /^dereferencing a null pointer$/, kinds: ['null reference'] },
  { pattern: /^rethrowing null value$/, kinds: ['null reference'] },
  { pattern: /^illegal cast$/, kinds: ['cast failure'] },
  { pattern: /^array element access out of bounds$/, kinds: ['out of bounds array access'] },
  { pattern: /^requested new array is too large$/, kinds: ['out of bounds array access'] },
  { pattern: /^operation does not support unaligned accesses$/, kinds: ['unaligned atomic'] },
];

/** A trap raised by the host engine, with every kind its message may stand for. */
export class NativeTrap extends Trap {
  readonly kinds: readonly TrapKind[];
  /** The engine's own message. */
  readonly engineMessage: string;
  constructor(kinds: readonly TrapKind[], engineMessage: string) {
    super(kinds[0], engineMessage);
    this.kinds = kinds;
    this.engineMessage = engineMessage;
  }
}

/** True if the trap may be of `kind` (a native trap may stand for more than one). */
export function trapMayBe(trap: Trap, kind: TrapKind): boolean {
  return trap instanceof NativeTrap ? trap.kinds.includes(kind) : trap.kind === kind;
}

const PREFIX = /^WebAssembly\.\w+\(\): /;

/**
 * The Trap for an error the engine threw while running WebAssembly code, or undefined if the
 * error is not a trap (a JS exception from a host function, an uncaught wasm exception).
 */
export function trapFromEngine(e: unknown): Trap | undefined {
  if (e instanceof WebAssembly.RuntimeError) {
    const message = e.message.replace(PREFIX, '');
    for (const m of V8_MESSAGES) if (m.pattern.test(message)) return new NativeTrap(m.kinds, message);
    return undefined;
  }
  // V8 reports stack overflow as a JS RangeError; so do other engines ("too much recursion"
  // is Firefox's InternalError).
  if (e instanceof RangeError && /call stack size exceeded|too much recursion/i.test(e.message)) {
    return new NativeTrap(['call stack exhausted'], e.message);
  }
  return undefined;
}

/**
 * The trap kind a spec script's expected message names. The reference interpreter words some
 * kinds more precisely than the trap kinds distinguish ("null function reference", "null
 * structure reference", ...); the message starts with the kind's phrase or names a variant.
 */
export function trapKindOfMessage(message: string): TrapKind | undefined {
  for (const [variant, kind] of VARIANTS) if (message.startsWith(variant)) return kind;
  for (const kind of TRAP_KINDS) if (message.startsWith(kind)) return kind;
  return undefined;
}

const TRAP_KINDS: readonly TrapKind[] = [
  'unreachable', 'integer divide by zero', 'integer overflow', 'invalid conversion to integer',
  'out of bounds memory access', 'out of bounds table access', 'undefined element',
  'uninitialized element', 'indirect call type mismatch', 'null reference', 'cast failure',
  'out of bounds array access', 'call stack exhausted', 'unaligned atomic',
];

const VARIANTS: readonly (readonly [string, TrapKind])[] = [
  ['null function reference', 'null reference'],
  ['null structure reference', 'null reference'],
  ['null array reference', 'null reference'],
  ['null i31 reference', 'null reference'],
  ['null exception reference', 'null reference'],
];

/**
 * An error thrown out of WebAssembly code (or instantiation) as Tessera's own: Trap,
 * UncaughtException, LinkError; anything else (a host function's exception) unchanged.
 */
export function translateError(e: unknown): unknown {
  const trap = trapFromEngine(e);
  if (trap) return trap;
  if (e instanceof WebAssembly.Exception) return new UncaughtException(e);
  if (e instanceof WebAssembly.LinkError) return new LinkError(e.message);
  return e;
}
