// A corner case of the SQLite engine: two stores on the same file in one process (jukinet up gives every server its
// own file; a backup or inspection tool is the realistic second connection).

import { expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { openStore } from './index.js';

describeEachEngine('Two stores on one database', ({ engine, createLocation }) => {
  it('see each other’s committed transactions', async () => {
    const location = await createLocation();
    const first = await openStore(location);
    const second = await openStore(location);
    try {
      await first.transaction(async (trx) => {
        await trx.insertInto('meta').values({ key: 'a', value: '1' }).execute();
      });
      await second.transaction(async (trx) => {
        const row = await trx
          .selectFrom('meta')
          .select('value')
          .where('key', '=', 'a')
          .executeTakeFirstOrThrow();
        await trx.insertInto('meta').values({ key: 'b', value: row.value }).execute();
      });
      expect(await first.db.selectFrom('meta').selectAll().orderBy('key').execute()).toEqual([
        { key: 'a', value: '1' },
        { key: 'b', value: '1' },
      ]);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it.runIf(engine === 'sqlite')(
    'on SQLite, a transaction that overlaps another store’s write transaction fails with SQLITE_BUSY after busy_timeout, and the first one still commits',
    async () => {
      const location = await createLocation();
      const first = await openStore(location);
      // better-sqlite3 waits for the lock synchronously, so the first store cannot finish while the second waits.
      const second = await openStore(location, { busyTimeoutMs: 50 });
      try {
        let inside!: () => void;
        const firstIsInside = new Promise<void>((resolve) => (inside = resolve));
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        const firstDone = first.transaction(async (trx) => {
          await trx.insertInto('meta').values({ key: 'a', value: '1' }).execute();
          inside();
          await gate;
        });
        await firstIsInside;
        const error: unknown = await second
          .transaction(async (trx) => {
            await trx.insertInto('meta').values({ key: 'b', value: '2' }).execute();
          })
          .catch((caught: unknown) => caught);
        expect(error).toMatchObject({ code: 'SQLITE_BUSY' });
        release();
        await firstDone;
        await second.transaction(async (trx) => {
          await trx.insertInto('meta').values({ key: 'b', value: '2' }).execute();
        });
        expect(await second.db.selectFrom('meta').select('key').orderBy('key').execute()).toEqual([
          { key: 'a' },
          { key: 'b' },
        ]);
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    },
  );
});
