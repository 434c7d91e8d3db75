// Subtyping of component types (Explainer.md, "Subtyping" and "Type Checking"), used for
// instantiation arguments and export ascriptions. Each check returns undefined when `a`
// (the actual type) is a subtype of `b` (the expected one), or the reason in wasm-tools'
// wording, outer context first ("type mismatch in import `f`: expected ...").
import { moduleMismatch } from './core-types.ts';
import { type ComponentT, type Def, defDescription, type EntityT, type FuncT, type InstanceT, type VT } from './model.ts';

/** Resource ids that stand for each other while comparing (abstract → concrete). */
export type RidMap = Map<number, number>;

function rid(map: RidMap, r: number): number {
  return map.get(r) ?? r;
}

function within(context: string, inner: string | undefined): string | undefined {
  return inner === undefined ? undefined : `${context}: ${inner}`;
}

export function entityMismatch(a: EntityT, b: EntityT, map: RidMap): string | undefined {
  if (a.kind !== b.kind) return `expected ${b.kind}, found ${a.kind}`;
  switch (b.kind) {
    case 'func': return funcMismatch(a.type as FuncT, b.type, map);
    case 'value': return valMismatch(a.type as VT, b.type, map);
    case 'type': return defMismatch((a.type as { def: Def }).def, b.type.def, map);
    case 'instance': return instanceMismatch(a.type as InstanceT, b.type, map);
    case 'component': return componentMismatch(a.type as ComponentT, b.type, map);
    case 'module': return moduleMismatch(a.type as typeof b.type, b.type);
  }
}

export function funcMismatch(a: FuncT, b: FuncT, map: RidMap): string | undefined {
  if (a.async !== b.async) return a.async ? 'expected sync function, found async function' : 'expected async function, found sync function';
  if (a.params.length !== b.params.length) return `expected ${b.params.length} parameters, found ${a.params.length}`;
  for (let i = 0; i < a.params.length; i++) {
    const [an, at] = a.params[i];
    const [bn, bt] = b.params[i];
    if (an !== bn) return `expected parameter named \`${bn}\`, found \`${an}\``;
    // Component value subtyping is equality today, so the direction only shows in messages.
    const m = within(`type mismatch in function parameter \`${an}\``, valMismatch(at, bt, map));
    if (m) return m;
  }
  // wasm-tools words result presence from the other side.
  if (b.result === undefined) return a.result === undefined ? undefined : 'expected a result, found none';
  if (a.result === undefined) return 'expected no result, found one';
  return within('type mismatch with result type', valMismatch(a.result, b.result, map));
}

function instanceMismatch(a: InstanceT, b: InstanceT, map: RidMap): string | undefined {
  alignResources(a.exports, b.exports, map);
  for (const [name, bt] of b.exports) {
    const at = a.exports.get(name);
    if (at === undefined) return `missing expected export \`${name}\``;
    const m = within(`type mismatch in instance export \`${name}\``, entityMismatch(at, bt, map));
    if (m) return m;
  }
  return undefined;
}

function componentMismatch(a: ComponentT, b: ComponentT, map: RidMap): string | undefined {
  // Imports are contravariant: everything `a` imports, `b` must offer.
  alignResources(b.imports, a.imports, map);
  for (const [name, at] of a.imports) {
    const bt = b.imports.get(name);
    if (bt === undefined) return `missing expected import \`${name}\``;
    const m = within(`type mismatch in import \`${name}\``, entityMismatch(bt, at, map));
    if (m) return m;
  }
  alignResources(a.exports, b.exports, map);
  for (const [name, bt] of b.exports) {
    const at = a.exports.get(name);
    if (at === undefined) return `missing expected export \`${name}\``;
    const m = within(`type mismatch in export \`${name}\``, entityMismatch(at, bt, map));
    if (m) return m;
  }
  return undefined;
}

/** Abstract resources of `expected` stand for the resources `actual` has under the same name. */
function alignResources(actual: ReadonlyMap<string, EntityT>, expected: ReadonlyMap<string, EntityT>, map: RidMap): void {
  for (const [name, e] of expected) {
    const a = actual.get(name);
    if (e.kind === 'type' && a?.kind === 'type' && e.type.def.kind === 'resource' && a.type.def.kind === 'resource' && e.type.def.rep === undefined) {
      if (!map.has(e.type.def.rid)) map.set(e.type.def.rid, rid(map, a.type.def.rid));
    }
  }
}

export function defMismatch(a: Def, b: Def, map: RidMap): string | undefined {
  if (b.kind === 'resource' || a.kind === 'resource') {
    if (b.kind !== 'resource') return 'expected defined type, found resource';
    if (a.kind !== 'resource') return 'expected resource, found defined type';
    return rid(map, a.rid) === rid(map, b.rid) ? undefined : 'resource types are not the same';
  }
  if (b.kind === 'func' || b.kind === 'instance' || b.kind === 'component') {
    if (a.kind !== b.kind) return `expected ${b.kind}, found ${defDescription(a)}`;
    return entityMismatch({ kind: a.kind, type: a.type } as EntityT, { kind: b.kind, type: b.type } as EntityT, map);
  }
  if (a.kind === 'func' || a.kind === 'instance' || a.kind === 'component') return `expected ${defDescription(b)}, found ${a.kind}`;
  return valDefMismatch(a, b, map);
}

function asDef(t: VT): Def {
  return typeof t === 'string' ? { kind: 'prim', type: t } : t.def;
}

export function valMismatch(a: VT, b: VT, map: RidMap): string | undefined {
  if (a === b) return undefined;
  const ad = asDef(a);
  const bd = asDef(b);
  // In value positions a primitive is named itself ("expected u32, found tuple").
  if (bd.kind === 'prim' && ad.kind !== 'prim') return `expected ${bd.type}, found ${defDescription(ad)}`;
  return valDefMismatch(ad, bd, map);
}

function valDefMismatch(a: Def, b: Def, map: RidMap): string | undefined {
  if (a.kind === 'prim' && b.kind === 'prim') {
    return a.type === b.type ? undefined : `expected primitive \`${b.type}\` found primitive \`${a.type}\``;
  }
  if (b.kind === 'prim') return `expected primitive, found ${defDescription(a)}`;
  if (a.kind !== b.kind) return `expected ${defDescription(b)}, found ${defDescription(a)}`;
  const opt = (x: VT | undefined, y: VT | undefined, what: string): string | undefined => {
    if (y === undefined) return x === undefined ? undefined : `expected ${what} type to not be present`;
    if (x === undefined) return `expected ${what} type, but found none`;
    return within(`type mismatch in ${what} variant`, valMismatch(x, y, map));
  };
  switch (b.kind) {
    case 'record': {
      const af = (a as typeof b).fields;
      if (af.length !== b.fields.length) return `expected ${b.fields.length} fields, found ${af.length}`;
      for (let i = 0; i < af.length; i++) {
        if (af[i][0] !== b.fields[i][0]) return `expected field name \`${b.fields[i][0]}\`, found \`${af[i][0]}\``;
        const m = within(`type mismatch in record field \`${af[i][0]}\``, valMismatch(af[i][1], b.fields[i][1], map));
        if (m) return m;
      }
      return undefined;
    }
    case 'variant': {
      const ac = (a as typeof b).cases;
      if (ac.length !== b.cases.length) return `expected ${b.cases.length} cases, found ${ac.length}`;
      for (let i = 0; i < ac.length; i++) {
        const [an, at] = ac[i];
        const [bn, bt] = b.cases[i];
        if (an !== bn) return `expected case named \`${bn}\`, found \`${an}\``;
        if (bt === undefined) { if (at !== undefined) return `expected case \`${an}\` to have no type`; continue; }
        if (at === undefined) return `expected case \`${an}\` to have a type, found none`;
        const m = within(`type mismatch in variant case \`${an}\``, valMismatch(at, bt, map));
        if (m) return m;
      }
      return undefined;
    }
    case 'tuple': {
      const at = (a as typeof b).types;
      if (at.length !== b.types.length) return `expected ${b.types.length} types, found ${at.length}`;
      for (let i = 0; i < at.length; i++) {
        const m = within(`type mismatch in tuple field ${i}`, valMismatch(at[i], b.types[i], map));
        if (m) return m;
      }
      return undefined;
    }
    case 'flags': case 'enum': {
      const an = (a as typeof b).names;
      return an.length === b.names.length && an.every((n, i) => n === b.names[i]) ? undefined : `mismatch in ${b.kind} elements`;
    }
    case 'list': {
      const al = a as typeof b;
      if (al.length !== b.length) return 'mismatch in list length';
      return within('type mismatch in list element', valMismatch(al.element, b.element, map));
    }
    case 'option': return within('type mismatch in option', valMismatch((a as typeof b).type, b.type, map));
    case 'result': {
      const ar = a as typeof b;
      return opt(ar.ok, b.ok, 'ok') ?? opt(ar.error, b.error, 'err');
    }
    case 'own': case 'borrow': return defMismatch((a as typeof b).resource.def, b.resource.def, map);
    case 'stream': case 'future': {
      const ae = (a as typeof b).element;
      if (b.element === undefined || ae === undefined) return ae === b.element ? undefined : `type mismatch in ${b.kind}`;
      return within(`type mismatch in ${b.kind}`, valMismatch(ae, b.element, map));
    }
    case 'map': {
      const am = a as typeof b;
      return within('type mismatch in map key', valMismatch(am.key, b.key, map)) ?? within('type mismatch in map value', valMismatch(am.value, b.value, map));
    }
  }
  return undefined;
}
