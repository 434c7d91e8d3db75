// 🔀 Synchronous tasks as threads. A call of a non-async-typed function runs as a plain call
// (link/guard.ts) without a Task: it cannot block, and most built-ins only need to know that.
// The 🧵 thread built-ins need more: `thread.index` names the task's implicit thread, and
// `thread.new-indirect`, `thread.resume-later` and the switching built-ins give the task more
// threads (async/trap-if-block-and-sync.wast does all this from synchronous exports). So the
// first such built-in makes the task and its implicit thread; the guard resolves the task when
// the call returns (a non-async-typed task's value is its core function's result).
//
// One synchronous task at most runs in an instance at a time: the instance is entered while it
// runs, and nothing enters it meanwhile.
import type { FuncT } from '../validate/model.ts';
import { type RuntimeInstance, threadsOfRoot } from '../link/runtime-instance.ts';
import { cannotBlock, deadlock } from './codes.ts';
import { store } from './store.ts';
import { type LiftDef, Task } from './task.ts';
import { Thread } from './thread.ts';

const SYNC_FT: FuncT = { async: false, params: [] };

/** The implicit thread of the synchronous task running in `inst` (made on first use). */
export function syncThreadOf(inst: RuntimeInstance): Thread {
  let t = inst.syncThread;
  if (t === null) {
    const def: LiftDef = { inst, ft: SYNC_FT, async: false, callback: false, memory: undefined, encoding: 'utf8' };
    const task = new Task(def, () => [], () => {}, store.currentThread?.task.hostCall ?? null);
    task.state = Task.STARTED;
    t = new Thread(task);
    t.running = true;
    t.onStack = false;
    task.implicitThread = t;
    task.registerThread(t);
    inst.syncThread = t;
  }
  return t;
}

/** The synchronous call returned: its task resolved; its other threads may now block. */
export function endSyncTask(inst: RuntimeInstance): void {
  const t = inst.syncThread!;
  inst.syncThread = null;
  const task = t.task;
  task.state = Task.RESOLVED;
  if (t.readyFunc !== null) t.stopWaiting();
  t.running = false;
  t.exited = true;
  const i = task.threads.indexOf(t);
  if (i >= 0) task.threads.splice(i, 1);
  if (t.index !== 0) inst.threads.remove(t.index);
  t.index = 0;
}

/**
 * A synchronous task's thread would block (a `thread.suspend`, a wait) and nothing can run on
 * its stack meanwhile. With no other thread alive in its tree of instances, no thread could
 * ever unblock it: wasmtime's "cannot block a synchronous task before returning". With other
 * threads waiting or suspended (but none that may run on this stack), the event loop would
 * stop there: "deadlock detected" (async/during-sync-call-no-exclusive-resume.wast and
 * -no-sibling-resume.wast).
 */
export function syncTaskCannotBlock(inst: RuntimeInstance): never {
  for (const t of threadsOfRoot(inst.root)) {
    if (!t.running && !t.exited && t !== inst.syncThread) deadlock();
  }
  cannotBlock();
}
