// The `component-name` custom section (Binary.md, "Name Section"; wasm-tools writes and
// reads it under this name): subsection 0 names the component, each subsection 1 holds one
// sort and its `namemap`. Like the core `name` section, a section that does not decode is
// simply not interpreted: its bytes are kept either way.
import { Reader } from '../../binary/reader.ts';
import { Writer } from '../../binary/writer.ts';
import { DecodeError } from '../../core/errors.ts';
import type { ComponentNames, Sort } from '../ast.ts';
import { readSort } from './decode-types.ts';
import { writeSort } from './encode-types.ts';

export const COMPONENT_NAME_SECTION = 'component-name';

/** The order wasm-tools writes the sorts of a `component-name` section in (and the text parser). */
export const NAME_SORT_ORDER: readonly Sort[] = [
  'core func', 'core table', 'core memory', 'core global', 'core tag', 'core type', 'core module',
  'core instance', 'func', 'value', 'type', 'component', 'instance',
];

const COMPONENT_NAME_ID = 0;
const SORT_NAMES_ID = 1;

export function emptyComponentNames(): ComponentNames {
  return { sorts: [], unknown: [] };
}

/** The name map of `sort`, if the section has one. */
export function sortNames(names: ComponentNames | undefined, sort: Sort): Map<number, string> | undefined {
  if (!names) return undefined;
  for (const s of names.sorts) if (s.sort === sort) return s.names;
  return undefined;
}

/** Decodes the contents of a `component-name` section, or undefined if they are malformed. */
export function decodeComponentNames(data: Uint8Array): ComponentNames | undefined {
  try {
    return readNames(new Reader(data));
  } catch (e) {
    if (e instanceof DecodeError) return undefined;
    throw e;
  }
}

function readNames(r: Reader): ComponentNames {
  const names = emptyComponentNames();
  while (!r.atEnd()) {
    const id = r.u8();
    const size = r.u32();
    if (size > r.end - r.pos) r.unexpectedEnd();
    const s = r.sub(r.pos, r.pos + size);
    r.pos += size;
    if (id === COMPONENT_NAME_ID) names.component = s.name();
    else if (id === SORT_NAMES_ID) {
      const sort = readSort(s);
      const map = new Map<number, string>();
      const n = s.count();
      for (let i = 0; i < n; i++) {
        const index = s.u32();
        map.set(index, s.name());
      }
      names.sorts.push({ sort, names: map });
    } else {
      names.unknown.push({ id, data: s.bytesView(size) });
    }
    if (s.pos !== s.end) s.fail('section size mismatch');
  }
  return names;
}

/** The contents of a `component-name` section: the name, the sorts in order, then the rest. */
export function encodeComponentNames(names: ComponentNames): Uint8Array {
  const out = new Writer();
  const sub = (id: number, w: Writer): void => {
    out.u8(id);
    out.sized(w);
  };
  if (names.component !== undefined) {
    const w = new Writer();
    w.name(names.component);
    sub(COMPONENT_NAME_ID, w);
  }
  for (const { sort, names: map } of names.sorts) {
    const w = new Writer();
    writeSort(w, sort);
    w.u32(map.size);
    for (const [index, name] of map) {
      w.u32(index);
      w.name(name);
    }
    sub(SORT_NAMES_ID, w);
  }
  for (const u of names.unknown) {
    const w = new Writer();
    w.bytes(u.data);
    sub(u.id, w);
  }
  return out.finish();
}
