// 0009_cross_municipality: what a municipality keeps for the services that cross municipalities: the exceptions to
// the common operating hours it has arranged with others (共通運用時間帯の例外), and the identity confirmations
// (本人確認) made with a resident card at its counter, which the wide-area copy and the one-visit move refer to, and
// the cards its clerks unlocked with the identity check they made; and, on card applications, the issuing municipality
// of a card taken over after its holder moved here
// (src/servers/municipality/cross/, src/servers/municipality/cards/card-confirmation.ts, docs/operating-hours.md).

import type { Kysely, Migration } from 'kysely';
import { createTable } from './schema-helpers.js';

export const crossMunicipality: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await createTable(db, 'operating_exception')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('service', 'text', (col) => col.notNull())
      // JSON array of the LG codes the arrangement is between, this municipality's included.
      .addColumn('municipalities', 'text', (col) => col.notNull())
      .addColumn('starts_at', 'text', (col) => col.notNull())
      .addColumn('ends_at', 'text', (col) => col.notNull())
      .addColumn('reason', 'text', (col) => col.notNull())
      .addColumn('arranged_by', 'text', (col) => col.notNull())
      .addColumn('recorded_by', 'text', (col) => col.notNull())
      .addColumn('recorded_at', 'text', (col) => col.notNull())
      .addColumn('withdrawn_by', 'text')
      .addColumn('withdrawn_at', 'text')
      .execute();
    await db.schema
      .createIndex('operating_exception_ends_idx')
      .on('operating_exception')
      .columns(['ends_at'])
      .execute();
    await createTable(db, 'card_confirmation')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('card_id', 'text', (col) => col.notNull())
      .addColumn('issuer_municipality', 'text', (col) => col.notNull())
      .addColumn('resident_code', 'text', (col) => col.notNull())
      // What the card showed of itself: the certificate's fingerprint, the face version and the validity.
      .addColumn('fingerprint', 'text', (col) => col.notNull())
      .addColumn('face_version', 'text', (col) => col.notNull())
      .addColumn('valid_from', 'text', (col) => col.notNull())
      .addColumn('valid_until', 'text', (col) => col.notNull())
      .addColumn('operator', 'text', (col) => col.notNull())
      .addColumn('confirmed_at', 'text', (col) => col.notNull())
      .addColumn('expires_at', 'text', (col) => col.notNull())
      .execute();
    // A card taken over from the municipality its holder moved from names its issuer; null: issued here.
    await db.schema.alterTable('card_application').addColumn('issuer_municipality', 'text').execute();
    await createTable(db, 'card_unlock')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('card_id', 'text', (col) => col.notNull())
      .addColumn('issuer_municipality', 'text', (col) => col.notNull())
      .addColumn('identity_check', 'text', (col) => col.notNull())
      .addColumn('operator', 'text', (col) => col.notNull())
      .addColumn('at', 'text', (col) => col.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('card_unlock').execute();
    await db.schema.alterTable('card_application').dropColumn('issuer_municipality').execute();
    await db.schema.dropTable('card_confirmation').execute();
    await db.schema.dropTable('operating_exception').execute();
  },
};
