// 🔀 The Component Model's native async (Concurrency.md; issue 11) as the host sees it:
// - an async-typed export is a function returning a promise of its result;
// - an async-typed import may be implemented by a function returning a promise;
// - a `stream<T>` given to JavaScript is a ComponentStream (a ReadableStream-like reader of
//   chunks); JavaScript gives a stream as a ComponentStream, a web ReadableStream or an (async)
//   iterable of chunks; a `future<T>` given to JavaScript is a ComponentFuture (a promise-like of
//   the value); JavaScript gives a future as a promise (or a plain value); an `error-context`
//   is an ErrorContext (JavaScript may also give an Error or a string).
// See values.ts for the chunk shapes and store.ts for when tasks run.
import { store, type UncaughtTrapHandler } from './store.ts';

export { ComponentFuture, ComponentStream, type ComponentStreamReader, ErrorContext, type StreamChunk } from './values.ts';

/**
 * Called with a trap in a task whose host call has already returned (a task still running
 * after `task.return`, reading or writing a stream), which no promise reports. Default: none.
 */
export function onUncaughtTrap(handler: UncaughtTrapHandler | undefined): void {
  store.onUncaughtTrap = handler;
}
