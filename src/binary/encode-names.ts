// Encoding the `name` custom section's contents.
import type { NameMap, Names } from '../core/ast.ts';
import { MODULE_NAME_ID, NAME_SUBSECTIONS } from './names-codes.ts';
import { Writer } from './writer.ts';

function writeNameMap(w: Writer, map: NameMap): void {
  const entries = [...map].sort((a, b) => a[0] - b[0]);
  w.u32(entries.length);
  for (const [index, name] of entries) {
    w.u32(index);
    w.name(name);
  }
}

export function encodeNames(names: Names): Uint8Array {
  const subsections: { id: number; data: Uint8Array }[] = [...names.unknown];
  if (names.module !== undefined) {
    const w = new Writer();
    w.name(names.module);
    subsections.push({ id: MODULE_NAME_ID, data: w.finish() });
  }
  for (const { id, key, indirect } of NAME_SUBSECTIONS) {
    const map = names[key];
    if (map.size === 0) continue;
    const w = new Writer();
    if (indirect) {
      const entries = [...(map as Names['locals'])].sort((a, b) => a[0] - b[0]);
      w.u32(entries.length);
      for (const [index, inner] of entries) {
        w.u32(index);
        writeNameMap(w, inner);
      }
    } else writeNameMap(w, map as NameMap);
    subsections.push({ id, data: w.finish() });
  }
  subsections.sort((a, b) => a.id - b.id);
  const out = new Writer();
  for (const s of subsections) {
    out.u8(s.id);
    out.u32(s.data.length);
    out.bytes(s.data);
  }
  return out.finish();
}
