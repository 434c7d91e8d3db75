// Transcoding hints across a component-to-component call (CanonicalABI.md, "Storing"):
// `store_string` sizes its allocations from the source string's encoding and code-unit
// count, so the realloc calls a callee sees depend on how the caller encoded the string.
// Values cross between components as JavaScript strings, which forget that; so when a lowered
// import lifts strings out of its caller's memory, it logs (string, encoding, code units), and
// when a lifted export lowers the same strings into its own memory during that call, it takes
// the hints back in order. A hint is used only for the identical string, so a host function
// in between that passes other strings just gets the defaults (a JavaScript string is UTF-16).

/** The source encodings `store_string` distinguishes. */
export const SRC_UTF8 = 0;
export const SRC_UTF16 = 1;
/** latin1+utf16 with the tag clear. */
export const SRC_LATIN1 = 2;
/** latin1+utf16 with the tag set ("probably utf16"). */
export const SRC_TAGGED_UTF16 = 3;

export class HintLog {
  readonly items: (string | number)[] = [];
  pos = 0;
  /** Set by `take`: the hint of the string it matched. */
  kind = SRC_UTF16;
  units = 0;

  add(s: string, kind: number, units: number): void {
    this.items.push(s, kind, units);
  }

  /** Consumes the next hint if it is for `s`. */
  take(s: string): boolean {
    const i = this.pos;
    if (this.items[i] !== s) return false;
    this.kind = this.items[i + 1] as number;
    this.units = this.items[i + 2] as number;
    this.pos = i + 3;
    return true;
  }
}

/**
 * Hand-over slots between a lowered import and the lifted export it calls synchronously:
 * the parameters' log travels in, and the callee's results' log travels back out.
 */
export const handover: { params: HintLog | undefined; wantResults: boolean; results: HintLog | undefined } = {
  params: undefined,
  wantResults: false,
  results: undefined,
};
