// The run-time state of one component instance (CanonicalABI.md, "Component Instances"):
// its parent (for reentrance: entering an instance enters its ancestors too), the
// `may_enter` / `may_leave` flags, its handle table, and the few pieces of per-instance state
// the synchronous built-ins keep. The root is what every instance created by one call to
// instantiateComponent shares: the JavaScript shape of values and the classes given to
// guest resources.
import type { Thread } from '../async/thread.ts';
import type { JsShape } from './abi.ts';
import { HandleTableImpl } from './handle-table.ts';
import type { ResourceClasses } from './resource-object.ts';

export interface Root {
  readonly shape: JsShape;
  /** Per resource type, the class its objects have when handed to JavaScript. */
  readonly classes: ResourceClasses;
  /** The `jspi` instantiation option: lifts are promising, marked host functions suspending. */
  readonly jspi?: boolean;
  /** 🔀 The `deadlock` instantiation option: 'trap' rejects calls that can never finish. */
  readonly deadlock?: 'trap' | 'wait';
  /** The `coreImports` instantiation option: extra imports for each core instantiation. */
  readonly coreImports?: (module: WebAssembly.Module, args: Readonly<Record<string, Readonly<Record<string, unknown>>>>) => WebAssembly.Imports | undefined;
  /** The `coreInstance` instantiation option: told of each core instance made. */
  readonly coreInstance?: (module: WebAssembly.Module, instance: WebAssembly.Instance) => void;
  /** Every component instance made under this root, outermost first (link/quiescence.ts). */
  readonly instances?: RuntimeInstance[];
  /** 🔀 Every live thread of these instances (threadsOfRoot). */
  readonly threads: Set<Thread>;
}

export class RuntimeInstance {
  readonly parent: RuntimeInstance | null;
  readonly root: Root;
  /** Cleared while the instance runs (no reentrance); stays cleared after a trap (poisoned). */
  mayEnter = true;
  /** Cleared during post-return and realloc: no calls out of the instance then. */
  mayLeave = true;
  readonly handles: HandleTableImpl;
  /** 🔀 backpressure.inc / dec: while above zero, async-typed calls wait to start. */
  backpressure = 0;
  /** 🔀 Async-typed calls waiting for backpressure to end. */
  numWaitingToEnter = 0;
  /** 🔀 The implicit thread of the sync or `callback` lifted task running core code now. */
  exclusiveThread: Thread | null = null;
  /**
   * 🔀 The implicit thread of the synchronous task running now, once a thread built-in needed
   * it (async/sync-task.ts); null otherwise.
   */
  syncThread: Thread | null = null;
  /** 🔀 The instance's threads (ComponentInstance.threads). */
  readonly threads: ThreadTable;
  /** 🔀 context.get / set for synchronous tasks (async threads keep their own). */
  readonly context: (number | bigint)[] = [0, 0];

  constructor(parent: RuntimeInstance | null, root: Root) {
    this.parent = parent;
    this.root = root;
    this.handles = new HandleTableImpl(this);
    this.threads = new ThreadTable(root.threads);
    root.instances?.push(this);
  }
}

/** 🔀 Every live thread of the instances one instantiateComponent call made. */
export function threadsOfRoot(root: Root): Set<Thread> {
  return root.threads;
}

/** A table of threads (CanonicalABI.md, "Table State"): index 0 reserved, free indices reused last first. */
export class ThreadTable {
  readonly #array: (Thread | undefined)[] = [undefined];
  readonly #free: number[] = [];
  readonly #all: Set<Thread>;

  constructor(all: Set<Thread>) {
    this.#all = all;
  }

  add(t: Thread): number {
    this.#all.add(t);
    const i = this.#free.pop();
    if (i !== undefined) {
      this.#array[i] = t;
      return i;
    }
    this.#array.push(t);
    return this.#array.length - 1;
  }

  get(i: number): Thread | undefined {
    return i < this.#array.length ? this.#array[i] : undefined;
  }

  remove(i: number): void {
    const t = this.#array[i];
    if (t === undefined) return;
    this.#all.delete(t);
    this.#array[i] = undefined;
    this.#free.push(i);
  }

  /** Whether no thread is in the table and no index was ever freed (as right after instantiation). */
  get untouched(): boolean {
    return this.#array.length === 1 && this.#free.length === 0;
  }

  some(f: (t: Thread) => boolean): boolean {
    for (const t of this.#array) if (t !== undefined && f(t)) return true;
    return false;
  }
}
