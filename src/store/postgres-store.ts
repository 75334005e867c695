// The PostgreSQL engine: pg's connection pool behind Kysely. Transactions are SERIALIZABLE and re-run on a
// serialization conflict, so they behave as on SQLite (one after another) while still running side by side.

import pg from 'pg';
import { CompiledQuery, Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import { JukinetError, quote } from '../shared/errors.js';
import { migrateToLatest } from './migrations/migrate.js';
import type { Database } from './schema.js';
import type { OpenStoreOptions, Store, StoreLogger } from './store.js';
import { TransactionGuard, guardDialect } from './transaction-guard.js';

const DEFAULT_MAX_CONNECTIONS = 10;
/** How often a transaction that keeps losing serialization conflicts runs before JUKI_ERR_STORE_CONFLICT. */
const MAX_TRANSACTION_ATTEMPTS = 40;
/** serialization_failure and deadlock_detected: the transaction did nothing and can run again. */
const RETRYABLE_SQLSTATES: ReadonlySet<string> = new Set(['40001', '40P01']);
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Opens a pool on the PostgreSQL database at `url`, checks it answers, and applies the migrations unless `migrate: false`. */
export async function openPostgresStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const logger = options.logger;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    types: { getTypeParser: getTypeParser },
  });
  // Without a listener, an idle connection that fails (server restart) would crash the process.
  pool.on('error', (error) => logger?.warn({ err: error.message }, 'An idle PostgreSQL connection failed'));
  // Likewise a connection that fails while checked out: its query rejects, and the error event must not crash.
  pool.on('connect', (client) => {
    client.on('error', (error) => logger?.warn({ err: error.message }, 'A PostgreSQL connection failed'));
  });
  const guard = new TransactionGuard();
  const dialect = new PostgresDialect({
    pool,
    // The server's default could be off; the Store contract promises durable commits.
    onCreateConnection: async (connection) => {
      await connection.executeQuery(CompiledQuery.raw('set synchronous_commit = on'));
    },
  });
  const db = new Kysely<Database>({ dialect: guardDialect(dialect, guard) });
  const store = createPostgresStore(db, guard, logger);
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await store.close();
    throw new JukinetError('JUKI_ERR_STORE_UNAVAILABLE', `${quote(redactUrl(url))}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  try {
    if (options.migrate ?? true) await migrateToLatest(db, logger ? { logger } : {});
  } catch (error) {
    await store.close();
    throw error;
  }
  logger?.info({ engine: 'postgres', url: redactUrl(url) }, 'Opened the store');
  return store;
}

function createPostgresStore(
  db: Kysely<Database>,
  guard: TransactionGuard,
  logger: StoreLogger | undefined,
): Store {
  let closing: Promise<void> | undefined;
  return {
    engine: 'postgres',
    db,
    async transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
      guard.assertOutside('store.transaction()');
      for (let attempt = 1; ; attempt++) {
        try {
          return await db
            .transaction()
            .setIsolationLevel('serializable')
            .execute((trx) => guard.runInside(() => fn(trx)));
        } catch (error) {
          if (!isRetryable(error)) throw error;
          if (attempt >= MAX_TRANSACTION_ATTEMPTS) {
            throw new JukinetError('JUKI_ERR_STORE_CONFLICT', `gave up after ${attempt} attempts`, {
              cause: error,
            });
          }
          if (attempt % 10 === 0)
            logger?.warn({ attempt }, 'A transaction keeps losing serialization conflicts');
          await sleep(backoffMs(attempt));
        }
      }
    },
    close(): Promise<void> {
      closing ??= db.destroy();
      return closing;
    },
  };
}

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code);
}

/** Full jitter, growing to at most 100 ms, so that transactions that collided do not collide again in step. */
function backoffMs(attempt: number): number {
  return Math.random() * Math.min(100, 2 ** attempt);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * int8 (COUNT(*), SUM of integers) and numeric arrive as text. Whole numbers become a JS number when it is exact and
 * a bigint when not, as SQLite's integers do; fractions become a number, as SQLite's REAL does.
 */
function getTypeParser(oid: number, format?: 'text' | 'binary'): unknown {
  if ((oid === INT8_OID || oid === NUMERIC_OID) && format !== 'binary') return parseNumber;
  return pg.types.getTypeParser(oid, format);
}

function parseNumber(text: string): number | bigint {
  if (/^-?\d+$/.test(text)) {
    const value = Number(text);
    return Number.isSafeInteger(value) ? value : BigInt(text);
  }
  return Number(text);
}

/** The URL with its password hidden, for messages and logs. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable PostgreSQL URL)';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
