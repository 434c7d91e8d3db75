// 🔀 Waitables and waitable sets (CanonicalABI.md, "Waitable State"). A waitable (a subtask,
// or an end of a stream or future) holds at most one pending event, kept as a closure so that
// it is computed when it is delivered; a waitable set is what `waitable-set.wait` / `.poll`
// and a `callback` lift's event loop wait on. A waitable waited on synchronously may not be in
// a set at the same time (the set could steal its event).
import { asyncTrap, type EventTuple } from './codes.ts';
import { store } from './store.ts';

export class Waitable {
  pendingEvent: (() => EventTuple) | null = null;
  wset: WaitableSet | null = null;
  hasSyncWaiter = false;

  setPendingEvent(e: () => EventTuple): void {
    const had = this.pendingEvent !== null;
    this.pendingEvent = e;
    // Event delivery is first come, first served (the spec leaves the order free).
    if (!had && this.wset !== null) this.wset.ready.push(this);
    // A thread may be waiting for it.
    store.schedule();
  }

  hasPendingEvent(): boolean {
    return this.pendingEvent !== null;
  }

  getPendingEvent(): EventTuple {
    const e = this.pendingEvent!;
    this.pendingEvent = null;
    return e();
  }

  join(wset: WaitableSet | null): void {
    if (this.wset !== null) this.wset.remove(this);
    this.wset = wset;
    if (wset !== null) {
      wset.elems.add(this);
      if (this.pendingEvent !== null) wset.ready.push(this);
    }
  }

  /** Waitable.drop: leaves its set (the subclasses check what they must first). */
  dropWaitable(): void {
    this.join(null);
  }
}

export class WaitableSet {
  readonly elems = new Set<Waitable>();
  /** Members that have had a pending event since they last delivered one, oldest first (may hold stale entries). */
  ready: Waitable[] = [];
  numWaiting = 0;

  remove(w: Waitable): void {
    this.elems.delete(w);
  }

  hasPendingEvent(): boolean {
    const r = this.ready;
    while (r.length > 0) {
      const w = r[0];
      if (w.wset === this && w.pendingEvent !== null) return true;
      r.shift();
    }
    return false;
  }

  getPendingEvent(): EventTuple {
    // hasPendingEvent dropped the stale entries at the head.
    if (!this.hasPendingEvent()) throw new Error('internal: no pending event');
    const w = this.ready.shift()!;
    return w.getPendingEvent();
  }

  /** WaitableSet.drop. */
  drop(): void {
    if (this.elems.size > 0) asyncTrap('invalid waitable operation', 'cannot drop waitable set with waiters: it still contains waitables');
    if (this.numWaiting > 0) asyncTrap('invalid waitable operation', 'cannot drop waitable set with waiters');
  }
}
