// 届出 entered and confirmed at a municipal terminal travel the real network: national, 東京都 and 文京区, each started
// by the runtime with its own database, keys and mTLS port. A clerk enters every identity-changing 届出 and an
// examiner confirms it (another examiner confirms the 職権 acts), over the terminal's HTTPS API; each reaches the
// national server as an identity change with its 異動事由. A 世帯 change sends nothing.

import { expect, it } from 'vitest';
import { generateResidentCode, type ResidentCode } from '../../src/domain/index.js';
import type { NodeId } from '../../src/domain/node-id.js';
import { identityHistory } from '../../src/servers/common/identity-history.js';
import {
  connectNodeTerminal,
  logInOperators,
} from '../../src/servers/common/terminal-api/testing/terminal-client.js';
import { municipalityModule, type MunicipalityModule } from '../../src/servers/municipality/index.js';
import { nationalModule } from '../../src/servers/national/index.js';
import { prefectureModule } from '../../src/servers/prefecture/index.js';
import { describeEachEngine } from '../support/engines.js';
import { testNetworks } from '../support/network.js';
import { waitUntil } from '../support/wait.js';
import { enterAndConfirm } from '../../src/servers/municipality/testing/notifications.js';

const NATIONAL = 'national' as NodeId;
const TOKYO = 'pref-13' as NodeId;
const BUNKYO = 'muni-131059' as NodeId;
const ADDRESS = '東京都文京区本郷二丁目2番2号';
const network = testNetworks();

describeEachEngine('届出 over the network', ({ createLocation }) => {
  it('every identity-changing 届出 confirmed at the terminal reaches the national server with its 異動事由', async () => {
    const { layout, start } = await network([NATIONAL, TOKYO, BUNKYO], { database: createLocation });
    const national = await start(NATIONAL, nationalModule);
    await start(TOKYO, (context) => prefectureModule(context, { lowWater: 10, blockSize: 50 }));
    const bunkyo = await start<MunicipalityModule>(BUNKYO, (context) =>
      municipalityModule(context, { lowWater: 5, blockSize: 20 }),
    );

    // The operators, enrolled as the CLI and 操作者管理 would, log in over the terminal's HTTPS port.
    const terminal = await connectNodeTerminal(bunkyo, await layout.configOf(BUNKYO));
    const browsers = await logInOperators(terminal, [
      { loginName: 'madoguchi', displayName: '窓口 太郎', role: 'counter-clerk' },
      { loginName: 'shinsa', displayName: '審査 次郎', role: 'examiner' },
      { loginName: 'shinsa2', displayName: '審査 三郎', role: 'examiner' },
    ]);
    const clerk = browsers.get('madoguchi')!;
    const examiner = browsers.get('shinsa')!;
    const examiner2 = browsers.get('shinsa2')!;
    const notice = (input: Record<string, unknown>) => enterAndConfirm(clerk, examiner, input);
    const official = (input: Record<string, unknown>) => enterAndConfirm(examiner, examiner2, input);

    const head = (
      await official({
        kind: 'official-entry',
        request: {
          name: '本郷 一郎',
          nameKana: 'ホンゴウ イチロウ',
          birthDate: '1983-02-01',
          sex: 'male',
          address: ADDRESS,
          household: { create: 'h-hongo' },
        },
      })
    ).results[0]!;
    const child = (
      await notice({
        kind: 'birth',
        request: {
          name: '本郷 四郎',
          nameKana: 'ホンゴウ シロウ',
          birthDate: '2020-03-25',
          sex: 'male',
          address: ADDRESS,
          household: { join: 'h-hongo' },
          relationship: '子',
        },
      })
    ).results[0]!;
    const abroad = (
      await notice({
        kind: 'entry-from-abroad',
        request: {
          name: '春日 明',
          nameKana: 'カスガ アキラ',
          birthDate: '1990-05-05',
          sex: 'male',
          address: '東京都文京区春日一丁目1番1号',
        },
      })
    ).results[0]!;
    const movedIn = (
      await notice({
        kind: 'move-in',
        request: {
          name: '小石川 涼',
          nameKana: 'コイシカワ リョウ',
          birthDate: '1992-07-07',
          sex: 'female',
          address: '東京都文京区小石川一丁目1番1号',
          residentCode: generateResidentCode(),
          previousAddress: '大阪府松原市阿保一丁目1番1号',
        },
      })
    ).results[0]!;
    await notice({
      kind: 'move-within',
      residentId: abroad.id,
      request: { address: '東京都文京区春日二丁目2番2号' },
    });
    await notice({
      kind: 'name-change',
      residentId: movedIn.id,
      request: { name: '白山 涼', nameKana: 'ハクサン リョウ' },
    });
    const newCode = (await notice({ kind: 'code-change', residentId: movedIn.id, request: {} })).results[0]!
      .residentCode;
    await official({
      kind: 'official-correction',
      residentId: head.id,
      request: { corrections: { name: '本郷 壱郎' } },
    });
    // A 世帯 change that touches no 本人確認情報: nothing travels for it.
    await notice({
      kind: 'household-split',
      householdId: 'h-hongo',
      request: { members: [child.id], householdId: 'h-child' },
    });
    await notice({
      kind: 'move-out',
      residentId: abroad.id,
      request: { destination: '大阪府松原市阿保一丁目1番1号' },
    });
    await notice({ kind: 'death', residentId: movedIn.id, request: {} });
    await official({
      kind: 'official-deletion',
      residentId: child.id,
      request: { ground: '実態調査により居住の事実なし' },
    });

    const db = national.context.store.db;
    const reasonsOf = async (code: string): Promise<string[]> =>
      (await identityHistory(db, code as ResidentCode)).map((version) => version.reason);
    const expected: [string, string[]][] = [
      [head.residentCode, ['official-entry', 'official-correction']],
      [child.residentCode, ['birth', 'official-deletion']],
      [abroad.residentCode, ['entry-from-abroad', 'move-within', 'move-out']],
      [newCode, ['code-change', 'death']],
    ];
    await waitUntil('every change reaches the national server', async () => {
      for (const [code, reasons] of expected) {
        if ((await reasonsOf(code)).length < reasons.length) return false;
      }
      return (await reasonsOf(movedIn.residentCode)).length >= 2;
    });
    for (const [code, reasons] of expected) expect(await reasonsOf(code), code).toEqual(reasons);
    expect((await reasonsOf(movedIn.residentCode)).slice(0, 2)).toEqual(['move-in', 'name-change']);
    const nationwide = await identityHistory(db, head.residentCode as ResidentCode);
    expect(nationwide.map((version) => [version.info.name, version.origin])).toEqual([
      ['本郷 一郎', BUNKYO],
      ['本郷 壱郎', BUNKYO],
    ]);
  });
});
