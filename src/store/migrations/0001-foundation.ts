// 0001_foundation: the tables of the message layer (outbox, inbox, their channels), security events and node settings.
// Column names are the contract with src/net; the typed shape is in ../schema.ts.

import type { Kysely, Migration } from 'kysely';
import { addAutoIncrementId, createTable } from './schema-helpers.js';

export const foundation: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // SQLite lets a non-integer primary key hold NULL unless the column says NOT NULL, so every key column does.
    await createTable(db, 'outbox_channel')
      .addColumn('peer', 'text', (col) => col.primaryKey().notNull())
      .addColumn('next_seq', 'integer', (col) => col.notNull())
      .execute();

    await createTable(db, 'outbox')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('peer', 'text', (col) => col.notNull())
      .addColumn('seq', 'integer', (col) => col.notNull())
      .addColumn('type', 'text', (col) => col.notNull())
      .addColumn('envelope', 'text', (col) => col.notNull())
      .addColumn('created_at', 'text', (col) => col.notNull())
      .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('delivered_at', 'text')
      .addUniqueConstraint('outbox_peer_seq_key', ['peer', 'seq'])
      .execute();
    await db.schema
      .createIndex('outbox_peer_delivered_at_seq_idx')
      .on('outbox')
      .columns(['peer', 'delivered_at', 'seq'])
      .execute();

    await createTable(db, 'inbox_channel')
      .addColumn('from_node', 'text', (col) => col.primaryKey().notNull())
      .addColumn('last_seq', 'integer', (col) => col.notNull())
      .execute();

    await createTable(db, 'inbox')
      .addColumn('from_node', 'text', (col) => col.notNull())
      .addColumn('id', 'text', (col) => col.notNull())
      .addColumn('seq', 'integer', (col) => col.notNull())
      .addColumn('type', 'text', (col) => col.notNull())
      .addColumn('received_at', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('inbox_pkey', ['from_node', 'id'])
      .addUniqueConstraint('inbox_from_node_seq_key', ['from_node', 'seq'])
      .execute();

    await createTable(db, 'inbox_pending')
      .addColumn('from_node', 'text', (col) => col.notNull())
      .addColumn('seq', 'integer', (col) => col.notNull())
      .addColumn('id', 'text', (col) => col.notNull())
      .addColumn('envelope', 'text', (col) => col.notNull())
      .addColumn('received_at', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('inbox_pending_pkey', ['from_node', 'seq'])
      .execute();

    await addAutoIncrementId(db, createTable(db, 'security_event'))
      .addColumn('at', 'text', (col) => col.notNull())
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('peer', 'text')
      .addColumn('detail', 'text', (col) => col.notNull())
      .execute();

    await createTable(db, 'meta')
      .addColumn('key', 'text', (col) => col.primaryKey().notNull())
      .addColumn('value', 'text', (col) => col.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of [
      'meta',
      'security_event',
      'inbox_pending',
      'inbox',
      'inbox_channel',
      'outbox',
      'outbox_channel',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
