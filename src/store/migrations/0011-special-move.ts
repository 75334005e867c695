// 0011_special_move: what a municipality keeps for the one-visit move (転入転出の特例, 住基法第24条の2) beyond the
// register's own actions: the 転出証明書情報 it received from the old municipality (the new municipality's side), and
// the log of every step either side took (docs/special-move.md, src/servers/municipality/special-move/).

import type { Kysely, Migration } from 'kysely';
import { createTable } from './schema-helpers.js';

export const specialMove: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await createTable(db, 'special_move_out_info')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      // The old municipality's id of its advance move-out notice (付記転出届).
      .addColumn('notice_id', 'text', (col) => col.notNull())
      .addColumn('source_lg_code', 'text', (col) => col.notNull())
      .addColumn('resident_code', 'text', (col) => col.notNull())
      .addColumn('confirmation_id', 'text', (col) => col.notNull())
      .addColumn('card_id', 'text', (col) => col.notNull())
      .addColumn('planned_date', 'text', (col) => col.notNull())
      // The 転出証明書情報 as the old municipality answered it (JSON).
      .addColumn('info', 'text', (col) => col.notNull())
      .addColumn('received_by', 'text', (col) => col.notNull())
      .addColumn('received_at', 'text', (col) => col.notNull())
      .addColumn('used_at', 'text')
      // The record the move-in opened for the card holder here.
      .addColumn('used_by', 'text')
      .execute();
    await db.schema
      .createIndex('special_move_out_info_code_idx')
      .on('special_move_out_info')
      .columns(['resident_code', 'received_at'])
      .execute();
    await createTable(db, 'special_move_event')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('at', 'text', (col) => col.notNull())
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('notice_id', 'text')
      // The other municipality of the step (6-digit LG code).
      .addColumn('peer', 'text', (col) => col.notNull())
      // JSON array of the resident codes the step concerned.
      .addColumn('resident_codes', 'text', (col) => col.notNull())
      .addColumn('operator', 'text')
      .addColumn('outcome', 'text', (col) => col.notNull())
      .addColumn('error_code', 'text')
      .addColumn('detail', 'text', (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('special_move_event_notice_idx')
      .on('special_move_event')
      .columns(['notice_id', 'at'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('special_move_event').execute();
    await db.schema.dropTable('special_move_out_info').execute();
  },
};
