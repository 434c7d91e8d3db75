// The module context C of the spec's validation rules
// (https://webassembly.github.io/spec/core/valid/conventions.html#contexts), with every type
// already encoded (type-codes.ts), so that checking an instruction reads numbers only.
import type { FeatureSet } from '../core/features.ts';
import type { TypeContext } from './type-context.ts';

export interface ModuleContext {
  readonly types: TypeContext;
  readonly features: FeatureSet;
  /** Canonical function type id of each function (imports first). */
  readonly funcs: Int32Array;
  /** Address type (I32/I64) and element type of each table. */
  readonly tableAddr: Int32Array;
  readonly tableElem: Int32Array;
  /** Address type of each memory. */
  readonly memAddr: Int32Array;
  readonly globalType: Int32Array;
  readonly globalMutable: Uint8Array;
  /**
   * How many globals instructions may name: all of them in function bodies, only the earlier
   * ones in a global's initialiser.
   */
  visibleGlobals: number;
  /** Canonical function type id of each tag. */
  readonly tags: Int32Array;
  readonly elemTypes: Int32Array;
  readonly dataCount: number;
  /** 1 for each function a `ref.func` in a body may name (C.refs). */
  readonly refs: Uint8Array;
}
