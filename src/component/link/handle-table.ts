// One component instance's handle table (CanonicalABI.md, "Table State" and "Resource
// State"; lift_own / lift_borrow / lower_own / lower_borrow in "Loading" and "Storing";
// canon resource.new / drop / rep). Index 0 is reserved; freed indices are reused last
// freed first (the spec's free list, which the tests observe). Each entry remembers its
// runtime resource type, whether it owns, the call scope a borrow belongs to, and how many
// borrows are lent from it.
//
// The ABI names resource types by the validator's type entries (`def.rid` is the static
// identity within the validated component); `types` binds each rid this instance can see
// to its runtime type, filled in as instantiation defines, imports and aliases them.
import { ComponentTrap } from '../../core/errors.ts';
import type { TypeEntry } from '../validate/model.ts';
import { liftErrorContext, liftReadableEnd, lowerErrorContext, lowerReadableEnd } from '../async/values.ts';
import type { CallScope, HandleTable } from './abi.ts';
import { leaveTrap } from './guard.ts';
import {
  borrowedObject, borrowRep, expire, type GuestResource, hostRep, ownedObject, takeOwned,
} from './resource-object.ts';
import type { ResourceType } from './resource-type.ts';
import type { RuntimeInstance } from './runtime-instance.ts';

function wrongKind(i: number): ComponentTrap {
  return new ComponentTrap('handle used with the wrong type', `handle index ${i >>> 0} used with the wrong type, expected a resource handle`);
}

class Handle {
  readonly rt: ResourceType;
  /** An i32 for a guest resource, the host's object for a host resource. */
  readonly rep: unknown;
  readonly own: boolean;
  /** The call a borrow was lent for (`borrow_scope`). */
  readonly scope: Scope | null;
  lends = 0;

  constructor(rt: ResourceType, rep: unknown, own: boolean, scope: Scope | null) {
    this.rt = rt;
    this.rep = rep;
    this.own = own;
    this.scope = scope;
  }
}

/** A call's borrow bookkeeping: the spec's Task.num_borrows and Subtask.lenders. */
class Scope implements CallScope {
  borrows = 0;
  lenders: Handle[] | null = null;
  /** Borrowed objects handed to JavaScript for this call: dead when it ends. */
  objects: GuestResource[] | null = null;
}

/** @internal A handle table's entries and free list at one moment. */
export interface TableLayout {
  readonly entries: readonly (object | undefined)[];
  readonly free: readonly number[];
}

export class HandleTableImpl implements HandleTable {
  readonly inst: RuntimeInstance;
  /** rid (the validator's static resource identity) → the runtime type in this instance. */
  readonly types = new Map<number, ResourceType>();
  /** Resource handles, and 🔀 the async ABI's waitables, waitable sets and error contexts. */
  readonly #entries: (object | undefined)[] = [undefined];
  readonly #free: number[] = [];

  constructor(inst: RuntimeInstance) {
    this.inst = inst;
  }

  /** Binds the resource type entry `e` (if it is one) to a runtime type. */
  bind(e: TypeEntry, rt: ResourceType | undefined): void {
    if (e.def.kind === 'resource' && rt !== undefined) this.types.set(e.def.rid, rt);
  }

  runtimeType(resource: TypeEntry): ResourceType {
    const d = resource.def;
    const rt = d.kind === 'resource' ? this.types.get(d.rid) : undefined;
    if (rt === undefined) throw new Error(`internal: resource type ${d.kind === 'resource' ? d.rid : d.kind} is not bound in this instance`);
    return rt;
  }

  // ---- the table (CanonicalABI.md, "Table State") ----

  #add(h: object): number {
    const free = this.#free;
    if (free.length > 0) {
      const i = free.pop() as number;
      this.#entries[i] = h;
      return i;
    }
    const i = this.#entries.length;
    if (i > 2 ** 28 - 1) throw new ComponentTrap('unknown handle index', 'handle table is full');
    this.#entries.push(h);
    return i;
  }

  #entry(i: number): object {
    const h = i < this.#entries.length ? this.#entries[i] : undefined;
    if (h === undefined) throw new ComponentTrap('unknown handle index', `unknown handle index ${i >>> 0}`);
    return h;
  }

  #get(i: number): Handle {
    const h = this.#entry(i);
    if (!(h instanceof Handle)) throw wrongKind(i);
    return h;
  }

  #remove(i: number): Handle {
    const h = this.#get(i);
    this.#entries[i] = undefined;
    this.#free.push(i);
    return h;
  }

  // ---- 🔀 other entries: waitables, waitable sets, error contexts (async/) ----

  /** Table.add. */
  add(e: object): number {
    return this.#add(e);
  }

  /** Table.get: traps on a free or out-of-range index. */
  get(i: number): object {
    return this.#entry(i);
  }

  /** Every entry now (for releasing what a trapped instance held). */
  *entries(): IterableIterator<object> {
    for (const e of this.#entries) if (e !== undefined) yield e;
  }

  /** Table.remove. */
  remove(i: number): object {
    const e = this.#entry(i);
    this.#entries[i] = undefined;
    this.#free.push(i);
    return e;
  }

  // ---- resets (link/quiescence.ts): a host that puts an instance back as instantiated ----

  /** @internal The table's entries and free list now. */
  layout(): TableLayout {
    return { entries: [...this.#entries], free: [...this.#free] };
  }

  /**
   * @internal Why the table's entries are not those of `l` apart from own handles added since
   * and not lent (undefined: they are): a handle of `l` dropped or replaced, a borrow, a lend,
   * or an async entry (waitable, waitable set, stream or future end, subtask, error context)
   * outstanding.
   */
  differsFrom(l: TableLayout): string | undefined {
    const entries = this.#entries;
    const n = Math.max(entries.length, l.entries.length);
    for (let i = 1; i < n; i++) {
      const x = i < entries.length ? entries[i] : undefined;
      const y = i < l.entries.length ? l.entries[i] : undefined;
      if (x === y) {
        if (x instanceof Handle && x.lends !== 0) return `handle ${i} is lent`;
        continue;
      }
      if (x === undefined) return `handle ${i}, held after instantiation, was dropped`;
      // An own handle the instance never dropped: a reset drops it as discarding the instance
      // would (no destructor runs for the handles of a discarded instance either).
      if (x instanceof Handle && x.own && x.lends === 0 && y === undefined) continue;
      return x instanceof Handle ? `handle ${i} is still held (${x.own ? 'own, in place of another' : 'borrow'} of ${x.rt.description})` : `handle ${i} is an async waitable, stream, future, subtask or error context still held`;
    }
    return undefined;
  }

  /**
   * @internal Puts the entries and the free list back as in `l`, so the next handles get the
   * indices they would get in a new instance. Only for a table differsFrom accepted: then
   * only free slots and own handles left behind (dropped here, without destructors) change.
   */
  restoreLayout(l: TableLayout): void {
    const entries = this.#entries;
    entries.length = l.entries.length;
    for (let i = 0; i < l.entries.length; i++) entries[i] = l.entries[i];
    const free = this.#free;
    free.length = l.free.length;
    for (let i = 0; i < l.free.length; i++) free[i] = l.free[i];
  }

  #checkType(h: Handle, rt: ResourceType, i: number): void {
    if (h.rt === rt) return;
    const expected = rt.description;
    const found = h.rt.description === expected ? `a different ${expected}` : h.rt.description;
    throw new ComponentTrap('handle used with the wrong type', `handle index ${i >>> 0} used with the wrong type, expected ${expected} but found ${found}`);
  }

  // ---- the ABI's side (lift_own, lift_borrow, lower_own, lower_borrow) ----

  beginCall(): CallScope {
    return new Scope();
  }

  endCall(scope: CallScope): void {
    const s = scope as Scope;
    if (s.borrows > 0) {
      throw new ComponentTrap('borrow handles still remain at the end of the call', 'borrow handles still remain at the end of the call');
    }
    const lenders = s.lenders;
    if (lenders !== null) for (let k = 0; k < lenders.length; k++) lenders[k].lends--;
    const objects = s.objects;
    if (objects !== null) for (let k = 0; k < objects.length; k++) expire(objects[k]);
  }

  lowerOwn(resource: TypeEntry, value: unknown, _scope: CallScope): number {
    const rt = this.runtimeType(resource);
    const rep = rt.impl === null ? hostRep(rt, value) : takeOwned(rt, value);
    return this.#add(new Handle(rt, rep, true, null));
  }

  lowerBorrow(resource: TypeEntry, value: unknown, scope: CallScope): number {
    const rt = this.runtimeType(resource);
    const rep = rt.impl === null ? hostRep(rt, value) : borrowRep(rt, value);
    // The implementation sees the representation itself ("lower_borrow").
    if (rt.impl === this.inst) return rep as number;
    const s = scope as Scope;
    s.borrows++;
    return this.#add(new Handle(rt, rep, false, s));
  }

  liftOwn(resource: TypeEntry, handle: number, _scope: CallScope): unknown {
    const rt = this.runtimeType(resource);
    const h = this.#remove(handle);
    this.#checkType(h, rt, handle);
    if (h.lends !== 0) throw new ComponentTrap('cannot remove owned resource while borrowed', 'cannot remove owned resource while borrowed');
    if (!h.own) throw new ComponentTrap('cannot lift own resource from a borrow', `cannot lift own resource from a borrow (handle index ${handle >>> 0})`);
    if (rt.impl === null) return h.rep;
    return ownedObject(this.inst.root.classes.get(rt), rt, h.rep as number);
  }

  liftBorrow(resource: TypeEntry, handle: number, scope: CallScope): unknown {
    const rt = this.runtimeType(resource);
    const h = this.#get(handle);
    this.#checkType(h, rt, handle);
    const s = scope as Scope;
    h.lends++;
    (s.lenders ??= []).push(h);
    if (rt.impl === null) return h.rep;
    const o = borrowedObject(this.inst.root.classes.get(rt), h.rep as number);
    (s.objects ??= []).push(o);
    return o;
  }

  // ---- 🔀 streams, futures and error contexts in function values ----

  liftStream(type: TypeEntry, handle: number): unknown {
    return liftReadableEnd(this, 'stream', type, handle);
  }

  liftFuture(type: TypeEntry, handle: number): unknown {
    return liftReadableEnd(this, 'future', type, handle);
  }

  lowerStream(type: TypeEntry, value: unknown): number {
    return lowerReadableEnd(this, 'stream', type, value);
  }

  lowerFuture(type: TypeEntry, value: unknown): number {
    return lowerReadableEnd(this, 'future', type, value);
  }

  liftErrorContext(handle: number): unknown {
    return liftErrorContext(this, handle);
  }

  lowerErrorContext(value: unknown): number {
    return lowerErrorContext(this, value);
  }

  // ---- canon resource.new / resource.drop / resource.rep ----

  resourceNew(rt: ResourceType, rep: number): number {
    if (!this.inst.mayLeave) throw leaveTrap();
    return this.#add(new Handle(rt, rep, true, null));
  }

  resourceDrop(rt: ResourceType, i: number): void {
    if (!this.inst.mayLeave) throw leaveTrap();
    const h = this.#remove(i);
    this.#checkType(h, rt, i);
    if (h.lends !== 0) throw new ComponentTrap('cannot remove owned resource while borrowed', 'cannot remove owned resource while borrowed');
    if (!h.own) {
      (h.scope as Scope).borrows--;
      return;
    }
    if (rt.impl === null) {
      // A host resource dropped by its last owner: the host object's own disposal, if any.
      const dispose = (h.rep as { [Symbol.dispose]?: () => void })[Symbol.dispose];
      if (typeof dispose === 'function') dispose.call(h.rep);
      return;
    }
    // The destructor is entered like a lifted function of the implementation (trapping on
    // reentrance), from this instance.
    rt.dtor?.(h.rep as number);
  }

  resourceRep(rt: ResourceType, i: number): number {
    const h = this.#get(i);
    this.#checkType(h, rt, i);
    return h.rep as number;
  }
}
