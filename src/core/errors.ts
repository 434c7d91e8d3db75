// Every error Tessera throws for bad input. One class per phase, as in the spec's reference
// interpreter. A message starts with the spec's phrase ("unexpected end", "type mismatch",
// ...) so the spec runner can match by prefix; details follow a colon.

/** Malformed binary: `offset` is the absolute byte offset in the input. */
export class DecodeError extends Error {
  readonly offset: number;
  /** The message without its location, starting with the spec's phrase. */
  readonly phrase: string;
  constructor(message: string, offset: number) {
    super(`${message} (at byte 0x${offset.toString(16)})`);
    this.name = 'DecodeError';
    this.offset = offset;
    this.phrase = message;
  }
}

/** Malformed text: `line` and `column` are 1-based. */
export class ParseError extends Error {
  readonly line: number;
  readonly column: number;
  readonly phrase: string;
  constructor(message: string, line: number, column: number) {
    super(`${message} (at ${line}:${column})`);
    this.name = 'ParseError';
    this.line = line;
    this.column = column;
    this.phrase = message;
  }
}

/**
 * Invalid module: `offset` is the byte offset of the offending item, when known. An item
 * read from text may carry its `line` and `column` instead (component validation does).
 */
export class ValidationError extends Error {
  readonly offset: number | undefined;
  readonly phrase: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(message: string, offset?: number, position?: { line: number; column: number }) {
    super(offset !== undefined ? `${message} (at byte 0x${offset.toString(16)})`
      : position !== undefined ? `${message} (at ${position.line}:${position.column})` : message);
    this.name = 'ValidationError';
    this.offset = offset;
    this.phrase = message;
    this.line = position?.line;
    this.column = position?.column;
  }
}

/** Instantiation could not resolve or match an import. */
export class LinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkError';
  }
}

/** The kinds of trap, named after the spec's messages. */
export type TrapKind =
  | 'unreachable'
  | 'integer divide by zero'
  | 'integer overflow'
  | 'invalid conversion to integer'
  | 'out of bounds memory access'
  | 'out of bounds table access'
  | 'undefined element'
  | 'uninitialized element'
  | 'indirect call type mismatch'
  | 'null reference'
  | 'cast failure'
  | 'out of bounds array access'
  | 'call stack exhausted'
  | 'unaligned atomic'
  // The Canonical ABI's (CanonicalABI.md `trap_if`), worded as wasmtime words them, which is
  // what the component-model tests match.
  | 'unaligned pointer'
  | 'pointer out of bounds of memory'
  | 'string content out-of-bounds'
  | 'list content out-of-bounds'
  | 'invalid variant discriminant'
  | 'invalid `char` bit pattern'
  | 'invalid utf-8'
  | 'incomplete utf-8 byte sequence'
  | 'invalid utf-16'
  // Resources, handle tables and instance flags (CanonicalABI.md "Handle Tables", "canon
  // resource.drop", "Component Instances"), worded as wasmtime words them.
  | 'unknown handle index'
  | 'handle used with the wrong type'
  | 'cannot remove owned resource while borrowed'
  | 'cannot lift own resource from a borrow'
  | 'borrow handles still remain at the end of the call'
  | 'cannot leave component instance'
  | 'cannot enter component instance'
  // 🔀 The async ABI (CanonicalABI.md, Concurrency.md), worded as wasmtime words them; the
  // last four name a family, the message says which rule.
  | 'cannot block a synchronous task before returning'
  | 'deadlock detected: event loop cannot make further progress'
  | 'async-lifted export failed to produce a result'
  | 'unsupported callback code'
  | 'waitable cannot be used synchronously while added to a waitable set'
  | 'invalid task operation'
  | 'invalid waitable operation'
  | 'invalid stream or future operation'
  | 'invalid thread operation'
  // A host stopped a guest that ran past its deadline (wasmtime's epoch interruption says
  // "interrupt"; `tessera serve`, src/serve/instrument.ts).
  | 'interrupt';

export class Trap extends Error {
  readonly kind: TrapKind;
  constructor(kind: TrapKind, detail?: string) {
    super(detail ? `${kind}: ${detail}` : kind);
    this.name = 'Trap';
    this.kind = kind;
  }
}

/**
 * A Canonical ABI trap whose wording carries a value inside the phrase, as wasmtime's does
 * ("unknown handle index 5", "handle index 1 used with the wrong type, expected ..."): the
 * message is given whole, `kind` still names the rule.
 */
export class ComponentTrap extends Trap {
  constructor(kind: TrapKind, message: string) {
    super(kind);
    this.message = message;
  }
}

/**
 * 🔀 A trap that happened in a callee started on its own JSPI stack (src/component/async): the
 * engine reports it by rejecting the stack's promise, so the caller learns of it before its
 * message. It is thrown into the caller, which unwinds and is poisoned like any trapping
 * caller; `trap` settles with the callee's real trap.
 */
export class CalleeTrap extends Trap {
  readonly trap: Promise<unknown>;
  constructor(trap: Promise<unknown>) {
    super('unreachable');
    this.message = 'a callee running on its own stack trapped (its trap follows in `trap`)';
    this.trap = trap;
  }
}

/**
 * The `err` case of a component function's `result` (Explainer.md, "Value types"): thrown by a
 * lifted export whose result is `result<T, E>` (jco's convention), and thrown by host import
 * implementations to return `err`. `payload` is the error value, in its JavaScript shape.
 */
export class ComponentError extends Error {
  readonly payload: unknown;
  constructor(payload: unknown) {
    super(`component returned an error: ${describePayload(payload)}`);
    this.name = 'ComponentError';
    this.payload = payload;
  }
}

function describePayload(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return '(no payload)';
  try {
    return JSON.stringify(v, (_k, x: unknown) => typeof x === 'bigint' ? `${x}n` : x) ?? String(v);
  } catch {
    return String(v);
  }
}

// The runtime's own: a WebAssembly exception no handler caught, and a module the engine
// refused although Tessera found it valid (an implementation limit, a missing feature).

/** A WebAssembly exception escaped to the host. */
export class UncaughtException extends Error {
  /** The engine's exception object (a `WebAssembly.Exception` on the native tier). */
  readonly exception: unknown;
  constructor(exception: unknown) {
    super('uncaught exception');
    this.name = 'UncaughtException';
    this.exception = exception;
  }
}

/** The engine refused a module or an instantiation that WebAssembly allows. */
export class EngineError extends Error {
  readonly engine: string;
  constructor(engine: string, message: string) {
    super(`${engine}: ${message}`);
    this.name = 'EngineError';
    this.engine = engine;
  }
}

/**
 * A WASI guest asked to exit (preview1 `proc_exit`, 0.2 `wasi:cli/exit`): thrown through the
 * guest's stack, so the guest stops there, and turned into an exit status by whoever started
 * it. The host process itself keeps running.
 */
export class WasiExit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.name = 'WasiExit';
    this.code = code;
  }
}
