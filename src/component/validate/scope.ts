// The index spaces of one component, component type or instance type (Explainer.md,
// "Index Spaces"), with bounds-checked access in wasm-tools' wording.
import { ValidationError } from '../../core/errors.ts';
import type { GlobalType, MemoryType, TableType } from '../../core/types.ts';
import type { Sort } from '../ast.ts';
import type {
  ComponentT, CoreFuncT, CoreInstanceT, CoreTypeT, EntityT, FuncT, InstanceT, ModuleT, TypeEntry, VT,
} from './model.ts';
import { NameSpace } from './names.ts';

export type ScopeKind = 'component' | 'component-type' | 'instance-type';

export interface ValueSlot {
  type: VT;
  used: boolean;
}

export class Scope {
  readonly kind: ScopeKind;
  readonly parent: Scope | undefined;
  // core index spaces
  readonly coreFuncs: CoreFuncT[] = [];
  readonly coreTables: TableType[] = [];
  readonly coreMemories: MemoryType[] = [];
  readonly coreGlobals: GlobalType[] = [];
  readonly coreTags: CoreFuncT[] = [];
  readonly coreTypes: CoreTypeT[] = [];
  readonly coreModules: ModuleT[] = [];
  readonly coreInstances: CoreInstanceT[] = [];
  // component index spaces
  readonly funcs: FuncT[] = [];
  readonly values: ValueSlot[] = [];
  readonly types: TypeEntry[] = [];
  readonly components: ComponentT[] = [];
  readonly instances: InstanceT[] = [];
  // imports and exports, by name, and the names' namespaces
  readonly importNames = new NameSpace('import');
  readonly exportNames = new NameSpace('export');
  readonly imports = new Map<string, EntityT>();
  readonly exports = new Map<string, EntityT>();
  /** Type entries named by an import (Explainer.md, "External visibility"). */
  readonly importedTypes = new Set<TypeEntry>();
  /** Type entries named by an export. */
  readonly exportedTypes = new Set<TypeEntry>();
  /** Instances imported or exported here: aliasing a type out of one names it. */
  readonly namedInstances = new Set<InstanceT>();
  /** Resources created here: fresh in each instance of the component (type). */
  readonly defined: number[] = [];
  /** Resources defined by `(type (resource ...))` in this very component. */
  readonly local = new Set<number>();
  /** The representation of each resource in `local` (🐘 `i64` or `i32`). */
  readonly localRep = new Map<number, 'i32' | 'i64'>();
  /** The core type of this component's `context.get`/`context.set` slots, once one is defined. */
  contextType: 'i32' | 'i64' | undefined;

  constructor(kind: ScopeKind, parent: Scope | undefined) {
    this.kind = kind;
    this.parent = parent;
  }
}

const WHAT: Record<string, [string, string]> = {
  'core func': ['core function', 'function'],
  'core table': ['table', 'table'],
  'core memory': ['memory', 'memory'],
  'core global': ['global', 'global'],
  'core tag': ['tag', 'tag'],
  'core type': ['core type', 'type'],
  'core module': ['module', 'module'],
  'core instance': ['core instance', 'instance'],
  func: ['function', 'function'],
  value: ['value', 'value'],
  type: ['type', 'type'],
  component: ['component', 'component'],
  instance: ['instance', 'instance'],
};

/** `items[index]`, or "unknown <sort> N: <sort> index out of bounds". */
export function at<T>(items: readonly T[], index: number, sort: Sort | 'core table' | 'core memory' | 'core global' | 'core tag', offset?: number): T {
  if (index < items.length) return items[index];
  const [long, short] = WHAT[sort];
  throw new ValidationError(`unknown ${long} ${index}: ${short} index out of bounds`, offset);
}
