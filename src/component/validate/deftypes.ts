// Defined value types and function types (Explainer.md, "Type Definitions" and its
// validation notes): non-empty records, variants, tuples, flags and enums; kebab-case,
// case-insensitively unique labels; at most 32 flags; `own`/`borrow` of resource types;
// `borrow` only in parameters; a bounded value size for fixed-size lists.
import { ValidationError } from '../../core/errors.ts';
import type { DefValType, FuncType, ValType } from '../ast.ts';
import { MAX_VALUE_SIZE, sizeAlign } from './abi.ts';
import type { FuncT, TypeEntry, ValDef, VT } from './model.ts';
import { isKebab } from './names.ts';
import { at, type Scope } from './scope.ts';

/** A value type operand: a primitive, or a type index whose definition is a value type. */
export function valType(scope: Scope, t: ValType): VT {
  if (typeof t === 'string') return t;
  const e = at(scope.types, t, 'type');
  switch (e.def.kind) {
    case 'resource': case 'func': case 'component': case 'instance':
      throw new ValidationError(`type index ${t} is not a defined type`);
    default: return e;
  }
}

/** Labels of a record, variant, flags, enum or parameter list: kebab-case, unique ignoring case. */
function labels(names: readonly string[], what: string, previous: string): void {
  const seen = new Map<string, string>();
  for (const n of names) {
    if (n === '') throw new ValidationError(`${what} name cannot be empty`);
    if (!isKebab(n)) throw new ValidationError(`${what} name \`${n}\` is not in kebab case`);
    const prev = seen.get(n.toLowerCase());
    if (prev !== undefined) throw new ValidationError(`${what} name \`${n}\` conflicts with previous ${previous} name \`${prev}\``);
    seen.set(n.toLowerCase(), n);
  }
}

function resourceEntry(scope: Scope, index: number): TypeEntry {
  const e = at(scope.types, index, 'type');
  if (e.def.kind !== 'resource') throw new ValidationError(`type index ${index} is not a resource type`);
  return e;
}

export function defValType(scope: Scope, d: DefValType): ValDef {
  const vt = (t: ValType): VT => valType(scope, t);
  const ov = (t: ValType | undefined): VT | undefined => (t === undefined ? undefined : vt(t));
  let out: ValDef;
  switch (d.kind) {
    case 'prim': return d;
    case 'record':
      if (d.fields.length === 0) throw new ValidationError('record type must have at least one field');
      labels(d.fields.map((f) => f.name), 'record field', 'field');
      out = { kind: 'record', fields: d.fields.map((f) => [f.name, vt(f.type)] as const) };
      break;
    case 'variant':
      if (d.cases.length === 0) throw new ValidationError('variant type must have at least one case');
      labels(d.cases.map((c) => c.name), 'variant case', 'case');
      out = { kind: 'variant', cases: d.cases.map((c) => [c.name, ov(c.type)] as const) };
      break;
    case 'tuple':
      if (d.types.length === 0) throw new ValidationError('tuple type must have at least one type');
      out = { kind: 'tuple', types: d.types.map(vt) };
      break;
    case 'flags':
      if (d.names.length === 0) throw new ValidationError('flags must have at least one entry');
      if (d.names.length > 32) throw new ValidationError('cannot have more than 32 flags');
      labels(d.names, 'flag', 'flag');
      return d;
    case 'enum':
      if (d.names.length === 0) throw new ValidationError('enum type must have at least one variant');
      labels(d.names, 'enum tag', 'tag');
      return d;
    case 'list':
      if (d.length === 0) throw new ValidationError('Fixed size lists must have more than zero elements');
      out = d.length === undefined ? { kind: 'list', element: vt(d.element) } : { kind: 'list', element: vt(d.element), length: d.length };
      break;
    case 'option': out = { kind: 'option', type: vt(d.type) }; break;
    case 'result': out = { kind: 'result', ok: ov(d.ok), error: ov(d.error) }; break;
    case 'own': case 'borrow': return { kind: d.kind, resource: resourceEntry(scope, d.type) };
    case 'stream': case 'future':
      // Binary.md, "Type Definitions": `(stream char)` is rejected until its string-encoding
      // semantics are settled (Explainer.md notes the same).
      if (d.kind === 'stream' && d.element !== undefined && isChar(vt(d.element))) {
        throw new ValidationError('`stream<char>` is not valid at this time, use `stream<u8>` with a defined by encoding instead for now');
      }
      {
        const element = ov(d.element);
        // Binary.md, "Type Definitions": a borrow cannot outlive the call that lends it.
        if (containsBorrow(element)) throw new ValidationError(`${d.kind} element type cannot contain a \`borrow\` type`);
        return { kind: d.kind, element };
      }
    case 'map': out = { kind: 'map', key: vt(d.key), value: vt(d.value) }; break;
  }
  const [size] = sizeAlign({ def: out });
  if (size > MAX_VALUE_SIZE) throw new ValidationError(`value type exceeds maximum byte size of ${MAX_VALUE_SIZE}`);
  return out;
}

/** `char`, written as such or through a type index naming it. */
function isChar(t: VT): boolean {
  return typeof t === 'string' ? t === 'char' : t.def.kind === 'prim' && t.def.type === 'char';
}

/** True if `t` contains a `borrow` outside of a nested function type. */
export function containsBorrow(t: VT | undefined): boolean {
  if (t === undefined || typeof t === 'string') return false;
  const d = t.def;
  switch (d.kind) {
    case 'borrow': return true;
    case 'record': return d.fields.some(([, f]) => containsBorrow(f));
    case 'variant': return d.cases.some(([, c]) => containsBorrow(c));
    case 'tuple': return d.types.some(containsBorrow);
    case 'list': return containsBorrow(d.element);
    case 'option': return containsBorrow(d.type);
    case 'result': return containsBorrow(d.ok) || containsBorrow(d.error);
    case 'map': return containsBorrow(d.key) || containsBorrow(d.value);
    default: return false;
  }
}

export function funcType(scope: Scope, f: FuncType): FuncT {
  labels(f.params.map((p) => p.name), 'function parameter', 'parameter');
  const params = f.params.map((p) => [p.name, valType(scope, p.type)] as const);
  const result = f.result === undefined ? undefined : valType(scope, f.result);
  // Explainer.md, "Type Definitions": a borrowed handle cannot outlive the call, so results
  // may not contain one.
  if (containsBorrow(result)) throw new ValidationError('function result cannot contain a `borrow` type');
  return result === undefined ? { async: f.async, params } : { async: f.async, params, result };
}
