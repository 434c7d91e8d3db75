// Tessera's public API. Everything here runs in any modern JavaScript host.
export { decodeModule, type DecodeOptions } from './binary/decode.ts';
export { encodeModule, type EncodeOptions } from './binary/encode.ts';
export { DecodeError, LinkError, ParseError, Trap, type TrapKind, ValidationError } from './core/errors.ts';
export { OPCODES, opcodeByName, type ImmKind, type OpDef } from './core/opcodes.ts';
export { ALL_FEATURES, FEATURES, parseFeatureList, WASM1, WASM2, WASM3, type Feature, type FeatureSet } from './core/features.ts';
export { validateModule, type ValidateOptions } from './validate/module.ts';
export { emptyModule, SECTION_ORDER } from './core/ast.ts';
export { printWat, type PrintOptions } from './text/print.ts';
export { parseWat } from './text/parse.ts';
export { parseWast, type Script, type Command as ScriptCommand, type ScriptModule, type Action, type Value as ScriptValue, type ResultPattern, type LanePattern, type LaneShape, type NanPattern } from './text/wast.ts';
export type * from './core/ast.ts';
export type * from './core/types.ts';
