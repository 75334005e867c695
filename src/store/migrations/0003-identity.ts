// 0003_identity: the identity histories (本人確認情報 with history) that prefectures and the national server keep, the
// projection of each code's current version, and the national server's record of relayed originals it has applied.

import type { Kysely, Migration } from 'kysely';
import { createTable } from './schema-helpers.js';

export const identity: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await createTable(db, 'identity_version')
      .addColumn('resident_code', 'text', (col) => col.notNull())
      .addColumn('version', 'integer', (col) => col.notNull())
      .addColumn('lg_code', 'text', (col) => col.notNull())
      .addColumn('info', 'text', (col) => col.notNull())
      .addColumn('reason', 'text', (col) => col.notNull())
      .addColumn('change_date', 'text', (col) => col.notNull())
      .addColumn('recorded_at', 'text', (col) => col.notNull())
      .addColumn('origin', 'text', (col) => col.notNull())
      .addColumn('message_id', 'text')
      .addColumn('closed', 'integer', (col) => col.notNull())
      .addPrimaryKeyConstraint('identity_version_pkey', ['resident_code', 'version'])
      .execute();
    await db.schema
      .createIndex('identity_version_lg_code_idx')
      .on('identity_version')
      .column('lg_code')
      .execute();

    await createTable(db, 'identity_current')
      .addColumn('resident_code', 'text', (col) => col.primaryKey().notNull())
      .addColumn('version', 'integer', (col) => col.notNull())
      .addColumn('lg_code', 'text', (col) => col.notNull())
      .addColumn('info', 'text', (col) => col.notNull())
      .addColumn('reason', 'text', (col) => col.notNull())
      .addColumn('change_date', 'text', (col) => col.notNull())
      .addColumn('closed', 'integer', (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('identity_current_lg_code_closed_idx')
      .on('identity_current')
      .columns(['lg_code', 'closed'])
      .execute();

    await createTable(db, 'relay_seen')
      .addColumn('original_from', 'text', (col) => col.notNull())
      .addColumn('original_id', 'text', (col) => col.notNull())
      .addColumn('relayed_by', 'text', (col) => col.notNull())
      .addColumn('seen_at', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('relay_seen_pkey', ['original_from', 'original_id'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['relay_seen', 'identity_current', 'identity_version']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
