// The one migration set for both engines, applied with Kysely's Migrator from a static in-code list (no files read at
// run time). A migration is named NNNN_what and never changes once released; a new change is a new migration.

import { Migrator, type Kysely, type Migration } from 'kysely';
import { JukinetError, quote } from '../../shared/errors.js';
import type { StoreLogger } from '../store.js';
import { foundation } from './0001-foundation.js';
import { codePool } from './0002-code-pool.js';
import { identity } from './0003-identity.js';
import { register } from './0004-register.js';
import { operators } from './0005-operators.js';
import { linkage } from './0006-linkage.js';
import { notifications } from './0007-notifications.js';
import { cards } from './0008-cards.js';
import { crossMunicipality } from './0009-cross-municipality.js';
import { wideArea } from './0010-wide-area.js';
import { specialMove } from './0011-special-move.js';
import { agencies } from './0012-agencies.js';
import { fileDelivery } from './0013-file-delivery.js';
import { provisionBatch } from './0014-provision-batch.js';
import { disclosure } from './0015-disclosure.js';

/** Every migration, in order. Add a new one at the end and add its tables to `Database` in ../schema.ts. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_foundation': foundation,
  '0002_code_pool': codePool,
  '0003_identity': identity,
  '0004_register': register,
  '0005_operators': operators,
  '0006_linkage': linkage,
  '0007_notifications': notifications,
  '0008_cards': cards,
  '0009_cross_municipality': crossMunicipality,
  '0010_wide_area': wideArea,
  '0011_special_move': specialMove,
  '0012_agencies': agencies,
  '0013_file_delivery': fileDelivery,
  '0014_provision_batch': provisionBatch,
  '0015_disclosure': disclosure,
};

/** What `migrateToLatest()` did: the names of the migrations it applied now, in order (empty when up to date). */
export interface MigrationOutcome {
  readonly applied: readonly string[];
}

/**
 * Brings a database up to the latest migration. Each run is one transaction on both engines (PostgreSQL and SQLite
 * both have transactional DDL), so a failure leaves the database as it was and throws JUKI_ERR_STORE_MIGRATION naming
 * the migration that failed. `migrations` replaces the built-in set (for tests).
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  options: { readonly migrations?: Readonly<Record<string, Migration>>; readonly logger?: StoreLogger } = {},
): Promise<MigrationOutcome> {
  const migrations = options.migrations ?? MIGRATIONS;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve({ ...migrations }) },
    migrationTableName: 'schema_migration',
    migrationLockTableName: 'schema_migration_lock',
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    throw new JukinetError(
      'JUKI_ERR_STORE_MIGRATION',
      failed === undefined ? reason : `${quote(failed)}: ${reason}`,
      { cause: error },
    );
  }
  const applied = results
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
  if (applied.length > 0) options.logger?.info({ applied }, 'Applied database migrations');
  return { applied };
}
