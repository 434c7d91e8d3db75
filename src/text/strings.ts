// String literals (https://webassembly.github.io/spec/core/text/values.html#strings): a
// string denotes bytes; escapes are \t \n \r \" \' \\, \hh (one byte) and \u{h+} (a code
// point, UTF-8 encoded). The lexer has checked the syntax; these read the value.

// ignoreBOM: a name may start with U+FEFF, and TextDecoder would otherwise drop it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

function hexValue(c: number): number {
  if (c <= 0x39) return c - 0x30;
  if (c <= 0x46) return c - 0x41 + 10;
  return c - 0x61 + 10;
}

/** True if the string between the quotes has no escapes and only ASCII. */
function isPlainAscii(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c || c >= 0x80) return false;
  }
  return true;
}

/** The bytes of the string literal whose quotes are at `start` and `end - 1`. */
export function stringBytes(text: string, start: number, end: number): Uint8Array {
  const from = start + 1;
  const to = end - 1;
  if (isPlainAscii(text, from, to)) {
    const out = new Uint8Array(to - from);
    for (let i = from; i < to; i++) out[i - from] = text.charCodeAt(i);
    return out;
  }
  const out: number[] = [];
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c !== 0x5c) {
      // Copy a run of unescaped characters, UTF-8 encoded.
      let j = i + 1;
      while (j < to && text.charCodeAt(j) !== 0x5c) j++;
      for (const b of encoder.encode(text.slice(i, j))) out.push(b);
      i = j;
      continue;
    }
    const e = text.charCodeAt(i + 1);
    switch (e) {
      case 0x74: out.push(0x09); i += 2; break;
      case 0x6e: out.push(0x0a); i += 2; break;
      case 0x72: out.push(0x0d); i += 2; break;
      case 0x22: out.push(0x22); i += 2; break;
      case 0x27: out.push(0x27); i += 2; break;
      case 0x5c: out.push(0x5c); i += 2; break;
      case 0x75: { // \u{h+}
        let j = i + 3;
        let cp = 0;
        while (text.charCodeAt(j) !== 0x7d) {
          cp = cp * 16 + hexValue(text.charCodeAt(j));
          if (cp > 0x10ffff) throw new RangeError('malformed UTF-8 encoding');
          j++;
        }
        if (cp >= 0xd800 && cp < 0xe000) throw new RangeError('malformed UTF-8 encoding');
        for (const b of encoder.encode(String.fromCodePoint(cp))) out.push(b);
        i = j + 1;
        break;
      }
      default:
        out.push(hexValue(e) * 16 + hexValue(text.charCodeAt(i + 2)));
        i += 3;
    }
  }
  return Uint8Array.from(out);
}

/** The string literal as UTF-8 text (a name), or undefined if its bytes are not UTF-8. */
export function stringUtf8(text: string, start: number, end: number): string | undefined {
  const from = start + 1;
  const to = end - 1;
  let plain = true;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c || (c >= 0xd800 && c < 0xe000)) { plain = false; break; }
  }
  if (plain) return text.slice(from, to);
  try {
    return utf8.decode(stringBytes(text, start, end));
  } catch {
    return undefined;
  }
}
