// The municipal register's changes travel the real network: national, a prefecture and two municipalities, each
// started by the runtime with its own database, keys and mTLS port. A birth at 文京区 reaches the prefecture's inbox
// and history and the national server; a move to 松原市 keeps the code and reaches both prefectures.

import { expect, it } from 'vitest';
import type { NodeId } from '../../src/domain/node-id.js';
import { identityHistory } from '../../src/servers/common/identity-history.js';
import { municipalityModule, type MunicipalityModule } from '../../src/servers/municipality/index.js';
import { nationalModule } from '../../src/servers/national/index.js';
import { prefectureModule } from '../../src/servers/prefecture/index.js';
import type { Store } from '../../src/store/index.js';
import { describeEachEngine } from '../support/engines.js';
import { testNetworks } from '../support/network.js';
import { waitUntil } from '../support/wait.js';

const NATIONAL = 'national' as NodeId;
const TOKYO = 'pref-13' as NodeId;
const OSAKA = 'pref-27' as NodeId;
const BUNKYO = 'muni-131059' as NodeId;
const MATSUBARA = 'muni-272175' as NodeId;
const network = testNetworks();

async function inboxTypes(store: Store, from: NodeId): Promise<string[]> {
  const rows = await store.db
    .selectFrom('inbox')
    .select('type')
    .where('from_node', '=', from)
    .orderBy('seq')
    .execute();
  return rows.map((row) => row.type);
}

describeEachEngine('municipal changes over the network', ({ createLocation }) => {
  it('a birth reaches the prefecture and the national server; a move keeps the code across prefectures', async () => {
    const { start } = await network([NATIONAL, TOKYO, OSAKA, BUNKYO, MATSUBARA], {
      database: createLocation,
    });
    const national = await start(NATIONAL, nationalModule);
    const tokyo = await start(TOKYO, (context) => prefectureModule(context, { lowWater: 10, blockSize: 50 }));
    const osaka = await start(OSAKA, (context) => prefectureModule(context, { lowWater: 10, blockSize: 50 }));
    const bunkyo = await start<MunicipalityModule>(BUNKYO, (context) =>
      municipalityModule(context, { lowWater: 5, blockSize: 10 }),
    );
    const matsubara = await start<MunicipalityModule>(MATSUBARA, (context) =>
      municipalityModule(context, { lowWater: 5, blockSize: 10 }),
    );

    const born = await bunkyo.module.register.recordBirth({
      name: '文京 太郎',
      nameKana: 'ブンキョウ タロウ',
      birthDate: '2024-03-20',
      sex: 'male',
      address: '東京都文京区本郷一丁目1番1号',
    });
    const code = born.residentCode;
    await waitUntil('the birth reaches the national server', async () => {
      return (await identityHistory(national.context.store.db, code)).length === 1;
    });
    expect(await inboxTypes(tokyo.context.store, BUNKYO)).toEqual(['identity.changed']);
    const atPrefecture = await identityHistory(tokyo.context.store.db, code);
    expect(atPrefecture.map((version) => [version.reason, version.changeDate, version.origin])).toEqual([
      ['birth', '2024-03-20', BUNKYO],
    ]);
    expect((await identityHistory(national.context.store.db, code))[0]?.info).toEqual(atPrefecture[0]?.info);

    await bunkyo.module.register.recordMoveOut(born.id, { destination: '大阪府松原市阿保一丁目1番1号' });
    const arrived = await matsubara.module.register.recordMoveIn({
      name: '文京 太郎',
      nameKana: 'ブンキョウ タロウ',
      birthDate: '2024-03-20',
      sex: 'male',
      address: '大阪府松原市阿保一丁目1番1号',
      residentCode: code,
      previousAddress: '東京都文京区本郷一丁目1番1号',
    });
    expect(arrived.residentCode).toBe(code);
    await waitUntil('the move reaches the national server', async () => {
      return (await identityHistory(national.context.store.db, code)).length === 3;
    });
    expect((await identityHistory(osaka.context.store.db, code)).map((version) => version.reason)).toEqual([
      'move-in',
    ]);
    expect((await identityHistory(tokyo.context.store.db, code)).map((version) => version.reason)).toEqual([
      'birth',
      'move-out',
    ]);
    const nationwide = await identityHistory(national.context.store.db, code);
    expect(nationwide.map((version) => [version.reason, version.lgCode])).toEqual(
      expect.arrayContaining([
        ['birth', '131059'],
        ['move-out', '131059'],
        ['move-in', '272175'],
      ]),
    );

    // 職権修正 of an identity item and 職権消除 travel with their own reasons; a 世帯主変更 sends nothing.
    const spouse = await matsubara.module.register.recordMoveIn({
      name: '文京 花子',
      nameKana: 'ブンキョウ ハナコ',
      birthDate: '1990-01-01',
      sex: 'female',
      address: '大阪府松原市阿保一丁目1番1号',
      residentCode: '12345678903',
      household: { join: arrived.householdId },
      relationship: '母',
    });
    await matsubara.module.register.recordHouseholdHeadChange(arrived.householdId, {
      newHead: spouse.id,
      relationships: { [arrived.id]: '子' },
    });
    await matsubara.module.register.recordOfficialCorrection(arrived.id, {
      corrections: { name: '文京 太朗' },
    });
    await matsubara.module.register.recordOfficialDeletion(arrived.id, { ground: '居住の事実なし' });
    await waitUntil('the official acts reach the national server', async () => {
      return (await identityHistory(national.context.store.db, code)).length === 5;
    });
    for (const store of [osaka.context.store, national.context.store]) {
      const history = await identityHistory(store.db, code);
      expect(history.slice(-2).map((version) => [version.reason, version.info.name, version.closed])).toEqual(
        [
          ['official-correction', '文京 太朗', false],
          ['official-deletion', '文京 太朗', true],
        ],
      );
    }
  });
});
