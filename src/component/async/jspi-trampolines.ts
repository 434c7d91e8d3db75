// 🔀 Small wasm modules that let core code block (JSPI: WebAssembly.Suspending and
// WebAssembly.promising, src/runtime/jspi.ts). Two facts of V8's JSPI shape them: a stack can
// only be suspended through wasm frames (a JavaScript frame between `promising` and the
// `Suspending` import throws "trying to suspend JS frames"), and a Suspending import suspends
// on every call, even when it returns a plain value.
//
// So every core function that may block, a built-in like `waitable-set.wait` or a synchronous
// `canon lower` of an async function, is imported by the guest as a wasm trampoline: it calls
// the built-in's JavaScript `try` (a plain import, no suspension); only if that asked to block
// (a flag in a shared global) does it call the Suspending `block`, and once woken, `finish`,
// which yields the result (or asks to block again). And every thread's core code runs from an
// entry trampoline through `promising`, which calls the core function and hands its results to
// `done`, so the caller learns synchronously whether the core function returned or blocked.
// Modules are compiled once per core signature.
import { encodeModule } from '../../binary/encode.ts';
import { jspiSupported, promising, suspending } from '../../runtime/jspi.ts';
import { parseWat } from '../../text/parse.ts';

export type CoreType = 'i32' | 'i64' | 'f32' | 'f64';
type Core = number | bigint;
type AnyFn = (...args: never[]) => unknown;

/** Returned by a blocking built-in's `try` after it arranged for its thread to block. */
export const BLOCK: unique symbol = Symbol('tessera.block');
export type MaybeBlock<R> = R | typeof BLOCK;

/** Set by `requestBlock`, read and cleared by the trampoline. */
const blockedFlag = new WebAssembly.Global({ value: 'i32', mutable: true }, 0);

export function requestBlock(): typeof BLOCK {
  blockedFlag.value = 1;
  return BLOCK;
}

/** What the shared imports call back into (thread.ts). */
export interface StackHooks {
  /** The running thread suspends: a promise settled when it is woken. */
  block(): Promise<void>;
  /** The woken thread continues: the built-in's result (or BLOCK to block again). */
  finish(): unknown;
  /** A thread's core function returned these results. */
  done(results: Core[]): void;
}

let hooks: StackHooks | undefined;

export function setStackHooks(h: StackHooks): void {
  hooks = h;
}

const modules = new Map<string, WebAssembly.Module>();

function compile(key: string, wat: () => string): WebAssembly.Module {
  let m = modules.get(key);
  if (m === undefined) {
    m = new WebAssembly.Module(encodeModule(parseWat(wat())));
    modules.set(key, m);
  }
  return m;
}

function sigText(params: readonly CoreType[], results: readonly CoreType[]): string {
  return `${params.length ? `(param ${params.join(' ')})` : ''} ${results.length ? `(result ${results.join(' ')})` : ''}`;
}

function localGets(n: number): string {
  return Array.from({ length: n }, (_, i) => `(local.get ${i})`).join(' ');
}

function zero(t: CoreType): Core {
  return t === 'i64' ? 0n : 0;
}

let suspendingBlock: WebAssembly.ImportValue | undefined;

function blockImport(): WebAssembly.ImportValue {
  suspendingBlock ??= suspending(() => hooks!.block());
  return suspendingBlock;
}

/**
 * A core function for a built-in that may block: `attempt` runs with the core arguments and
 * returns the core result, or BLOCK (after `requestBlock` and arranging the thread's wake-up).
 * Without JSPI, `attempt` is the import itself (and must never block).
 */
export function blockingImport(attempt: (...args: Core[]) => unknown, params: readonly CoreType[], results: readonly CoreType[]): (...args: unknown[]) => unknown {
  if (results.length > 1) throw new Error('internal: a blocking built-in has at most one result');
  const dummy = results.length === 0 ? undefined : zero(results[0]);
  const attemptOrDummy = (...args: Core[]): unknown => {
    const r = attempt(...args);
    return r === BLOCK ? dummy : r;
  };
  if (!jspiSupported) return attemptOrDummy as (...args: unknown[]) => unknown;
  const finish = (): unknown => {
    const r = hooks!.finish();
    return r === BLOCK ? dummy : r;
  };
  const key = `block|${params.join(',')}|${results.join(',')}`;
  const m = compile(key, () => {
    const r = results[0];
    const call = `(call $try ${localGets(params.length)})`;
    return `(module
      (import "t" "try" (func $try ${sigText(params, results)}))
      (import "t" "block" (func $block))
      (import "t" "finish" (func $finish ${sigText([], results)}))
      (import "t" "blocked" (global $blocked (mut i32)))
      (func (export "f") ${sigText(params, results)}
        ${r === undefined ? '' : `(local $r ${r})`}
        ${r === undefined ? call : `(local.set $r ${call})`}
        (block $done (loop $again
          (br_if $done (i32.eqz (global.get $blocked)))
          (global.set $blocked (i32.const 0))
          (call $block)
          ${r === undefined ? '(call $finish)' : '(local.set $r (call $finish))'}
          (br $again)))
        ${r === undefined ? '' : '(local.get $r)'}))`;
  });
  const inst = new WebAssembly.Instance(m, {
    t: { try: attemptOrDummy, block: blockImport(), finish, blocked: blockedFlag },
  });
  return inst.exports.f as (...args: unknown[]) => unknown;
}

const doneImport = (...results: Core[]): void => hooks!.done(results);

/**
 * Runs `core` on a new JSPI stack: the returned function calls it through `promising` (its
 * promise settles when the stack finishes; a trap rejects it) and passes its results to the
 * `done` hook. Without JSPI, a plain call.
 */
export function entryOf(core: AnyFn, params: readonly CoreType[], results: readonly CoreType[]): (...args: Core[]) => Promise<unknown> {
  if (!jspiSupported) {
    return (...args: Core[]) => {
      const r = (core as (...a: Core[]) => unknown)(...args);
      hooks!.done(results.length === 0 ? [] : [r as Core]);
      return Promise.resolve();
    };
  }
  const key = `entry|${params.join(',')}|${results.join(',')}`;
  const m = compile(key, () => `(module
    (import "t" "core" (func $core ${sigText(params, results)}))
    (import "t" "done" (func $done ${sigText(results, [])}))
    (func (export "entry") ${sigText(params, [])}
      (call $done (call $core ${localGets(params.length)}))))`);
  const inst = new WebAssembly.Instance(m, { t: { core, done: doneImport } });
  return promising(inst.exports.entry as (...a: Core[]) => unknown) as (...args: Core[]) => Promise<unknown>;
}

export { jspiSupported };
