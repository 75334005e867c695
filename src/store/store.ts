// The one storage contract: a Kysely database on SQLite or PostgreSQL, with transactions that behave the same on both.
// Engines: sqlite-store.ts and postgres-store.ts; choosing one from a location string: open-store.ts.

import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/** The database engines a store runs on. */
export const StoreEngine = { sqlite: 'sqlite', postgres: 'postgres' } as const;
export type StoreEngine = (typeof StoreEngine)[keyof typeof StoreEngine];

/**
 * What the store logs: opening, migrations, transaction retries. A pino logger fits; so does any object with these
 * two methods.
 */
export interface StoreLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** A node's database. Every node owns one; nothing else touches it. */
export interface Store {
  readonly engine: StoreEngine;
  /**
   * The database for statements that need no transaction (each runs on its own). Inside `transaction()` use the
   * `trx` given to the callback instead: on SQLite `db` would wait for the transaction's own connection, so the store
   * refuses it with an assertion failure rather than hang.
   */
  readonly db: Kysely<Database>;
  /**
   * Runs `fn` in one serializable transaction: it commits only when `fn` resolves, is durable before this resolves,
   * and rolls back entirely when `fn` throws. Concurrent transactions behave as if they ran one after another.
   * On SQLite they do run one after another; on PostgreSQL a transaction that loses a serialization conflict is
   * rolled back and `fn` runs again (up to a limit, then JUKI_ERR_STORE_CONFLICT), so `fn` must not act outside
   * `trx` (send, log to an external system) before it resolves: do that after `transaction()` resolves.
   * Calling `transaction()` of the same store inside `fn` is a bug (assertion failure): pass `trx` down instead.
   */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Closes every connection. Calling it again does nothing. */
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Apply the migrations this code knows before returning the store. Default true. */
  readonly migrate?: boolean;
  readonly logger?: StoreLogger;
  /** SQLite only: how long a statement waits for another connection's lock before SQLITE_BUSY. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** PostgreSQL only: the most connections the pool opens. Default 10. */
  readonly maxConnections?: number;
}
