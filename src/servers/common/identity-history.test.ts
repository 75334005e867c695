// The identity history on both engines: versions in arrival order, the projection rule across moves, closing and
// reopening, code changes, who may speak for a person, and the consistency digest.

import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../test/support/engines.js';
import type { IdentityInfo, LocalGovernmentCode, NodeId, ResidentCode } from '../../domain/index.js';
import type { Store } from '../../store/index.js';
import {
  checkIdentityAuthority,
  consistencyDigest,
  currentIdentity,
  differingCodes,
  identityHistory,
  rebuildCurrentIdentity,
  recordIdentityVersion,
} from './identity-history.js';
import { testChange, testIdentityInfo, testResidentCode } from './testing/identity-fixtures.js';

const BUNKYO = '131059' as LocalGovernmentCode;
const CHIYODA = '131016' as LocalGovernmentCode;
const MATSUBARA = '272175' as LocalGovernmentCode;
const at = new Date('2024-04-01T00:00:00.000Z');

function muni(lgCode: string): NodeId {
  return `muni-${lgCode}` as NodeId;
}

async function record(store: Store, info: IdentityInfo, previousResidentCode?: ResidentCode) {
  return store.transaction((trx) =>
    recordIdentityVersion(trx, {
      info,
      origin: muni(info.lgCode),
      recordedAt: at,
      ...(previousResidentCode === undefined ? {} : { previousResidentCode }),
    }),
  );
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describeEachEngine('identity history', ({ openFresh }) => {
  it('recordIdentityVersion() numbers versions 1, 2, 3 and the projection is the last one', async () => {
    const store = await openFresh();
    const code = testResidentCode(1);
    const born = testIdentityInfo(code);
    const renamed = testChange(born, 'name-change', { name: '山田 花太郎' });
    const moved = testChange(renamed, 'move-within', { address: '東京都文京区本郷二丁目2番2号' });
    for (const info of [born, renamed, moved]) await record(store, info);

    const history = await identityHistory(store.db, code);
    expect(history.map((version) => version.version)).toEqual([1, 2, 3]);
    expect(history.map((version) => version.reason)).toEqual(['birth', 'name-change', 'move-within']);
    expect(await currentIdentity(store.db, code)).toEqual(history[2]);
    expect(history[2]).toMatchObject({ info: moved, origin: 'muni-131059', messageId: null, closed: false });
  });

  it('a move between prefectures ends open at the new municipality whichever copy arrives first', async () => {
    const before = testIdentityInfo(testResidentCode(2));
    const moveOut = testChange(before, 'move-out');
    const moveIn = testChange(before, 'move-in', {
      lgCode: MATSUBARA,
      address: '大阪府松原市阿保一丁目1番1号',
    });

    const inOrder = await openFresh();
    for (const info of [before, moveOut, moveIn]) await record(inOrder, info);
    const lateMoveOut = await openFresh();
    for (const info of [before, moveIn, moveOut]) await record(lateMoveOut, info);

    for (const store of [inOrder, lateMoveOut]) {
      expect(await currentIdentity(store.db, before.residentCode)).toMatchObject({
        lgCode: MATSUBARA,
        reason: 'move-in',
        closed: false,
      });
      expect((await identityHistory(store.db, before.residentCode)).map((v) => v.reason)).toHaveLength(3);
      expect((await consistencyDigest(store.db, MATSUBARA)).count).toBe(1);
      expect((await consistencyDigest(store.db, BUNKYO)).count).toBe(0);
    }
    expect((await consistencyDigest(inOrder.db, MATSUBARA)).digest).toBe(
      (await consistencyDigest(lateMoveOut.db, MATSUBARA)).digest,
    );
  });

  it('a move-out closes the record until a move-in reopens it; other changes to it are refused', async () => {
    const store = await openFresh();
    const before = testIdentityInfo(testResidentCode(3));
    await record(store, before);
    await record(store, testChange(before, 'move-out'));
    expect(await currentIdentity(store.db, before.residentCode)).toMatchObject({ closed: true });

    const refused = await refusal(record(store, testChange(before, 'name-change', { name: '山田 次郎' })));
    expect(refused).toMatchObject({ code: 'JUKI_ERR_IDENTITY_CLOSED' });

    await record(
      store,
      testChange(before, 'move-in', { lgCode: CHIYODA, address: '東京都千代田区一番町1番' }),
    );
    expect(await currentIdentity(store.db, before.residentCode)).toMatchObject({
      lgCode: CHIYODA,
      closed: false,
      version: 3,
    });
  });

  it('a death closes the record for good, but a late change from a previous municipality joins the history', async () => {
    const store = await openFresh();
    const before = testIdentityInfo(testResidentCode(4));
    const moveIn = testChange(before, 'move-in', { lgCode: CHIYODA });
    await record(store, before);
    await record(store, moveIn);
    await record(store, testChange(moveIn, 'death', { date: '2024-05-01' }));

    expect(
      await refusal(record(store, testChange(moveIn, 'name-change', { name: '山田 次郎' }))),
    ).toMatchObject({
      code: 'JUKI_ERR_IDENTITY_CLOSED',
    });
    expect(await refusal(record(store, testChange(moveIn, 'move-in', { lgCode: MATSUBARA })))).toMatchObject({
      code: 'JUKI_ERR_IDENTITY_CLOSED',
    });
    const late = await record(store, testChange(before, 'move-out'));
    expect(late.version).toBe(4);
    expect(await currentIdentity(store.db, before.residentCode)).toMatchObject({
      version: 3,
      reason: 'death',
      closed: true,
    });
  });

  it('a code change closes the old code, keeps its history, and opens the new code', async () => {
    const store = await openFresh();
    const oldCode = testResidentCode(5);
    const newCode = testResidentCode(6);
    const before = testIdentityInfo(oldCode);
    await record(store, before);
    await record(store, testChange({ ...before, residentCode: newCode }, 'code-change'), oldCode);

    expect((await identityHistory(store.db, oldCode)).map((v) => [v.reason, v.closed])).toEqual([
      ['birth', false],
      ['code-change', true],
    ]);
    expect(await currentIdentity(store.db, oldCode)).toMatchObject({ closed: true, reason: 'code-change' });
    expect(await currentIdentity(store.db, newCode)).toMatchObject({
      version: 1,
      reason: 'code-change',
      closed: false,
    });
    expect((await consistencyDigest(store.db, BUNKYO)).entries.map(([code]) => code)).toEqual([newCode]);

    const again = await refusal(
      record(store, testChange({ ...before, residentCode: newCode }, 'code-change'), oldCode),
    );
    expect(again).toMatchObject({ code: 'JUKI_ERR_IDENTITY_CODE_IN_USE' });
    const reopen = await refusal(record(store, testChange(before, 'move-in')));
    expect(reopen).toMatchObject({ code: 'JUKI_ERR_IDENTITY_CLOSED' });
  });

  it('rebuildCurrentIdentity() derives the same projection from the history', async () => {
    const store = await openFresh();
    const before = testIdentityInfo(testResidentCode(7));
    const moveIn = testChange(before, 'move-in', { lgCode: MATSUBARA });
    for (const info of [before, moveIn, testChange(before, 'move-out'), testChange(moveIn, 'name-change')]) {
      await record(store, info);
    }
    const recorded = await currentIdentity(store.db, before.residentCode);
    await store.db.deleteFrom('identity_current').execute();
    const rebuilt = await store.transaction((trx) => rebuildCurrentIdentity(trx, before.residentCode));
    expect(rebuilt).toEqual(recorded);
    expect(await currentIdentity(store.db, before.residentCode)).toEqual(recorded);
  });

  it('checkIdentityAuthority() lets speak a new person, the current, the move-in and a previous municipality only', async () => {
    const store = await openFresh();
    const before = testIdentityInfo(testResidentCode(8));
    const check = (origin: string, info: IdentityInfo, previousResidentCode?: ResidentCode) =>
      checkIdentityAuthority(store.db, {
        origin: muni(origin),
        info,
        ...(previousResidentCode === undefined ? {} : { previousResidentCode }),
      });

    expect(await check(BUNKYO, before)).toEqual({ ok: true, value: undefined });
    expect((await check(CHIYODA, before)).ok).toBe(false);
    await record(store, before);
    expect((await check(BUNKYO, testChange(before, 'name-change'))).ok).toBe(true);
    expect((await check(CHIYODA, testChange(before, 'name-change', { lgCode: CHIYODA }))).ok).toBe(false);
    const moveIn = testChange(before, 'move-in', { lgCode: MATSUBARA });
    expect((await check(MATSUBARA, moveIn)).ok).toBe(true);
    await record(store, moveIn);
    expect((await check(BUNKYO, testChange(before, 'move-out'))).ok).toBe(true);
    expect((await check(CHIYODA, testChange(before, 'move-out', { lgCode: CHIYODA }))).ok).toBe(false);

    const newCode = testResidentCode(9);
    const codeChange = testChange({ ...moveIn, residentCode: newCode }, 'code-change');
    expect((await check(MATSUBARA, codeChange, before.residentCode)).ok).toBe(true);
    const elsewhere = testChange({ ...before, residentCode: newCode }, 'code-change');
    expect((await check(BUNKYO, elsewhere, before.residentCode)).ok).toBe(false);
  });

  it('consistencyDigest() is equal for equal sets and differingCodes() names each code that differs', async () => {
    const a = await openFresh();
    const b = await openFresh();
    const infos = [11, 12, 13].map((n) => testIdentityInfo(testResidentCode(n)));
    for (const info of infos) await record(a, info);
    for (const info of [...infos].reverse()) await record(b, info);
    const equalA = await consistencyDigest(a.db, BUNKYO);
    expect(equalA).toEqual(await consistencyDigest(b.db, BUNKYO));
    expect(equalA.count).toBe(3);
    expect(equalA.entries.map(([code]) => code)).toEqual(infos.map((info) => info.residentCode));

    await record(b, testChange(infos[1]!, 'name-change', { name: '山田 三郎' }));
    await record(b, testIdentityInfo(testResidentCode(14)));
    await record(a, testChange(infos[2]!, 'move-out'));
    const da = await consistencyDigest(a.db, BUNKYO);
    const db = await consistencyDigest(b.db, BUNKYO);
    expect(da.digest).not.toBe(db.digest);
    expect(differingCodes(da, db)).toEqual(
      [infos[1]!, infos[2]!].map((info) => info.residentCode).concat([testResidentCode(14)]),
    );
  });

  it('any arrival order of two municipalities’ changes for a mover ends with the same projection (fast-check)', async () => {
    const code = testResidentCode(20);
    const base = testIdentityInfo(code);
    // What 文京区 sends (ending in its move-out) and what 松原市 sends (starting with the move-in), each in its order.
    const fromBunkyo = [testChange(base, 'name-change', { name: '山田 一郎' }), testChange(base, 'move-out')];
    const fromMatsubara = [
      testChange(base, 'move-in', { lgCode: MATSUBARA }),
      testChange(base, 'move-within', { lgCode: MATSUBARA, address: '大阪府松原市上田一丁目1番' }),
    ];
    const interleavings = fc.shuffledSubarray([0, 0, 1, 1], { minLength: 4, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(interleavings, async (order) => {
        const store = await openFresh();
        await record(store, base);
        const queues = [[...fromBunkyo], [...fromMatsubara]];
        for (const which of order) await record(store, queues[which]!.shift()!);
        const current = await currentIdentity(store.db, code);
        expect(current?.info).toEqual(fromMatsubara[1]);
        expect((await identityHistory(store.db, code)).length).toBe(5);
        await store.close();
      }),
      { seed: 42, numRuns: 6 },
    );
  });
});
