// The Web Crypto CSPRNG, which Node and browsers both provide, for every WASI host's random
// source. getRandomValues fills at most 65536 bytes per call and refuses views of shared
// memory, so larger or shared requests go through a scratch buffer in chunks.

const CHUNK = 65536;
const scratch = new Uint8Array(CHUNK);

export function cryptoRandom(into: Uint8Array): void {
  const direct = into.buffer instanceof ArrayBuffer;
  for (let at = 0; at < into.length; at += CHUNK) {
    const n = Math.min(CHUNK, into.length - at);
    if (direct) crypto.getRandomValues(into.subarray(at, at + n) as Uint8Array<ArrayBuffer>);
    else {
      crypto.getRandomValues(scratch.subarray(0, n));
      into.set(scratch.subarray(0, n), at);
    }
  }
}
