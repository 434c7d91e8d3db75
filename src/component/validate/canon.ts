// Canonical definitions (Explainer.md, "Canonical Definitions"; CanonicalABI.md for each
// built-in's "validation specifies" rules): `lift` and `lower` checked against the
// flattened function type, the resource built-ins, and every async, error-context and
// thread built-in given its real core signature, so core instantiation arguments that take
// them are matched against the type the spec gives them.
import { ValidationError } from '../../core/errors.ts';
import { type AddrType, FUNCREF, type ValType as CoreValType, valTypeEquals, valTypeToString } from '../../core/types.ts';
import type { AnyCanonFields, Canon } from '../ast.ts';
import { MAX_FLAT_PARAMS, flatten, usesMemory } from './abi.ts';
import {
  type CanonOptions, cabiMemory, checkAsyncness, checkLower, checkOptions, coreSignature, requireMemory, requireRealloc,
  requireSync, sig,
} from './canon-options.ts';
import { funcTypeEquals } from './core-types.ts';
import { valType } from './deftypes.ts';
import type { CoreFuncT, FuncT, ResourceDef, ValDef, VT } from './model.ts';
import { at, type Scope } from './scope.ts';

// The fixed signatures, shared (CoreFuncT is read-only).
const VOID = sig([], []);
const I32_VOID = sig(['i32'], []);
const VOID_I32 = sig([], ['i32']);
const I32_I32 = sig(['i32'], ['i32']);
const I32X2_VOID = sig(['i32', 'i32'], []);
const I32X2_I32 = sig(['i32', 'i32'], ['i32']);
const VOID_I64 = sig([], ['i64']);
const ADDR_SIGS: Record<AddrType, { wait: CoreFuncT; future: CoreFuncT; stream: CoreFuncT; ecNew: CoreFuncT; ecDebug: CoreFuncT }> = {
  i32: {
    wait: I32X2_I32, future: I32X2_I32, stream: sig(['i32', 'i32', 'i32'], ['i32']),
    ecNew: I32X2_I32, ecDebug: I32X2_VOID,
  },
  i64: {
    wait: sig(['i32', 'i64'], ['i32']), future: sig(['i32', 'i64'], ['i32']), stream: sig(['i32', 'i64', 'i64'], ['i64']),
    ecNew: sig(['i64', 'i64'], ['i32']), ecDebug: sig(['i32', 'i64'], []),
  },
};

function typeList(ts: readonly CoreValType[]): string {
  return `[${ts.map((t) => (typeof t === 'string' ? t.toUpperCase() : 'Ref')).join(', ')}]`;
}

function sameTypes(a: readonly CoreValType[], b: readonly CoreValType[]): boolean {
  return a.length === b.length && a.every((t, i) => valTypeEquals(t, b[i]));
}

function funcTypeAt(s: Scope, index: number): FuncT {
  const e = at(s.types, index, 'type');
  if (e.def.kind !== 'func') throw new ValidationError(`type index ${index} is not a function type`);
  return e.def.type;
}

function resourceAt(s: Scope, index: number): ResourceDef {
  const e = at(s.types, index, 'type');
  if (e.def.kind !== 'resource') throw new ValidationError(`type index ${index} is not a resource type`);
  return e.def;
}

/** The representation of a resource this component defines (`resource.new`/`.rep` only take those). */
function resourceRep(s: Scope, index: number): CoreValType {
  const rep = s.localRep.get(resourceAt(s, index).rid);
  if (rep === undefined) throw new ValidationError(`type ${index} is not a local resource`);
  return rep;
}

/** `$stream_t`/`$future_t` must be a type of the form `(stream $t?)`/`(future $t?)`. */
function streamOrFuture(s: Scope, index: number, kind: 'stream' | 'future', op: string): VT | undefined {
  const e = valType(s, index);
  const d = typeof e === 'string' ? undefined : (e.def as ValDef);
  if (d === undefined || d.kind !== kind) throw new ValidationError(`\`${op}\` requires a ${kind} type`);
  return d.element;
}

/** CanonicalABI.md, "canon lift". */
function lift(s: Scope, x: AnyCanonFields): FuncT {
  const f = funcTypeAt(s, x.type);
  const core = at(s.coreFuncs, x.func, 'core func');
  const o = checkOptions(s, x.options);
  if (o.postReturn !== undefined) {
    const pr = at(s.coreFuncs, o.postReturn, 'core func');
    if (!funcTypeEquals(pr, sig(core.results, []))) {
      throw new ValidationError('canonical option `post-return` uses a core function with an incorrect signature');
    }
  }
  if (o.callback !== undefined && !funcTypeEquals(at(s.coreFuncs, o.callback, 'core func'), sig(['i32', 'i32', 'i32'], ['i32']))) {
    throw new ValidationError('canonical option `callback` uses a core function with an incorrect signature');
  }
  checkAsyncness(o, f);
  const lowered = coreSignature(f, o, 'lift');
  if (!core.unknown) {
    if (!sameTypes(lowered.params, core.params)) {
      throw new ValidationError(`lowered parameter types \`${typeList(lowered.params)}\` do not match parameter types \`${typeList(core.params)}\` of core function ${x.func}`);
    }
    if (!sameTypes(lowered.results, core.results)) {
      throw new ValidationError(`lowered result types \`${typeList(lowered.results)}\` do not match result types \`${typeList(core.results)}\` of core function ${x.func}`);
    }
  }
  return f;
}

/** CanonicalABI.md, "canon lower". */
function lower(s: Scope, x: AnyCanonFields): CoreFuncT {
  const f = at(s.funcs, x.func, 'func');
  const o = checkOptions(s, x.options);
  checkLower(o);
  checkAsyncness(o, f);
  return coreSignature(f, o, 'lower');
}

/** CanonicalABI.md, "canon task.return": `(func (param $t)?)` lowered, sync, memory and encoding only. */
function taskReturn(s: Scope, x: AnyCanonFields): CoreFuncT {
  const t = x.result === undefined ? undefined : valType(s, x.result);
  const o = checkOptions(s, x.options);
  if (o.realloc !== undefined) throw new ValidationError('cannot specify `realloc` option on `task.return`');
  if (o.postReturn !== undefined) throw new ValidationError('cannot specify `post-return` option on `task.return`');
  checkLower(o);
  requireSync(o, 'task.return');
  if (t === undefined) return VOID;
  if (usesMemory(t)) requireMemory(o);
  const flat = flatten(t, o.addr);
  if (flat.length > MAX_FLAT_PARAMS) {
    requireMemory(o);
    return sig([o.addr], []);
  }
  return sig(flat, []);
}

/**
 * CanonicalABI.md, "canon context.get/set": `i32` (🐘 or `i64`, the same for every
 * context built-in of one component) and a slot below 2.
 */
function context(s: Scope, x: AnyCanonFields): CoreValType {
  const op = x.op;
  const t = x.valtype;
  if (t !== 'i32' && t !== 'i64') throw new ValidationError(`\`${op}\` only supports \`i32\` or \`i64\``);
  if (s.contextType === undefined) s.contextType = t;
  else if (s.contextType !== t) throw new ValidationError(`\`${op}\` type must match previous context type`);
  if (x.index > 1) throw new ValidationError(`\`${op}\` immediate must be zero or one: ${x.index}`);
  return t;
}

/** Options of `stream.read/write` and `future.read/write` (CanonicalABI.md, "canon stream.{read,write}"). */
function copyOptions(s: Scope, x: AnyCanonFields, element: VT | undefined, reads: boolean): CanonOptions {
  const o = checkOptions(s, x.options);
  if (element !== undefined) {
    requireMemory(o);
    if (reads && usesMemory(element)) requireRealloc(o);
  }
  checkLower(o);
  return o;
}

/** CanonicalABI.md, "canon thread.new-indirect": a start function type `(func (param i32))` and a funcref table. */
function threadNewIndirect(s: Scope, x: AnyCanonFields): CoreFuncT {
  const ct = at(s.coreTypes, x.type, 'core type');
  if (ct.kind === 'module') throw new ValidationError('expected a core function type');
  if (ct.kind !== 'func') throw new ValidationError('start type must be a function');
  if (!sameTypes(ct.type.params, ['i32'])) throw new ValidationError('start function must take a single `i32` argument (currently)');
  if (ct.type.results.length !== 0) throw new ValidationError('start function must not return any values');
  const table = at(s.coreTables, x.table, 'core table');
  const context = 'table is not a 32-bit table of (ref null (func))';
  if (!valTypeEquals(table.ref, FUNCREF)) {
    throw new ValidationError(`${context}: expected table element type funcref, found ${valTypeToString(table.ref)}`);
  }
  if (table.addr !== 'i32') throw new ValidationError(`${context}: mismatch in table limits`);
  return I32X2_I32;
}

/**
 * `thread.spawn-ref`/`thread.spawn-indirect` (🧵②): `$ft` must be `(func (param i32))`.
 * Tessera's core types carry no `shared` flag yet, so sharedness is not checked.
 */
function spawnType(s: Scope, index: number): void {
  const ct = at(s.coreTypes, index, 'core type');
  if (ct.kind === 'module') throw new ValidationError('expected a core function type');
  if (ct.kind !== 'func') throw new ValidationError('spawn type must be a function');
  if (!sameTypes(ct.type.params, ['i32'])) throw new ValidationError('spawn function must take a single `i32` argument (currently)');
  if (ct.type.results.length !== 0) throw new ValidationError('spawn function must not return any values');
}

/** Validates one canonical definition and adds what it defines to its index space. */
export function validateCanon(s: Scope, c: Canon): void {
  const x = c as AnyCanonFields;
  switch (x.op) {
    case 'lift': s.funcs.push(lift(s, x)); return;
    case 'lower': s.coreFuncs.push(lower(s, x)); return;
    case 'resource.new': s.coreFuncs.push(resourceRep(s, x.type) === 'i32' ? I32_I32 : sig(['i64'], ['i32'])); return;
    case 'resource.rep': s.coreFuncs.push(resourceRep(s, x.type) === 'i32' ? I32_I32 : sig(['i32'], ['i64'])); return;
    case 'resource.drop': resourceAt(s, x.type); s.coreFuncs.push(I32_VOID); return;
    case 'task.return': s.coreFuncs.push(taskReturn(s, x)); return;
    case 'task.cancel': case 'backpressure.inc': case 'backpressure.dec': s.coreFuncs.push(VOID); return;
    case 'backpressure.set': s.coreFuncs.push(I32_VOID); return;
    case 'context.get': s.coreFuncs.push(sig([], [context(s, x)])); return;
    case 'context.set': s.coreFuncs.push(sig([context(s, x)], [])); return;
    case 'subtask.cancel': s.coreFuncs.push(I32_I32); return;
    case 'subtask.drop': s.coreFuncs.push(I32_VOID); return;
    case 'waitable-set.new': s.coreFuncs.push(VOID_I32); return;
    case 'waitable-set.wait': case 'waitable-set.poll': s.coreFuncs.push(ADDR_SIGS[cabiMemory(s, x.memory)].wait); return;
    case 'waitable-set.drop': s.coreFuncs.push(I32_VOID); return;
    case 'waitable.join': s.coreFuncs.push(I32X2_VOID); return;
    case 'stream.new': streamOrFuture(s, x.type, 'stream', x.op); s.coreFuncs.push(VOID_I64); return;
    case 'future.new': streamOrFuture(s, x.type, 'future', x.op); s.coreFuncs.push(VOID_I64); return;
    case 'stream.read': case 'stream.write': {
      const element = streamOrFuture(s, x.type, 'stream', x.op);
      s.coreFuncs.push(ADDR_SIGS[copyOptions(s, x, element, x.op === 'stream.read').addr].stream);
      return;
    }
    case 'future.read': case 'future.write': {
      const element = streamOrFuture(s, x.type, 'future', x.op);
      s.coreFuncs.push(ADDR_SIGS[copyOptions(s, x, element, x.op === 'future.read').addr].future);
      return;
    }
    case 'stream.cancel-read': case 'stream.cancel-write': streamOrFuture(s, x.type, 'stream', x.op); s.coreFuncs.push(I32_I32); return;
    case 'future.cancel-read': case 'future.cancel-write': streamOrFuture(s, x.type, 'future', x.op); s.coreFuncs.push(I32_I32); return;
    case 'stream.drop-readable': case 'stream.drop-writable': streamOrFuture(s, x.type, 'stream', x.op); s.coreFuncs.push(I32_VOID); return;
    case 'future.drop-readable': case 'future.drop-writable': streamOrFuture(s, x.type, 'future', x.op); s.coreFuncs.push(I32_VOID); return;
    case 'error-context.new': case 'error-context.debug-message': {
      const o = checkOptions(s, x.options);
      requireMemory(o);
      if (x.op === 'error-context.debug-message') requireRealloc(o);
      requireSync(o, x.op);
      checkLower(o);
      s.coreFuncs.push(x.op === 'error-context.new' ? ADDR_SIGS[o.addr].ecNew : ADDR_SIGS[o.addr].ecDebug);
      return;
    }
    case 'error-context.drop': s.coreFuncs.push(I32_VOID); return;
    case 'thread.index': s.coreFuncs.push(VOID_I32); return;
    case 'thread.new-indirect': s.coreFuncs.push(threadNewIndirect(s, x)); return;
    case 'thread.resume-later': s.coreFuncs.push(I32_VOID); return;
    case 'thread.yield': case 'thread.suspend': s.coreFuncs.push(VOID_I32); return;
    case 'thread.suspend-then-resume': case 'thread.yield-then-resume':
    case 'thread.suspend-then-promote': case 'thread.yield-then-promote':
      s.coreFuncs.push(I32_I32);
      return;
    case 'thread.spawn-ref':
      spawnType(s, x.type);
      // Its first parameter is `(ref null $ft)`, a type of the component's core type index
      // space that no module's signature can name: matched as any function.
      s.coreFuncs.push({ params: [], results: [], unknown: true });
      return;
    case 'thread.spawn-indirect': {
      spawnType(s, x.type);
      const table = at(s.coreTables, x.table, 'core table');
      if (!valTypeEquals(table.ref, FUNCREF)) {
        throw new ValidationError(`table is not a 32-bit shared table of (ref null (shared func)): expected table element type funcref, found ${valTypeToString(table.ref)}`);
      }
      s.coreFuncs.push(I32X2_I32);
      return;
    }
    case 'thread.available-parallelism': s.coreFuncs.push(VOID_I32); return;
    default: {
      const unhandled: never = x.op;
      throw new ValidationError(`unknown canonical function ${String(unhandled)}`);
    }
  }
}
