// The one place link/ takes the Canonical ABI from (/work/briefs runtime contract: liftFunc,
// lowerFunc, HandleTable, CallScope, LiftLowerOptions, JsShape). Until src/component/abi/
// lands, a minimal stand-in of the same API serves primitive, string and handle types.
export {
  type CallScope, type HandleTable, type JsShape, type LiftLowerOptions, liftFunc, lowerFunc,
} from './abi-standin.ts';
