// 🔀 Subtasks (CanonicalABI.md, "Subtask State"): the caller's side of a call to an async
// function (`canon lower`). It tracks the callee's progress (starting, started, returned,
// cancelled before starting or before returning) and the handles the caller lent for the call,
// which are given back when the resolution is delivered to the caller.
import type { CallScope, HandleTable } from '../link/abi.ts';
import {
  asyncTrap, SUBTASK_CANCELLED_BEFORE_RETURNED, SUBTASK_CANCELLED_BEFORE_STARTED, SUBTASK_RETURNED, SUBTASK_STARTED, SUBTASK_STARTING,
} from './codes.ts';
import type { OnCancel } from './task.ts';
import { Waitable } from './waitable.ts';

export class Subtask extends Waitable {
  state = SUBTASK_STARTING;
  onCancel: OnCancel | null = null;
  cancellationRequested = false;
  /** The lending scope (Subtask.lenders), until the resolution is delivered. */
  lenders: CallScope | null;
  readonly #handles: HandleTable;

  constructor(handles: HandleTable, lenders: CallScope | null) {
    super();
    this.#handles = handles;
    this.lenders = lenders;
  }

  resolved(): boolean {
    return this.state >= SUBTASK_RETURNED;
  }

  /** OnStart was called: the arguments are read. */
  started(): void {
    this.state = SUBTASK_STARTED;
  }

  /** The callee's OnResolve: `returned` false means cancelled. */
  resolve(returned: boolean): void {
    if (returned) this.state = SUBTASK_RETURNED;
    else this.state = this.state === SUBTASK_STARTING ? SUBTASK_CANCELLED_BEFORE_STARTED : SUBTASK_CANCELLED_BEFORE_RETURNED;
  }

  #delivered = false;

  /** Subtask.deliver_resolve: the lent handles come back. */
  deliverResolve(): void {
    this.#delivered = true;
    const l = this.lenders;
    this.lenders = null;
    if (l !== null) this.#handles.endCall(l);
  }

  resolveDelivered(): boolean {
    return this.#delivered;
  }

  /** Subtask.drop. */
  drop(): void {
    if (!this.#delivered) asyncTrap('invalid task operation', 'cannot drop a subtask which has not yet resolved');
    this.dropWaitable();
  }
}
