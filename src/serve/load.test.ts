// A bounded load test on loopback (issue 10, "Proof"): thousands of requests from 50
// keep-alive connections at once through the node:http adapter, with trapping, endlessly
// computing and oversized requests mixed in. Every good request must be answered exactly,
// every bad one with its own status, and the heap must come back near where it started. No
// timing is asserted: the numbers are reported as diagnostics.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createHandler } from './handler.ts';
import { listen } from './node-server.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const GUEST = new Uint8Array(readFileSync(new URL('../../test/fixtures/serve/guest.component.wasm', import.meta.url)));
const TOTAL = 3000;
const CONCURRENCY = 50;

interface Plan {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly status: number;
  readonly expect?: string;
}

/** The i-th request: mostly good ones, with faults at fixed places. */
function plan(i: number): Plan {
  if (i % 600 === 599) return { method: 'GET', path: '/spin', status: 503 };
  if (i % 50 === 7) return { method: 'GET', path: '/trap', status: 500 };
  if (i % 100 === 13) return { method: 'POST', path: '/echo', body: 'x'.repeat(70_000), status: 413 };
  if (i % 10 === 3) return { method: 'POST', path: '/echo', body: `body ${i}`, status: 200, expect: `body ${i}` };
  return { method: 'GET', path: '/hello', status: 200, expect: 'hello, world\n' };
}

function send(agent: Agent, port: number, p: Plan): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ agent, host: '127.0.0.1', port, method: p.method, path: p.path, headers: p.body === undefined ? {} : { 'content-length': String(p.body.length) } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(p.body);
  });
}

it(`serves ${TOTAL} requests at concurrency ${CONCURRENCY} with faults mixed in: zero errors, memory back near its baseline`, async (t) => {
  const handler = await createHandler(GUEST, { limits: { deadlineMs: 200, maxRequestBodyBytes: 65536, maxConcurrency: 64 } });
  const server = await listen(handler, { host: '127.0.0.1', port: 0 });
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const wrong: string[] = [];
  const counts = new Map<number, number>();
  let next = 0;
  async function run(upTo: number): Promise<void> {
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < upTo; i = next++) {
        const p = plan(i);
        try {
          const r = await send(agent, server.address.port, p);
          counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
          if (r.status !== p.status || (p.expect !== undefined && r.body !== p.expect)) wrong.push(`#${i} ${p.method} ${p.path}: ${r.status} ${JSON.stringify(r.body.slice(0, 60))}`);
        } catch (e) {
          wrong.push(`#${i} ${p.method} ${p.path}: ${(e as Error).message}`);
        }
      }
    }));
    next = upTo;
  }
  try {
    // Warm up (compiled code, pooled memories, connections), then take the baseline.
    await run(300);
    gc();
    gc();
    const baseline = process.memoryUsage();
    const started = performance.now();
    await run(TOTAL);
    const seconds = (performance.now() - started) / 1000;
    gc();
    gc();
    const after = process.memoryUsage();
    const mb = (n: number) => (n / (1 << 20)).toFixed(1);
    t.diagnostic(`${TOTAL - 300} requests in ${seconds.toFixed(2)} s (${Math.round((TOTAL - 300) / seconds)}/s); statuses ${JSON.stringify(Object.fromEntries(counts))}`);
    t.diagnostic(`heap used ${mb(baseline.heapUsed)} -> ${mb(after.heapUsed)} MB, external ${mb(baseline.external)} -> ${mb(after.external)} MB, rss ${mb(baseline.rss)} -> ${mb(after.rss)} MB`);
    assert.deepEqual(wrong, []);
    assert.equal(handler.inFlight, 0);
    assert.ok(after.heapUsed - baseline.heapUsed < 16 << 20, `the heap grew by ${mb(after.heapUsed - baseline.heapUsed)} MB`);
    assert.ok(after.external - baseline.external < 32 << 20, `external memory grew by ${mb(after.external - baseline.external)} MB`);
  } finally {
    agent.destroy();
    await server.close();
  }
});
