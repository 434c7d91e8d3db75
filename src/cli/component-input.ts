// Telling components from modules on the command line: a binary by its preamble's layer
// field (Binary.md, "Component Definitions"), text by its first form, `(component`.
import { isComponent } from '../component/binary/decode.ts';

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Text whose first form, after comments and whitespace, is `(component`. */
const COMPONENT_TEXT = /^\s*(?:(?:;;[^\n]*(?:\n|$)|\(;[\s\S]*?;\))\s*)*\(component\b/;

export function isBinary(bytes: Uint8Array): boolean {
  return WASM_MAGIC.every((b, i) => bytes[i] === b);
}

/** What a file holds, by its first bytes: a binary or a text module or component. */
export function inputKind(bytes: Uint8Array): { binary: boolean; component: boolean } {
  if (isBinary(bytes)) return { binary: true, component: isComponent(bytes) };
  // A block comment can be long; 64 KiB of leading comments is enough for anyone.
  return { binary: false, component: COMPONENT_TEXT.test(new TextDecoder().decode(bytes.subarray(0, 1 << 16))) };
}
