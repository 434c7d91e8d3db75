// createHandler with the test guest (test/fixtures/serve/guest.c): serving, header rules,
// streaming both ways, trailers, each limit, and faults mixed with good requests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type AccessLogEntry, createHandler, type Handler, type HandlerOptions } from './handler.ts';
import { prepareGuest } from './guest.ts';
import { waitingForTurn } from './outgoing.ts';
import { setTrailers, trailersOf } from './trailers.ts';

const GUEST = new Uint8Array(readFileSync(new URL('../../test/fixtures/serve/guest.component.wasm', import.meta.url)));

function handler(options: HandlerOptions = {}): Promise<Handler> {
  return createHandler(GUEST, options);
}

const get = (h: Handler, path: string, init?: RequestInit) => h(new Request(`http://example.test${path}`, init));

/** A request body that arrives in chunks, the next only when `release` is called. */
function trickle(chunks: string[]): { stream: ReadableStream<Uint8Array>; release: () => void; pulled: () => number } {
  let n = 0;
  let wake: (() => void) | undefined;
  let credits = 1;
  const stream = new ReadableStream<Uint8Array>({
    async pull(c) {
      while (credits === 0) await new Promise<void>((r) => { wake = r; });
      credits--;
      if (n === chunks.length) c.close();
      else c.enqueue(new TextEncoder().encode(chunks[n++]));
    },
  }, { highWaterMark: 0 });
  return { stream, release: () => { credits++; wake?.(); }, pulled: () => n };
}

describe('serving', () => {
  it('answers through the guest, fresh instance per request', async () => {
    const log: AccessLogEntry[] = [];
    const h = await handler({ log: (e) => log.push(e) });
    const r = await get(h, '/hello');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/plain');
    assert.equal(await r.text(), 'hello, world\n');
    // `served` lives in the guest's linear memory: a fresh instance (with a pooled, zeroed memory) starts at 0.
    for (let i = 0; i < 3; i++) assert.equal(await (await get(h, '/count')).text(), '1\n');
    assert.deepEqual(log.map((e) => [e.method, e.path, e.status, e.bytes]), [['GET', '/hello', 200, 13], ['GET', '/count', 200, 2], ['GET', '/count', 200, 2], ['GET', '/count', 200, 2]]);
  });

  it('answers a small body whole, and keeps no waiter for the event loop once the guest has finished', async () => {
    const h = await handler();
    // One request after the other within microtasks: the event loop never turns meanwhile.
    for (let i = 0; i < 50; i++) {
      const r = await get(h, '/hello');
      assert.equal(r.headers.get('content-type'), 'text/plain');
      assert.equal(await r.text(), 'hello, world\n');
    }
    assert.equal(waitingForTurn(), 0);
    // A body still being written when the loop turns streams.
    const slow = await get(h, '/slow/3/10');
    assert.equal(await slow.text(), 'tick\ntick\ntick\n');
  });

  it('reuses an instance up to --max-instance-reuse times when asked', async () => {
    const h = await handler({ limits: { maxInstanceReuse: 3 } });
    const counts: string[] = [];
    for (let i = 0; i < 7; i++) counts.push((await (await get(h, '/count')).text()).trim());
    assert.deepEqual(counts, ['1', '2', '3', '1', '2', '3', '1']);
  });

  it('gives the guest method, path with query, authority and headers (hop-by-hop ones left out)', async () => {
    const h = await handler();
    const r = await get(h, '/info?a=1&b=%20', { method: 'PATCH', headers: { 'x-one': 'a', 'X-Two': 'b', connection: 'x-secret, keep-alive', 'x-secret': 's', 'keep-alive': '5' } });
    const text = await r.text();
    const lines = text.split('\n');
    assert.equal(lines[0], 'PATCH /info?a=1&b=%20');
    assert.equal(lines[1], 'authority: example.test');
    assert.ok(lines.includes('x-one: a') && lines.includes('x-two: b'), text);
    assert.ok(!text.includes('keep-alive') && !text.includes('x-secret') && !text.includes('connection'), text);
  });

  it('enforces the header rules of wasi:http (forbidden, invalid, immutable) and keeps repeated fields', async () => {
    const h = await handler();
    const r = await get(h, '/headers');
    assert.equal(await r.text(), [
      'connection: forbidden', 'host: forbidden', 'transfer-encoding: forbidden', 'bad name: invalid-syntax',
      'bad value: invalid-syntax', 'request headers: immutable', 'response headers: immutable', '',
    ].join('\n'));
    assert.equal(r.headers.get('x-multi'), 'one, two');
  });

  it('passes the status on; a 204 has no body', async () => {
    const h = await handler();
    const created = await get(h, '/status/201');
    assert.equal(created.status, 201);
    assert.equal(await created.text(), '');
    const none = await get(h, '/status/204');
    assert.equal(none.status, 204);
    assert.equal(none.body, null);
    const info = await get(h, '/status/103');
    assert.equal(info.status, 502, 'an informational status is no final answer');
  });

  it('streams the request body in as the guest reads and the response out as it writes', async () => {
    const h = await handler();
    const body = trickle(['first,', 'second,', 'third']);
    const r = await get(h, '/echo', { method: 'POST', body: body.stream, headers: { 'content-type': 'text/x-test' }, duplex: 'half' } as RequestInit);
    assert.equal(r.headers.get('content-type'), 'text/x-test');
    const reader = r.body!.getReader();
    const dec = new TextDecoder();
    // The first chunk comes back before the second was even sent.
    assert.equal(dec.decode((await reader.read()).value), 'first,');
    assert.equal(body.pulled(), 1);
    body.release();
    assert.equal(dec.decode((await reader.read()).value), 'second,');
    body.release();
    assert.equal(dec.decode((await reader.read()).value), 'third');
    body.release();
    assert.equal((await reader.read()).done, true);
  });

  it('streams a large response with back-pressure', async () => {
    const h = await handler();
    const r = await get(h, '/big/5000000');
    let n = 0;
    let chunks = 0;
    for await (const c of r.body!) {
      n += c.length;
      chunks++;
      for (const b of c) if (b !== 0x78) assert.fail('not an x');
    }
    assert.equal(n, 5_000_000);
    assert.ok(chunks > 1);
  });

  it('sends request trailers to the guest and the guest\'s trailers back', async () => {
    const h = await handler();
    const req = new Request('http://example.test/echo', { method: 'POST', body: 'payload' });
    setTrailers(req, Promise.resolve(new Headers({ 'x-checksum': 'abc', 'x-count': '7' })));
    const r = await h(req);
    assert.equal(await r.text(), 'payload');
    const t = await trailersOf(r);
    assert.equal(t?.get('x-checksum'), 'abc');
    assert.equal(t?.get('x-count'), '7');
    const plain = await get(h, '/echo', { method: 'POST', body: 'x' });
    assert.equal(await plain.text(), 'x');
    assert.equal(await trailersOf(plain), undefined);
  });
});

describe('faults', () => {
  it('a trap before answering is a 500; the next request is served', async () => {
    const log: AccessLogEntry[] = [];
    const h = await handler({ log: (e) => log.push(e) });
    const r = await get(h, '/trap');
    assert.equal(r.status, 500);
    await r.text();
    assert.match(log[0].note ?? '', /trap: unreachable/);
    assert.equal(await (await get(h, '/hello')).text(), 'hello, world\n');
  });

  it('a trap, a dropped body or a return after answering cuts the response body off', async () => {
    const h = await handler();
    for (const path of ['/trap-after', '/drop-body']) {
      const r = await get(h, path);
      assert.equal(r.status, 200);
      await assert.rejects(r.text(), Error, path);
    }
    assert.equal((await get(h, '/no-response')).status, 500);
    assert.equal((await get(h, '/error')).status, 500);
    assert.equal(await (await get(h, '/hello')).text(), 'hello, world\n');
  });

  it('a guest that never returns is stopped at the deadline: 503, and others are served meanwhile', async () => {
    const log: AccessLogEntry[] = [];
    const h = await handler({ limits: { deadlineMs: 300 }, log: (e) => log.push(e) });
    const spin = get(h, '/spin');
    const sleep = get(h, '/sleep/60000');
    // Both are stuck (one computing, one suspended); good requests still get through.
    const good = await Promise.all([get(h, '/hello'), get(h, '/sleep/10'), get(h, '/hello')]);
    assert.deepEqual(good.map((r) => r.status), [200, 200, 200]);
    const [a, b] = await Promise.all([spin, sleep]);
    assert.equal(a.status, 503);
    assert.equal(b.status, 503);
    // The 503s go out at the deadline; the guests stop at their next check or wake-up.
    for (let i = 0; i < 1000 && h.inFlight > 0; i++) await new Promise((r) => setImmediate(r));
    assert.equal(h.inFlight, 0, 'both instances were stopped, not left running');
    assert.ok(log.filter((e) => e.status === 503).every((e) => /deadline/.test(e.note ?? '')));
  });

  it('a guest that computes does not hold the others up: it is paused in time slices', async () => {
    const h = await handler({ limits: { deadlineMs: 1000 } });
    let spinning = true;
    const spin = get(h, '/spin').then((r) => { spinning = false; return r; });
    for (let i = 0; i < 5; i++) {
      const r = await get(h, '/hello');
      assert.equal(await r.text(), 'hello, world\n');
      assert.equal(spinning, true, 'answered while the other guest still runs');
    }
    assert.equal((await spin).status, 503);
  });

  it('a slow response past its deadline is cut off', async () => {
    const h = await handler({ limits: { deadlineMs: 300 } });
    const r = await get(h, '/slow/100/20');
    assert.equal(r.status, 200);
    await assert.rejects(r.text());
  });
});

describe('limits', () => {
  it('caps each instance\'s memory: the guest\'s allocation fails past it', async () => {
    const h = await handler({ limits: { maxMemoryBytes: 8 << 20 } });
    assert.equal((await get(h, '/grow/2')).status, 200);
    const r = await get(h, '/grow/16');
    assert.equal(r.status, 507, 'malloc failed in the guest (memory.grow refused)');
    const roomy = await handler({ limits: { maxMemoryBytes: 64 << 20 } });
    assert.equal((await get(roomy, '/grow/16')).status, 200);
  });

  it('refuses a component whose memory starts above the cap', async () => {
    await assert.rejects(prepareGuest(GUEST, { maxMemoryPages: 1 }), /starts at \d+ pages of 64 KiB, above the cap of 1/);
  });

  it('runs at most max-concurrency requests, queues max-queue more, refuses the rest with 503', async () => {
    const h = await handler({ limits: { maxConcurrency: 1, maxQueue: 1 } });
    const first = get(h, '/sleep/200');
    const second = get(h, '/hello');
    const third = await get(h, '/hello');
    assert.equal(third.status, 503);
    assert.equal((await first).status, 200);
    assert.equal(await (await second).text(), 'hello, world\n');
  });

  it('refuses a request body above the cap: 413 up front, a failed read when it streams', async () => {
    const h = await handler({ limits: { maxRequestBodyBytes: 10 } });
    const declared = await get(h, '/echo', { method: 'POST', body: 'x'.repeat(11), headers: { 'content-length': '11' } });
    assert.equal(declared.status, 413);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('12345678'));
        c.enqueue(new TextEncoder().encode('9abcdef'));
        c.close();
      },
    });
    const streamed = await get(h, '/echo', { method: 'POST', body, duplex: 'half' } as RequestInit);
    assert.equal(await streamed.text(), '12345678');
    assert.equal((await trailersOf(streamed))?.get('x-body-error'), '1', 'the guest saw its read fail');
    assert.equal((await get(h, '/echo', { method: 'POST', body: 'small' })).status, 200);
  });

  it('cuts a response body off at the cap', async () => {
    const h = await handler({ limits: { maxResponseBodyBytes: 100_000 } });
    await assert.rejects((await get(h, '/big/200000')).arrayBuffer(), /response body is larger/);
    assert.equal((await (await get(h, '/big/99999')).arrayBuffer()).byteLength, 99_999);
  });
});

describe('draining', () => {
  it('finishes requests in flight and refuses new ones', async () => {
    const h = await handler();
    const slow = get(h, '/sleep/100');
    await new Promise((r) => setTimeout(r, 20));
    const drained = h.drain();
    assert.equal((await get(h, '/hello')).status, 503);
    assert.equal(await (await slow).text(), 'slept\n');
    await drained;
    assert.equal(h.inFlight, 0);
  });
});
