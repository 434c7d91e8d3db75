// The printer's output buffer. Lines are appended to one string that is moved into a list
// of chunks every 64 KiB and joined once at the end: appending stays cheap, and no string
// tree grows deep enough to make the final flattening slow.

const CHUNK = 1 << 16;
/**
 * Indentation stops growing at this depth. Compilers nest blocks thousands deep (a Go
 * switch, an emscripten jump table); indenting each level would make the text quadratic
 * in the nesting. wasm-tools caps it the same way.
 */
const MAX_DEPTH = 50;
const INDENTS: string[] = [''];
while (INDENTS.length <= MAX_DEPTH) INDENTS.push(`${INDENTS[INDENTS.length - 1]}  `);

/** `depth` levels of two-space indentation, up to MAX_DEPTH. */
export function indent(depth: number): string {
  return INDENTS[depth < MAX_DEPTH ? depth : MAX_DEPTH];
}

export class TextOut {
  #buf = '';
  readonly #chunks: string[] = [];
  /** Prefixes each line when offsets are printed: an `(;@hex;)` column. */
  readonly offsetWidth: number;

  constructor(offsetWidth = 0) {
    this.offsetWidth = offsetWidth;
  }

  /** One line at `depth`; `offset` fills the offset column when there is one. */
  line(depth: number, text: string, offset?: number): void {
    if (this.offsetWidth > 0) this.#buf += offsetColumn(this.offsetWidth, offset);
    this.#buf += indent(depth) + text + '\n';
    if (this.#buf.length > CHUNK) {
      this.#chunks.push(this.#buf);
      this.#buf = '';
    }
  }

  toString(): string {
    this.#chunks.push(this.#buf);
    this.#buf = '';
    const text = this.#chunks.join('');
    this.#chunks.length = 0;
    this.#chunks.push(text);
    return text;
  }
}

function offsetColumn(width: number, offset: number | undefined): string {
  if (offset === undefined) return ' '.repeat(width + 6);
  return `(;@${offset.toString(16).padStart(width, ' ')};) `;
}
