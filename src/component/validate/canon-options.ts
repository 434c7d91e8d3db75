// Canonical options (CanonicalABI.md, "canonopt Validation") and the options a function
// type requires of them ("lift(T)"/"lower(T)" there, and the per-definition rules of
// `canon lift` and `canon lower`). Checks run in the order wasm-tools runs them, so the
// first problem reported is the one it reports, in its words.
import { ValidationError } from '../../core/errors.ts';
import type { AddrType, MemoryType } from '../../core/types.ts';
import type { CanonOpt } from '../ast.ts';
import { flatten, MAX_FLAT_ASYNC_PARAMS, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, usesMemory } from './abi.ts';
import { funcTypeEquals } from './core-types.ts';
import type { CoreFuncT, FuncT } from './model.ts';
import { at, type Scope } from './scope.ts';

export type StringEncoding = 'utf8' | 'utf16' | 'latin1+utf16';

export interface CanonOptions {
  encoding: StringEncoding;
  /** The `memory` option's index, if present. */
  memory?: number;
  /** The pointer type: the memory's address type (🐘), i32 without a memory. */
  addr: AddrType;
  realloc?: number;
  postReturn?: number;
  async: boolean;
  callback?: number;
}

const ENCODING_NAME: Record<StringEncoding, string> = { utf8: 'utf8', utf16: 'utf16', 'latin1+utf16': 'latin1-utf16' };

export function sig(params: CoreFuncT['params'], results: CoreFuncT['results']): CoreFuncT {
  return { params, results };
}

/**
 * A memory the Canonical ABI may use (CanonicalABI.md, "canonopt Validation": a subtype of
 * `(memory 0)`, or 🐘 `(memory i64 0)`): any unshared memory. Returns its address type.
 */
export function cabiMemory(s: Scope, index: number): AddrType {
  const m: MemoryType = at(s.coreMemories, index, 'core memory');
  if (m.shared) throw new ValidationError('mismatch in the shared flag for memories');
  return m.addr;
}

function once(seen: number, bit: number, name: string): number {
  if ((seen & bit) !== 0) throw new ValidationError(`canonical option \`${name}\` is specified more than once`);
  return seen | bit;
}

/** General validation of `$opts`, shared by every definition that takes options. */
export function checkOptions(s: Scope, opts: readonly CanonOpt[]): CanonOptions {
  let encoding: StringEncoding | undefined;
  const out: CanonOptions = { encoding: 'utf8', addr: 'i32', async: false };
  let seen = 0;
  for (let i = 0; i < opts.length; i++) {
    const o = opts[i];
    switch (o.kind) {
      case 'utf8': case 'utf16': case 'latin1+utf16':
        if (encoding !== undefined) {
          throw new ValidationError(`canonical encoding option \`${ENCODING_NAME[encoding]}\` conflicts with option \`${ENCODING_NAME[o.kind]}\``);
        }
        encoding = o.kind;
        break;
      case 'memory': seen = once(seen, 1, 'memory'); out.addr = cabiMemory(s, o.index); out.memory = o.index; break;
      // realloc, post-return and callback are checked once all options are known: their
      // types depend on the memory and on the definition.
      case 'realloc': seen = once(seen, 2, 'realloc'); out.realloc = o.index; break;
      case 'post-return': seen = once(seen, 4, 'post-return'); out.postReturn = o.index; break;
      case 'async': seen = once(seen, 8, 'async'); out.async = true; break;
      case 'callback': seen = once(seen, 16, 'callback'); out.callback = o.index; break;
    }
  }
  if (encoding !== undefined) out.encoding = encoding;
  if (out.callback !== undefined && !out.async) throw new ValidationError('cannot specify callback without async');
  if (out.async && out.postReturn !== undefined) throw new ValidationError('cannot specify post-return function in async');
  if (out.realloc !== undefined) {
    if (out.memory === undefined) throw new ValidationError('canonical option `realloc` requires `memory` to also be specified');
    const a = out.addr;
    if (!funcTypeEquals(at(s.coreFuncs, out.realloc, 'core func'), sig([a, a, a, a], [a]))) {
      throw new ValidationError('canonical option `realloc` uses a core function with an incorrect signature');
    }
  }
  return out;
}

export function requireMemory(o: CanonOptions): void {
  if (o.memory === undefined) throw new ValidationError('canonical option `memory` is required');
}

export function requireRealloc(o: CanonOptions): void {
  requireMemory(o);
  if (o.realloc === undefined) throw new ValidationError('canonical option `realloc` is required');
}

/** `async` is not allowed on this built-in. */
export function requireSync(o: CanonOptions, where: string): void {
  if (o.async) throw new ValidationError(`cannot specify \`async\` option on \`${where}\``);
}

/** What lifting alone may take: no `post-return`, no `callback`. */
export function checkLower(o: CanonOptions): void {
  if (o.postReturn !== undefined) throw new ValidationError('canonical option `post-return` cannot be specified for lowerings');
  if (o.callback !== undefined) throw new ValidationError('canonical option `callback` cannot be specified for lowerings');
}

/** CanonicalABI.md, "canonopt Validation": `async` only with an `async` function type. */
export function checkAsyncness(o: CanonOptions, f: FuncT): void {
  if (o.async && !f.async) throw new ValidationError('the `async` canonical option requires an async function type');
}

/**
 * CanonicalABI.md, "flatten_functype", with the options each side requires ("canon lift",
 * "canon lower"): lowering needs `memory` for parameters that hold pointers and `realloc`
 * for such results; lifting needs `realloc` for such parameters; whatever spills past the
 * flat limits travels through `memory`.
 */
export function coreSignature(f: FuncT, o: CanonOptions, abi: 'lift' | 'lower'): CoreFuncT {
  const ptr = o.addr;
  const max = abi === 'lower' && o.async ? MAX_FLAT_ASYNC_PARAMS : MAX_FLAT_PARAMS;
  let params: CoreFuncT['params'][number][] = [];
  for (let i = 0; i < f.params.length; i++) {
    const t = f.params[i][1];
    if (usesMemory(t)) {
      if (abi === 'lower') requireMemory(o);
      else requireRealloc(o);
    }
    const flat = flatten(t, ptr);
    if (params.length + flat.length > max) {
      params = [ptr];
      requireMemory(o);
      if (abi === 'lift') requireRealloc(o);
      break;
    }
    for (let k = 0; k < flat.length; k++) params.push(flat[k]);
  }
  const result = f.result;
  if (result !== undefined && abi === 'lower' && usesMemory(result)) requireRealloc(o);
  if (!o.async) {
    if (result === undefined) return sig(params, []);
    const flat = flatten(result, ptr);
    if (flat.length <= MAX_FLAT_RESULTS) return sig(params, flat);
    requireMemory(o);
    return abi === 'lower' ? sig([...params, ptr], []) : sig(params, [ptr]);
  }
  if (abi === 'lower') {
    if (result === undefined) return sig(params, ['i32']);
    requireMemory(o);
    return sig([...params, ptr], ['i32']);
  }
  // An async lift returns through `task.return`; its result only decides whether that
  // needs a memory (CanonicalABI.md, "canon lift").
  if (result !== undefined && (usesMemory(result) || flatten(result, ptr).length > MAX_FLAT_PARAMS)) requireMemory(o);
  return sig(params, o.callback !== undefined ? ['i32'] : []);
}
