// A request and its answer as the core of a handler (src/serve/handler.ts) takes and gives
// them, so that each adapter reaches it by the shortest way: the web's Request and Response
// (createHandler's function, src/serve/incoming.ts and outgoing.ts) and node:http's own
// request and response (src/serve/node-server.ts), which need no web objects in between.
import type { FieldEntry } from '../wasi/p2/http/fields.ts';
import type { StreamInput } from '../wasi/p2/http/stream-input.ts';
import type { Scheme } from '../wasi/p2/http/types.ts';

/** A request a server received. */
export interface Exchange {
  readonly method: string;
  /** The path with its query, as the guest sees it and the access log names it. */
  readonly path: string;
  readonly scheme: Scheme;
  readonly authority: string;
  /** Its header fields, hop-by-hop ones left out (RFC 9110, section 7.6.1); asked for when the guest first reads them. */
  headers(): readonly FieldEntry[];
  /** The Content-Length it declares, if any. */
  readonly contentLength: string | undefined;
  /** Its body as the guest reads it (more than `limit` bytes fail the read); asked for once. */
  body(limit: number): StreamInput;
  /** Its trailers, settling once the body has been read (undefined: the adapter has none to give). */
  readonly trailers: Promise<readonly FieldEntry[] | undefined> | undefined;
  /** Its body is refused unread (413): the rest of it is discarded. */
  refuse(): void;
}

/**
 * The body of a guest's answer as an adapter sends it: a 0.2 guest's outgoing-body
 * (GuestBody, src/serve/outgoing.ts) or a 0.3 guest's stream<u8> and trailers future
 * (ServiceBody, src/serve/service-p3-body.ts). Exactly one of `takeComplete` (when it gives
 * the body), `read` to its end or failure, `cancel` or `discard` ends it.
 */
export interface AnswerBody {
  /** Settles when `takeComplete` may have become possible (the guest is done with the body). */
  readonly guestDone: Promise<unknown>;
  /** The trailers the guest finished the body with, once `read` has reached its end. */
  readonly trailers: readonly FieldEntry[] | undefined;
  /** The whole body when the guest has finished it already, without trailers and within the cap; else undefined (nothing taken). */
  takeComplete(): Uint8Array[] | undefined;
  /** The next chunk, or undefined at the end; throws when the body failed. */
  read(): Promise<Uint8Array | undefined>;
  /** The client went away. */
  cancel(reason?: unknown): void;
  /** A status that has no body: whatever the guest writes is dropped. */
  discard(): Promise<void>;
}

/** The answer to an Exchange: the server's own (plain text), or the guest's. */
export type Answer =
  | { readonly kind: 'host'; readonly status: number; readonly text: string }
  | { readonly kind: 'guest'; readonly status: number; readonly headers: readonly FieldEntry[]; readonly body: AnswerBody };
