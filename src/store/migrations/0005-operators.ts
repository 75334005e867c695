// 0005_operators: the terminal's operators (操作者), their security keys (FIDO2/WebAuthn credentials), pending
// challenges, sessions, and the hash-chained operation log (操作履歴) (src/servers/common/operators/, docs/operators.md).

import type { Kysely, Migration } from 'kysely';
import { createTable, engineOf } from './schema-helpers.js';

export const operators: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await createTable(db, 'operator')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('login_name', 'text', (col) => col.notNull())
      .addColumn('display_name', 'text', (col) => col.notNull())
      .addColumn('role', 'text', (col) => col.notNull())
      .addColumn('rights_overrides', 'text', (col) => col.notNull())
      .addColumn('password_hash', 'text', (col) => col.notNull())
      .addColumn('disabled', 'integer', (col) => col.notNull())
      .addColumn('failed_logins', 'integer', (col) => col.notNull())
      .addColumn('created_at', 'text', (col) => col.notNull())
      .addColumn('updated_at', 'text', (col) => col.notNull())
      .addUniqueConstraint('operator_login_name_key', ['login_name'])
      .execute();

    // The signature counter is an unsigned 32-bit number: PostgreSQL's integer stops at 2^31 - 1.
    await createTable(db, 'operator_credential')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('operator_id', 'text', (col) => col.notNull())
      .addColumn('public_key', 'text', (col) => col.notNull())
      .addColumn('counter', engineOf(db) === 'sqlite' ? 'integer' : 'bigint', (col) => col.notNull())
      .addColumn('transports', 'text', (col) => col.notNull())
      .addColumn('created_at', 'text', (col) => col.notNull())
      .addColumn('last_used_at', 'text')
      .execute();
    await db.schema
      .createIndex('operator_credential_operator_idx')
      .on('operator_credential')
      .column('operator_id')
      .execute();

    await createTable(db, 'operator_challenge')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('purpose', 'text', (col) => col.notNull())
      .addColumn('challenge', 'text', (col) => col.notNull())
      .addColumn('operator_id', 'text', (col) => col.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('terminal', 'text', (col) => col.notNull())
      .addColumn('created_at', 'text', (col) => col.notNull())
      .addColumn('expires_at', 'text', (col) => col.notNull())
      .execute();

    await createTable(db, 'operator_session')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('operator_id', 'text', (col) => col.notNull())
      .addColumn('terminal', 'text', (col) => col.notNull())
      .addColumn('created_at', 'text', (col) => col.notNull())
      .addColumn('last_seen_at', 'text', (col) => col.notNull())
      .addColumn('ended_at', 'text')
      .addColumn('ended_reason', 'text')
      .execute();
    await db.schema
      .createIndex('operator_session_operator_idx')
      .on('operator_session')
      .column('operator_id')
      .execute();

    // Numbered by the writer (the previous seq + 1), not by the database, so that the chain has no gaps to explain.
    await createTable(db, 'operation_log')
      .addColumn('seq', 'integer', (col) => col.primaryKey().notNull())
      .addColumn('at', 'text', (col) => col.notNull())
      .addColumn('operator_id', 'text')
      .addColumn('terminal', 'text', (col) => col.notNull())
      .addColumn('function', 'text', (col) => col.notNull())
      .addColumn('access', 'text', (col) => col.notNull())
      .addColumn('records', 'text', (col) => col.notNull())
      .addColumn('outcome', 'text', (col) => col.notNull())
      .addColumn('error_code', 'text')
      .addColumn('prev_hash', 'text', (col) => col.notNull())
      .addColumn('hash', 'text', (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('operation_log_operator_idx')
      .on('operation_log')
      .columns(['operator_id', 'seq'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of [
      'operation_log',
      'operator_session',
      'operator_challenge',
      'operator_credential',
      'operator',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
