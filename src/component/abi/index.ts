// The Canonical ABI of the Component Model (CanonicalABI.md): lifting and lowering component
// values between linear memory or flat core values and JavaScript, compiled once per function
// type. This is the whole interface link/ uses (see the runtime contract).
import type { FuncT, VT } from '../validate/model.ts';
import type { HandleTable, JsShape, LiftLowerOptions } from './api.ts';
import { compileFunc, liftAdapter, lowerAdapter } from './func.ts';
import { shapeOf } from './layout.ts';

export type { CallScope, HandleTable, JsShape, LiftLowerOptions } from './api.ts';
export type * as AbiValues from './values.ts';
export { toCamelCase } from './names.ts';

/** Core function → JS function (canon lift). `core` is the raw exported WebAssembly function. */
export function liftFunc(type: FuncT, core: (...a: (number | bigint)[]) => unknown,
  opts: LiftLowerOptions, handles: HandleTable, shape: JsShape): (...args: unknown[]) => unknown {
  return liftAdapter(compileFunc(type, opts.encoding, shape, opts.addrType), core, opts, handles);
}

/** JS function → core-callable function (canon lower), with the flat core signature. */
export function lowerFunc(type: FuncT, callee: (...args: unknown[]) => unknown,
  opts: LiftLowerOptions, handles: HandleTable, shape: JsShape): (...flat: (number | bigint)[]) => unknown {
  return lowerAdapter(compileFunc(type, opts.encoding, shape, opts.addrType), callee, opts, handles);
}

// 🔀 The async ABI's pieces: value tuples crossing at different times (flat-values.ts), the
// elements of stream and future buffers (buffer-values.ts), and the layout facts they need.
export { type FlatValues, flatValues } from './flat-values.ts';
export {
  type BufferValues, bufferValues, bytesToTyped, type Chunk, chunkLength, MAX_BUFFER_LENGTH, noneOrNumber, rawClass, typedToBytes,
} from './buffer-values.ts';
export { elemSize as elementSize, flatten as flattenType, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS } from './layout.ts';
export { index64 } from './context.ts';

/** Whether a function result of type `t` is a `result` (returned or thrown with `results: 'throw'`). */
export function isResultType(t: VT | undefined): boolean {
  if (t === undefined) return false;
  const s = shapeOf(t);
  return s.kind === 'variant' && s.as === 'result';
}
