// The few places where one migration must say something different per engine, so each migration reads the same on both.

import { PostgresAdapter, SqliteAdapter, sql, type CreateTableBuilder, type Kysely } from 'kysely';
import { assert } from '../../shared/assert.js';
import type { StoreEngine } from '../store.js';

/** Which engine a Kysely instance talks to, read from its dialect adapter. */
export function engineOf(db: Kysely<unknown>): StoreEngine {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  assert(adapter instanceof PostgresAdapter, 'A store database is either SQLite or PostgreSQL');
  return 'postgres';
}

/**
 * Starts a CREATE TABLE. On SQLite the table is STRICT, so a column holds only values of its declared type, as on
 * PostgreSQL (SQLite would otherwise store "abc" in an integer column).
 */
export function createTable<Name extends string>(
  db: Kysely<unknown>,
  name: Name,
): CreateTableBuilder<Name, never> {
  const builder = db.schema.createTable(name);
  return engineOf(db) === 'sqlite' ? builder.modifyEnd(sql`strict`) : builder;
}

/**
 * Adds `id`, an integer primary key the database numbers itself: INTEGER PRIMARY KEY AUTOINCREMENT on SQLite (never
 * reuses a number), an identity column on PostgreSQL.
 */
export function addAutoIncrementId<Name extends string>(
  db: Kysely<unknown>,
  builder: CreateTableBuilder<Name, never>,
): CreateTableBuilder<Name, 'id'> {
  return engineOf(db) === 'sqlite'
    ? builder.addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement().notNull())
    : builder.addColumn('id', 'integer', (col) => col.primaryKey().generatedByDefaultAsIdentity());
}
