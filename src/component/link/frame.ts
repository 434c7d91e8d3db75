// The runtime index spaces of one component instance while it is being instantiated
// (Explainer.md, "Index Spaces"), kept in step with the validator's scope of the same
// component: index i of a runtime space is index i of the validator's, so types come from
// the scope and values from here. Component-level items are RtItems; an instance is a map
// of them by export name.
import { LinkError } from '../../core/errors.ts';
import type { Sort } from '../ast.ts';
import type { InstanceT } from '../validate/model.ts';
import type { Scope } from '../validate/scope.ts';
import type { CompiledComponent } from './compile.ts';
import { resourceExports } from './prelink.ts';
import type { ResourceType } from './resource-type.ts';
import type { RuntimeInstance } from './runtime-instance.ts';

export type AnyFn = (...args: unknown[]) => unknown;

export type RtItem =
  | { readonly sort: 'func'; readonly value: AnyFn }
  | { readonly sort: 'instance'; readonly value: RtInstance }
  /** `value`: the runtime resource type, or undefined for a value type. */
  | { readonly sort: 'type'; readonly value: ResourceType | undefined }
  | { readonly sort: 'component'; readonly value: CompiledComponent }
  | { readonly sort: 'core module'; readonly value: WebAssembly.Module }
  | { readonly sort: 'value'; readonly value: unknown };

export type RtInstance = ReadonlyMap<string, RtItem>;

/** A core instance: its exports by name (a WebAssembly exports object, or a bundle). */
export type CoreInstance = Readonly<Record<string, unknown>>;

export class Frame {
  readonly def: CompiledComponent;
  readonly scope: Scope;
  readonly inst: RuntimeInstance;
  // core index spaces
  readonly coreModules: WebAssembly.Module[] = [];
  readonly coreInstances: CoreInstance[] = [];
  readonly coreFuncs: AnyFn[] = [];
  readonly coreTables: WebAssembly.Table[] = [];
  readonly coreMemories: WebAssembly.Memory[] = [];
  readonly coreGlobals: WebAssembly.Global[] = [];
  readonly coreTags: unknown[] = [];
  // component index spaces
  readonly funcs: AnyFn[] = [];
  readonly types: (ResourceType | undefined)[] = [];
  readonly components: CompiledComponent[] = [];
  readonly instances: RtInstance[] = [];
  readonly values: unknown[] = [];
  readonly exports = new Map<string, RtItem>();

  constructor(def: CompiledComponent, inst: RuntimeInstance) {
    this.def = def;
    this.scope = def.scope;
    this.inst = inst;
  }

  /** The item at `index` of a component-level sort. */
  item(sort: Sort, index: number): RtItem {
    switch (sort) {
      case 'func': return { sort, value: this.funcs[index] };
      case 'instance': return { sort, value: this.instances[index] };
      case 'type': return { sort, value: this.types[index] };
      case 'component': return { sort, value: this.components[index] };
      case 'core module': return { sort, value: this.coreModules[index] };
      case 'value': return { sort, value: this.values[index] };
      default: throw new LinkError(`internal: ${sort} is not a component-level sort`);
    }
  }

  /** The core item at `index` of a core sort (`func`, `table`, ...). */
  coreItem(sort: string, index: number): unknown {
    switch (sort) {
      case 'func': return this.coreFuncs[index];
      case 'table': return this.coreTables[index];
      case 'memory': return this.coreMemories[index];
      case 'global': return this.coreGlobals[index];
      case 'tag': return this.coreTags[index];
      default: throw new LinkError(`internal: core ${sort} is not an instance export sort`);
    }
  }

  pushCore(sort: string, value: unknown): void {
    switch (sort) {
      case 'func': this.coreFuncs.push(value as AnyFn); break;
      case 'table': this.coreTables.push(value as WebAssembly.Table); break;
      case 'memory': this.coreMemories.push(value as WebAssembly.Memory); break;
      case 'global': this.coreGlobals.push(value as WebAssembly.Global); break;
      case 'tag': this.coreTags.push(value); break;
      default: throw new LinkError(`internal: core ${sort} is not an instance export sort`);
    }
  }

  /** Appends an item to its index space, binding the resource types it brings. */
  push(item: RtItem): void {
    switch (item.sort) {
      case 'func': this.funcs.push(item.value); break;
      case 'type': this.pushType(item.value); break;
      case 'instance': this.pushInstance(item.value); break;
      case 'component': this.components.push(item.value); break;
      case 'core module': this.coreModules.push(item.value); break;
      case 'value': this.values.push(item.value); break;
    }
  }

  pushType(rt: ResourceType | undefined): void {
    const i = this.types.length;
    this.types.push(rt);
    this.inst.handles.bind(this.scope.types[i], rt);
  }

  pushInstance(inst: RtInstance): void {
    const i = this.instances.length;
    this.instances.push(inst);
    this.bindInstance(this.scope.instances[i], inst);
  }

  /** The resource types an instance exports, as this component's validator saw them. */
  bindInstance(t: InstanceT, inst: RtInstance): void {
    // Only the exports that bind any (worked out once per instance type: link/prelink.ts).
    for (const x of resourceExports(t)) {
      const item = inst.get(x.name);
      if (x.type !== undefined) {
        if (item?.sort === 'type') this.inst.handles.bind(x.type, item.value);
      } else if (item?.sort === 'instance') {
        this.bindInstance(x.instance, item.value);
      }
    }
  }
}
