// Canonical definitions at instantiation (Explainer.md, "Canonical Definitions";
// CanonicalABI.md, "Canonical Definitions"): `canon lift` makes a component function of a
// core function (through the ABI's liftFunc, entered through the instance's guard), `canon
// lower` a core function of a component function (through lowerFunc; a host callee leaves
// the instance through guardHost), and the resource built-ins work on the instance's handle
// table. The async ABI (🔀, 🧵, 📝) is not implemented yet (issue 11): its built-ins, async
// lifts and lowers and async-typed functions exist so a component that declares them
// instantiates (values/post-return.wast and values/variants.wast need that); the built-ins
// trap "cannot leave component instance" where the spec traps first (post-return, realloc),
// and any call that needs async throws LinkError "... not supported yet (async, issue 11)".
import { LinkError } from '../../core/errors.ts';
import type { AnyCanonFields, Canon, CanonOpt } from '../ast.ts';
import type { FuncT } from '../validate/model.ts';
import { type LiftLowerOptions, liftFunc, lowerFunc } from './abi.ts';
import { type AnyFn, type Frame } from './frame.ts';
import { guardHost, guardHostAsync, guardLifted, guardLiftedAsync, isGuestFunction, leaveTrap, noLeave, noLeaveRealloc } from './guard.ts';
import { isSuspending, promisingLift, suspendingHost, suspendingLower } from './jspi.ts';
import type { ResourceType } from './resource-type.ts';

export const ASYNC_NOT_SUPPORTED = 'not supported yet (async, issue 11)';

function options(frame: Frame, opts: readonly CanonOpt[], what: string): LiftLowerOptions {
  let encoding: LiftLowerOptions['encoding'] = 'utf8';
  let memory: WebAssembly.Memory | undefined;
  let realloc: LiftLowerOptions['realloc'];
  let postReturn: LiftLowerOptions['postReturn'];
  for (const o of opts) {
    switch (o.kind) {
      case 'utf8': case 'utf16': case 'latin1+utf16': encoding = o.kind; break;
      case 'memory': memory = frame.coreMemories[o.index]; break;
      case 'realloc': realloc = noLeaveRealloc(frame.inst, frame.coreFuncs[o.index] as (a: number, b: number, c: number, d: number) => unknown); break;
      case 'post-return': postReturn = noLeave(frame.inst, frame.coreFuncs[o.index] as (...flat: (number | bigint)[]) => unknown); break;
      case 'async': case 'callback': throw new LinkError(`${what} with the \`async\` option: ${ASYNC_NOT_SUPPORTED}`);
    }
  }
  return {
    encoding,
    ...(memory === undefined ? {} : { memory }),
    ...(realloc === undefined ? {} : { realloc }),
    ...(postReturn === undefined ? {} : { postReturn }),
  };
}

function resource(frame: Frame, index: number): ResourceType {
  const rt = frame.types[index];
  if (rt === undefined) throw new LinkError(`internal: type ${index} is not a resource type at run time`);
  return rt;
}

/**
 * `make()`, or if it needs the async ABI (an async function type or the `async` option), a
 * function that throws that LinkError when called: the component still instantiates, and
 * only calls that need async fail.
 */
function unlessAsync(make: () => AnyFn): AnyFn {
  try {
    return make();
  } catch (e) {
    if (!(e instanceof LinkError) || !e.message.includes(ASYNC_NOT_SUPPORTED)) throw e;
    return () => { throw e; };
  }
}

/** A built-in of the async ABI: present, and trapping when called. */
function unsupported(frame: Frame, name: string, checksLeave: boolean): AnyFn {
  const inst = frame.inst;
  return () => {
    if (checksLeave && !inst.mayLeave) throw leaveTrap();
    throw new LinkError(`canon ${name}: ${ASYNC_NOT_SUPPORTED}`);
  };
}

/** Adds the function a canonical definition makes to its index space. */
export function instantiateCanon(frame: Frame, canon: Canon): void {
  const x = canon as AnyCanonFields;
  const inst = frame.inst;
  const handles = inst.handles;
  const shape = inst.root.shape;
  switch (x.op) {
    case 'lift': {
      const type: FuncT = frame.scope.funcs[frame.funcs.length];
      const jspi = inst.root.jspi === true;
      const lifted = unlessAsync(() => {
        const opts = options(frame, x.options, 'canon lift');
        const core = frame.coreFuncs[x.func] as (...a: (number | bigint)[]) => unknown;
        return jspi ? promisingLift(type, core, opts, handles, shape) : liftFunc(type, core, opts, handles, shape);
      });
      // Under JSPI the lifted function returns a promise; lowering it elsewhere suspends.
      frame.funcs.push(jspi ? suspendingHost(guardLiftedAsync(inst, lifted)) : guardLifted(inst, lifted, type.params.length));
      return;
    }
    case 'lower': {
      const type: FuncT = frame.scope.funcs[x.func];
      const callee = frame.funcs[x.func];
      // A guest callee is entered through its own guard, which knows the caller; a host one
      // leaves this instance here.
      if (inst.root.jspi === true && isSuspending(callee)) {
        // A function that may wait: a Suspending import (link/jspi.ts).
        const waits = isGuestFunction(callee) ? callee : guardHostAsync(inst, callee);
        frame.coreFuncs.push(unlessAsync(() => suspendingLower(type, waits, options(frame, x.options, 'canon lower'), handles, shape) as unknown as AnyFn));
        return;
      }
      const target = isGuestFunction(callee) ? callee : guardHost(inst, callee);
      frame.coreFuncs.push(unlessAsync(() => lowerFunc(type, target, options(frame, x.options, 'canon lower'), handles, shape) as AnyFn));
      return;
    }
    case 'resource.new': {
      const rt = resource(frame, x.type);
      frame.coreFuncs.push(((rep: number) => handles.resourceNew(rt, rep)) as AnyFn);
      return;
    }
    case 'resource.drop': {
      const rt = resource(frame, x.type);
      frame.coreFuncs.push(((i: number) => { handles.resourceDrop(rt, i); }) as AnyFn);
      return;
    }
    case 'resource.rep': {
      const rt = resource(frame, x.type);
      frame.coreFuncs.push(((i: number) => handles.resourceRep(rt, i)) as AnyFn);
      return;
    }
    // 🔀 CanonicalABI.md: context.get/set and backpressure.inc/dec do not check may_leave.
    case 'context.get': {
      const i = x.index;
      frame.coreFuncs.push(() => inst.context[i]);
      return;
    }
    case 'context.set': {
      const i = x.index;
      frame.coreFuncs.push(((v: number | bigint) => { inst.context[i] = v; }) as AnyFn);
      return;
    }
    case 'backpressure.inc': frame.coreFuncs.push(() => { inst.backpressure++; }); return;
    case 'backpressure.dec': frame.coreFuncs.push(() => { inst.backpressure--; }); return;
    case 'backpressure.set': frame.coreFuncs.push(((v: number) => { inst.backpressure = v; }) as AnyFn); return;
    // 🧵 thread.index and the built-ins that may block or switch check may_leave first.
    default:
      frame.coreFuncs.push(unsupported(frame, x.op, true));
  }
}
