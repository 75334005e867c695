// The SQLite engine: better-sqlite3 behind Kysely, one connection per store, WAL with synchronous=FULL so that a
// commit is on disk before it returns. Transactions run one at a time on that connection.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Transaction,
} from 'kysely';
import { JukinetError, quote } from '../shared/errors.js';
import { migrateToLatest } from './migrations/migrate.js';
import type { Database } from './schema.js';
import type { OpenStoreOptions, Store } from './store.js';
import { TransactionGuard, guardDialect } from './transaction-guard.js';

/** The location of a private in-memory SQLite database (gone when the store closes). */
export const SQLITE_MEMORY = ':memory:';

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating when missing, with its directory) the SQLite database at `path`, or an in-memory one for
 * `:memory:`, and applies the migrations unless `migrate: false`.
 */
export async function openSqliteStore(path: string, options: OpenStoreOptions = {}): Promise<Store> {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  let database: BetterSqlite3.Database | undefined;
  try {
    if (path !== SQLITE_MEMORY) mkdirSync(dirname(path), { recursive: true });
    database = new BetterSqlite3(path, { timeout: busyTimeoutMs });
    // WAL lets readers in other processes (backup, inspection) run beside the writer; FULL syncs the WAL on every
    // commit, which is what makes a resolved transaction() durable.
    const journalMode: unknown = database.pragma('journal_mode = WAL', { simple: true });
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    database.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    if (path !== SQLITE_MEMORY && journalMode !== 'wal') {
      options.logger?.warn(
        { path, journalMode },
        'SQLite refused WAL mode; other processes will wait on the writer',
      );
    }
  } catch (error) {
    database?.close();
    throw new JukinetError('JUKI_ERR_STORE_UNAVAILABLE', `${quote(path)}: ${messageOf(error)}`, {
      cause: error,
    });
  }

  const guard = new TransactionGuard();
  const db = new Kysely<Database>({ dialect: guardDialect(createSqliteDialect(database), guard) });
  const store = createSqliteStore(db, guard);
  try {
    if (options.migrate ?? true) await migrateToLatest(db, options.logger ? { logger: options.logger } : {});
  } catch (error) {
    await store.close();
    throw error;
  }
  options.logger?.info({ engine: 'sqlite', path }, 'Opened the store');
  return store;
}

function createSqliteStore(db: Kysely<Database>, guard: TransactionGuard): Store {
  let closing: Promise<void> | undefined;
  return {
    engine: 'sqlite',
    db,
    transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
      guard.assertOutside('store.transaction()');
      // Kysely's SQLite driver holds its single connection for the whole transaction, so transactions queue.
      return db.transaction().execute((trx) => guard.runInside(() => fn(trx)));
    },
    close(): Promise<void> {
      closing ??= db.destroy();
      return closing;
    },
  };
}

/** Kysely's SQLite dialect, with two changes: transactions BEGIN IMMEDIATE, and migrations run in a transaction. */
function createSqliteDialect(database: BetterSqlite3.Database): Dialect {
  return {
    createAdapter: () => new TransactionalDdlSqliteAdapter(),
    createDriver: () => new ImmediateSqliteDriver({ database }),
    createQueryCompiler: () => new SqliteQueryCompiler(),
    createIntrospector: (db) => new SqliteIntrospector(db),
  };
}

/**
 * Takes the write lock when the transaction starts. With one connection per store this changes nothing inside the
 * store; against another connection to the same file (a backup or inspection tool) it turns a read-then-write
 * transaction's unrecoverable SQLITE_BUSY (a stale snapshot) into an ordinary wait of up to busy_timeout.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** SQLite's DDL is transactional; Kysely's adapter says otherwise only to stay on the safe side for every use. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
