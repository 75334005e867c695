// The operation log on both engines: rows chain in order, and the verifier finds a changed row, a removed row, a
// renumbered rest, a cut tail (against an anchor) and an unreadable value.

import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../../test/support/engines.js';
import type { Store } from '../../../store/index.js';
import {
  GENESIS_HASH,
  readOperationRecords,
  recordOperation,
  verifyOperationLog,
  type OperationEntry,
} from './operation-log.js';

const AT = new Date('2024-04-01T09:30:00.000Z');

function entry(n: number, overrides: Partial<OperationEntry> = {}): OperationEntry {
  return {
    at: new Date(AT.getTime() + n * 1000),
    operatorId: n % 2 === 0 ? 'op-even' : 'op-odd',
    terminal: 'terminal-01',
    fn: 'resident-view',
    access: 'read',
    records: [`1234567890${n % 10}`],
    outcome: 'ok',
    errorCode: null,
    ...overrides,
  };
}

async function fill(store: Store, count: number): Promise<void> {
  for (let n = 1; n <= count; n++) await store.transaction((trx) => recordOperation(trx, entry(n)));
}

describeEachEngine('operation log', ({ openFresh }) => {
  it('recordOperation() numbers rows from 1 and links each to the hash of the one before', async () => {
    const store = await openFresh();
    const first = await store.transaction((trx) => recordOperation(trx, entry(1)));
    const second = await store.transaction((trx) =>
      recordOperation(
        trx,
        entry(2, { outcome: 'refused', errorCode: 'JUKI_ERR_OPERATOR_FORBIDDEN', records: [] }),
      ),
    );
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash, errorCode: 'JUKI_ERR_OPERATOR_FORBIDDEN' });
    expect(await readOperationRecords(store.db)).toEqual([first, second]);
    expect(await readOperationRecords(store.db, { operatorId: 'op-even' })).toEqual([second]);
    expect(await verifyOperationLog(store.db)).toEqual({
      ok: true,
      value: { count: 2, seq: 2, hash: second.hash },
    });
  });

  it('concurrent appends each get their own place in one unbroken chain', async () => {
    const store = await openFresh();
    await Promise.all(
      Array.from({ length: 12 }, (_, n) => store.transaction((trx) => recordOperation(trx, entry(n + 1)))),
    );
    const result = await verifyOperationLog(store.db);
    expect(result.ok && result.value.count).toBe(12);
  });

  it('verifyOperationLog() accepts an empty log and a log longer than one page', async () => {
    const store = await openFresh();
    expect(await verifyOperationLog(store.db)).toEqual({
      ok: true,
      value: { count: 0, seq: 0, hash: GENESIS_HASH },
    });
    await fill(store, 7);
    const result = await verifyOperationLog(store.db, { pageSize: 3 });
    expect(result.ok && result.value.count).toBe(7);
  });

  it('finds a row whose content changed', async () => {
    const store = await openFresh();
    await fill(store, 5);
    await store.db
      .updateTable('operation_log')
      .set({ records: '["99999999999"]' })
      .where('seq', '=', 3)
      .execute();
    expect(await verifyOperationLog(store.db)).toEqual({
      ok: false,
      reason: { seq: 3, problem: 'hash-mismatch' },
    });
  });

  it('finds a changed row even when its own hash was recomputed: the next link breaks', async () => {
    const store = await openFresh();
    await fill(store, 5);
    // Rewrite row 3 with other content and a fresh, valid hash of its own, leaving rows 4 and 5 as they were.
    const original = await store.db.selectFrom('operation_log').selectAll().where('seq', '>=', 4).execute();
    await store.db.deleteFrom('operation_log').where('seq', '>=', 3).execute();
    await store.transaction((trx) => recordOperation(trx, entry(3, { outcome: 'failed' })));
    await store.db.insertInto('operation_log').values(original).execute();
    expect(await verifyOperationLog(store.db)).toEqual({
      ok: false,
      reason: { seq: 4, problem: 'chain-broken' },
    });
  });

  it('finds a removed row, and a renumbered rest', async () => {
    const store = await openFresh();
    await fill(store, 5);
    await store.db.deleteFrom('operation_log').where('seq', '=', 2).execute();
    expect(await verifyOperationLog(store.db)).toEqual({
      ok: false,
      reason: { seq: 2, problem: 'missing-row' },
    });
    for (const seq of [3, 4, 5]) {
      await store.db
        .updateTable('operation_log')
        .set({ seq: seq - 1 })
        .where('seq', '=', seq)
        .execute();
    }
    expect(await verifyOperationLog(store.db)).toEqual({
      ok: false,
      reason: { seq: 2, problem: 'chain-broken' },
    });
  });

  it('finds a cut tail against the head of an earlier check', async () => {
    const store = await openFresh();
    await fill(store, 4);
    const head = await verifyOperationLog(store.db);
    if (!head.ok) throw new Error('expected a valid log');
    await store.transaction((trx) => recordOperation(trx, entry(5)));
    expect((await verifyOperationLog(store.db, { anchor: head.value })).ok).toBe(true);
    await store.db.deleteFrom('operation_log').where('seq', '>=', 4).execute();
    // Without the anchor the shorter log looks whole; with it the cut shows.
    expect((await verifyOperationLog(store.db)).ok).toBe(true);
    expect(await verifyOperationLog(store.db, { anchor: head.value })).toEqual({
      ok: false,
      reason: { seq: 4, problem: 'anchor-mismatch' },
    });
  });

  it('reports a value it cannot read back as malformed', async () => {
    const store = await openFresh();
    await fill(store, 2);
    await store.db
      .updateTable('operation_log')
      .set({ records: sql<string>`'not json'` })
      .where('seq', '=', 2)
      .execute();
    expect(await verifyOperationLog(store.db)).toEqual({
      ok: false,
      reason: { seq: 2, problem: 'malformed' },
    });
  });
});
