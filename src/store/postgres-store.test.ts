// What only the PostgreSQL engine does: re-run a transaction that lost a serialization conflict, give up after a
// limit, read int8/numeric as JS numbers, and report an unreachable server without its password.

import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabaseUrl, isEngineAvailable, removeTestDatabase } from '../../test/support/engines.js';
import { isJukinetError } from '../shared/errors.js';
import { openStore, type Store } from './index.js';
import { sql } from 'kysely';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe.skipIf(!isEngineAvailable('postgres'))('PostgreSQL store', () => {
  let store: Store | undefined;
  let location: string | undefined;
  afterEach(async () => {
    await store?.close();
    if (location !== undefined) await removeTestDatabase(location);
    store = undefined;
    location = undefined;
  });
  async function open(): Promise<Store> {
    location = await createTestDatabaseUrl('postgres');
    store = await openStore(location);
    return store;
  }

  it('re-runs a transaction that lost a serialization conflict, so neither update is lost', async () => {
    const db = await open();
    await db.db.insertInto('meta').values({ key: 'counter', value: '0' }).execute();
    const increment = async (trx: Parameters<Parameters<Store['transaction']>[0]>[0]): Promise<void> => {
      const row = await trx
        .selectFrom('meta')
        .select('value')
        .where('key', '=', 'counter')
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('meta')
        .set({ value: String(Number(row.value) + 1) })
        .where('key', '=', 'counter')
        .execute();
    };
    const firstRead = deferred();
    const secondRead = deferred();
    const first = db.transaction(async (trx) => {
      await trx.selectFrom('meta').selectAll().execute();
      firstRead.resolve();
      await secondRead.promise;
      await increment(trx);
    });
    let secondRuns = 0;
    const second = db.transaction(async (trx) => {
      secondRuns++;
      if (secondRuns === 1) {
        await firstRead.promise;
        // Take the snapshot before the first commits, then write after it has: a conflict.
        await trx.selectFrom('meta').selectAll().execute();
        secondRead.resolve();
        await first;
      }
      await increment(trx);
    });
    await Promise.all([first, second]);
    expect(secondRuns).toBe(2);
    const row = await db.db
      .selectFrom('meta')
      .select('value')
      .where('key', '=', 'counter')
      .executeTakeFirstOrThrow();
    expect(row.value).toBe('2');
  });

  it('gives up with JUKI_ERR_STORE_CONFLICT when a transaction keeps conflicting', async () => {
    const db = await open();
    let runs = 0;
    const error: unknown = await db
      .transaction(() => {
        runs++;
        return Promise.reject(Object.assign(new Error('could not serialize access'), { code: '40001' }));
      })
      .catch((caught: unknown) => caught);
    expect(isJukinetError(error, 'JUKI_ERR_STORE_CONFLICT')).toBe(true);
    expect(runs).toBe(40);
  });

  it('reads int8 and numeric as numbers when exact, and as bigint beyond 2^53', async () => {
    const db = await open();
    const { rows } = await sql<{ small: unknown; big: unknown; fraction: unknown }>`
      select 42::int8 as small, 9007199254740993::int8 as big, 1.5::numeric as fraction`.execute(db.db);
    expect(rows[0]).toEqual({ small: 42, big: 9007199254740993n, fraction: 1.5 });
  });
});

describe('openStore() on PostgreSQL', () => {
  it('reports a server that does not answer as JUKI_ERR_STORE_UNAVAILABLE, without the password', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    const error: unknown = await openStore(`postgres://jukinet:s3cret@127.0.0.1:${port}/national`).catch(
      (caught: unknown) => caught,
    );
    expect(isJukinetError(error, 'JUKI_ERR_STORE_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain(`127.0.0.1:${port}/national`);
    expect((error as Error).message).not.toContain('s3cret');
  });
});
