// 0012_agencies: what the national server keeps for provision to agencies (住基法第30条の9, 別表; docs/agencies.md):
// the signed versions of the affair registry it loaded, the registered agencies with their affairs, the provision log
// with one row per resident code provided (for the annual report and self-disclosure), and an index on the birth date
// inside the stored identity information, which the four-item search starts from.

import { sql, type Kysely, type Migration } from 'kysely';
import { createTable, engineOf } from './schema-helpers.js';

/** The birth date inside `info` (canonical JSON text), as both engines can index it; queries use the same expression. */
function birthDateExpression(db: Kysely<unknown>) {
  return engineOf(db) === 'sqlite'
    ? sql`json_extract(info, '$.birthDate')`
    : sql`((info::jsonb) ->> 'birthDate')`;
}

export const agencies: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await createTable(db, 'affair_registry')
      .addColumn('version', 'integer', (col) => col.primaryKey().notNull())
      .addColumn('effective_date', 'text', (col) => col.notNull())
      // The registry as canonical JSON, exactly what the signature covers.
      .addColumn('document', 'text', (col) => col.notNull())
      .addColumn('signature', 'text', (col) => col.notNull())
      .addColumn('signer_certificate', 'text', (col) => col.notNull())
      .addColumn('loaded_at', 'text', (col) => col.notNull())
      .execute();

    await createTable(db, 'agency')
      // The agency's node id, agency-<slug>, as its certificate names it.
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('name', 'text', (col) => col.notNull())
      // JSON array of the affair ids the agency may cite.
      .addColumn('affairs', 'text', (col) => col.notNull())
      // The registry version the registration was checked against.
      .addColumn('registry_version', 'integer', (col) => col.notNull())
      .addColumn('registered_at', 'text', (col) => col.notNull())
      .addColumn('updated_at', 'text', (col) => col.notNull())
      .execute();

    await createTable(db, 'provision_log')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('at', 'text', (col) => col.notNull())
      .addColumn('agency', 'text', (col) => col.notNull())
      .addColumn('affair', 'text', (col) => col.notNull())
      .addColumn('registry_version', 'integer', (col) => col.notNull())
      // `online` or `batch` (媒体).
      .addColumn('method', 'text', (col) => col.notNull())
      // `code` or `four-items`.
      .addColumn('query', 'text', (col) => col.notNull())
      .addColumn('as_of', 'text')
      .addColumn('count', 'integer', (col) => col.notNull())
      .addColumn('truncated', 'integer', (col) => col.notNull())
      // JSON array of the resident codes provided, in answer order.
      .addColumn('resident_codes', 'text', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('provision_log_at_idx').on('provision_log').column('at').execute();
    await db.schema
      .createIndex('provision_log_agency_idx')
      .on('provision_log')
      .columns(['agency', 'at'])
      .execute();

    await createTable(db, 'provision_log_code')
      .addColumn('provision_id', 'text', (col) => col.notNull())
      .addColumn('resident_code', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('provision_log_code_pkey', ['provision_id', 'resident_code'])
      .execute();
    await db.schema
      .createIndex('provision_log_code_code_idx')
      .on('provision_log_code')
      .column('resident_code')
      .execute();

    await db.schema
      .createIndex('identity_current_birth_date_idx')
      .on('identity_current')
      .expression(birthDateExpression(db))
      .execute();
    await db.schema
      .createIndex('identity_version_birth_date_idx')
      .on('identity_version')
      .expression(birthDateExpression(db))
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('identity_version_birth_date_idx').execute();
    await db.schema.dropIndex('identity_current_birth_date_idx').execute();
    for (const table of ['provision_log_code', 'provision_log', 'agency', 'affair_registry']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
