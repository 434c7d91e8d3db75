// Instantiation (Explainer.md, "Instance Definitions", "Alias Definitions", "Type
// Definitions", "Canonical Definitions", "Start Definitions", "Import and Export
// Definitions"): the sections are walked in order, each definition appending to its runtime
// index space, in step with the validator's index spaces of the same component.
//
// The walk is a generator that yields each core module instantiation, so one walk serves
// both the asynchronous API (WebAssembly.instantiate, which browsers require for large
// modules) and the synchronous one (the script runner, Node).
import { LinkError } from '../../core/errors.ts';
import type { Section } from '../ast.ts';
import type { EntityT } from '../validate/model.ts';
import { instantiateCanon } from './canon.ts';
import { CompiledComponent } from './compile.ts';
import { type CoreInstance, Frame, type RtItem } from './frame.ts';
import { guardLifted } from './guard.ts';
import { steps } from './prelink.ts';
import { ResourceType } from './resource-type.ts';
import { type Root, RuntimeInstance } from './runtime-instance.ts';

export interface CoreRequest {
  readonly module: WebAssembly.Module;
  readonly imports: WebAssembly.Imports;
}

export type Walk<T> = Generator<CoreRequest, T, WebAssembly.Instance>;

/** Resolves import `name` of type `e` for the component being instantiated. */
export type Importer = (name: string, e: EntityT, frame: Frame) => RtItem;

/** A core export alias's sort as a core index space names it (not sliced: one per alias per instance). */
const CORE_SORTS: Readonly<Record<string, string>> = {
  'core func': 'func', 'core table': 'table', 'core memory': 'memory', 'core global': 'global', 'core tag': 'tag',
};

function sortOfEntity(e: EntityT): RtItem['sort'] {
  return e.kind === 'module' ? 'core module' : e.kind;
}

/** Instantiates `def` as a child of `parent` (null: a root); returns its frame. */
export function* instantiateFrame(def: CompiledComponent, importer: Importer, parent: RuntimeInstance | null, root: Root): Walk<Frame> {
  const frame = new Frame(def, new RuntimeInstance(parent, root));
  // Only the sections that instantiate (and so yield) are walked here: the generator's own
  // loop showed in profiles, so the runs of other sections between them are defined by a
  // plain function (the runs are worked out once: link/prelink.ts).
  for (const step of steps(def)) {
    if (!step.instantiates) {
      defineAll(frame, step.sections, importer);
      continue;
    }
    const section = step.section;
    if (section.kind === 'core-instance') {
      for (const i of section.items) {
        if (i.kind === 'exports') {
          const bundle: Record<string, unknown> = {};
          for (const e of i.exports) bundle[e.name] = frame.coreItem(e.sort, e.index);
          frame.coreInstances.push(bundle);
        } else {
          const imports: Record<string, CoreInstance> = {};
          for (const a of i.args) imports[a.name] = frame.coreInstances[a.instance];
          const module = frame.coreModules[i.module];
          // A host's own imports for modules it rewrote (the component's arguments win).
          const extra = root.coreImports?.(module, imports);
          const instance = yield { module, imports: (extra === undefined ? imports : { ...extra, ...imports }) as WebAssembly.Imports };
          root.coreInstance?.(module, instance);
          frame.coreInstances.push(instance.exports as CoreInstance);
        }
      }
    } else if (section.kind === 'instance') {
      for (const i of section.items) {
        if (i.kind === 'exports') {
          const bundle = new Map<string, RtItem>();
          for (const e of i.exports) bundle.set(e.name.name, frame.item(e.sort, e.index));
          frame.pushInstance(bundle);
        } else {
          const args = new Map<string, RtItem>();
          for (const a of i.args) args.set(a.name, frame.item(a.sort, a.index));
          const child = yield* instantiateFrame(frame.components[i.component], (name) => {
            const arg = args.get(name);
            if (arg === undefined) throw new LinkError(`internal: missing instantiation argument \`${name}\``);
            return arg;
          }, frame.inst, root);
          frame.pushInstance(child.exports);
        }
      }
    }
  }
  return frame;
}

function defineAll(frame: Frame, sections: readonly Section[], importer: Importer): void {
  for (const section of sections) define(frame, section, importer);
}

/** A section that instantiates nothing: its definitions are appended to their index spaces. */
function define(frame: Frame, section: Section, importer: Importer): void {
  const def = frame.def;
  const scope = frame.scope;
  switch (section.kind) {
    case 'custom': case 'core-type': case 'core-instance': case 'instance': break;
    case 'core-module': {
      const m = def.compilation.modules.get(section.module);
      if (m === undefined) throw new LinkError('internal: core module was not compiled');
      frame.coreModules.push(m);
      break;
    }
    case 'component':
      frame.components.push(new CompiledComponent(section.component, def.compilation, frame));
      break;
    case 'alias':
      for (const a of section.items) {
        const t = a.target;
        if (t.kind === 'export') {
          const item = frame.instances[t.instance].get(t.name);
          if (item === undefined) throw new LinkError(`internal: instance ${t.instance} has no export \`${t.name}\``);
          frame.push(item);
        } else if (t.kind === 'core-export') {
          frame.pushCore(CORE_SORTS[a.sort] ?? a.sort.slice(5), frame.coreInstances[t.instance][t.name]);
        } else {
          // Outer aliases reach the frames the components were defined in.
          let target: Frame = frame;
          for (let k = 0; k < t.count; k++) {
            const env = target.def.env;
            if (env === undefined) throw new LinkError(`internal: invalid outer alias count of ${t.count}`);
            target = env;
          }
          switch (a.sort) {
            case 'type': frame.pushType(target.types[t.index]); break;
            case 'core module': frame.coreModules.push(target.coreModules[t.index]); break;
            case 'component': frame.components.push(target.components[t.index]); break;
            case 'core type': break;
            default: throw new LinkError(`internal: outer alias of sort ${a.sort}`);
          }
        }
      }
      break;
    case 'type':
      for (const t of section.items) {
        if (t.kind !== 'resource') {
          frame.pushType(undefined);
          continue;
        }
        // Each instance of a component defining a resource makes a new resource type.
        const rt = new ResourceType('resource', frame.inst);
        if (t.dtor !== undefined) {
          const dtor = frame.coreFuncs[t.dtor];
          rt.dtor = guardLifted(frame.inst, dtor, -1); // -1: a destructor (guard.ts)
        }
        frame.pushType(rt);
      }
      break;
    case 'canon':
      for (const c of section.items) instantiateCanon(frame, c);
      break;
    case 'start': {
      const st = section.start;
      if (st.args.length > 0 || st.results > 0) throw new LinkError('component start functions with values (🪙) are not supported');
      frame.funcs[st.func]();
      break;
    }
    case 'import':
      for (const imp of section.items) {
        const name = imp.name.name;
        const e = scope.imports.get(name);
        if (e === undefined) throw new LinkError(`internal: import \`${name}\` has no type`);
        const item = importer(name, e, frame);
        if (item.sort !== sortOfEntity(e)) throw new LinkError(`internal: import \`${name}\` is a ${item.sort}, expected a ${e.kind}`);
        frame.push(item);
      }
      break;
    case 'export':
      for (const x of section.items) {
        const item = frame.item(x.sort, x.index);
        if (item.sort === 'type' && item.value !== undefined && item.value.name === 'resource') item.value.name = x.name.name;
        frame.exports.set(x.name.name, item);
        // An export is a new index in its space too (Explainer.md, "Import and Export Definitions").
        frame.push(item);
      }
      break;
    case 'value':
      throw new LinkError('component value definitions (🪙) are not supported');
  }
}

/** Drives a walk synchronously: core instances made with `new WebAssembly.Instance`. */
export function runSync<T>(walk: Walk<T>): T {
  let step = walk.next();
  while (!step.done) {
    const { module, imports } = step.value;
    step = walk.next(new WebAssembly.Instance(module, imports));
  }
  return step.value;
}

/** Drives a walk asynchronously: core instances made with `WebAssembly.instantiate`. */
export async function runAsync<T>(walk: Walk<T>): Promise<T> {
  let step = walk.next();
  while (!step.done) {
    const { module, imports } = step.value;
    step = walk.next(await WebAssembly.instantiate(module, imports));
  }
  return step.value;
}
