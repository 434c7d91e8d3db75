// The Canonical ABI of the Component Model (CanonicalABI.md): lifting and lowering component
// values between linear memory or flat core values and JavaScript, compiled once per function
// type. This is the whole interface link/ uses (see the runtime contract).
import type { FuncT } from '../validate/model.ts';
import type { HandleTable, JsShape, LiftLowerOptions } from './api.ts';
import { compileFunc, liftAdapter, lowerAdapter } from './func.ts';

export type { CallScope, HandleTable, JsShape, LiftLowerOptions } from './api.ts';
export type * as AbiValues from './values.ts';
export { toCamelCase } from './names.ts';

/** Core function → JS function (canon lift). `core` is the raw exported WebAssembly function. */
export function liftFunc(type: FuncT, core: (...a: (number | bigint)[]) => unknown,
  opts: LiftLowerOptions, handles: HandleTable, shape: JsShape): (...args: unknown[]) => unknown {
  return liftAdapter(compileFunc(type, opts.encoding, shape), core, opts, handles);
}

/** JS function → core-callable function (canon lower), with the flat core signature. */
export function lowerFunc(type: FuncT, callee: (...args: unknown[]) => unknown,
  opts: LiftLowerOptions, handles: HandleTable, shape: JsShape): (...flat: (number | bigint)[]) => unknown {
  return lowerAdapter(compileFunc(type, opts.encoding, shape), callee, opts, handles);
}
