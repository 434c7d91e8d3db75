// poll_oneoff (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-poll_oneoffin-constpointersubscription-out-pointerevent-nsubscriptions-size---resultsize-errno).
// Descriptors that are ready (files always are; a stream with bytes buffered or at its end; a
// listening socket with a pending connection) are reported at once. Otherwise the call waits
// for the earliest clock subscription or for a descriptor to become ready: under JSPI by
// suspending the guest on promises (the event loop runs meanwhile); run synchronously, it
// can only sleep the thread until the earliest clock, and a stream that would wait is
// reported ready when no clock is given (its read then answers EAGAIN or blocks).
import { EVENTTYPE_CLOCK, EVENTTYPE_FD_READ, EVENTTYPE_FD_WRITE, SUBCLOCKFLAGS_ABSTIME } from './constants.ts';
import { clockNow } from './clocks.ts';
import type { WasiContext } from './context.ts';
import { type Defs, errnoFn } from './defs.ts';
import type { Desc } from './descriptors.ts';
import { EBADF, EFAULT, EINVAL, ENOTSUP, ESUCCESS } from '../vfs/errno.ts';

const SUBSCRIPTION_SIZE = 48;
const EVENT_SIZE = 32;

interface Event {
  readonly userdata: bigint;
  readonly error: number;
  readonly type: number;
  readonly nbytes: bigint;
}

interface ClockSub { readonly userdata: bigint; readonly wait: bigint }
interface FdSub { readonly userdata: bigint; readonly tag: number; readonly fd: number }

/** What waits for a descriptor to become readable: a stream's input or a listening socket. */
function readSource(d: Desc) {
  if (d.type !== 'stream') return undefined;
  return d.socket?.kind === 'listener' ? d.socket : d.input;
}

export function pollFunctions(ctx: WasiContext): Defs {
  const m = ctx.memory;

  /** The event for one descriptor subscription, or a promise when it is not ready yet. */
  const fdEvent = (s: FdSub, signal: AbortSignal): Event | Promise<void> => {
    const event = (error: number, nbytes = 0n): Event => ({ userdata: s.userdata, error, type: s.tag, nbytes });
    const d = ctx.fds.get(s.fd);
    if (d === undefined) return event(EBADF);
    if (d.type === 'file') {
      let nbytes = 0n;
      if (s.tag === EVENTTYPE_FD_READ) {
        const st = d.handle.stat();
        if (typeof st !== 'number' && st.size > d.position) nbytes = st.size - d.position;
      }
      return event(ESUCCESS, nbytes);
    }
    if (d.type !== 'stream') return event(EBADF);
    if (s.tag === EVENTTYPE_FD_WRITE) return event(d.output !== undefined ? ESUCCESS : EBADF);
    const source = readSource(d);
    if (source === undefined) return event(EBADF);
    const wait = source.whenReadable?.(signal);
    if (wait !== undefined) return wait;
    // An input that cannot say how much is buffered is reported ready with 1 byte; one at its end with 0.
    const avail = 'accept' in source ? 1 : source.available?.();
    return event(ESUCCESS, BigInt(avail ?? 1));
  };

  const writeEvents = (outPtr: number, neventsPtr: number, events: readonly Event[]): number => {
    m.refresh();
    events.forEach((e, i) => {
      const p = (outPtr >>> 0) + i * EVENT_SIZE;
      m.u8.fill(0, p, p + EVENT_SIZE);
      m.dv.setBigUint64(p, e.userdata, true);
      m.dv.setUint16(p + 8, e.error, true);
      m.dv.setUint8(p + 10, e.type);
      m.dv.setBigUint64(p + 16, e.nbytes, true);
    });
    m.setU32(neventsPtr, events.length);
    return ESUCCESS;
  };

  const clockEvent = (c: ClockSub): Event => ({ userdata: c.userdata, error: ESUCCESS, type: EVENTTYPE_CLOCK, nbytes: 0n });

  /** Under JSPI: waits (suspended) until a descriptor is ready or a clock is due; rescans after each wake-up. */
  const waitAsync = async (fdSubs: readonly FdSub[], clocks: readonly ClockSub[], outPtr: number, neventsPtr: number): Promise<number> => {
    const start = ctx.clocks.monotonic();
    for (;;) {
      const ac = new AbortController();
      const elapsed = ctx.clocks.monotonic() - start;
      const ready: Event[] = [];
      const waits: Promise<void>[] = [];
      for (const s of fdSubs) {
        const e = fdEvent(s, ac.signal);
        if (e instanceof Promise) waits.push(e);
        else ready.push(e);
      }
      for (const c of clocks) if (c.wait <= elapsed) ready.push(clockEvent(c));
      if (ready.length > 0) {
        ac.abort();
        return writeEvents(outPtr, neventsPtr, ready);
      }
      if (clocks.length > 0) {
        let soonest = clocks[0].wait;
        for (const c of clocks) if (c.wait < soonest) soonest = c.wait;
        waits.push(ctx.clocks.sleepAsync(soonest - elapsed, ac.signal));
      }
      try {
        await Promise.race(waits);
      } finally {
        ac.abort(); // the waits that lost release their timers and listeners
      }
    }
  };

  const poll = (inPtr: number, outPtr: number, n: number, neventsPtr: number): number | Promise<number> => {
    m.refresh();
    const count = n >>> 0;
    if (count === 0) return EINVAL;
    if (!m.ok(inPtr, count * SUBSCRIPTION_SIZE) || !m.ok(outPtr, count * EVENT_SIZE) || !m.ok(neventsPtr, 4)) return EFAULT;
    const ready: Event[] = [];
    const clocks: ClockSub[] = [];
    const fdSubs: FdSub[] = [];
    for (let i = 0; i < count; i++) {
      const p = (inPtr >>> 0) + i * SUBSCRIPTION_SIZE;
      const userdata = m.dv.getBigUint64(p, true);
      const tag = m.dv.getUint8(p + 8);
      if (tag === EVENTTYPE_CLOCK) {
        const id = m.dv.getUint32(p + 16, true);
        const timeout = m.dv.getBigUint64(p + 24, true);
        const flags = m.dv.getUint16(p + 40, true);
        const now = clockNow(ctx.clocks, id);
        if (now === undefined) {
          ready.push({ userdata, error: EINVAL, type: tag, nbytes: 0n });
          continue;
        }
        const wait = flags & SUBCLOCKFLAGS_ABSTIME ? timeout - now : timeout;
        clocks.push({ userdata, wait: wait < 0n ? 0n : wait });
      } else if (tag === EVENTTYPE_FD_READ || tag === EVENTTYPE_FD_WRITE) {
        fdSubs.push({ userdata, tag, fd: m.dv.getUint32(p + 16, true) });
      } else {
        ready.push({ userdata, error: ENOTSUP, type: tag, nbytes: 0n });
      }
    }
    const ac = new AbortController();
    const pending: FdSub[] = [];
    for (const s of fdSubs) {
      const e = fdEvent(s, ac.signal);
      if (e instanceof Promise) pending.push(s);
      else ready.push(e);
    }
    ac.abort();
    for (const c of clocks) if (c.wait === 0n) ready.push(clockEvent(c));
    if (ready.length > 0) return writeEvents(outPtr, neventsPtr, ready);
    if (ctx.jspi && pending.length > 0) return waitAsync(fdSubs, clocks, outPtr, neventsPtr);
    if (clocks.length > 0) {
      let soonest = clocks[0].wait;
      for (const c of clocks) if (c.wait < soonest) soonest = c.wait;
      if (ctx.jspi) return ctx.clocks.sleepAsync(soonest).then(() => writeEvents(outPtr, neventsPtr, clocks.filter((c) => c.wait <= soonest).map(clockEvent)));
      ctx.clocks.sleep(soonest);
      return writeEvents(outPtr, neventsPtr, clocks.filter((c) => c.wait <= soonest).map(clockEvent));
    }
    // Run synchronously with only streams that would wait: report them ready rather than hang.
    return writeEvents(outPtr, neventsPtr, pending.map((s) => ({ userdata: s.userdata, error: ESUCCESS, type: s.tag, nbytes: 0n })));
  };

  return {
    poll_oneoff: { ...errnoFn('iiii', poll), suspending: ctx.jspi },
  };
}
