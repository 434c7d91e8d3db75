// The interface between the Canonical ABI (this folder) and instantiation (../link), as the
// runtime contract fixes it: the resolved canonical options of one `canon lift` or
// `canon lower`, the JavaScript conventions, and the handle tables that link/ implements.
import type { AddrType } from '../../core/types.ts';
import type { TypeEntry } from '../validate/model.ts';

/** The canonical options (`canonopt`), resolved at instantiation. */
export interface LiftLowerOptions {
  readonly memory?: WebAssembly.Memory;
  /**
   * 🐘 The memory's address type (CanonicalABI.md, `MemInst.addrtype`, `ptr_type()`): 'i64'
   * for a 64-bit memory, whose pointers and lengths are i64 core values (bigints) and 8 bytes
   * in memory. Absent means 'i32'. The JS API cannot tell a Memory's address type (without
   * type reflection), so link/ passes the validated one.
   */
  readonly addrType?: AddrType;
  /**
   * The core realloc function: `(ptr, oldSize, align, newSize) → ptr` in numbers, or 🐘 in
   * bigints when `addrType` is 'i64'. A method signature, so a function typed with numbers
   * only (a 32-bit realloc) still fits.
   */
  realloc?(ptr: number | bigint, oldSize: number | bigint, align: number | bigint, newSize: number | bigint): number | bigint;
  readonly encoding: 'utf8' | 'utf16' | 'latin1+utf16';
  readonly postReturn?: (...flat: (number | bigint)[]) => void;
}

/** How component values look in JavaScript (see values.ts). */
export interface JsShape {
  /** 'camel' maps record fields and flags members from kebab-case to lowerCamelCase. */
  readonly names: 'wit' | 'camel';
  /** 'throw': a top-level `result` returns its ok payload or throws a ComponentError. */
  readonly results: 'throw' | 'tagged';
}

/** Implemented by link/, once per component instance: the instance's handle tables. */
export interface HandleTable {
  /** A fresh per-call scope (borrow bookkeeping). */
  beginCall(): CallScope;
  /** Traps if borrows are still held ("borrow handles still remain at the end of the call") and releases lends. */
  endCall(scope: CallScope): void;
  /** JS resource → new handle index. */
  lowerOwn(resource: TypeEntry, value: unknown, scope: CallScope): number;
  lowerBorrow(resource: TypeEntry, value: unknown, scope: CallScope): number;
  /** Removes the handle, returns the JS resource object. */
  liftOwn(resource: TypeEntry, handle: number, scope: CallScope): unknown;
  /** Lends the handle for the call. */
  liftBorrow(resource: TypeEntry, handle: number, scope: CallScope): unknown;
  /**
   * 🔀 `lift_stream` / `lift_future` (CanonicalABI.md, "Loading"): removes the readable end at
   * `handle` (of stream or future type `type`) and returns its JavaScript value.
   */
  liftStream(type: TypeEntry, handle: number): unknown;
  liftFuture(type: TypeEntry, handle: number): unknown;
  /** 🔀 `lower_stream` / `lower_future`: a readable end for the JavaScript value, its new handle. */
  lowerStream(type: TypeEntry, value: unknown): number;
  lowerFuture(type: TypeEntry, value: unknown): number;
  /** 📝 `lift_error_context` (the handle stays) and `lower_error_context` (a new handle). */
  liftErrorContext(handle: number): unknown;
  lowerErrorContext(value: unknown): number;
}

/** Opaque to the ABI; link/ defines the fields. */
export interface CallScope {}
