// The default `wasi:keyvalue` store: embedded SQLite through `node:sqlite` (Node 24), in one file
// so data survives restarts, or in memory (`:memory:`) for tests. A Node adapter: it needs
// node:sqlite and node:fs.
//
// One table keyed (bucket, key). WAL mode lets readers go on while one writer commits, and with
// `synchronous = NORMAL` a commit does not wait for the disk: a crashed process loses nothing, a
// power cut may lose the last commits but never corrupts the file (sqlite.org/wal.html).
// node:sqlite is synchronous, so every call here runs to completion without yielding: within one
// process no two operations interleave. Other processes may open the same file (two servers, an
// old one draining while a new one starts); read-modify-write operations therefore take the
// write lock first (BEGIN IMMEDIATE), and a busy database is waited for, not failed.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { COUNTER_MAX, COUNTER_MIN, type KeyPage, type KvBackend, parseCounter } from './backend.ts';

export interface SqliteOptions {
  /** The database file (created with its directory if missing), or ':memory:'. */
  readonly path: string;
  /** How long to wait for another process's write lock, in ms; default 5000. */
  readonly busyTimeoutMs?: number;
}

/** `PRAGMA user_version` of the layout below, so a later layout can migrate or refuse the file. */
const LAYOUT_VERSION = 1;

// The second index orders each bucket's rows by rowid (an index holds the rowid after its
// columns): `list-keys` pages through it with the last rowid as the cursor, so pages are cheap
// at any depth and keys added or removed meanwhile do not shift the rest. rowids stay put on
// update (upserts, never REPLACE); only a VACUUM renumbers them, which at worst repeats or skips
// keys of a listing in progress.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS tessera_kv (
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  value BLOB NOT NULL,
  PRIMARY KEY (bucket, key)
);
CREATE INDEX IF NOT EXISTS tessera_kv_by_rowid ON tessera_kv (bucket);
`;

const utf8 = new TextDecoder();
const ascii = new TextEncoder();

export class SqliteBackend implements KvBackend {
  readonly synchronous = true;
  readonly description: string;
  readonly #db: DatabaseSync;
  readonly #get: StatementSync;
  readonly #exists: StatementSync;
  readonly #upsert: StatementSync;
  readonly #delete: StatementSync;
  readonly #page: StatementSync;
  readonly #insertIfAbsent: StatementSync;
  readonly #updateIfEqual: StatementSync;

  constructor(options: SqliteOptions) {
    const { path } = options;
    this.description = `sqlite:${path}`;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new DatabaseSync(path, { timeout: options.busyTimeoutMs ?? 5000 });
    try {
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
      const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
      if (version > LAYOUT_VERSION) {
        throw new Error(`${path}: key-value layout version ${version} is newer than this Tessera's (${LAYOUT_VERSION})`);
      }
      db.exec(`BEGIN IMMEDIATE; ${SCHEMA} PRAGMA user_version = ${LAYOUT_VERSION}; COMMIT;`);
    } catch (e) {
      if (db.isTransaction) db.exec('ROLLBACK');
      db.close();
      throw e;
    }
    this.#db = db;
    this.#get = db.prepare('SELECT value FROM tessera_kv WHERE bucket = ? AND key = ?');
    this.#exists = db.prepare('SELECT 1 AS found FROM tessera_kv WHERE bucket = ? AND key = ?');
    this.#upsert = db.prepare(
      'INSERT INTO tessera_kv (bucket, key, value) VALUES (?, ?, ?) ON CONFLICT (bucket, key) DO UPDATE SET value = excluded.value');
    this.#delete = db.prepare('DELETE FROM tessera_kv WHERE bucket = ? AND key = ?');
    this.#page = db.prepare('SELECT rowid, key FROM tessera_kv WHERE bucket = ? AND rowid > ? ORDER BY rowid LIMIT ?');
    this.#page.setReadBigInts(true);
    this.#insertIfAbsent = db.prepare('INSERT INTO tessera_kv (bucket, key, value) VALUES (?, ?, ?) ON CONFLICT (bucket, key) DO NOTHING');
    this.#updateIfEqual = db.prepare('UPDATE tessera_kv SET value = ? WHERE bucket = ? AND key = ? AND value = ?');
  }

  get(bucket: string, key: string): Uint8Array | undefined {
    const row = this.#get.get(bucket, key) as { value: Uint8Array } | undefined;
    return row?.value;
  }

  set(bucket: string, key: string, value: Uint8Array): void {
    this.#upsert.run(bucket, key, value);
  }

  delete(bucket: string, key: string): void {
    this.#delete.run(bucket, key);
  }

  exists(bucket: string, key: string): boolean {
    return this.#exists.get(bucket, key) !== undefined;
  }

  listKeys(bucket: string, cursor: string | undefined, limit: number): KeyPage {
    const after = cursor === undefined ? 0n : BigInt(cursor);
    // A cursor past the largest rowid (i64) cannot be ours and has nothing after it.
    if (after > COUNTER_MAX) return { keys: [], cursor: undefined };
    // One row more than the page tells whether another page follows.
    const rows = this.#page.all(bucket, after, limit + 1) as { rowid: bigint; key: string }[];
    const more = rows.length > limit;
    if (more) rows.length = limit;
    return { keys: rows.map((r) => r.key), cursor: more ? String(rows[rows.length - 1].rowid) : undefined };
  }

  increment(bucket: string, key: string, delta: bigint): bigint {
    return this.#write(() => {
      const row = this.#get.get(bucket, key) as { value: Uint8Array } | undefined;
      const current = row === undefined ? 0n : parseCounter(utf8.decode(row.value));
      if (current === undefined) throw new Error('value is not an integer');
      const next = current + delta;
      if (next < COUNTER_MIN || next > COUNTER_MAX) throw new Error('increment or decrement would overflow');
      this.#upsert.run(bucket, key, ascii.encode(String(next)));
      return next;
    });
  }

  // Each branch is one statement, atomic on its own: the row is written only if it still is what
  // the caller read (SQLite compares blobs byte for byte).
  compareAndSwap(bucket: string, key: string, expected: Uint8Array | undefined, value: Uint8Array): boolean {
    const r = expected === undefined
      ? this.#insertIfAbsent.run(bucket, key, value)
      : this.#updateIfEqual.run(value, bucket, key, expected);
    return Number(r.changes) === 1;
  }

  getMany(bucket: string, keys: readonly string[]): (Uint8Array | undefined)[] {
    return keys.map((k) => this.get(bucket, k));
  }

  // One transaction per batch: one commit for the lot rather than one per key.
  setMany(bucket: string, entries: readonly (readonly [string, Uint8Array])[]): void {
    this.#write(() => {
      for (const [k, v] of entries) this.#upsert.run(bucket, k, v);
    });
  }

  deleteMany(bucket: string, keys: readonly string[]): void {
    this.#write(() => {
      for (const k of keys) this.#delete.run(bucket, k);
    });
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  /** Runs `f` holding the database's write lock, committing if it returns. */
  #write<T>(f: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const r = f();
      this.#db.exec('COMMIT');
      return r;
    } catch (e) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw e;
    }
  }
}
