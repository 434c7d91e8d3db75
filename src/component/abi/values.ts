// The JavaScript shapes of component values (jco's conventions, see
// ../../../../briefs/runtime-contract.md "JavaScript value shapes"). These types document what a
// lifted function returns and what a lowered host function receives; lowering also accepts the
// looser inputs listed with each type.

/** bool. */
export type Bool = boolean;
/** s8 u8 s16 u16 s32 u32 f32 f64: a number (lowering checks the integer range). */
export type Num = number;
/** s64 u64: a bigint (lowering also accepts a safe-integer number). */
export type Int64 = bigint;
/** char: a string of exactly one Unicode scalar value (not a lone surrogate). */
export type Char = string;
/** string: any JavaScript string without lone surrogates (they cannot be transcoded). */
export type Str = string;

/**
 * list<T> and fixed-size list<T, N>: an Array, or a typed array for numeric elements:
 * u8 → Uint8Array, s8 → Int8Array, u16 → Uint16Array, s16 → Int16Array, u32 → Uint32Array,
 * s32 → Int32Array, u64 → BigUint64Array, s64 → BigInt64Array, f32 → Float32Array,
 * f64 → Float64Array. Lowering accepts any array-like of the elements (a plain Array of
 * numbers or bigints, or any typed array). Lifting copies out of linear memory.
 */
export type List<T = unknown> =
  | T[] | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array
  | BigUint64Array | BigInt64Array | Float32Array | Float64Array;

/**
 * map<K, V>: the entries in their order, as `[key, value]` pairs (the Canonical ABI
 * despecializes a map to list<tuple<K, V>>, and duplicate keys survive a crossing).
 * Lowering also accepts a JavaScript `Map` or any iterable of pairs.
 */
export type MapValue<K = unknown, V = unknown> = [K, V][];

/** record: a plain object; keys are the WIT field names, or lowerCamelCase with `names: 'camel'`. */
export type Record = { [field: string]: unknown };
/** tuple: an Array of the elements. */
export type Tuple = unknown[];

/** variant: the case name (always the WIT name) and, when the case has one, its payload. */
export type Variant = { tag: string; val?: unknown };
/** enum: the case name. */
export type Enum = string;

/**
 * option<T>: the payload or `undefined` (lowering also takes `null` as none). When T is itself
 * an option, the outer option is tagged so that nesting survives.
 */
export type Option<T = unknown> = T | undefined;
export type TaggedOption<T = unknown> = { tag: 'some'; val: T } | { tag: 'none' };

/**
 * result<T, E> inside a value. As the result of a whole function with `results: 'throw'`,
 * `ok` returns its payload and `err` throws a `ComponentError` whose `payload` is the error.
 */
export type Result<T = unknown, E = unknown> = { tag: 'ok'; val: T } | { tag: 'err'; val: E };

/**
 * flags: an object of booleans keyed by member name (camelCase with `names: 'camel'`); every
 * member is present when lifted, and a missing member lowers as false.
 */
export type Flags = { [member: string]: boolean };

/**
 * own<R> and borrow<R>: the resource's JavaScript object, which the instance's `HandleTable`
 * produces and accepts; a raw handle number never crosses.
 */
export type Resource = object;
