// 0008_cards: resident card issuance at the municipality (申請 → 登録 → 作成 → 交付通知書 → 交付 → 暗証番号設定), each
// application with its ordered events, and the national server's record of card suspensions (一時停止), which holds
// no personal data (src/servers/municipality/cards/, src/servers/national/card-status.ts, docs/card-issuance.md).

import type { Kysely, Migration } from 'kysely';
import { createTable } from './schema-helpers.js';

export const cards: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await createTable(db, 'card_application')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('resident_id', 'text', (col) => col.notNull())
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('replaces_card_id', 'text')
      .addColumn('face_version', 'text', (col) => col.notNull())
      .addColumn('identity_check', 'text', (col) => col.notNull())
      .addColumn('card_id', 'text', (col) => col.unique())
      .addColumn('transport_key', 'text')
      .addColumn('certificate_fingerprint', 'text')
      .addColumn('valid_from', 'text')
      .addColumn('valid_until', 'text')
      .addColumn('notice_number', 'text', (col) => col.unique())
      .addColumn('collect_until', 'text')
      .addColumn('applied_by', 'text', (col) => col.notNull())
      .addColumn('applied_at', 'text', (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('card_application_resident_idx')
      .on('card_application')
      .columns(['resident_id', 'applied_at'])
      .execute();
    await createTable(db, 'card_event')
      .addColumn('application_id', 'text', (col) => col.notNull())
      .addColumn('seq', 'integer', (col) => col.notNull())
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('operator', 'text', (col) => col.notNull())
      .addColumn('at', 'text', (col) => col.notNull())
      .addColumn('detail', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('card_event_pk', ['application_id', 'seq'])
      .execute();
    await createTable(db, 'card_status')
      .addColumn('card_id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('issuer', 'text', (col) => col.notNull())
      .addColumn('fingerprint', 'text', (col) => col.notNull())
      .addColumn('state', 'text', (col) => col.notNull())
      .addColumn('changed_at', 'text', (col) => col.notNull())
      .addColumn('recorded_at', 'text', (col) => col.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('card_status').execute();
    await db.schema.dropTable('card_event').execute();
    await db.schema.dropTable('card_application').execute();
  },
};
