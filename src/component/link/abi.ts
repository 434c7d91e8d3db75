// The one place link/ (and async/) take the Canonical ABI from (the runtime contract:
// liftFunc, lowerFunc, HandleTable, CallScope, LiftLowerOptions, JsShape; for the async ABI,
// flatValues and the buffer values of streams and futures).
export {
  type BufferValues, bufferValues, bytesToTyped, elementSize, type CallScope, type Chunk, chunkLength, type FlatValues, flatValues,
  flattenType, type HandleTable, index64, isResultType, type JsShape, type LiftLowerOptions, liftFunc, lowerFunc, MAX_BUFFER_LENGTH,
  MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, noneOrNumber, rawClass,
  toCamelCase, typedToBytes,
} from '../abi/index.ts';
