// examples/hello-js: a small HTTP app in JavaScript, made a wasi:http component by
// componentize-js. StarlingMonkey (the engine inside) turns each call of
// wasi:http/incoming-handler.handle into a `fetch` event, so the app is written against the
// web's Request and Response; wasi:keyvalue is imported as WIT functions and resources.
//   GET  /               a greeting and how often it was asked for (a key-value counter)
//   GET  /hello          hello, world (what the C hello of the benchmark answers; no storage)
//   GET  /notes/NAME     a note, PUT /notes/NAME stores one, DELETE removes it
//   POST /echo           the request body back
// Every response says in `x-instance-requests` how many requests its instance has served: under
// `tessera serve` each request gets a fresh instance, so it is always 1.
import { open } from 'wasi:keyvalue/store@0.2.0-draft2';
import { increment } from 'wasi:keyvalue/atomics@0.2.0-draft2';

// Module state lives as long as the instance (the engine's snapshot starts it at 0).
let served = 0;

const text = (status, body) => new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });

async function handle(request) {
  const { pathname } = new URL(request.url);
  if (pathname === '/' && request.method === 'GET') {
    const n = increment(open('default'), 'hello-js:asked', 1n);
    return text(200, `Hello from JavaScript in a WebAssembly component!\nasked for ${n} time${n === 1n ? '' : 's'}.\n`);
  }
  if (pathname === '/hello') return text(200, 'hello, world\n');
  if (pathname === '/echo' && request.method === 'POST') {
    return new Response(await request.arrayBuffer(), { headers: { 'content-type': request.headers.get('content-type') ?? 'application/octet-stream' } });
  }
  if (pathname.startsWith('/notes/') && pathname.length > '/notes/'.length) {
    const key = `hello-js:note:${decodeURIComponent(pathname.slice('/notes/'.length))}`;
    const bucket = open('default');
    switch (request.method) {
      case 'GET': {
        const value = bucket.get(key);
        return value === undefined ? text(404, 'no such note\n') : text(200, new TextDecoder().decode(value));
      }
      case 'PUT':
        bucket.set(key, new Uint8Array(await request.arrayBuffer()));
        return text(201, 'stored\n');
      case 'DELETE':
        bucket.delete(key);
        return text(204, null);
      default:
        return text(405, 'use GET, PUT or DELETE\n');
    }
  }
  return text(404, 'not found\n');
}

async function respond(request) {
  served++;
  const response = await handle(request).catch((e) => text(500, `${e}\n`));
  response.headers.set('x-instance-requests', String(served));
  return response;
}

addEventListener('fetch', (event) => event.respondWith(respond(event.request)));
