// The run-time state of one component instance (CanonicalABI.md, "Component Instances"):
// its parent (for reentrance: entering an instance enters its ancestors too), the
// `may_enter` / `may_leave` flags, its handle table, and the few pieces of per-instance state
// the synchronous built-ins keep. The root is what every instance created by one call to
// instantiateComponent shares: the JavaScript shape of values and the classes given to
// guest resources.
import type { JsShape } from './abi.ts';
import { HandleTableImpl } from './handle-table.ts';
import type { ResourceClasses } from './resource-object.ts';

export interface Root {
  readonly shape: JsShape;
  /** Per resource type, the class its objects have when handed to JavaScript. */
  readonly classes: ResourceClasses;
  /** The `jspi` instantiation option: lifts are promising, marked host functions suspending. */
  readonly jspi?: boolean;
  /** The `coreImports` instantiation option: extra imports for each core instantiation. */
  readonly coreImports?: (module: WebAssembly.Module) => WebAssembly.Imports | undefined;
}

export class RuntimeInstance {
  readonly parent: RuntimeInstance | null;
  readonly root: Root;
  /** Cleared while the instance runs (no reentrance); stays cleared after a trap (poisoned). */
  mayEnter = true;
  /** Cleared during post-return and realloc: no calls out of the instance then. */
  mayLeave = true;
  readonly handles: HandleTableImpl;
  /** 🔀 backpressure.inc / dec: counted; a synchronous instance never waits on it. */
  backpressure = 0;
  /** 🔀 context.get / set: slot i of the (single, synchronous) thread's storage. */
  readonly context: (number | bigint)[] = [0, 0];

  constructor(parent: RuntimeInstance | null, root: Root) {
    this.parent = parent;
    this.root = root;
    this.handles = new HandleTableImpl(this);
  }
}
