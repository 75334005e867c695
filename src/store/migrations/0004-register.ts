// 0004_register: the municipal register (既存住基): residents, their ordered actions (異動) and households. A resident's
// `state` is a projection of its actions (src/servers/municipality/register/); the typed shape is in ../schema.ts.

import { sql, type Kysely, type Migration } from 'kysely';
import { createTable } from './schema-helpers.js';

export const register: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await createTable(db, 'household')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('head_resident_id', 'text')
      .addColumn('address', 'text', (col) => col.notNull())
      .addColumn('created_at', 'text', (col) => col.notNull())
      .execute();

    await createTable(db, 'resident')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('resident_code', 'text', (col) => col.notNull())
      .addColumn('household_id', 'text', (col) => col.notNull())
      .addColumn('state', 'text', (col) => col.notNull())
      .addColumn('version', 'integer', (col) => col.notNull())
      .addColumn('closed', 'integer', (col) => col.notNull())
      .addColumn('created_at', 'text', (col) => col.notNull())
      .addColumn('updated_at', 'text', (col) => col.notNull())
      .execute();
    // A code belongs to at most one open record here; closed records (除票) keep theirs, and a person who moves away
    // and back gets a new record under the same code.
    await db.schema
      .createIndex('resident_open_code_key')
      .on('resident')
      .column('resident_code')
      .unique()
      .where(sql.ref('closed'), '=', 0)
      .execute();
    await db.schema.createIndex('resident_code_idx').on('resident').column('resident_code').execute();
    await db.schema.createIndex('resident_household_idx').on('resident').column('household_id').execute();

    await createTable(db, 'resident_action')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('resident_id', 'text', (col) => col.notNull())
      .addColumn('seq', 'integer', (col) => col.notNull())
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('payload', 'text', (col) => col.notNull())
      .addColumn('filed_on', 'text', (col) => col.notNull())
      .addColumn('effective_on', 'text', (col) => col.notNull())
      .addColumn('recorded_at', 'text', (col) => col.notNull())
      .addColumn('operator', 'text')
      .addUniqueConstraint('resident_action_resident_seq_key', ['resident_id', 'seq'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['resident_action', 'resident', 'household']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
