// Small reads shared by the component decoder: vectors, optional immediates, and the error
// for an unknown leading byte, phrased as wasm-tools phrases it ("invalid leading byte
// (0x7) for canonical function") so conformance messages line up.
import type { Reader } from '../../binary/reader.ts';

/** How deeply components and component/instance types may nest: deeper input is rejected
 * with a DecodeError instead of exhausting the JavaScript stack. */
export const MAX_NESTING = 100;

export interface DecodeState {
  depth: number;
}

export function badByte(r: Reader, b: number, what: string, at: number): never {
  return r.fail(`invalid leading byte (0x${b.toString(16)}) for ${what}`, at);
}

export function readVec<T>(r: Reader, item: (r: Reader) => T): T[] {
  const n = r.count();
  const out: T[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = item(r);
  return out;
}

/** `<T>?`: 0x00 absent, 0x01 then T. */
export function readOptional<T>(r: Reader, what: string, item: (r: Reader) => T): T | undefined {
  const at = r.pos;
  const b = r.u8();
  if (b === 0) return undefined;
  if (b !== 1) badByte(r, b, what, at);
  return item(r);
}

/** A 0x00/0x01 flag (`async?`, `cancel?`, `sh?`). */
export function readFlag(r: Reader, what: string): boolean {
  const at = r.pos;
  const b = r.u8();
  if (b > 1) badByte(r, b, what, at);
  return b === 1;
}

/** A byte that must be 0x00. */
export function zeroByte(r: Reader): void {
  const at = r.pos;
  const b = r.u8();
  if (b !== 0) badByte(r, b, 'zero byte required', at);
}

export function enter(r: Reader, state: DecodeState): void {
  if (++state.depth > MAX_NESTING) r.fail(`nesting too deep: more than ${MAX_NESTING} levels of components or types`);
}
