// The deadlines of requests in flight on one timer (src/serve/context.ts): each request past
// its deadline is expired once, in deadline order, whatever order they were added in; a
// request removed first never is.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Deadlines, RequestContext } from './context.ts';

it('expires requests at their deadlines, in order, and never one that ended first', async () => {
  const deadlines = new Deadlines();
  const expired: string[] = [];
  const now = performance.now();
  const ctx = (name: string, ms: number) => {
    const c = new RequestContext(now + ms);
    c.onExpire = () => expired.push(name);
    deadlines.add(c);
    return c;
  };
  ctx('c', 40);
  ctx('a', 10);
  const ended = ctx('b', 20);
  ctx('d', 40);
  ctx('e', 60);
  deadlines.remove(ended);
  assert.equal(deadlines.size, 4);
  while (expired.length < 4) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(expired, ['a', 'c', 'd', 'e']);
  assert.equal(deadlines.size, 0);
  const late = ctx('f', 10);
  deadlines.remove(late);
  assert.equal(deadlines.size, 0);
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(expired, ['a', 'c', 'd', 'e']);
});
