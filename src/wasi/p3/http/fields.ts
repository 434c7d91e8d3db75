// wasi:http@0.3.0 `fields` (https://github.com/WebAssembly/WASI/blob/v0.3.0/proposals/http/wit/types.wit):
// 0.2's fields (src/wasi/p2/http/fields.ts: the same names, values, forbidden headers and
// immutability), with 0.3's renames and additions: `entries` is `copy-all`, and
// `get-and-delete` is new. Every way of making fields here gives this class, so a guest of 0.3
// only ever holds 0.3 fields.
import { type FieldEntry, Fields as FieldsP2 } from '../../p2/http/fields.ts';

export class Fields extends FieldsP2 {
  /** Fields the guest may read but not change (a request's or a response's). */
  static override immutable(entries: FieldEntry[]): Fields {
    const f = new Fields(entries);
    f.freeze();
    return f;
  }

  /** `[static]fields.from-list`: 0.2's checks, as 0.3 fields. */
  static override 'from-list'(entries: readonly (readonly [string, Uint8Array])[]): Fields {
    return new Fields(FieldsP2['from-list'](entries).list.slice());
  }

  /** `[method]fields.copy-all` */
  'copy-all'(): FieldEntry[] {
    return this.entries();
  }

  /** `[method]fields.get-and-delete`: the values `delete` removes. */
  'get-and-delete'(name: string): Uint8Array[] {
    const values = this.get(name);
    this.delete(name);
    return values;
  }

  /** `[method]fields.clone`: a mutable copy. */
  override clone(): Fields {
    return new Fields(this.entries());
  }
}
