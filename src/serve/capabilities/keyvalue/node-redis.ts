// `wasi:keyvalue` on Redis (`--kv redis://host:port/db`, or rediss:// for TLS), through the
// official client, @redis/client: an optional dependency, imported only when a Redis store is
// configured, so no other command loads it (RATIONALE: "Why is Redis reached through
// @redis/client?"). A Node adapter.
//
// Each bucket is one Redis hash, `<prefix><bucket>`, holding the bucket's keys as fields: every
// operation is one hash command on one Redis key (HGET, HSET, HDEL, HEXISTS, HSCAN, HINCRBY,
// HMGET), so it is atomic on the server, batches are one command each, and listing a bucket
// scans that bucket alone rather than the whole database. Commands are sent with `sendCommand`
// (the client pipelines concurrent calls on its one connection); the typed command helpers are
// not used, which keeps this file independent of the client's generated command types.
import type { KeyPage, KvBackend } from './backend.ts';

export interface RedisOptions {
  /** redis://[[user]:password@]host[:port][/db], or rediss:// for TLS. */
  readonly url: string;
  /** Prepended to a bucket's name to make its Redis key; default "tessera:kv:". */
  readonly prefix?: string;
  /** How long to wait for the connection and for each command, in ms; default 5000. */
  readonly timeoutMs?: number;
  /** Told of connection errors after start-up (the client reconnects by itself meanwhile). */
  readonly onError?: (error: Error) => void;
}

export const DEFAULT_REDIS_PREFIX = 'tessera:kv:';

/**
 * compare-and-swap of one hash field, atomic because Redis runs a script without interleaving
 * other commands. ARGV: field, '1' if a value is expected (else the field must be absent), the
 * expected value, the new value. Lua strings are byte strings, so the comparison is exact.
 */
const CAS_SCRIPT = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[2] == '1' then
  if current ~= ARGV[3] then return 0 end
elseif current then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
return 1
`;

/** The part of @redis/client's client this backend uses. */
interface Client {
  sendCommand(args: ReadonlyArray<string | Buffer>, options?: { typeMapping?: object; timeout?: number }): Promise<unknown>;
  close(): Promise<void>;
  destroy(): void;
}

/** Connects to Redis (failing if it cannot, with the reason) and returns the backend. */
export async function openRedisBackend(options: RedisOptions): Promise<RedisBackend> {
  let redis: typeof import('@redis/client');
  try {
    redis = await import('@redis/client');
  } catch (e) {
    throw new Error(`a Redis store needs the optional dependency @redis/client (npm install @redis/client): ${e instanceof Error ? e.message : e}`);
  }
  const timeout = options.timeoutMs ?? 5000;
  let connected = false;
  const client = redis.createClient({
    url: options.url,
    // Fail a command at once while the connection is down rather than queue it: a guest gets
    // `error::other` and its request its answer, instead of waiting out the request's deadline.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: timeout,
      // Start-up reports an unreachable server; later, reconnect with a growing pause.
      reconnectStrategy: (retries: number, cause: Error) => connected ? Math.min(50 * 2 ** retries, 2000) : cause,
    },
  });
  client.on('error', (e: Error) => {
    if (connected) options.onError?.(e);
  });
  try {
    await client.connect();
  } catch (e) {
    client.destroy();
    throw new Error(`cannot connect to ${redactUrl(options.url)}: ${e instanceof Error ? e.message : e}`);
  }
  connected = true;
  const bytes = { [redis.RESP_TYPES.BLOB_STRING]: Buffer, [redis.RESP_TYPES.NUMBER]: String };
  return new RedisBackend(client, redactUrl(options.url), options.prefix ?? DEFAULT_REDIS_PREFIX, bytes, timeout);
}

export class RedisBackend implements KvBackend {
  readonly synchronous = false;
  readonly description: string;
  readonly prefix: string;
  readonly #client: Client;
  /** Replies as bytes (Buffer) and integers as decimal strings, never lossy numbers. */
  readonly #bytes: { typeMapping: object; timeout: number };
  readonly #text: { timeout: number };

  constructor(client: Client, description: string, prefix: string, bytes: object, timeoutMs: number) {
    this.#client = client;
    this.description = description;
    this.prefix = prefix;
    this.#bytes = { typeMapping: bytes, timeout: timeoutMs };
    this.#text = { timeout: timeoutMs };
  }

  /** The Redis key of a bucket's hash. */
  hashKey(bucket: string): string {
    return this.prefix + bucket;
  }

  async get(bucket: string, key: string): Promise<Uint8Array | undefined> {
    return optionalBytes(await this.#send(['HGET', this.hashKey(bucket), key], this.#bytes));
  }

  async set(bucket: string, key: string, value: Uint8Array): Promise<void> {
    await this.#send(['HSET', this.hashKey(bucket), key, buffer(value)], this.#text);
  }

  async delete(bucket: string, key: string): Promise<void> {
    await this.#send(['HDEL', this.hashKey(bucket), key], this.#text);
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    return Number(await this.#send(['HEXISTS', this.hashKey(bucket), key], this.#text)) === 1;
  }

  // HSCAN's cursor is Redis' own (a decimal u64; "0" starts and ends a scan). COUNT is a hint:
  // a small hash comes back whole. A key may be seen twice if the hash is resized mid-scan.
  async listKeys(bucket: string, cursor: string | undefined, limit: number): Promise<KeyPage> {
    const reply = await this.#send(['HSCAN', this.hashKey(bucket), cursor ?? '0', 'COUNT', String(limit)], this.#text);
    if (!Array.isArray(reply) || reply.length !== 2 || !Array.isArray(reply[1])) throw new Error('unexpected HSCAN reply');
    const [next, flat] = reply as [unknown, unknown[]];
    const keys: string[] = [];
    for (let i = 0; i < flat.length; i += 2) keys.push(String(flat[i]));
    return { keys, cursor: String(next) === '0' ? undefined : String(next) };
  }

  async increment(bucket: string, key: string, delta: bigint): Promise<bigint> {
    try {
      return BigInt(String(await this.#send(['HINCRBY', this.hashKey(bucket), key, String(delta)], this.#bytes)));
    } catch (e) {
      // Redis says "ERR hash value is not an integer" / "ERR increment or decrement would
      // overflow"; word them as the SQLite store does, so a guest sees one message per fault.
      const m = e instanceof Error ? e.message : '';
      if (/not an integer/.test(m)) throw new Error('value is not an integer');
      if (/overflow/.test(m)) throw new Error('increment or decrement would overflow');
      throw e;
    }
  }

  async compareAndSwap(bucket: string, key: string, expected: Uint8Array | undefined, value: Uint8Array): Promise<boolean> {
    const args = ['EVAL', CAS_SCRIPT, '1', this.hashKey(bucket), key,
      expected === undefined ? '0' : '1', expected === undefined ? '' : buffer(expected), buffer(value)];
    return Number(await this.#send(args, this.#text)) === 1;
  }

  async getMany(bucket: string, keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    const reply = await this.#send(['HMGET', this.hashKey(bucket), ...keys], this.#bytes);
    if (!Array.isArray(reply) || reply.length !== keys.length) throw new Error('unexpected HMGET reply');
    return reply.map(optionalBytes);
  }

  async setMany(bucket: string, entries: readonly (readonly [string, Uint8Array])[]): Promise<void> {
    const args: (string | Buffer)[] = ['HSET', this.hashKey(bucket)];
    for (const [k, v] of entries) args.push(k, buffer(v));
    await this.#send(args, this.#text);
  }

  async deleteMany(bucket: string, keys: readonly string[]): Promise<void> {
    await this.#send(['HDEL', this.hashKey(bucket), ...keys], this.#text);
  }

  async close(): Promise<void> {
    try {
      await this.#client.close();
    } catch {
      this.#client.destroy();
    }
  }

  #send(args: readonly (string | Buffer)[], options: { typeMapping?: object; timeout: number }): Promise<unknown> {
    return this.#client.sendCommand(args, options);
  }
}

/** A view of the bytes as a Buffer, which is what the client writes as a RESP bulk string. */
function buffer(v: Uint8Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** A bulk-string reply as a plain Uint8Array over the same bytes; nil as undefined. */
function optionalBytes(r: unknown): Uint8Array | undefined {
  if (r === null || r === undefined) return undefined;
  if (!(r instanceof Uint8Array)) throw new Error('unexpected reply: not a bulk string');
  return new Uint8Array(r.buffer, r.byteOffset, r.byteLength);
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
