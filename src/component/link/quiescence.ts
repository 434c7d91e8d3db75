// For hosts that reset a component instance instead of making a new one (`tessera serve`,
// src/serve/reset.ts): is the instance quiescent and, at the component level, as it was
// right after instantiation? The component-level state of an instance (CanonicalABI.md,
// "Component Instances", "Table State", and 🔀 "Thread State" for the async machinery) is
// each RuntimeInstance's flags, handle table, threads, backpressure and context slots; core
// state (memories, globals, tables) is the host's to compare, since it rewrote the modules
// to reach it.
//
// What may differ and is put back is the handle tables: the handles a call received and
// dropped leave freed slots behind, and the spec's free list decides the index of the next
// handle (tests observe it), so a table is put back slot for slot. Own handles a guest left
// in its table (StarlingMonkey keeps every request it was given) are dropped with it, as
// discarding the instance would drop them: without destructors, and invisibly to the guest,
// whose memory forgets them too. Anything else that differs (a handle of the initial state
// dropped, a borrow, a lend, an async entry, an entered or poisoned instance, a thread,
// backpressure) makes `differs` answer why, and the host makes a new instance instead.
import type { ComponentInstance } from './index.ts';
import type { TableLayout } from './handle-table.ts';
import { type Root, type RuntimeInstance, threadsOfRoot } from './runtime-instance.ts';

interface Registered {
  readonly root: Root;
  readonly instances: readonly RuntimeInstance[];
}

/**
 * The runtime instances behind a ComponentInstance, as a hidden property of it rather than a
 * WeakMap entry: one is made per instantiation, and a weak insertion costs ~1 µs.
 */
const REGISTERED: unique symbol = Symbol('tessera.instances');

/** @internal Called by instantiation: the runtime instances behind `instance`. */
export function registerInstances(instance: ComponentInstance, root: Root): void {
  if (root.instances === undefined) return;
  const value: Registered = { root, instances: root.instances };
  Object.defineProperty(instance, REGISTERED, { value });
}

function registered(instance: ComponentInstance): Registered | undefined {
  return Object.hasOwn(instance, REGISTERED) ? (instance as unknown as Record<symbol, Registered>)[REGISTERED] : undefined;
}

/** The component-level state of a component instance right after instantiation. */
export interface InitialState {
  /**
   * Why the instance (or one nested in it) is not quiescent and equal to its state at
   * instantiation, apart from its handle tables' free slots and own handles left behind;
   * undefined when it is.
   */
  differs(): string | undefined;
  /**
   * Puts every handle table back as at instantiation (dropping own handles left behind,
   * without destructors), and the synchronous context slots.
   */
  resetHandles(): void;
}

interface Saved {
  readonly inst: RuntimeInstance;
  readonly handles: TableLayout;
  readonly backpressure: number;
  readonly context: readonly (number | bigint)[];
}

/**
 * Records the component-level state of `instance` now: call it right after
 * instantiateComponent, before any export is called.
 */
export function initialState(instance: ComponentInstance): InitialState {
  const r = registered(instance);
  if (r === undefined) throw new Error('internal: not an instance made by instantiateComponent');
  const saved: Saved[] = r.instances.map((inst) => ({ inst, handles: inst.handles.layout(), backpressure: inst.backpressure, context: [...inst.context] }));
  const threads = threadsOfRoot(r.root);
  return {
    differs(): string | undefined {
      if (threads.size > 0) return 'a thread of the instance is alive';
      for (const s of saved) {
        const inst = s.inst;
        if (!inst.mayEnter) return 'an instance is entered, or was poisoned by a trap';
        if (!inst.mayLeave) return 'an instance may not leave (a post-return or realloc did not finish)';
        if (inst.exclusiveThread !== null || inst.syncThread !== null || !inst.threads.untouched) return 'an instance has a task or thread';
        if (inst.backpressure !== s.backpressure || inst.numWaitingToEnter !== 0) return 'an instance\'s backpressure changed';
        const why = inst.handles.differsFrom(s.handles);
        if (why !== undefined) return why;
      }
      return undefined;
    },
    resetHandles(): void {
      for (const s of saved) {
        s.inst.handles.restoreLayout(s.handles);
        for (let i = 0; i < s.context.length; i++) s.inst.context[i] = s.context[i];
      }
    },
  };
}
