// 0002_code_pool: resident codes (住基法第30条の2, 第30条の3): every code the national server generated, the blocks a
// national or prefectural server granted, and the codes a prefecture or municipality holds. Typed in ../schema.ts.

import { sql, type Kysely, type Migration } from 'kysely';
import { createTable } from './schema-helpers.js';

export const codePool: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // National only: the primary key is what makes a code impossible to generate twice.
    await createTable(db, 'code_pool')
      .addColumn('code', 'text', (col) => col.primaryKey().notNull())
      .addColumn('block_id', 'text', (col) => col.notNull())
      .addColumn('generated_at', 'text', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('code_pool_block_id_idx').on('code_pool').column('block_id').execute();

    // National and prefectures: one row per block granted, unique per (holder, request id) so a retry finds it.
    await createTable(db, 'code_block')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('holder', 'text', (col) => col.notNull())
      .addColumn('request_id', 'text', (col) => col.notNull())
      .addColumn('size', 'integer', (col) => col.notNull())
      .addColumn('granted_at', 'text', (col) => col.notNull())
      .addUniqueConstraint('code_block_holder_request_id_key', ['holder', 'request_id'])
      .execute();

    // Prefectures and municipalities: available while granted_to and taken_at are both null.
    await createTable(db, 'code_holding')
      .addColumn('code', 'text', (col) => col.primaryKey().notNull())
      .addColumn('block_id', 'text', (col) => col.notNull())
      .addColumn('received_at', 'text', (col) => col.notNull())
      .addColumn('granted_to', 'text')
      .addColumn('granted_block', 'text')
      .addColumn('granted_at', 'text')
      .addColumn('taken_at', 'text')
      .execute();
    // A partial index over the available codes, so taking one stays quick however many were taken before.
    await db.schema
      .createIndex('code_holding_available_idx')
      .on('code_holding')
      .columns(['received_at', 'code'])
      .where(sql.ref('granted_to'), 'is', null)
      .where(sql.ref('taken_at'), 'is', null)
      .execute();
    await db.schema.createIndex('code_holding_block_id_idx').on('code_holding').column('block_id').execute();
    await db.schema
      .createIndex('code_holding_granted_block_idx')
      .on('code_holding')
      .column('granted_block')
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['code_holding', 'code_block', 'code_pool']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
