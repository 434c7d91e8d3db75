// A request and its answer as the core of a handler (src/serve/handler.ts) takes and gives
// them, so that each adapter reaches it by the shortest way: the web's Request and Response
// (createHandler's function, src/serve/incoming.ts and outgoing.ts) and node:http's own
// request and response (src/serve/node-server.ts), which need no web objects in between.
import type { FieldEntry } from '../wasi/p2/http/fields.ts';
import type { StreamInput } from '../wasi/p2/http/stream-input.ts';
import type { Scheme } from '../wasi/p2/http/types.ts';
import type { GuestBody } from './outgoing.ts';

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

/** The answer to an Exchange: the server's own (plain text), or the guest's. */
export type Answer =
  | { readonly kind: 'host'; readonly status: number; readonly text: string }
  | { readonly kind: 'guest'; readonly status: number; readonly headers: readonly FieldEntry[]; readonly body: GuestBody };
