// poll_oneoff (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-poll_oneoffin-constpointersubscription-out-pointerevent-nsubscriptions-size---resultsize-errno).
// Descriptors that are ready (files always are; an in-memory stdin with bytes left) are
// reported at once; otherwise the call sleeps until the earliest clock subscription is due.
// That sleep blocks the thread today; it is the call to suspend through JSPI later
// (RATIONALE.md).
import { EVENTTYPE_CLOCK, EVENTTYPE_FD_READ, EVENTTYPE_FD_WRITE, SUBCLOCKFLAGS_ABSTIME } from './constants.ts';
import { clockNow } from './clocks.ts';
import type { WasiContext } from './context.ts';
import { type Defs, errnoFn } from './defs.ts';
import { EBADF, EFAULT, EINVAL, ENOTSUP, ESUCCESS } from './errno.ts';

const SUBSCRIPTION_SIZE = 48;
const EVENT_SIZE = 32;

interface Event {
  readonly userdata: bigint;
  readonly error: number;
  readonly type: number;
  readonly nbytes: bigint;
}

export function pollFunctions(ctx: WasiContext): Defs {
  const m = ctx.memory;
  return {
    poll_oneoff: errnoFn('iiii', (inPtr: number, outPtr: number, n: number, neventsPtr: number) => {
      m.refresh();
      const count = n >>> 0;
      if (count === 0) return EINVAL;
      if (!m.ok(inPtr, count * SUBSCRIPTION_SIZE) || !m.ok(outPtr, count * EVENT_SIZE) || !m.ok(neventsPtr, 4)) return EFAULT;
      const ready: Event[] = [];
      const clocks: { userdata: bigint; wait: bigint }[] = [];
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
          const fd = m.dv.getUint32(p + 16, true);
          const d = ctx.fds.get(fd);
          if (d === undefined) {
            ready.push({ userdata, error: EBADF, type: tag, nbytes: 0n });
          } else if (d.type === 'file') {
            let nbytes = 0n;
            if (tag === EVENTTYPE_FD_READ) {
              const s = d.handle.stat();
              if (typeof s !== 'number' && s.size > d.position) nbytes = s.size - d.position;
            }
            ready.push({ userdata, error: ESUCCESS, type: tag, nbytes });
          } else if (d.type === 'stream') {
            if (tag === EVENTTYPE_FD_WRITE) {
              ready.push({ userdata, error: d.output ? ESUCCESS : EBADF, type: tag, nbytes: 0n });
            } else if (d.input === undefined) {
              ready.push({ userdata, error: EBADF, type: tag, nbytes: 0n });
            } else {
              // An input that cannot say how much is buffered is reported ready: its read blocks.
              const avail = d.input.available?.();
              if (avail === undefined || avail > 0) ready.push({ userdata, error: ESUCCESS, type: tag, nbytes: BigInt(avail ?? 1) });
              // An in-memory input at its end is readable too (read returns end of file).
              else ready.push({ userdata, error: ESUCCESS, type: tag, nbytes: 0n });
            }
          } else {
            ready.push({ userdata, error: EBADF, type: tag, nbytes: 0n });
          }
        } else {
          ready.push({ userdata, error: ENOTSUP, type: tag, nbytes: 0n });
        }
      }
      if (ready.length === 0 && clocks.length > 0) {
        let soonest = clocks[0].wait;
        for (const c of clocks) if (c.wait < soonest) soonest = c.wait;
        ctx.clocks.sleep(soonest);
        for (const c of clocks) if (c.wait <= soonest) ready.push({ userdata: c.userdata, error: ESUCCESS, type: EVENTTYPE_CLOCK, nbytes: 0n });
      } else {
        for (const c of clocks) if (c.wait === 0n) ready.push({ userdata: c.userdata, error: ESUCCESS, type: EVENTTYPE_CLOCK, nbytes: 0n });
      }
      m.refresh();
      ready.forEach((e, i) => {
        const p = (outPtr >>> 0) + i * EVENT_SIZE;
        m.u8.fill(0, p, p + EVENT_SIZE);
        m.dv.setBigUint64(p, e.userdata, true);
        m.dv.setUint16(p + 8, e.error, true);
        m.dv.setUint8(p + 10, e.type);
        m.dv.setBigUint64(p + 16, e.nbytes, true);
      });
      m.setU32(neventsPtr, ready.length);
      return ESUCCESS;
    }),
  };
}
