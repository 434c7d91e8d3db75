// Encoding component and core types, sorts, aliases and names (Binary.md, "Type
// Definitions"); the inverse of decode-types.ts, always in canonical form.
import type { Writer } from '../../binary/writer.ts';
import {
  writeGlobalType, writeMemoryType, writeRecGroup, writeTableType, writeValType as writeCoreValType,
} from '../../binary/encode-types.ts';
import { Writer as BufferWriter } from '../../binary/writer.ts';
import type {
  Alias, ComponentDecl, CoreExternType, CoreModuleDecl, CoreType, DefValType, ExternName,
  ExternType, InstanceDecl, Sort, TypeDef, ValType,
} from '../ast.ts';
import { CORE_SORT_CODE, EXTERN_CODE, PRIM_CODE, SORT_CODE, TYPE_CODE, type CoreSort } from '../codes.ts';

export function writeCoreSort(w: Writer, s: CoreSort): void {
  w.u8(CORE_SORT_CODE[s]);
}

export function writeSort(w: Writer, s: Sort): void {
  if (s.startsWith('core ')) {
    w.u8(0x00);
    writeCoreSort(w, s.slice(5) as CoreSort);
  } else w.u8(SORT_CODE[s as keyof typeof SORT_CODE]);
}

export function writeValType(w: Writer, t: ValType): void {
  if (typeof t === 'number') w.sleb(t);
  else w.u8(PRIM_CODE[t]);
}

function writeVec<T>(w: Writer, items: readonly T[], item: (t: T) => void): void {
  w.u32(items.length);
  for (const x of items) item(x);
}

function writeOptional<T>(w: Writer, v: T | undefined, item: (t: T) => void): void {
  if (v === undefined) w.u8(0);
  else {
    w.u8(1);
    item(v);
  }
}

export function writeResultList(w: Writer, result: ValType | undefined): void {
  if (result === undefined) {
    w.u8(0x01);
    w.u8(0x00);
  } else {
    w.u8(0x00);
    writeValType(w, result);
  }
}

function writeDefValType(w: Writer, t: DefValType): void {
  const val = (v: ValType): void => writeValType(w, v);
  switch (t.kind) {
    case 'prim': w.u8(PRIM_CODE[t.type]); break;
    case 'record': w.u8(TYPE_CODE.record); writeVec(w, t.fields, (f) => { w.name(f.name); val(f.type); }); break;
    case 'variant':
      w.u8(TYPE_CODE.variant);
      writeVec(w, t.cases, (c) => { w.name(c.name); writeOptional(w, c.type, val); w.u8(0); });
      break;
    case 'list':
      if (t.length === undefined) { w.u8(TYPE_CODE.list); val(t.element); } else {
        w.u8(TYPE_CODE['fixed-list']);
        val(t.element);
        w.u32(t.length);
      }
      break;
    case 'tuple': w.u8(TYPE_CODE.tuple); writeVec(w, t.types, val); break;
    case 'flags': case 'enum': w.u8(TYPE_CODE[t.kind]); writeVec(w, t.names, (n) => w.name(n)); break;
    case 'option': w.u8(TYPE_CODE.option); val(t.type); break;
    case 'result': w.u8(TYPE_CODE.result); writeOptional(w, t.ok, val); writeOptional(w, t.error, val); break;
    case 'own': case 'borrow': w.u8(TYPE_CODE[t.kind]); w.u32(t.type); break;
    case 'stream': case 'future': w.u8(TYPE_CODE[t.kind]); writeOptional(w, t.element, val); break;
    case 'map': w.u8(TYPE_CODE.map); val(t.key); val(t.value); break;
  }
}

export function writeTypeDef(w: Writer, t: TypeDef): void {
  switch (t.kind) {
    case 'func':
      w.u8(t.async ? TYPE_CODE['func-async'] : TYPE_CODE.func);
      writeVec(w, t.params, (p) => { w.name(p.name); writeValType(w, p.type); });
      writeResultList(w, t.result);
      break;
    case 'component': w.u8(TYPE_CODE.component); writeVec(w, t.decls, (d) => writeComponentDecl(w, d)); break;
    case 'instance': w.u8(TYPE_CODE.instance); writeVec(w, t.decls, (d) => writeInstanceDecl(w, d)); break;
    case 'resource':
      w.u8(TYPE_CODE.resource);
      writeCoreValType(w, t.rep);
      writeOptional(w, t.dtor, (f) => w.u32(f));
      break;
    default: writeDefValType(w, t);
  }
}

function writeComponentDecl(w: Writer, d: ComponentDecl): void {
  if (d.kind === 'import') {
    w.u8(0x03);
    writeExternName(w, d.name);
    writeExternType(w, d.type);
  } else writeInstanceDecl(w, d);
}

function writeInstanceDecl(w: Writer, d: InstanceDecl): void {
  switch (d.kind) {
    case 'core-type': w.u8(0x00); writeCoreType(w, d.type); break;
    case 'type': w.u8(0x01); writeTypeDef(w, d.type); break;
    case 'alias': w.u8(0x02); writeAlias(w, d.alias); break;
    case 'export': w.u8(0x04); writeExternName(w, d.name); writeExternType(w, d.type); break;
  }
}

export function writeCoreType(w: Writer, t: CoreType): void {
  if (t.kind === 'module') {
    w.u8(0x50);
    writeVec(w, t.decls, (d) => writeModuleDecl(w, d));
    return;
  }
  // A non-final sub type outside a rec group starts with 0x50, as a module type does: the
  // component format prefixes it with 0x00 (Binary.md, core:deftype).
  const g = new BufferWriter();
  writeRecGroup(g, t.group);
  const bytes = g.finish();
  if (bytes[0] === 0x50) w.u8(0x00);
  w.bytes(bytes);
}

function writeModuleDecl(w: Writer, d: CoreModuleDecl): void {
  switch (d.kind) {
    case 'import': w.u8(0x00); w.name(d.module); w.name(d.name); writeCoreExternType(w, d.type); break;
    case 'type': w.u8(0x01); writeCoreType(w, d.type); break;
    case 'alias': w.u8(0x02); w.u8(CORE_SORT_CODE.type); w.u8(0x01); w.u32(d.count); w.u32(d.index); break;
    case 'export': w.u8(0x03); w.name(d.name); writeCoreExternType(w, d.type); break;
  }
}

export function writeCoreExternType(w: Writer, t: CoreExternType): void {
  switch (t.kind) {
    case 'func': w.u8(0x00); w.u32(t.type); break;
    case 'table': w.u8(0x01); writeTableType(w, t.type); break;
    case 'memory': w.u8(0x02); writeMemoryType(w, t.type); break;
    case 'global': w.u8(0x03); writeGlobalType(w, t.type); break;
    case 'tag': w.u8(0x04); w.u8(0x00); w.u32(t.type.type); break;
  }
}

export function writeExternType(w: Writer, t: ExternType): void {
  w.u8(EXTERN_CODE[t.kind]);
  switch (t.kind) {
    case 'module': w.u8(CORE_SORT_CODE.module); w.u32(t.type); break;
    case 'func': case 'component': case 'instance': w.u32(t.type); break;
    case 'value':
      if (t.bound.kind === 'eq') { w.u8(0x00); w.u32(t.bound.value); } else { w.u8(0x01); writeValType(w, t.bound.type); }
      break;
    case 'type':
      if (t.bound.kind === 'eq') { w.u8(0x00); w.u32(t.bound.type); } else w.u8(0x01);
      break;
  }
}

export function writeAlias(w: Writer, a: Alias): void {
  writeSort(w, a.sort);
  const t = a.target;
  switch (t.kind) {
    case 'export': w.u8(0x00); w.u32(t.instance); w.name(t.name); break;
    case 'core-export': w.u8(0x01); w.u32(t.instance); w.name(t.name); break;
    case 'outer': w.u8(0x02); w.u32(t.count); w.u32(t.index); break;
  }
}

export function writeExternName(w: Writer, n: ExternName): void {
  // Attributes need the 0x02 form whatever the name was decoded with.
  const form = n.attributes.length > 0 ? 2 : n.form;
  w.u8(form);
  w.name(n.name);
  if (form !== 2) return;
  writeVec(w, n.attributes, (a) => {
    switch (a.kind) {
      case 'implements': w.u8(0x00); w.name(a.name); break;
      case 'versionsuffix': w.u8(0x01); w.name(a.suffix); break;
      case 'external-id': w.u8(0x02); w.name(a.id); break;
    }
  });
}
