// `tessera serve` as a library (issue 10): createHandler turns a wasi:http/proxy component into
// a `(request: Request) => Promise<Response>` function, so any server hosts it through a thin
// adapter (or `handler.serve`, the same without web objects, src/serve/exchange.ts);
// src/serve/node-server.ts is the one for node:http, and src/serve/capabilities holds
// wasi:keyvalue and wasi:config for its guests.
export { type AccessLogEntry, createHandler, type Handler, type HandlerOptions, type Isolation, type IsolationReport, type ServeLimits } from './handler.ts';
export { GuestError, type PreparedGuest, prepareGuest, type PrepareOptions } from './guest.ts';
export { MemoryCapError } from './instrument.ts';
export { setTrailers, trailersOf } from './trailers.ts';
export type { Answer, AnswerBody, Exchange } from './exchange.ts';
export type { GuestBody } from './outgoing.ts';
export { suspendingImports } from './capabilities-imports.ts';
