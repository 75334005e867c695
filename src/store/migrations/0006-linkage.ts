// 0006_linkage: the linkage messages the CS has applied, by the register's action id, so that a message fed twice (an
// import of our own export, a resend after a lost answer) changes nothing the second time (docs/linkage.md).

import type { Kysely, Migration } from 'kysely';
import { createTable } from './schema-helpers.js';

export const linkage: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await createTable(db, 'linkage_applied')
      .addColumn('action_id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('resident_code', 'text', (col) => col.notNull())
      .addColumn('applied_at', 'text', (col) => col.notNull())
      .addColumn('source', 'text', (col) => col.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('linkage_applied').execute();
  },
};
