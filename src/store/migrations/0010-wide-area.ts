// 0010_wide_area: the wide-area copy (住民票の写しの広域交付, 住基法第12条の4) as each end keeps it. The address
// municipality logs every answer it gave (who asked, when, which codes: never the items); the issuing municipality
// records every copy it issued, with the requester's identity check and its own fee (src/servers/municipality/wide-area/,
// docs/wide-area-copy.md). Prefectures and the national server keep nothing of a copy.

import type { Kysely, Migration } from 'kysely';
import { createTable } from './schema-helpers.js';

export const wideArea: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await createTable(db, 'wide_area_answer')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      // The asking municipality, from its mTLS certificate: its node id and LG code.
      .addColumn('requested_by_node', 'text', (col) => col.notNull())
      .addColumn('requested_by', 'text', (col) => col.notNull())
      .addColumn('answered_at', 'text', (col) => col.notNull())
      .addColumn('resident_code', 'text', (col) => col.notNull())
      // JSON array of the resident codes whose items the answer carried, in answer order.
      .addColumn('codes_answered', 'text', (col) => col.notNull())
      .addColumn('whole_household', 'integer', (col) => col.notNull())
      .addColumn('admission_basis', 'text', (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('wide_area_answer_at_idx')
      .on('wide_area_answer')
      .columns(['answered_at'])
      .execute();
    await createTable(db, 'wide_area_copy')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('issued_at', 'text', (col) => col.notNull())
      .addColumn('operator', 'text', (col) => col.notNull())
      // `card` or `photo-id`; for a card, the document is `resident-card` and its number the card id.
      .addColumn('requester_method', 'text', (col) => col.notNull())
      .addColumn('document_type', 'text', (col) => col.notNull())
      .addColumn('document_number', 'text', (col) => col.notNull())
      .addColumn('card_confirmation_id', 'text')
      .addColumn('address_lg_code', 'text', (col) => col.notNull())
      .addColumn('resident_code', 'text', (col) => col.notNull())
      // JSON array of the resident codes printed on the copy, in print order.
      .addColumn('codes_printed', 'text', (col) => col.notNull())
      .addColumn('fee', 'integer', (col) => col.notNull())
      .addColumn('pages', 'integer', (col) => col.notNull())
      // The address municipality's id of its answer, so that the two logs can be matched.
      .addColumn('answer_id', 'text', (col) => col.notNull())
      .addColumn('admission_basis', 'text', (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('wide_area_copy_at_idx')
      .on('wide_area_copy')
      .columns(['issued_at'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('wide_area_copy').execute();
    await db.schema.dropTable('wide_area_answer').execute();
  },
};
