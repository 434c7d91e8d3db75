// JavaScript Promise Integration (https://github.com/WebAssembly/js-promise-integration):
// an import wrapped in `WebAssembly.Suspending` may return a promise, and the wasm stack that
// called it is suspended until the promise settles; the export that started that stack must
// be wrapped in `WebAssembly.promising`, which then returns a promise of its result. On by
// default in Node 24 (V8 13.6); TypeScript's lib files do not declare it yet, hence this
// module. Two facts measured on Node 24.21 decide how hosts use it: a Suspending import
// suspends on every call, even when it returns a plain value (about 0.1 µs), and calling one
// outside a `promising` export throws `WebAssembly.SuspendError`.

interface JspiApi {
  readonly Suspending: new (fn: (...args: never[]) => unknown) => object;
  promising<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => Promise<Awaited<R>>;
}

const api = WebAssembly as unknown as Partial<JspiApi>;

/** Whether this host's engine implements JSPI. */
export const jspiSupported: boolean = typeof api.Suspending === 'function' && typeof api.promising === 'function';

function required(): JspiApi {
  if (!jspiSupported) throw new Error('this JavaScript engine has no WebAssembly JSPI (WebAssembly.Suspending and WebAssembly.promising; Node 24 or later)');
  return api as JspiApi;
}

/** `fn` as an import that may suspend the calling wasm stack. */
export function suspending(fn: (...args: never[]) => unknown): WebAssembly.ImportValue {
  const S = required().Suspending;
  return new S(fn) as unknown as WebAssembly.ImportValue;
}

/** A wasm export `fn` as an async function whose stack may suspend. */
export function promising<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => Promise<Awaited<R>> {
  return required().promising(fn);
}
