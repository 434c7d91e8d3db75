// `canon lift` and `canon lower` of a whole function (CanonicalABI.md, "canon lift",
// "canon lower", "Lifting and Lowering Values"): parameters and results flattened, or spilled
// through memory past MAX_FLAT_PARAMS / MAX_FLAT_RESULTS, compiled once per function type
// and JavaScript shape, then bound to a core function or a JavaScript callee with the
// options of one canonical definition.
import { ComponentError, LinkError } from '../../core/errors.ts';
import type { FuncT, VT } from '../validate/model.ts';
import type { HandleTable, JsShape, LiftLowerOptions } from './api.ts';
import { Cx, ptrOps, type Core, type PtrOps } from './context.ts';
import { type AddrType, hasHandles, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, shapeOf, usesMemory, type Flat } from './layout.ts';
import { compilePlan, type Plan, type PlanOptions, tupleLayout } from './plan.ts';
import { canGenerate, generateLift, generateLower, type Factory } from './codegen.ts';
import { handover, HintLog } from './string-hints.ts';
import type { Encoding } from './string.ts';

/** What a function type compiles to, independent of the instance it is bound in. */
export interface FuncPlan {
  readonly paramTypes: readonly VT[];
  readonly resultType: VT | undefined;
  readonly options: PlanOptions;
  /** 🐘 How the spilled tuples' pointers cross core code (the memory's `ptr_type`). */
  readonly ptr: PtrOps;
  readonly params: readonly Plan[];
  readonly result: Plan | undefined;
  /** Each parameter's first flat position, and its offset in the spilled tuple. */
  readonly flatOffsets: readonly number[];
  readonly memOffsets: readonly number[];
  readonly flatParams: readonly Flat[];
  readonly spillParams: boolean;
  readonly spillResult: boolean;
  /** The spilled parameter tuple's size and alignment. */
  readonly tupleSize: number;
  readonly tupleAlign: number;
  readonly paramsUseMemory: boolean;
  readonly resultUsesMemory: boolean;
  /** Lowering the result stores strings or lists (canon lower then needs realloc). */
  readonly resultAllocates: boolean;
  readonly paramsHaveStrings: boolean;
  readonly resultHasStrings: boolean;
  readonly handles: boolean;
  /** A top-level `result` that maps to return-or-throw. */
  readonly throws: boolean;
}

const cache = new WeakMap<FuncT, Map<string, FuncPlan>>();

export function compileFunc(ft: FuncT, encoding: Encoding, shape: JsShape, addr: AddrType = 'i32'): FuncPlan {
  if (ft.async) throw new LinkError('async-typed functions are lifted and lowered by the async runtime (src/component/async), not compiled here');
  const key = `${encoding}|${shape.names}|${shape.results}|${addr}`;
  let byKey = cache.get(ft);
  if (byKey === undefined) cache.set(ft, byKey = new Map());
  let p = byKey.get(key);
  if (p === undefined) byKey.set(key, p = build(ft, encoding, shape, addr));
  return p;
}

function hasStrings(t: VT | undefined): boolean {
  if (t === undefined) return false;
  const s = shapeOf(t);
  switch (s.kind) {
    case 'prim': return s.type === 'string';
    case 'record': return s.fields.some(([, f]) => hasStrings(f));
    case 'variant': return s.cases.some((c) => hasStrings(c.type));
    case 'list': return hasStrings(s.element);
    default: return false;
  }
}

function build(ft: FuncT, encoding: Encoding, shape: JsShape, addr: AddrType): FuncPlan {
  const o: PlanOptions = { encoding, camel: shape.names === 'camel', addr };
  const params = ft.params.map(([, t]) => compilePlan(t, o));
  const result = ft.result === undefined ? undefined : compilePlan(ft.result, o);
  const { flat: flatParams, flatOffsets, memOffsets, size, align } = tupleLayout(params);
  const spillParams = flatParams.length > MAX_FLAT_PARAMS;
  const spillResult = result !== undefined && result.flat.length > MAX_FLAT_RESULTS;
  const resultShape = ft.result === undefined ? undefined : shapeOf(ft.result);
  return {
    paramTypes: ft.params.map(([, t]) => t),
    resultType: ft.result,
    options: o,
    ptr: ptrOps(addr),
    params,
    result,
    flatOffsets,
    memOffsets,
    flatParams,
    spillParams,
    spillResult,
    tupleSize: size,
    tupleAlign: align,
    paramsUseMemory: spillParams || ft.params.some(([, t]) => usesMemory(t)),
    resultUsesMemory: spillResult || usesMemory(ft.result),
    resultAllocates: usesMemory(ft.result),
    paramsHaveStrings: ft.params.some(([, t]) => hasStrings(t)),
    resultHasStrings: hasStrings(ft.result),
    handles: ft.params.some(([, t]) => hasHandles(t)) || hasHandles(ft.result),
    throws: shape.results === 'throw' && resultShape?.kind === 'variant' && resultShape.as === 'result',
  };
}

function needMemory(opts: LiftLowerOptions, what: string): WebAssembly.Memory {
  if (opts.memory === undefined) throw new LinkError(`${what} needs the memory canonical option`);
  return opts.memory;
}

/** The `ok` payload, or a ComponentError carrying the `err` payload. */
function unwrap(r: unknown): unknown {
  const t = r as { tag: string; val: unknown };
  if (t.tag === 'ok') return t.val;
  throw new ComponentError(t.val);
}

let codegen = canGenerate;

/**
 * Chooses generated adapters (the default where `new Function` works) or the closure plans;
 * for tests, which run every case both ways.
 */
export function setCodegen(on: boolean): boolean {
  const was = codegen;
  codegen = on && canGenerate;
  return was;
}

const liftFactories = new WeakMap<FuncPlan, Factory>();
const lowerFactories = new WeakMap<FuncPlan, Factory>();

function checkLift(plan: FuncPlan, opts: LiftLowerOptions): void {
  if (plan.paramsUseMemory || plan.resultUsesMemory) needMemory(opts, 'lifting this function');
  if (plan.paramsUseMemory && opts.realloc === undefined) throw new LinkError('lifting this function needs the realloc canonical option');
}

function checkLower(plan: FuncPlan, opts: LiftLowerOptions): void {
  if (plan.paramsUseMemory || plan.resultUsesMemory) needMemory(opts, 'lowering this function');
  if (plan.resultAllocates && opts.realloc === undefined) throw new LinkError('lowering this function needs the realloc canonical option');
}

/** canon lift: a core function becomes a JavaScript function of component values. */
export function liftAdapter(plan: FuncPlan, core: (...a: Core[]) => unknown, opts: LiftLowerOptions, handles: HandleTable): (...args: unknown[]) => unknown {
  checkLift(plan, opts);
  if (!codegen) return bindLift(plan, core, opts, handles);
  let f = liftFactories.get(plan);
  if (f === undefined) liftFactories.set(plan, f = generateLift(plan, plan.options, plan.paramTypes, plan.resultType));
  return f(new Cx(opts.memory, opts.realloc, handles, plan.options.addr), core, handles, opts.postReturn) as (...args: unknown[]) => unknown;
}

/** canon lower: a JavaScript function of component values becomes callable from core code. */
export function lowerAdapter(plan: FuncPlan, callee: (...args: unknown[]) => unknown, opts: LiftLowerOptions, handles: HandleTable): (...flat: Core[]) => unknown {
  checkLower(plan, opts);
  if (!codegen) return bindLower(plan, callee, opts, handles);
  let f = lowerFactories.get(plan);
  if (f === undefined) lowerFactories.set(plan, f = generateLower(plan, plan.options, plan.paramTypes, plan.resultType));
  return f(new Cx(opts.memory, opts.realloc, handles, plan.options.addr), callee, handles, undefined) as (...flat: Core[]) => unknown;
}

/** canon lift through the closure plans. */
function bindLift(plan: FuncPlan, core: (...a: Core[]) => unknown, opts: LiftLowerOptions, handles: HandleTable): (...args: unknown[]) => unknown {
  const cx = new Cx(opts.memory, opts.realloc, handles, plan.options.addr);
  const { params, result, flatOffsets, memOffsets, spillParams, spillResult, tupleSize, tupleAlign, throws, ptr: P } = plan;
  const n = params.length;
  const nflat = plan.flatParams.length;
  const postReturn = opts.postReturn;
  const usesMemory = plan.paramsUseMemory || plan.resultUsesMemory;
  const withHandles = plan.handles;
  const paramHints = plan.paramsHaveStrings;
  const resultHints = plan.resultHasStrings;

  const lowerParams = (args: ArrayLike<unknown>): Core[] => {
    if (spillParams) {
      const ptr = cx.alloc(tupleAlign, tupleSize, 'pointer out of bounds of memory');
      for (let k = 0; k < n; k++) params[k].store(cx, args[k], ptr + memOffsets[k]);
      return [P.lower(ptr)];
    }
    const flat = new Array<Core>(nflat);
    for (let k = 0; k < n; k++) params[k].lowerFlat(cx, args[k], flat, flatOffsets[k]);
    return flat;
  };

  const liftResult = (ret: unknown): unknown => {
    if (result === undefined) return undefined;
    if (!spillResult) return result.liftFlat(cx, [ret as Core], 0);
    const ptr = P.lift(ret as Core);
    cx.checkPtr(ptr, result.align, result.size);
    return result.load(cx, ptr);
  };

  return function lifted(...args: unknown[]): unknown {
    // A lowered import calling this export synchronously left its strings' hints.
    const hints = handover.params;
    handover.params = undefined;
    const wantResults = handover.wantResults;
    handover.wantResults = false;
    if (usesMemory) cx.fresh();
    const saved = cx.scope;
    const scope = withHandles ? handles.beginCall() : undefined;
    cx.scope = scope;
    let flat: Core[];
    if (paramHints && hints !== undefined) {
      cx.hints = hints;
      try { flat = lowerParams(args); } finally { cx.hints = undefined; }
    } else {
      flat = lowerParams(args);
    }
    const ret = core(...flat);
    if (usesMemory) cx.fresh();
    let value: unknown;
    if (resultHints && wantResults) {
      const log = new HintLog();
      cx.hints = log;
      try { value = liftResult(ret); } finally { cx.hints = undefined; }
      handover.results = log;
    } else {
      value = liftResult(ret);
    }
    if (scope !== undefined) handles.endCall(scope);
    cx.scope = saved;
    if (postReturn !== undefined) {
      if (result === undefined) postReturn();
      else postReturn(ret as Core);
    }
    return throws ? unwrap(value) : value;
  };
}

/** canon lower through the closure plans. */
function bindLower(plan: FuncPlan, callee: (...args: unknown[]) => unknown, opts: LiftLowerOptions, handles: HandleTable): (...flat: Core[]) => unknown {
  const cx = new Cx(opts.memory, opts.realloc, handles, plan.options.addr);
  const { params, result, flatOffsets, memOffsets, spillParams, spillResult, tupleSize, tupleAlign, throws, ptr: P } = plan;
  const n = params.length;
  const usesMemory = plan.paramsUseMemory || plan.resultUsesMemory;
  const withHandles = plan.handles;
  const paramHints = plan.paramsHaveStrings && opts.encoding !== 'utf16';
  const resultHints = plan.resultHasStrings;

  const liftParams = (flat: Core[]): unknown[] => {
    const args = new Array<unknown>(n);
    if (spillParams) {
      const ptr = P.lift(flat[0]);
      cx.checkPtr(ptr, tupleAlign, tupleSize);
      for (let k = 0; k < n; k++) args[k] = params[k].load(cx, ptr + memOffsets[k]);
    } else {
      for (let k = 0; k < n; k++) args[k] = params[k].liftFlat(cx, flat, flatOffsets[k]);
    }
    return args;
  };

  const call = (args: unknown[]): unknown => {
    if (!throws) return callee(...args);
    try {
      return { tag: 'ok', val: callee(...args) };
    } catch (e) {
      if (typeof e === 'object' && e !== null && 'payload' in e) return { tag: 'err', val: (e as { payload: unknown }).payload };
      throw e;
    }
  };

  return function lowered(...flat: Core[]): unknown {
    if (usesMemory) cx.fresh();
    const saved = cx.scope;
    const scope = withHandles ? handles.beginCall() : undefined;
    cx.scope = scope;
    let args: unknown[];
    let log: HintLog | undefined;
    if (paramHints) {
      log = new HintLog();
      cx.hints = log;
      try { args = liftParams(flat); } finally { cx.hints = undefined; }
    } else {
      args = liftParams(flat);
    }
    // The hand-over is for the callee's first lifted export; take back what it leaves.
    handover.params = log;
    handover.wantResults = resultHints;
    handover.results = undefined;
    let value: unknown;
    try {
      value = call(args);
    } finally {
      handover.params = undefined;
      handover.wantResults = false;
    }
    const back = handover.results;
    handover.results = undefined;
    if (usesMemory) cx.fresh();
    cx.scope = scope;
    let ret: Core | undefined;
    if (result !== undefined) {
      if (back !== undefined) cx.hints = back;
      try {
        if (spillResult) {
          const ptr = P.lift(flat[flat.length - 1]);
          cx.checkPtr(ptr, result.align, result.size);
          result.store(cx, value, ptr);
        } else {
          const out: Core[] = [0];
          result.lowerFlat(cx, value, out, 0);
          ret = out[0];
        }
      } finally {
        cx.hints = undefined;
      }
    }
    if (scope !== undefined) handles.endCall(scope);
    cx.scope = saved;
    return ret;
  };
}
