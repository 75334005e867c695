// 0014_provision_batch: batch provision to agencies (媒体による提供, docs/protocol/agency-batch.md): each batch an agency
// uploads, with its progress, and the sealed input and sealed result parts it is made of. The parts live in the
// database so that a result part, its provision log entry and the progress commit in one transaction.

import type { Kysely, Migration } from 'kysely';
import { createTable, engineOf } from './schema-helpers.js';

export const provisionBatch: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const binary = engineOf(db) === 'sqlite' ? 'blob' : 'bytea';
    await createTable(db, 'provision_batch')
      .addColumn('id', 'text', (col) => col.primaryKey().notNull())
      .addColumn('agency', 'text', (col) => col.notNull())
      .addColumn('affair', 'text', (col) => col.notNull())
      // The registry version the affair was checked against at upload.
      .addColumn('registry_version', 'integer', (col) => col.notNull())
      // uploading, queued, processing, done or failed.
      .addColumn('status', 'text', (col) => col.notNull())
      // The agency's certificate at upload (the one TLS verified): the input's signer, the result's recipient.
      .addColumn('agency_certificate', 'text', (col) => col.notNull())
      .addColumn('input_bytes', 'integer', (col) => col.notNull())
      .addColumn('input_parts', 'integer', (col) => col.notNull())
      // Lines of the input file after its header; null until the upload is complete.
      .addColumn('total_lines', 'integer')
      .addColumn('processed_lines', 'integer', (col) => col.notNull())
      .addColumn('found_lines', 'integer', (col) => col.notNull())
      .addColumn('not_found_lines', 'integer', (col) => col.notNull())
      .addColumn('invalid_lines', 'integer', (col) => col.notNull())
      .addColumn('too_many_lines', 'integer', (col) => col.notNull())
      .addColumn('result_parts', 'integer', (col) => col.notNull())
      // Why the batch failed (an error code and message); null otherwise.
      .addColumn('error', 'text')
      .addColumn('created_at', 'text', (col) => col.notNull())
      .addColumn('updated_at', 'text', (col) => col.notNull())
      .addColumn('completed_at', 'text')
      .execute();
    await db.schema
      .createIndex('provision_batch_status_idx')
      .on('provision_batch')
      .columns(['status', 'created_at'])
      .execute();
    await db.schema
      .createIndex('provision_batch_agency_idx')
      .on('provision_batch')
      .columns(['agency', 'created_at'])
      .execute();

    await createTable(db, 'provision_batch_part')
      .addColumn('batch_id', 'text', (col) => col.notNull())
      // `input` (the sealed upload, in pieces) or `result` (one sealed file per processed chunk of lines).
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('part_index', 'integer', (col) => col.notNull())
      .addColumn('data', binary, (col) => col.notNull())
      // For a result part: the lines it answers.
      .addColumn('lines', 'integer', (col) => col.notNull())
      .addPrimaryKeyConstraint('provision_batch_part_pkey', ['batch_id', 'kind', 'part_index'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('provision_batch_part').execute();
    await db.schema.dropTable('provision_batch').execute();
  },
};
