// Literals of the text format (https://webassembly.github.io/spec/core/text/values.html),
// printed so that they read back to the same bits: floats, strings, ids.

const scratch = new ArrayBuffer(8);
const f32 = new Float32Array(scratch);
const u32 = new Uint32Array(scratch);
const f64 = new Float64Array(scratch);
const u64 = new BigUint64Array(scratch);

const F32_EXP = 0x7f80_0000;
const F32_FRAC = 0x007f_ffff;
const F32_CANONICAL_NAN = 0x0040_0000;
const F64_EXP = 0x7ff0_0000_0000_0000n;
const F64_FRAC = 0x000f_ffff_ffff_ffffn;
const F64_CANONICAL_NAN = 0x0008_0000_0000_0000n;

/** A JavaScript number's shortest round-trip decimal, in the text format's spelling. */
function decimal(x: number): string {
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  return String(x);
}

/**
 * An f32 from its bits. NaNs print their payload (`nan` is the canonical one), other values
 * the shortest decimal that reads back to the same f32. "Reads back" is checked through a
 * double, the way a parser may convert: a decimal whose nearest double is exactly halfway
 * between two f32s could round either way, so those are skipped for a longer one.
 */
export function f32Text(bits: number): string {
  bits >>>= 0;
  const sign = bits >>> 31 ? '-' : '';
  if ((bits & F32_EXP) === F32_EXP) {
    const frac = bits & F32_FRAC;
    if (frac === 0) return `${sign}inf`;
    return frac === F32_CANONICAL_NAN ? `${sign}nan` : `${sign}nan:0x${frac.toString(16)}`;
  }
  u32[0] = bits;
  const x = f32[0];
  if (x === 0 || !Number.isFinite(x)) return decimal(x);
  for (let p = 1; p < 17; p++) {
    const s = x.toPrecision(p);
    const d = Number(s);
    if (Math.fround(d) !== x) continue;
    if (d !== x) {
      const other = 2 * d - x;
      if (Math.fround(other) === other && other !== x) continue; // d is a midpoint
    }
    return decimal(d) === s ? s : normalise(s);
  }
  return decimal(x); // every f32 is a double: its double decimal is exact
}

/** `toPrecision` may write `1.0e+21`-style or trailing-zero forms; keep them valid and short. */
function normalise(s: string): string {
  const e = s.indexOf('e');
  let mant = e < 0 ? s : s.slice(0, e);
  const exp = e < 0 ? '' : s.slice(e);
  if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
  return mant + exp;
}

/** An f64 from its bits: shortest round-trip decimal, or inf / nan with payload. */
export function f64Text(bits: bigint): string {
  const neg = bits >> 63n !== 0n;
  if ((bits & F64_EXP) === F64_EXP) {
    const frac = bits & F64_FRAC;
    const sign = neg ? '-' : '';
    if (frac === 0n) return `${sign}inf`;
    return frac === F64_CANONICAL_NAN ? `${sign}nan` : `${sign}nan:0x${frac.toString(16)}`;
  }
  u64[0] = bits;
  return decimal(f64[0]);
}

// Escapes for bytes in string literals: printable ASCII stays, except `"` and `\`.
const BYTE_ESCAPE: string[] = [];
for (let b = 0; b < 256; b++) {
  BYTE_ESCAPE.push(
    b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\${b.toString(16).padStart(2, '0')}`,
  );
}

const utf8 = new TextEncoder();

/**
 * A name (a Unicode string) as a string literal. Printable characters stay as they are, so
 * non-ASCII names read naturally; control characters, quotes and backslashes are escaped.
 */
export function nameText(name: string): string {
  let plain = true;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x7f || (c >= 0xd800 && c <= 0xdfff)) {
      plain = false;
      break;
    }
  }
  if (plain) return `"${name}"`;
  let out = '"';
  for (const ch of name) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x7f) out += BYTE_ESCAPE[c];
    else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate has no UTF-8 form; encode as the encoder will (U+FFFD).
      for (const b of utf8.encode(ch)) out += BYTE_ESCAPE[b];
    } else out += ch;
  }
  return `${out}"`;
}

/** Characters an id may use unquoted (https://webassembly.github.io/spec/core/text/values.html#text-id). */
const ID_CHAR = new Uint8Array(128);
for (const c of "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&'*+-./:<=>?@\\^_`|~") {
  ID_CHAR[c.charCodeAt(0)] = 1;
}

/** True if `name` can be written `$name`. */
export function isPlainId(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 128 || ID_CHAR[c] === 0) return false;
  }
  return true;
}

/** The id for a non-empty name: `$name`, or the string form `$"..."` for other characters. */
export function idText(name: string): string {
  return isPlainId(name) ? `$${name}` : `$${nameText(name)}`;
}

/** An unsigned 64-bit quantity (limits, offsets). */
export function u64Text(v: number | bigint): string {
  return typeof v === 'bigint' ? v.toString() : String(v);
}
