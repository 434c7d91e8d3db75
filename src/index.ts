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
export { NativeEngine, NativeModule } from './runtime/native.ts';
export { Linker, type Namespace } from './runtime/linker.ts';
export { spectest, spectestModule } from './runtime/spectest.ts';
export { EngineError, UncaughtException } from './core/errors.ts';
export { NativeTrap, trapMayBe } from './runtime/traps.ts';
export { f32, f32Bits, f64, f64Bits, HostRef, i32, i64, ref, v128, WasmRef, type Ref, type Value } from './runtime/values.ts';
export type { CompiledModule, Engine, Extern, FuncExtern, GlobalExtern, Instance, MemoryExtern, TableExtern, TagExtern, TypeSpace } from './runtime/engine.ts';
export { HostFunc, hostModule, type HostFuncDef, type HostFunction } from './runtime/host.ts';
export * from './wasi/index.ts';
export { loadWit, resolveWitText, type LoadedWit, type WitFileTree } from './component/wit/load.ts';
export { printWit } from './component/wit/print.ts';
export { encodeWitPackage, encodeWorld, type EncodeWitOptions } from './component/wit/encode.ts';
export { decodeWit, type DecodedWit, type DecodeWitOptions } from './component/wit/decode.ts';
export type { ResolveOptions as WitResolveOptions } from './component/wit/resolve.ts';
export { decodeAny, decodeComponent, isComponent, type ComponentDecodeOptions, type Decoded } from './component/binary/decode.ts';
export { encodeComponent, type ComponentEncodeOptions } from './component/binary/encode.ts';
export { parseComponent } from './component/text/parse.ts';
export { printComponent } from './component/text/print.ts';
export { decodeComponentNames, encodeComponentNames, sortNames } from './component/binary/names.ts';
export { parseComponentWast, type ComponentCommand, type ScriptComponent } from './component/text/wast.ts';
export { externNameView, type ExternNameView } from './component/names.ts';
export { CANONS, type CanonDef } from './component/codes.ts';
export { emptyComponent, type Component } from './component/ast.ts';
export { validateComponent, type ValidateComponentOptions } from './component/validate/component.ts';
export type * as ComponentAst from './component/ast.ts';
export {
  CompiledComponent, compileComponent, compileComponentSync, GuestResource, instantiateComponent, instantiateComponentSync,
  type ComponentExports, type ComponentFunction, type ComponentImports, type ComponentInstance, type GuestClass, type HostClass,
  type InstantiateOptions,
  ComponentFuture, ComponentStream, type ComponentStreamReader, ErrorContext, onUncaughtTrap, type StreamChunk,
} from './component/link/index.ts';
export { ComponentError, ComponentTrap } from './core/errors.ts';
export { createHandler, setTrailers, trailersOf, type AccessLogEntry, type Handler, type HandlerOptions, type Isolation, type ServeLimits } from './serve/index.ts';
