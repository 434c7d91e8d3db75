// Admission before any guest runs: 413 on a declared body over the cap (refused unread), the
// gate's slot, line and 503 Busy, in-flight counting, the access log, draining.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccessLogEntry } from './handler.ts';
import { Admission, type Arrival } from './admission.ts';

function arrival(contentLength?: string): Arrival & { refused: boolean } {
  const a = { method: 'POST', path: '/x', contentLength, refused: false, refuse: () => { a.refused = true; } };
  return a;
}

describe('Admission', () => {
  it('refuses a declared body over the cap unread, and a full line, logging each once', async () => {
    const log: AccessLogEntry[] = [];
    const adm = new Admission({ maxConcurrency: 1, maxQueue: 1, deadlineMs: 10_000, maxRequestBody: 10 }, (e) => log.push(e));
    const big = arrival('11');
    const r413 = adm.admit(big);
    assert.ok(!(r413 instanceof Promise) && r413.kind === 'host' && r413.status === 413);
    assert.equal(big.refused, true);
    const first = adm.admit(arrival('10'));
    assert.ok(!(first instanceof Promise) && first.kind === 'admitted');
    const second = adm.admit(arrival());
    assert.ok(second instanceof Promise);
    const third = adm.admit(arrival());
    assert.ok(!(third instanceof Promise) && third.kind === 'host' && third.status === 503);
    assert.equal(adm.inFlight, 2);
    adm.leave();
    const s = await second;
    assert.equal(s.kind, 'admitted');
    if (s.kind === 'admitted') {
      s.finish(200, 5);
      s.finish(500, 0, 'again');
    }
    assert.deepEqual(log.map((e) => `${e.status} ${e.note ?? ''}`), ['413 request body too large', '503 too many requests (1 running, 1 waiting)', '200 ']);
    const drained = adm.drain();
    const late = adm.admit(arrival());
    assert.ok(!(late instanceof Promise) && late.kind === 'host' && late.status === 503);
    let settled = false;
    void drained.then(() => { settled = true; });
    await Promise.resolve();
    assert.equal(settled, false);
    adm.leave();
    await drained;
    assert.equal(adm.inFlight, 0);
  });
});
