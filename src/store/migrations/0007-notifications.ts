// 0007_notifications: the 届出 a clerk entered at the municipal terminal, pending (受付) until an examiner confirms
// (決裁) or rejects them (src/servers/municipality/terminal/notification*.ts, docs/terminal-api.md).

import type { Kysely, Migration } from 'kysely';
import { createTable } from './schema-helpers.js';

export const notifications: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await createTable(db, 'notification')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('resident_id', 'text')
      .addColumn('household_id', 'text')
      .addColumn('request', 'text', (col) => col.notNull())
      .addColumn('late', 'integer', (col) => col.notNull())
      .addColumn('entered_by', 'text', (col) => col.notNull())
      .addColumn('entered_at', 'text', (col) => col.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .addColumn('reason', 'text')
      .addColumn('results', 'text', (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('notification_status_entered_idx')
      .on('notification')
      .columns(['status', 'entered_at'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('notification').execute();
  },
};
