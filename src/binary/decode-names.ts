// The `name` custom section. Custom sections cannot make a module malformed, so a name
// section that does not decode is simply not interpreted (the bytes are kept either way).
import type { NameMap, Names } from '../core/ast.ts';
import { DecodeError } from '../core/errors.ts';
import { MODULE_NAME_ID, NAME_SUBSECTIONS, emptyNames } from './names-codes.ts';
import { Reader } from './reader.ts';

const BY_ID = new Map(NAME_SUBSECTIONS.map((s) => [s.id, s]));

/** Decodes the contents of a `name` section, or returns undefined if they are malformed. */
export function decodeNames(data: Uint8Array): Names | undefined {
  try {
    return readNames(new Reader(data));
  } catch (e) {
    if (e instanceof DecodeError) return undefined;
    throw e;
  }
}

function readNames(r: Reader): Names {
  const names = emptyNames();
  while (!r.atEnd()) {
    const id = r.u8();
    const size = r.u32();
    if (size > r.end - r.pos) r.unexpectedEnd();
    const s = new Reader(r.bytes, r.pos, r.pos + size);
    r.pos += size;
    const sub = BY_ID.get(id);
    if (id === MODULE_NAME_ID) names.module = s.name();
    else if (!sub) {
      names.unknown.push({ id, data: s.bytes.subarray(s.pos, s.end) });
      s.pos = s.end;
    } else if (sub.indirect) {
      const map = names[sub.key as 'locals'];
      const n = s.count();
      for (let i = 0; i < n; i++) {
        const index = s.u32();
        map.set(index, readNameMap(s));
      }
    } else {
      const target = names[sub.key as 'funcs'];
      for (const [k, v] of readNameMap(s)) target.set(k, v);
    }
    if (s.pos !== s.end) s.fail('section size mismatch');
  }
  return names;
}

function readNameMap(r: Reader): NameMap {
  const map: NameMap = new Map();
  const n = r.count();
  for (let i = 0; i < n; i++) {
    const index = r.u32();
    map.set(index, r.name());
  }
  return map;
}
