// 0013_file_delivery: what the national server keeps of file delivery (ファイルデリバリ, DESIGN.md §3): each node's report
// on each delivered file version it fetched, applied or refused (docs/file-delivery.md). The files themselves are the
// signed registry versions of `affair_registry` (0012), which every node that provides keeps in its own table.

import type { Kysely, Migration } from 'kysely';
import { createTable } from './schema-helpers.js';

export const fileDelivery: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await createTable(db, 'file_delivery_report')
      // The reporting node's id, as its certificate names it.
      .addColumn('node', 'text', (col) => col.notNull())
      // The delivered file's name, e.g. `affair-registry`.
      .addColumn('file', 'text', (col) => col.notNull())
      .addColumn('version', 'integer', (col) => col.notNull())
      // `applied` or `refused`.
      .addColumn('outcome', 'text', (col) => col.notNull())
      // Why a file was refused (an error code and message); null when applied.
      .addColumn('detail', 'text')
      .addColumn('reported_at', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('file_delivery_report_pkey', ['node', 'file', 'version'])
      .execute();
  },
};
