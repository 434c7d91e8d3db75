// Trailers beside standard Request and Response objects, which have no place for them: an
// adapter that reads a request's trailers (node:http does, after the body) attaches them for
// the handler, and reads a response's trailers to send after its body.

const TRAILERS = new WeakMap<Request | Response, Promise<Headers | undefined>>();

/** Attaches trailers that settle once the body has been read to its end (undefined: none). */
export function setTrailers(message: Request | Response, trailers: Promise<Headers | undefined>): void {
  TRAILERS.set(message, trailers);
}

/** The trailers attached to a request or response, if any were. */
export function trailersOf(message: Request | Response): Promise<Headers | undefined> | undefined {
  return TRAILERS.get(message);
}
