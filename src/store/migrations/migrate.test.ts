// The one migration set on every engine: it creates every table, a second run does nothing, and a failing migration
// leaves the database as it was and names itself.

import { sql, type Kysely, type Migration } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../test/support/engines.js';
import { isJukinetError } from '../../shared/errors.js';
import { MIGRATIONS, migrateToLatest, openStore } from '../index.js';

const TABLES = [
  'affair_registry',
  'agency',
  'card_application',
  'card_confirmation',
  'card_event',
  'card_status',
  'card_unlock',
  'code_block',
  'code_holding',
  'code_pool',
  'disclosure_log',
  'file_delivery_report',
  'household',
  'identity_current',
  'identity_version',
  'inbox',
  'inbox_channel',
  'inbox_pending',
  'linkage_applied',
  'meta',
  'notification',
  'operating_exception',
  'operation_log',
  'operator',
  'operator_challenge',
  'operator_credential',
  'operator_session',
  'outbox',
  'outbox_channel',
  'provision_batch',
  'provision_batch_part',
  'provision_log',
  'provision_log_code',
  'relay_seen',
  'resident',
  'resident_action',
  'security_event',
  'special_move_event',
  'special_move_out_info',
  'wide_area_answer',
  'wide_area_copy',
];

async function tableNames<DB>(db: Kysely<DB>): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables
    .map((table) => table.name)
    .filter((name) => !name.startsWith('schema_migration'))
    .sort();
}

describeEachEngine('migrateToLatest()', ({ openFresh, createLocation }) => {
  it('creates every table of the foundation', async () => {
    const store = await openFresh();
    expect(await tableNames(store.db)).toEqual(TABLES);
  });

  it('applies every migration on a new database and nothing on a second run', async () => {
    const store = await openStore(await createLocation(), { migrate: false });
    try {
      expect(await migrateToLatest(store.db)).toEqual({ applied: Object.keys(MIGRATIONS) });
      expect(await migrateToLatest(store.db)).toEqual({ applied: [] });
      expect(await tableNames(store.db)).toEqual(TABLES);
    } finally {
      await store.close();
    }
  });

  it('opening a store with migrate: false leaves a new database empty', async () => {
    const store = await openStore(await createLocation(), { migrate: false });
    try {
      expect(await tableNames(store.db)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('a failing migration throws JUKI_ERR_STORE_MIGRATION naming it, and leaves the database as it was', async () => {
    const store = await openFresh();
    const broken: Migration = {
      async up(db: Kysely<unknown>) {
        await db.schema.createTable('half_done').addColumn('x', 'integer').execute();
        await sql`select * from no_such_table`.execute(db);
      },
    };
    const error: unknown = await migrateToLatest(store.db, {
      migrations: { ...MIGRATIONS, '9000_broken': broken },
    }).catch((caught: unknown) => caught);
    expect(isJukinetError(error, 'JUKI_ERR_STORE_MIGRATION')).toBe(true);
    expect((error as Error).message).toMatch(/^Database migration failed: "9000_broken": /);
    expect(await tableNames(store.db)).toEqual(TABLES);
    expect(await migrateToLatest(store.db)).toEqual({ applied: [] });
  });

  it('refuses a database migrated by newer code (a migration this code does not know)', async () => {
    const store = await openFresh();
    const later: Migration = { up: () => Promise.resolve() };
    await migrateToLatest(store.db, { migrations: { ...MIGRATIONS, '0999_later': later } });
    const error: unknown = await migrateToLatest(store.db).catch((caught: unknown) => caught);
    expect(isJukinetError(error, 'JUKI_ERR_STORE_MIGRATION')).toBe(true);
    expect((error as Error).message).toContain('0999_later');
  });
});
