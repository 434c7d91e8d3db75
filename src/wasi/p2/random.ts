// wasi:random (https://github.com/WebAssembly/WASI/blob/main/proposals/random/wit/): random,
// insecure and insecure-seed. All three draw from the host's random source (by default the
// Web Crypto CSPRNG): "insecure" permits a weaker generator, it does not ask for one, and
// getRandomValues is fast enough that a second generator would buy nothing. The seed is drawn
// once per host, as the WIT asks ("the same value for the lifetime of the instance").

/** Bytes in one call: the WIT lets the host limit it; a larger request is a host failure (a trap). */
const MAX_BYTES = 64 * 1024 * 1024;

function bytes(random: (into: Uint8Array) => void, len: bigint): Uint8Array {
  if (len > BigInt(MAX_BYTES)) throw new Error(`get-random-bytes: ${len} bytes asked, at most ${MAX_BYTES} in one call`);
  const out = new Uint8Array(Number(len));
  random(out);
  return out;
}

function u64(random: (into: Uint8Array) => void, scratch: BigUint64Array): bigint {
  random(new Uint8Array(scratch.buffer));
  return scratch[0];
}

/** `wasi:random/random` */
export function randomInterface(random: (into: Uint8Array) => void) {
  const scratch = new BigUint64Array(1);
  return {
    'get-random-bytes': (len: bigint): Uint8Array => bytes(random, len),
    'get-random-u64': (): bigint => u64(random, scratch),
  };
}

/** `wasi:random/insecure` */
export function insecureRandom(random: (into: Uint8Array) => void) {
  const scratch = new BigUint64Array(1);
  return {
    'get-insecure-random-bytes': (len: bigint): Uint8Array => bytes(random, len),
    'get-insecure-random-u64': (): bigint => u64(random, scratch),
  };
}

/** `wasi:random/insecure-seed` */
export function insecureSeed(random: (into: Uint8Array) => void) {
  const seed = new BigUint64Array(2);
  random(new Uint8Array(seed.buffer));
  const value: [bigint, bigint] = [seed[0], seed[1]];
  return { 'insecure-seed': (): [bigint, bigint] => value };
}
