// Canonical definitions (Explainer.md, "Canonical Definitions" and "Canonical ABI";
// CanonicalABI.md for the core signatures): option rules, lift/lower signatures checked
// against the flattened function type, and the resource built-ins.
import { ValidationError } from '../../core/errors.ts';
import type { ValType as CoreValType } from '../../core/types.ts';
import type { AnyCanonFields, Canon, CanonOpt } from '../ast.ts';
import { flatten, flattenFuncType, MAX_FLAT_PARAMS } from './abi.ts';
import { funcTypeEquals } from './core-types.ts';
import type { CoreFuncT, FuncT, TypeEntry } from './model.ts';
import { at, type Scope } from './scope.ts';

interface Options {
  memory: boolean;
  realloc?: CoreFuncT;
  postReturn?: CoreFuncT;
  async: boolean;
  callback?: CoreFuncT;
}

const ENCODING_NAME: Record<string, string> = { utf8: 'utf8', utf16: 'utf16', 'latin1+utf16': 'latin1-utf16' };

function sig(params: CoreValType[], results: CoreValType[]): CoreFuncT {
  return { params, results };
}
const UNKNOWN: CoreFuncT = { params: [], results: [], unknown: true };

function options(s: Scope, opts: readonly CanonOpt[], context: 'lift' | 'lower' | 'other'): Options {
  let encoding: string | undefined;
  const out: Options = { memory: false, async: false };
  const seen = new Set<string>();
  for (const o of opts) {
    if (o.kind === 'utf8' || o.kind === 'utf16' || o.kind === 'latin1+utf16') {
      if (encoding !== undefined) {
        throw new ValidationError(`canonical encoding option \`${ENCODING_NAME[encoding]}\` conflicts with option \`${ENCODING_NAME[o.kind]}\``);
      }
      encoding = o.kind;
      continue;
    }
    if (seen.has(o.kind)) throw new ValidationError(`canonical option \`${o.kind}\` is specified more than once`);
    seen.add(o.kind);
    switch (o.kind) {
      case 'memory': at(s.coreMemories, o.index, 'core memory'); out.memory = true; break;
      case 'realloc': {
        const f = at(s.coreFuncs, o.index, 'core func');
        if (!funcTypeEquals(f, sig(['i32', 'i32', 'i32', 'i32'], ['i32']))) {
          throw new ValidationError('canonical option `realloc` uses a core function with an incorrect signature');
        }
        out.realloc = f;
        break;
      }
      case 'post-return':
        if (context !== 'lift') throw new ValidationError('canonical option `post-return` cannot be specified for lowerings');
        out.postReturn = at(s.coreFuncs, o.index, 'core func');
        break;
      case 'async': out.async = true; break;
      case 'callback': out.callback = at(s.coreFuncs, o.index, 'core func'); break;
    }
  }
  if (out.realloc !== undefined && !out.memory) throw new ValidationError('canonical option `realloc` requires `memory` to also be specified');
  if (out.callback !== undefined) {
    if (!out.async) throw new ValidationError('cannot specify callback without async');
    if (context !== 'lift') throw new ValidationError('canonical option `callback` cannot be specified for lowerings');
    if (!funcTypeEquals(out.callback, sig(['i32', 'i32', 'i32'], ['i32']))) {
      throw new ValidationError('canonical option `callback` uses a core function with an incorrect signature');
    }
  }
  if (out.postReturn !== undefined && out.async) throw new ValidationError('cannot specify post-return function in async');
  return out;
}

function typeList(ts: readonly CoreValType[]): string {
  return `[${ts.map((t) => (typeof t === 'string' ? t.toUpperCase() : 'Ref')).join(', ')}]`;
}

function sameTypes(a: readonly CoreValType[], b: readonly CoreValType[]): boolean {
  return funcTypeEquals(sig([...a], []), sig([...b], []));
}

function requireAbi(o: Options, memory: boolean, realloc: boolean): void {
  if (memory && !o.memory) throw new ValidationError('canonical option `memory` is required');
  if (realloc && o.realloc === undefined) throw new ValidationError('canonical option `realloc` is required');
}

function funcTypeAt(s: Scope, index: number): FuncT {
  const e = at(s.types, index, 'type');
  if (e.def.kind !== 'func') throw new ValidationError(`type index ${index} is not a function type`);
  return e.def.type;
}

function resourceAt(s: Scope, index: number, local: boolean): TypeEntry {
  const e = at(s.types, index, 'type');
  if (e.def.kind !== 'resource') throw new ValidationError(`type index ${index} is not a resource type`);
  if (local && !s.local.has(e.def.rid)) throw new ValidationError(`type index ${index} is not a local resource`);
  return e;
}

export function validateCanon(s: Scope, c: Canon): void {
  const x = c as AnyCanonFields;
  switch (x.op) {
    case 'lift': {
      const core = at(s.coreFuncs, x.func, 'core func');
      const f = funcTypeAt(s, x.type);
      const o = options(s, x.options, 'lift');
      const lowered = flattenFuncType(f, 'lift', o.async, o.callback !== undefined);
      requireAbi(o, lowered.memoryForParams || lowered.memoryForResults, lowered.memoryForParams);
      if (!core.unknown) {
        if (!sameTypes(lowered.core.params, core.params)) {
          throw new ValidationError(`lowered parameter types \`${typeList(lowered.core.params)}\` do not match parameter types \`${typeList(core.params)}\``);
        }
        if (!sameTypes(lowered.core.results, core.results)) {
          throw new ValidationError(`lowered result types \`${typeList(lowered.core.results)}\` do not match result types \`${typeList(core.results)}\``);
        }
      }
      if (o.postReturn !== undefined && !funcTypeEquals(o.postReturn, sig([...lowered.core.results], []))) {
        throw new ValidationError('canonical option `post-return` uses a core function with an incorrect signature');
      }
      s.funcs.push(f);
      return;
    }
    case 'lower': {
      const f = at(s.funcs, x.func, 'func');
      const o = options(s, x.options, 'lower');
      const lowered = flattenFuncType(f, 'lower', o.async, false);
      requireAbi(o, lowered.memoryForParams || lowered.memoryForResults, lowered.resultsAllocate);
      s.coreFuncs.push(lowered.core);
      return;
    }
    case 'resource.new': resourceAt(s, x.type, true); s.coreFuncs.push(sig(['i32'], ['i32'])); return;
    case 'resource.rep': resourceAt(s, x.type, true); s.coreFuncs.push(sig(['i32'], ['i32'])); return;
    case 'resource.drop': resourceAt(s, x.type, false); s.coreFuncs.push(sig(['i32'], [])); return;
    case 'task.return': {
      const o = options(s, x.options, 'other');
      if (x.result === undefined) { s.coreFuncs.push(sig([], [])); return; }
      const t = typeof x.result === 'string' ? x.result : at(s.types, x.result, 'type');
      const flat = flatten(t);
      if (flat.length > MAX_FLAT_PARAMS && !o.memory) throw new ValidationError('canonical option `memory` is required');
      s.coreFuncs.push(flat.length > MAX_FLAT_PARAMS ? sig(['i32'], []) : sig(flat, []));
      return;
    }
    case 'context.get': s.coreFuncs.push(sig([], [x.valtype])); return;
    case 'context.set': s.coreFuncs.push(sig([x.valtype], [])); return;
    case 'waitable-set.wait': case 'waitable-set.poll':
      at(s.coreMemories, x.memory, 'core memory');
      s.coreFuncs.push(sig(['i32', 'i32'], ['i32']));
      return;
    case 'stream.new': case 'future.new': case 'stream.drop-readable': case 'stream.drop-writable':
    case 'future.drop-readable': case 'future.drop-writable': case 'stream.cancel-read': case 'stream.cancel-write':
    case 'future.cancel-read': case 'future.cancel-write':
      at(s.types, x.type, 'type');
      s.coreFuncs.push(UNKNOWN);
      return;
    case 'stream.read': case 'stream.write': case 'future.read': case 'future.write':
      at(s.types, x.type, 'type');
      options(s, x.options, 'other');
      s.coreFuncs.push(UNKNOWN);
      return;
    case 'error-context.new': case 'error-context.debug-message':
      options(s, x.options, 'other');
      s.coreFuncs.push(UNKNOWN);
      return;
    default:
      s.coreFuncs.push(UNKNOWN);
  }
}
