// The one place link/ takes the Canonical ABI from (the runtime contract: liftFunc,
// lowerFunc, HandleTable, CallScope, LiftLowerOptions, JsShape).
export {
  type CallScope, type HandleTable, type JsShape, type LiftLowerOptions, liftFunc, lowerFunc, toCamelCase,
} from '../abi/index.ts';
