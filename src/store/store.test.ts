// The Store contract on every engine: transactions commit whole or not at all, run as if one after another, and
// survive a reopen; the store refuses to be used past its own transaction; durability settings are in force.

import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { BugIndicatingError } from '../shared/assert.js';
import type { Store } from './index.js';

async function readCounter(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', 'counter')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

describeEachEngine('Store', ({ engine, openFresh, reopen }) => {
  it('transaction() commits what the callback wrote and returns its value', async () => {
    const store = await openFresh();
    const value = await store.transaction(async (trx) => {
      await trx.insertInto('meta').values({ key: 'owner', value: 'muni-131059' }).execute();
      return 'done';
    });
    expect(value).toBe('done');
    expect(await store.db.selectFrom('meta').selectAll().execute()).toEqual([
      { key: 'owner', value: 'muni-131059' },
    ]);
  });

  it('transaction() leaves nothing behind when the callback throws, and rethrows its error', async () => {
    const store = await openFresh();
    const failure = new Error('refused by a rule');
    await expect(
      store.transaction(async (trx) => {
        await trx.insertInto('meta').values({ key: 'owner', value: 'muni-131059' }).execute();
        await trx.insertInto('outbox_channel').values({ peer: 'pref-13', next_seq: 1 }).execute();
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await store.db.selectFrom('meta').selectAll().execute()).toEqual([]);
    expect(await store.db.selectFrom('outbox_channel').selectAll().execute()).toEqual([]);
  });

  it('concurrent transactions do not interleave: 50 read-modify-write increments give exactly 50', async () => {
    const store = await openFresh();
    await store.db.insertInto('meta').values({ key: 'counter', value: '0' }).execute();
    await Promise.all(
      Array.from({ length: 50 }, () =>
        store.transaction(async (trx) => {
          const row = await trx
            .selectFrom('meta')
            .select('value')
            .where('key', '=', 'counter')
            .executeTakeFirstOrThrow();
          // Give every other transaction the chance to run between this read and this write.
          await new Promise((resolve) => setImmediate(resolve));
          await trx
            .updateTable('meta')
            .set({ value: String(Number(row.value) + 1) })
            .where('key', '=', 'counter')
            .execute();
        }),
      ),
    );
    expect(await readCounter(store)).toBe(50);
  });

  it('concurrent transactions giving out sequence numbers give each one exactly once', async () => {
    const store = await openFresh();
    await store.db.insertInto('outbox_channel').values({ peer: 'pref-13', next_seq: 1 }).execute();
    const seqs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.transaction(async (trx) => {
          const { next_seq: seq } = await trx
            .selectFrom('outbox_channel')
            .select('next_seq')
            .where('peer', '=', 'pref-13')
            .executeTakeFirstOrThrow();
          await trx
            .updateTable('outbox_channel')
            .set({ next_seq: seq + 1 })
            .where('peer', '=', 'pref-13')
            .execute();
          await trx
            .insertInto('outbox')
            .values({
              id: `m-${i}`,
              peer: 'pref-13',
              seq,
              type: 'test',
              envelope: '{}',
              created_at: new Date(0).toISOString(),
            })
            .execute();
          return seq;
        }),
      ),
    );
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('committed data survives closing and reopening the store', async () => {
    const store = await openFresh();
    await store.transaction(async (trx) => {
      await trx.insertInto('inbox_channel').values({ from_node: 'national', last_seq: 7 }).execute();
    });
    const again = await reopen(store);
    expect(await again.db.selectFrom('inbox_channel').selectAll().execute()).toEqual([
      { from_node: 'national', last_seq: 7 },
    ]);
  });

  it('close() can be called twice', async () => {
    const store = await openFresh();
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
  });

  it(`runs with the settings that make a commit durable (${engine})`, async () => {
    const store = await openFresh();
    if (engine === 'sqlite') {
      const pragma = async (name: string): Promise<unknown> =>
        Object.values((await sql.raw(`pragma ${name}`).execute(store.db)).rows[0] as object)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(2); // FULL
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(5000);
    } else {
      const show = async (name: string): Promise<unknown> =>
        Object.values((await sql.raw(`show ${name}`).execute(store.db)).rows[0] as object)[0];
      expect(await show('synchronous_commit')).toBe('on');
      const isolation: unknown = await store.transaction(
        async (trx): Promise<unknown> =>
          Object.values((await sql.raw('show transaction_isolation').execute(trx)).rows[0] as object)[0],
      );
      expect(isolation).toBe('serializable');
    }
  });

  it('refuses a nested transaction() of the same store as a bug, and rolls the outer one back', async () => {
    const store = await openFresh();
    await expect(
      store.transaction(async (trx) => {
        await trx.insertInto('meta').values({ key: 'a', value: '1' }).execute();
        await store.transaction(() => Promise.resolve());
      }),
    ).rejects.toBeInstanceOf(BugIndicatingError);
    expect(await store.db.selectFrom('meta').selectAll().execute()).toEqual([]);
  });

  it('refuses a statement on store.db inside its own transaction as a bug', async () => {
    const store = await openFresh();
    await expect(
      store.transaction(async () => {
        await store.db.selectFrom('meta').selectAll().execute();
      }),
    ).rejects.toBeInstanceOf(BugIndicatingError);
  });

  it('allows store.db again in work that a transaction started and that runs after it ends', async () => {
    const store = await openFresh();
    let later: Promise<unknown> | undefined;
    let release!: () => void;
    const ended = new Promise<void>((resolve) => (release = resolve));
    await store.transaction(async (trx) => {
      await trx.insertInto('meta').values({ key: 'a', value: '1' }).execute();
      later = ended.then(() => store.db.selectFrom('meta').selectAll().execute());
    });
    release();
    await expect(later).resolves.toEqual([{ key: 'a', value: '1' }]);
  });

  it('lets two stores work on different databases inside each other’s transactions', async () => {
    const first = await openFresh();
    const second = await openFresh();
    await first.transaction(async (trx) => {
      await trx.insertInto('meta').values({ key: 'a', value: '1' }).execute();
      await second.transaction(async (other) => {
        await other.insertInto('meta').values({ key: 'b', value: '2' }).execute();
      });
    });
    expect(await first.db.selectFrom('meta').select('key').execute()).toEqual([{ key: 'a' }]);
    expect(await second.db.selectFrom('meta').select('key').execute()).toEqual([{ key: 'b' }]);
  });
});
