// 0015_disclosure: the record of every self-disclosure (本人確認情報の開示, docs/self-disclosure.md) a national or
// prefectural node takes part in: those made at its own window (who asked, the card, the codes, the provisions told,
// which nodes answered and whether the answer was complete) and those it answered for another node's window.

import type { Kysely, Migration } from 'kysely';
import { createTable } from './schema-helpers.js';

export const disclosure: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await createTable(db, 'disclosure_log')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('at', 'text', (col) => col.notNull())
      // `window`: made at this node's terminal; `peer`: this node's part of a disclosure made at another node.
      .addColumn('kind', 'text', (col) => col.notNull())
      // The disclosure this row belongs to: its own id for `window`, the window's id for `peer`.
      .addColumn('disclosure_id', 'text', (col) => col.notNull())
      // The operator (window) or the node (peer) that asked.
      .addColumn('requested_by', 'text', (col) => col.notNull())
      // The card the resident presented (window); null for a peer.
      .addColumn('card_id', 'text')
      // JSON array of the person's resident codes asked about (current first).
      .addColumn('resident_codes', 'text', (col) => col.notNull())
      // JSON array of the provision ids told (each as `<node>:<id>` at the window, this node's ids for a peer).
      .addColumn('provision_ids', 'text', (col) => col.notNull())
      // JSON array of the nodes asked and how each answered (window); `[]` for a peer.
      .addColumn('sources', 'text', (col) => col.notNull())
      // 1 when every node asked answered (always 1 for a peer).
      .addColumn('complete', 'integer', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('disclosure_log_at_idx').on('disclosure_log').column('at').execute();
    await db.schema
      .createIndex('disclosure_log_disclosure_idx')
      .on('disclosure_log')
      .column('disclosure_id')
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('disclosure_log').execute();
  },
};
