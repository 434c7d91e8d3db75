// The printer's output buffer. Lines are appended to one string that is moved into a list
// of chunks every 64 KiB and joined once at the end: appending stays cheap, and no string
// tree grows deep enough to make the final flattening slow.

const CHUNK = 1 << 16;
const INDENTS: string[] = [''];

/** `depth` levels of two-space indentation. */
export function indent(depth: number): string {
  while (INDENTS.length <= depth) INDENTS.push(`${INDENTS[INDENTS.length - 1]}  `);
  return INDENTS[depth];
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
