// The wide-area copy (住民票の写しの広域交付) over the real network, inside the common operating hours: a household
// registered at 文京区 with 本籍; 鳥取市's clerk, with the requester's photo ID, asks for a copy of the household.
// 鳥取市 asks the national server where the person is registered (it answers the LG code alone), asks 文京区's CS over
// mTLS, and answers a PDF certified by 鳥取市 without 本籍・筆頭者, charging 鳥取市's own fee. Every table of pref-13,
// pref-31 and the national server is scanned before and after: the copy left nothing there. 千代田区, which does not
// take part, is refused with JUKI_ERR_WIDE_AREA_NOT_PARTICIPATING and 鳥取市 records nothing for it.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { generateResidentCode, type ResidentCode } from '../../src/domain/index.js';
import type { NodeId } from '../../src/domain/node-id.js';
import { WIDE_AREA_LOCATE_PATH } from '../../src/protocol/messages/wide-area-copy.js';
import { currentIdentity } from '../../src/servers/common/identity-history.js';
import {
  errorCodeOf,
  type TestAnswer,
} from '../../src/servers/common/terminal-api/testing/terminal-client.js';
import {
  listWideAreaAnswers,
  municipalityOptionsOf,
  type ResidentRecord,
  type WideAreaCopyView,
} from '../../src/servers/municipality/index.js';
import type { Store } from '../../src/store/index.js';
import { startCardNetwork } from '../support/card-network.js';
import { createRunningClock, nextWindowMorning } from '../support/clock.js';
import { describeEachEngine } from '../support/engines.js';
import { testNetworks } from '../support/network.js';
import { waitUntil } from '../support/wait.js';

const run = promisify(execFile);

const NATIONAL = 'national' as NodeId;
const TOKYO = 'pref-13' as NodeId;
const TOTTORI_PREF = 'pref-31' as NodeId;
const BUNKYO = 'muni-131059' as NodeId;
const CHIYODA = 'muni-131016' as NodeId;
const TOTTORI = 'muni-312011' as NodeId;
const ADDRESS = '東京都文京区本郷二丁目2番2号';
const PREVIOUS_ADDRESS = '大阪府松原市阿保一丁目1番1号';
const DOMICILE = { place: '北海道札幌市中央区北一条西二丁目1番地', head: '本郷 一郎' };
const TOTTORI_CERTIFIER = '因幡 一郎';
const TOTTORI_FEE = 350;
const PHOTO_ID = { method: 'photo-id', documentType: 'passport', documentNumber: 'TK1234567' };
const network = testNetworks();

async function pdfText(answer: TestAnswer): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'jukinet-wide-area-e2e-'));
  try {
    const path = join(directory, 'copy.pdf');
    await writeFile(path, answer.bytes);
    return (await run('pdftotext', ['-layout', '-enc', 'UTF-8', path, '-'])).stdout;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Every row of every table of a store, as the text of its text columns, by table (listed by the store itself). */
async function textRows(store: Store): Promise<Map<string, string[]>> {
  const tables = await store.db.introspection.getTables();
  const rows = new Map<string, string[]>();
  for (const table of tables) {
    const columns = table.columns
      .filter((column) => /char|text|json/i.test(column.dataType))
      .map((column) => column.name);
    if (columns.length === 0) continue;
    // The introspected names are not in the Database type: read them as any table.
    const found = (await store.db
      .selectFrom(table.name as 'meta')
      .select(columns as 'key'[])
      .execute()) as Record<string, string | null>[];
    rows.set(
      table.name,
      found.map((row) => columns.map((column) => row[column] ?? '').join('\u0000')),
    );
  }
  return rows;
}

/** The rows of `after` that hold one of `needles` and were not in `before` (the same row, same text). */
function newRowsHolding(
  before: Map<string, string[]>,
  after: Map<string, string[]>,
  needles: readonly string[],
): string[] {
  const found: string[] = [];
  for (const [table, rows] of after) {
    const earlier = new Set(before.get(table) ?? []);
    for (const row of rows) {
      const held = needles.filter((needle) => row.includes(needle));
      if (held.length > 0 && !earlier.has(row)) found.push(`${table}: ${held.join(', ')}`);
    }
  }
  return found;
}

/** Where in a store's tables any of `needles` occurs at all. */
function rowsHolding(rows: Map<string, string[]>, needles: readonly string[]): string[] {
  return [...rows].flatMap(([table, texts]) =>
    texts.flatMap((text) => needles.filter((needle) => text.includes(needle)).map((n) => `${table}: ${n}`)),
  );
}

describeEachEngine('the wide-area copy over the network', ({ createLocation }) => {
  it('鳥取市 issues 文京区 household’s copy without 本籍, charges its own fee, and no prefecture or national store keeps it', async () => {
    const clock = createRunningClock(nextWindowMorning());
    // Each municipality as its configuration's `municipality` section would set it.
    const settings = {
      [BUNKYO]: { certifierName: '本郷 和子' },
      [CHIYODA]: { wideArea: { participating: false, fee: 300 } },
      [TOTTORI]: { certifierName: TOTTORI_CERTIFIER, wideArea: { participating: true, fee: TOTTORI_FEE } },
    } as const;
    const net = await startCardNetwork(network, [BUNKYO, CHIYODA, TOTTORI], {
      clock,
      database: createLocation,
      municipality: (id) => municipalityOptionsOf({ municipality: settings[id as keyof typeof settings] }),
    });
    const { national } = net;
    const tokyo = net.prefecture(TOKYO);
    const tottoriPref = net.prefecture(TOTTORI_PREF);
    const bunkyo = net.municipality(BUNKYO);
    const chiyoda = net.municipality(CHIYODA);
    const tottori = net.municipality(TOTTORI);

    // A household at 文京区 with 本籍: the head moved in from 松原市, his wife and their son joined.
    const head = await bunkyo.module.register.recordMoveIn({
      name: '本郷 一郎',
      nameKana: 'ホンゴウ イチロウ',
      birthDate: '1983-02-01',
      sex: 'male',
      address: ADDRESS,
      residentCode: generateResidentCode(),
      previousAddress: PREVIOUS_ADDRESS,
      household: { create: 'h-hongo' },
      domicile: DOMICILE,
    });
    const [wife, son] = (await bunkyo.module.register.recordOfficialEntries([
      {
        name: '本郷 花子',
        nameKana: 'ホンゴウ ハナコ',
        birthDate: '1985-06-15',
        sex: 'female',
        address: ADDRESS,
        household: { join: head.householdId },
        relationship: '妻',
        domicile: DOMICILE,
      },
      {
        name: '本郷 三郎',
        nameKana: 'ホンゴウ サブロウ',
        birthDate: '2015-09-09',
        sex: 'male',
        address: ADDRESS,
        household: { join: head.householdId },
        relationship: '子',
        domicile: DOMICILE,
      },
    ])) as [ResidentRecord, ResidentRecord];
    const chiyodaResident = await chiyoda.module.register.recordOfficialEntry({
      name: '神田 桜',
      nameKana: 'カンダ サクラ',
      birthDate: '1979-03-03',
      sex: 'female',
      address: '東京都千代田区神田一丁目1番1号',
    });
    const codes: ResidentCode[] = [head, wife, son, chiyodaResident].map((record) => record.residentCode);
    await waitUntil('the national server holds the four residents', async () => {
      for (const code of codes) {
        if ((await currentIdentity(national.context.store.db, code)) === undefined) return false;
      }
      return true;
    });

    // The national look-up answers the municipality and nothing else.
    expect(
      await tottori.context.call(NATIONAL, {
        method: 'GET',
        path: WIDE_AREA_LOCATE_PATH.replace(':code', wife.residentCode),
      }),
    ).toEqual({ lgCode: '131059' });
    const locate = (code: string) => ({
      method: 'GET' as const,
      path: WIDE_AREA_LOCATE_PATH.replace(':code', code),
    });
    await expect(tottori.context.call(NATIONAL, locate(generateResidentCode()))).rejects.toMatchObject({
      code: 'JUKI_ERR_IDENTITY_NOT_FOUND',
    });
    await expect(tokyo.context.call(NATIONAL, locate(wife.residentCode))).rejects.toMatchObject({
      code: 'JUKI_ERR_PEER_FORBIDDEN',
    });

    const { clerk } = await net.staffAt(TOTTORI);

    const upstream = { national, tokyo, tottoriPref } as const;
    // The relays settled, so that a row changes below only because of the copy.
    await waitUntil('東京都 has delivered every relay', async () => {
      const pending = await tokyo.context.store.db
        .selectFrom('outbox')
        .select('id')
        .where('delivered_at', 'is', null)
        .execute();
      return pending.length === 0;
    });
    const before = new Map<string, Map<string, string[]>>();
    for (const [name, node] of Object.entries(upstream)) before.set(name, await textRows(node.context.store));

    const answer = await clerk.call('POST', '/api/wide-area/copies', {
      residentCode: wife.residentCode,
      members: 'household',
      requester: PHOTO_ID,
      items: ['relationship'],
    });
    expect(answer.status, answer.bytes.toString()).toBe(200);
    expect(answer.contentType).toContain('application/pdf');
    const text = await pdfText(answer);
    for (const expected of [
      '住民票の写し',
      '世帯全員',
      '本郷 一郎',
      '本郷 花子',
      '本郷 三郎',
      ADDRESS,
      PREVIOUS_ADDRESS,
      '鳥取県鳥取市長',
      TOTTORI_CERTIFIER,
      'この写しは、住民基本台帳法第12条の4の規定により交付したものです。（住所地：東京都文京区）',
    ]) {
      expect(text).toContain(expected);
    }
    for (const absent of ['本籍', '筆頭者', DOMICILE.place, '東京都文京区長', '本郷 和子']) {
      expect(text).not.toContain(absent);
    }

    // 鳥取市 recorded the copy with its own fee; 文京区 logged its answer without the items.
    const listed = await clerk.call('GET', '/api/wide-area/copies');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ count: 1, totalFee: TOTTORI_FEE });
    const [copy] = listed.body['copies'] as WideAreaCopyView[];
    expect(copy).toMatchObject({
      fee: TOTTORI_FEE,
      pages: 1,
      addressLgCode: '131059',
      residentCode: wife.residentCode,
      codesPrinted: [head.residentCode, wife.residentCode, son.residentCode],
      requester: { method: 'photo-id', documentType: 'passport', documentNumber: 'TK1234567' },
      admissionBasis: 'window',
    });
    const answers = await listWideAreaAnswers(bunkyo.context.store.db);
    expect(answers).toMatchObject([
      {
        id: copy!.answerId,
        requestedByNode: TOTTORI,
        codesAnswered: [head.residentCode, wife.residentCode, son.residentCode],
      },
    ]);

    // Nothing of the copy reached a prefecture or the national server: no row there holding its names or addresses
    // is new (their 本人確認情報 was there before, as the law has it), and what only the copy carries (本籍, its
    // ids, 鳥取市's certifier, its certification) is nowhere. 鳥取県 never held 文京区's residents at all.
    const copyStrings = ['本郷 一郎', '本郷 花子', '本郷 三郎', ADDRESS, PREVIOUS_ADDRESS, DOMICILE.place];
    const copyOnly = [copy!.id, copy!.answerId, TOTTORI_CERTIFIER, '住民基本台帳法第12条の4', DOMICILE.place];
    for (const [name, node] of Object.entries(upstream)) {
      const after = await textRows(node.context.store);
      expect(after.size, name).toBeGreaterThan(10);
      if (node !== tottoriPref) expect(rowsHolding(after, ['本郷 花子']), name).not.toEqual([]);
      expect(newRowsHolding(before.get(name)!, after, copyStrings), name).toEqual([]);
      expect(rowsHolding(after, copyOnly), name).toEqual([]);
    }
    expect(rowsHolding(await textRows(tottoriPref.context.store), copyStrings)).toEqual([]);

    // 千代田区 does not take part: refused, and 鳥取市 records no copy.
    const refused = await clerk.call('POST', '/api/wide-area/copies', {
      residentCode: chiyodaResident.residentCode,
      members: 'self',
      requester: PHOTO_ID,
    });
    expect([refused.status, errorCodeOf(refused)]).toEqual([409, 'JUKI_ERR_WIDE_AREA_NOT_PARTICIPATING']);
    const copies = await tottori.context.store.db.selectFrom('wide_area_copy').select('id').execute();
    expect(copies.map((row) => row.id)).toEqual([copy!.id]);
    expect(await listWideAreaAnswers(chiyoda.context.store.db)).toEqual([]);
  });
});
