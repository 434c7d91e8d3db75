// A decoded function whose body is read on first use. Decoding a module then costs a scan of
// section headers, and an unchanged body is written back as its original bytes.
import type { Expr, Func, Locals } from '../core/ast.ts';
import { readExpr, readLocals } from './decode-instr.ts';
import type { FeatureSet } from '../core/features.ts';
import { Reader } from './reader.ts';

export class DecodedFunc implements Func {
  type: number;
  /** Offset of the body's size field. */
  readonly offset: number;
  readonly #bytes: Uint8Array;
  readonly #features: FeatureSet;
  readonly #hasDataCount: boolean;
  readonly #bodyStart: number;
  readonly #end: number;
  #locals: Locals[] | undefined;
  #body: Expr | undefined;

  constructor(
    type: number, section: Reader, offset: number, bodyStart: number, end: number, hasDataCount = false,
  ) {
    this.type = type;
    this.offset = offset;
    this.#bytes = section.bytes;
    this.#features = section.features;
    this.#hasDataCount = hasDataCount;
    this.#bodyStart = bodyStart;
    this.#end = end;
  }

  get locals(): Locals[] {
    if (!this.#locals) this.read();
    return this.#locals as Locals[];
  }
  set locals(value: Locals[]) {
    if (!this.#body) this.read();
    this.#locals = value;
  }

  get body(): Expr {
    if (!this.#body) this.read();
    return this.#body as Expr;
  }
  set body(value: Expr) {
    if (!this.#locals) this.read();
    this.#body = value;
  }

  /** True once locals or body have been read (and so may have been changed). */
  get isRead(): boolean {
    return this.#body !== undefined;
  }

  /** The original encoding: size field and body. */
  get original(): Uint8Array {
    return this.#bytes.subarray(this.offset, this.#end);
  }

  /** The buffer this function was decoded from. */
  get source(): Uint8Array {
    return this.#bytes;
  }

  /**
   * A reader at the start of the original body (its locals), for streaming consumers. A
   * consumer reading many bodies may pass the reader it used for the previous one: if it
   * reads the same bytes with the same features, it is moved here instead of allocating.
   */
  bodyReader(reuse?: Reader): Reader {
    if (reuse && reuse.bytes === this.#bytes && reuse.features === this.#features) {
      reuse.pos = this.#bodyStart;
      reuse.end = this.#bytes.length;
      return reuse;
    }
    return new Reader(this.#bytes, this.#bodyStart, this.#bytes.length, this.#features);
  }

  /** Offset just past the original body. */
  get end(): number {
    return this.#end;
  }

  /** Whether the module has a data count section (memory.init and data.drop need one). */
  get hasDataCount(): boolean {
    return this.#hasDataCount;
  }

  /** Decodes locals and instructions; throws DecodeError for a malformed body. */
  read(): void {
    const { locals, body } = this.reread();
    this.#locals = locals;
    this.#body = body;
  }

  /** A fresh decoding of the original bytes, whatever has been read or set since. */
  reread(): { locals: Locals[]; body: Expr } {
    // Like the reference decoder, read on past the body's end if its bytes do not close it;
    // the size check below then reports the mismatch.
    const r = this.bodyReader();
    const locals = readLocals(r);
    const body = readExpr(r, this.#hasDataCount);
    if (r.pos !== this.#end) r.fail('section size mismatch');
    return { locals, body };
  }
}
