// Self-disclosure (本人確認情報開示) over the real network, on both engines (docs/self-disclosure.md): a resident of
// 松原市 with an active card; agencies of the national server and 大阪府's own organ query about this person and about
// others, by code and by the four items, before and after a code change; then the resident shows the card and PIN at
// the national centre's window and at 東京都's window, and each answer lists exactly this person's provisions (not
// others', none missing, the former code's too, and never the other people a four-item search returned). The answer
// document is read back with pdftotext; an unreachable prefecture marks the answer incomplete.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import { registerAgencyInNetwork } from '../../src/cli/agency.js';
import { AgencyCategory, type NodeId } from '../../src/domain/index.js';
import {
  createAgencyClient,
  loadAgencyClientConfig,
  type AgencyClient,
} from '../../src/servers/agency/index.js';
import type { NodeModule, RunningNode } from '../../src/servers/common/index.js';
import type { DisclosureView } from '../../src/servers/common/disclosure/index.js';
import {
  connectNodeTerminal,
  logInOperators,
  type TestBrowser,
} from '../../src/servers/common/terminal-api/testing/terminal-client.js';
import type { ResidentRecord } from '../../src/servers/municipality/index.js';
import { registerAgency } from '../../src/servers/national/index.js';
import { startCardNetwork, type CardNetwork } from '../support/card-network.js';
import { issueActiveCard, okBody, postFrom, presentCard } from '../support/cards.js';
import { describeEachEngine } from '../support/engines.js';
import { testNetworks } from '../support/network.js';
import { waitUntil } from '../support/wait.js';

const MATSUBARA = 'muni-272175' as NodeId;
const CHIYODA = 'muni-131016' as NodeId;
const NATIONAL = 'national' as NodeId;
const OSAKA = 'pref-27' as NodeId;
const TOKYO = 'pref-13' as NodeId;
const PIN = '1357';
const run = promisify(execFile);
const network = testNetworks();
const clients: AgencyClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});

async function pdfText(base64: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'jukinet-disclosure-'));
  try {
    const path = join(directory, 'answer.pdf');
    await writeFile(path, Buffer.from(base64, 'base64'));
    return (await run('/usr/bin/pdftotext', ['-enc', 'UTF-8', path, '-'])).stdout;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Registers an agency in the running node's database and issues its certificate and client configuration. */
async function agencyAt(
  net: CardNetwork,
  node: Pick<RunningNode<NodeModule>, 'context'>,
  input: { slug: string; kind: string; affairs: string[]; name: string; prefecture?: string },
): Promise<AgencyClient> {
  await registerAgency(
    node.context.store,
    { id: `agency-${input.slug}`, kind: input.kind, affairs: input.affairs, name: input.name },
    input.prefecture === undefined ? {} : { categories: [AgencyCategory.localGovernment] },
  );
  const registered = await registerAgencyInNetwork(net.root, input);
  const client = await createAgencyClient(await loadAgencyClientConfig(registered.clientConfigPath));
  clients.push(client);
  return client;
}

/** The window clerk of `id`'s terminal (national or prefectural), logged in. */
async function windowClerk(
  net: CardNetwork,
  node: Pick<RunningNode<NodeModule>, 'terminalUrl' | 'context'>,
  id: NodeId,
): Promise<TestBrowser> {
  const browsers = await logInOperators(await connectNodeTerminal(node, net.configOf(id)), [
    { loginName: 'madoguchi', displayName: '窓口 一子', role: 'counter-clerk' },
  ]);
  return browsers.get('madoguchi')!;
}

async function disclose(clerk: TestBrowser, cardId: string): Promise<DisclosureView> {
  return okBody<DisclosureView>(await postFrom(clerk, '/api/disclosures', { cardId, pin: PIN }));
}

async function heldAtNational(net: CardNetwork, code: string): Promise<boolean> {
  return (
    (await net.national.context.store.db
      .selectFrom('identity_current')
      .select('resident_code')
      .where('resident_code', '=', code)
      .executeTakeFirst()) !== undefined
  );
}

describeEachEngine('self-disclosure at the national and prefectural windows', ({ createLocation }) => {
  it("lists exactly the resident's provisions, across a code change, at both windows", async () => {
    const net = await startCardNetwork(network, [MATSUBARA, CHIYODA], { database: createLocation });
    const matsubara = net.municipality(MATSUBARA);
    const staff = await net.staffAt(MATSUBARA);
    const person = {
      name: '鈴木 花子',
      nameKana: 'スズキ ハナコ',
      birthDate: '1985-03-03',
      sex: 'female',
    } as const;
    const [hanako, taro] = (await matsubara.module.register.recordOfficialEntries([
      { ...person, address: '大阪府松原市阿保一丁目1番1号', household: { create: 'h-suzuki' } },
      {
        name: '山田 太郎',
        nameKana: 'ヤマダ タロウ',
        birthDate: '1980-04-01',
        sex: 'male',
        address: '大阪府松原市阿保二丁目2番2号',
        household: { create: 'h-yamada' },
      },
    ])) as [ResidentRecord, ResidentRecord];
    // A namesake in 千代田区: same name, birth date and sex, so a four-item search without address finds both.
    const [namesake] = (await net
      .municipality(CHIYODA)
      .module.register.recordOfficialEntries([
        { ...person, address: '東京都千代田区永田町一丁目1番1号', household: { create: 'h-namesake' } },
      ])) as [ResidentRecord];
    const oldCode = hanako.residentCode;
    for (const code of [oldCode, taro.residentCode, namesake.residentCode]) {
      await waitUntil(`the national server holds ${code}`, () => heldAtNational(net, code));
    }

    const mhlw = await agencyAt(net, net.national, {
      slug: 'mhlw',
      kind: 'mhlw',
      affairs: ['mhlw-unemployment-benefit'],
      name: '厚生労働省職業安定局',
    });
    const mlit = await agencyAt(net, net.national, {
      slug: 'mlit',
      kind: 'mlit',
      affairs: ['mlit-construction-permit'],
      name: '国土交通省不動産・建設経済局',
    });
    const governor = await agencyAt(net, net.prefecture(OSAKA), {
      slug: 'osaka-governor',
      kind: 'governor',
      affairs: ['governor-child-rearing-allowance'],
      name: '大阪府知事',
      prefecture: '27',
    });

    // Before the code change: by code at the national server and at 大阪府, and about someone else.
    const byOldCode = await mhlw.byCode({ affair: 'mhlw-unemployment-benefit', residentCode: oldCode });
    const atOsaka = await governor.byCode({
      affair: 'governor-child-rearing-allowance',
      residentCode: oldCode,
    });
    expect(atOsaka.count).toBe(1);
    const aboutTaro = await mhlw.byCode({
      affair: 'mhlw-unemployment-benefit',
      residentCode: taro.residentCode,
    });
    expect(aboutTaro.count).toBe(1);

    // 住民票コード変更 at 松原市: the former code's provisions must still be disclosed.
    const changed = await matsubara.module.register.requestCodeChange(hanako.id);
    const newCode = changed.residentCode;
    expect(newCode).not.toBe(oldCode);
    await waitUntil('the national server holds the new code', () => heldAtNational(net, newCode));

    // After it: by the four items (which also finds the namesake), by the new code, and about Taro by four items.
    const fourItems = await mlit.search({
      affair: 'mlit-construction-permit',
      name: '鈴木花子',
      birthDate: '1985-03-03',
      sex: 'female',
    });
    // Closed records are found too: the former code's (closed by the code change) as well as the new one.
    expect([...fourItems.results.map((result) => result.residentCode)].sort()).toEqual(
      [oldCode, newCode, namesake.residentCode].sort(),
    );
    const byNewCode = await mhlw.byCode({ affair: 'mhlw-unemployment-benefit', residentCode: newCode });
    await mlit.search({
      affair: 'mlit-construction-permit',
      name: '山田太郎',
      birthDate: '1980-04-01',
      sex: 'male',
    });
    const expected = [
      [NATIONAL, byOldCode.provisionId, [oldCode]],
      [OSAKA, atOsaka.provisionId, [oldCode]],
      [NATIONAL, fourItems.provisionId, [oldCode, newCode].sort()],
      [NATIONAL, byNewCode.provisionId, [newCode]],
    ];

    // The card, issued after the code change, carries the new code.
    const card = await issueActiveCard(matsubara, staff, hanako.id, PIN);
    const cardId = card.cardId!;
    const atNationalReader = await presentCard(
      matsubara.module.cardIssuer!.cardPath(cardId),
      net.readerOf(NATIONAL),
    );

    const nationalClerk = await windowClerk(net, net.national, NATIONAL);
    const reader = okBody<{ cards: { cardId: string; state: string }[] }>(
      await nationalClerk.call('GET', '/api/disclosure/reader'),
    );
    expect(reader.cards).toEqual([expect.objectContaining({ cardId, state: 'active' })]);
    const atNational = await disclose(nationalClerk, cardId);
    const shown = (view: DisclosureView) =>
      view.disclosure.provisions.map((provision) => [
        provision.provider,
        provision.id,
        provision.residentCodes,
      ]);
    expect(shown(atNational)).toEqual(expected);
    expect(atNational.disclosure).toMatchObject({
      window: { node: NATIONAL, body: '地方公共団体情報システム機構' },
      identity: { residentCode: newCode, name: '鈴木 花子', birthDate: '1985-03-03' },
      formerResidentCodes: [oldCode],
      complete: true,
    });
    expect(atNational.disclosure.sources).toEqual([
      { node: NATIONAL, name: '地方公共団体情報システム機構', state: 'answered', count: 3 },
      { node: OSAKA, name: '大阪府', state: 'answered', count: 1 },
    ]);
    expect(atNational.disclosure.provisions[0]).toMatchObject({
      agency: { id: 'agency-mhlw', name: '厚生労働省職業安定局' },
      affair: {
        id: 'mhlw-unemployment-benefit',
        name: '基本手当の支給に関する事務',
        law: '雇用保険法',
        article: '第13条',
      },
      method: 'online',
      query: 'code',
      asOf: null,
    });
    expect(atNational.disclosure.provisions[2]).toMatchObject({
      agency: { id: 'agency-mlit' },
      query: 'four-items',
    });

    // The answer document, as the resident takes it home.
    const text = await pdfText(atNational.document.base64);
    for (const expectedText of [
      '本人確認情報開示回答書',
      '地方公共団体情報システム機構',
      '鈴木 花子',
      newCode,
      oldCode,
      '昭和60年3月3日',
      '令和',
      '厚生労働省職業安定局',
      '基本手当の支給に関する事務（雇用保険法第13条）',
      '国土交通省不動産・建設経済局',
      '大阪府知事',
      '児童扶養手当の支給に関する事務（児童扶養手当法第6条）',
      '回答あり（3件）',
    ]) {
      expect(text).toContain(expectedText);
    }
    expect(text).not.toContain(namesake.residentCode);
    expect(text).not.toContain(taro.residentCode);
    expect(text).not.toContain('山田');

    // The same at 東京都's window, which asks the national server and 大阪府 over mTLS.
    await presentCard(atNationalReader, net.readerOf(TOKYO));
    const tokyoClerk = await windowClerk(net, net.prefecture(TOKYO), TOKYO);
    const atTokyo = await disclose(tokyoClerk, cardId);
    expect(shown(atTokyo)).toEqual(expected);
    expect(atTokyo.disclosure).toMatchObject({
      window: { node: TOKYO, body: '東京都' },
      identity: { residentCode: newCode },
      formerResidentCodes: [oldCode],
      complete: true,
    });
    expect(atTokyo.disclosure.sources.map((source) => [source.node, source.state, source.count])).toEqual([
      [NATIONAL, 'answered', 3],
      [TOKYO, 'answered', 0],
      [OSAKA, 'answered', 1],
    ]);
    expect(await pdfText(atTokyo.document.base64)).toContain('東京都');

    // Each disclosure is recorded at its window, and each part answered at the node that answered it.
    const logOf = (node: Pick<RunningNode<NodeModule>, 'context'>) =>
      node.context.store.db
        .selectFrom('disclosure_log')
        .select(['kind', 'disclosure_id', 'requested_by', 'resident_codes', 'complete'])
        .orderBy('at')
        .execute();
    const nationalLog = await logOf(net.national);
    expect(nationalLog.map((row) => [row.kind, row.disclosure_id, row.requested_by])).toEqual([
      ['window', atNational.disclosure.id, expect.any(String)],
      ['peer', atTokyo.disclosure.id, TOKYO],
    ]);
    expect(JSON.parse(nationalLog[0]!.resident_codes)).toEqual([newCode, oldCode]);
    expect((await logOf(net.prefecture(OSAKA))).map((row) => [row.kind, row.requested_by])).toEqual([
      ['peer', NATIONAL],
      ['peer', TOKYO],
    ]);
    const operations = await net.national.context.store.db
      .selectFrom('operation_log')
      .select(['function', 'access', 'outcome', 'records'])
      .where('function', '=', 'self-disclosure')
      .where('access', '=', 'execute')
      .execute();
    expect(operations).toHaveLength(1);
    expect(JSON.parse(operations[0]!.records)).toEqual(expect.arrayContaining([cardId, newCode, oldCode]));
  });

  it('marks the answer incomplete when a prefecture of the history does not answer', async () => {
    const net = await startCardNetwork(network, [MATSUBARA, CHIYODA], { database: createLocation });
    const matsubara = net.municipality(MATSUBARA);
    const staff = await net.staffAt(MATSUBARA);
    const [hanako] = (await matsubara.module.register.recordOfficialEntries([
      {
        name: '鈴木 花子',
        birthDate: '1985-03-03',
        sex: 'female',
        address: '大阪府松原市阿保一丁目1番1号',
        household: { create: 'h-suzuki' },
      },
    ])) as [ResidentRecord];
    await waitUntil('the national server holds the resident', () => heldAtNational(net, hanako.residentCode));
    const card = await issueActiveCard(matsubara, staff, hanako.id, PIN);
    await presentCard(matsubara.module.cardIssuer!.cardPath(card.cardId!), net.readerOf(NATIONAL));
    const clerk = await windowClerk(net, net.national, NATIONAL);
    // 大阪府's server is down: its part cannot be read, and the answer says so.
    await net.prefecture(OSAKA).stop();
    const view = await disclose(clerk, card.cardId!);
    expect(view.disclosure.complete).toBe(false);
    expect(view.disclosure.sources).toEqual([
      { node: NATIONAL, name: '地方公共団体情報システム機構', state: 'answered', count: 0 },
      expect.objectContaining({ node: OSAKA, name: '大阪府', state: 'unavailable', count: 0 }),
    ]);
    const text = await pdfText(view.document.base64);
    expect(text).toContain('回答なし');
    expect(text).toContain('この回答に含まれない提供の記録があり得ます');
  });
});
