// Where the items of a component came from, kept beside the AST rather than in it: the
// decoder records each section entry's absolute byte offset, the text parser each entry's
// character offset in its source. The AST stays plain data (an edited or built component
// simply has no positions), re-encoding is unaffected, and the validator reports an error
// at the item it is about: `file.wasm:0x1f3: ...` or `file.wat:12:5: ...`.
import type { Component } from './ast.ts';

/** Absolute byte offset of a decoded section entry (or section) in its input. */
export const ITEM_OFFSETS = new WeakMap<object, number>();

/** Character offset, in its component's source text, of a parsed section entry. */
export const ITEM_TEXT_POSITIONS = new WeakMap<object, number>();

/** The source text of a component parsed from text (the outermost one). */
export const COMPONENT_TEXT = new WeakMap<Component, string>();
