// The printer's output: UTF-8 bytes in one growing buffer, decoded to a string once at the
// end. Printing a big module writes tens of millions of characters; building them as
// strings made the printer spend most of its time in garbage collection and in flattening
// concatenations. Here mnemonics are copied from pre-encoded bytes, numbers are written
// digit by digit, and the only strings made per instruction are for rare immediates.

/**
 * Indentation stops growing at this depth. Compilers nest blocks thousands deep (a Go
 * switch, an emscripten jump table); indenting each level would make the text quadratic
 * in the nesting. wasm-tools caps it the same way.
 */
const MAX_DEPTH = 50;
const SPACE = 0x20;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX = new TextEncoder().encode('0123456789abcdef');
const utf8 = new TextEncoder();
const decoder = new TextDecoder();

/** The bytes of an ASCII string (mnemonics, keywords). */
export function ascii(s: string): Uint8Array {
  return utf8.encode(s);
}

/**
 * Every line starts by reserving this much room, so the small writes that follow (an
 * indentation of at most 100, a mnemonic, a few numbers, the newline) need no check of
 * their own. Writes of arbitrary length (`str`) reserve for themselves, plus this slack.
 */
const LINE_SLACK = 256;

/** The buffer of the last print, reused by the next one (printing is synchronous). */
let spare: Uint8Array | undefined;

export class TextOut {
  #buf: Uint8Array;
  #len = 0;
  /** Width of the `(;@hex;)` offset column; 0 when offsets are not printed. */
  readonly offsetWidth: number;
  readonly #digits = new Uint8Array(24);

  constructor(offsetWidth = 0, capacity = 1 << 16) {
    this.offsetWidth = offsetWidth;
    if (spare && spare.length >= capacity) {
      this.#buf = spare;
      spare = undefined;
    } else this.#buf = new Uint8Array(capacity);
  }

  #reserve(n: number): void {
    if (this.#len + n + LINE_SLACK <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n + LINE_SLACK) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  /** Starts a line: the offset column (when printed) and `depth` levels of indentation. */
  start(depth: number, offset?: number): void {
    this.#reserve(0);
    if (this.offsetWidth > 0) this.str(offsetColumn(this.offsetWidth, offset));
    const n = 2 * (depth < MAX_DEPTH ? depth : MAX_DEPTH);
    const buf = this.#buf;
    let len = this.#len;
    // Deep bodies are mostly indentation: a native fill beats a loop past a few bytes.
    if (n > 16) {
      buf.fill(SPACE, len, len + n);
      len += n;
    } else for (let i = 0; i < n; i++) buf[len++] = SPACE;
    this.#len = len;
  }

  end(): void {
    this.#buf[this.#len++] = NEWLINE;
  }

  /** One whole line at `depth`. */
  line(depth: number, text: string, offset?: number): void {
    this.start(depth, offset);
    this.str(text);
    this.end();
  }

  /** Short bytes (a mnemonic): within the line's reserved room. */
  bytes(b: Uint8Array): void {
    const n = b.length;
    const buf = this.#buf;
    let len = this.#len;
    for (let i = 0; i < n; i++) buf[len++] = b[i];
    this.#len = len;
  }

  byte(c: number): void {
    this.#buf[this.#len++] = c;
  }

  /** Any string; ASCII is copied directly, the rest encoded as UTF-8. */
  str(s: string): void {
    const n = s.length;
    this.#reserve(n);
    const buf = this.#buf;
    let len = this.#len;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.#len = len;
        this.#reserve(3 * (n - i));
        len += utf8.encodeInto(s.slice(i), this.#buf.subarray(len)).written;
        this.#len = len;
        return;
      }
      buf[len++] = c;
    }
    this.#len = len;
  }

  /**
   * A byte string as a quoted string literal: printable ASCII as it is, except `"` and `\`,
   * everything else as `\hh`. Data segments run to megabytes, so this writes bytes directly.
   */
  byteString(data: Uint8Array): void {
    this.#reserve(3 * data.length + 2);
    const buf = this.#buf;
    let len = this.#len;
    buf[len++] = QUOTE;
    for (let i = 0; i < data.length; i++) {
      const b = data[i];
      if (b >= 0x20 && b < 0x7f && b !== QUOTE && b !== BACKSLASH) buf[len++] = b;
      else {
        buf[len++] = BACKSLASH;
        buf[len++] = HEX[b >> 4];
        buf[len++] = HEX[b & 15];
      }
    }
    buf[len++] = QUOTE;
    this.#len = len;
  }

  /** A space, then a non-negative integer below 2^53. */
  spaceUint(v: number): void {
    this.#buf[this.#len++] = SPACE;
    this.uint(v);
  }

  uint(v: number): void {
    const buf = this.#buf;
    if (v < 10) {
      buf[this.#len++] = 0x30 + v;
      return;
    }
    const d = this.#digits;
    let n = 0;
    while (v > 0) {
      const q = Math.floor(v / 10);
      d[n++] = 0x30 + (v - q * 10);
      v = q;
    }
    let len = this.#len;
    while (n > 0) buf[len++] = d[--n];
    this.#len = len;
  }

  /** A space, then a signed integer of at most 53 bits. */
  spaceInt(v: number): void {
    this.#buf[this.#len++] = SPACE;
    if (v < 0) {
      this.#buf[this.#len++] = 0x2d;
      v = -v;
    }
    this.uint(v);
  }

  toString(): string {
    const text = decoder.decode(this.#buf.subarray(0, this.#len));
    if (this.#buf.length <= 1 << 26) spare = this.#buf; // keep at most 64 MiB alive
    this.#len = 0;
    return text;
  }
}

function offsetColumn(width: number, offset: number | undefined): string {
  if (offset === undefined) return ' '.repeat(width + 6);
  return `(;@${offset.toString(16).padStart(width, ' ')};) `;
}
