// The one-visit move (転入転出の特例, 住基法第24条の2) over the real network: residents of 文京区 with active cards file
// the 付記転出届 (one at the clerk's counter, one online with the card and PIN), move to 鳥取市, where the card is
// confirmed with the PIN, the 転出証明書情報 fetched from 文京区 over mTLS and the move-in recorded and confirmed; the
// 転入通知 closes 文京区's records (除票), the national server holds the people at 鳥取市 with the same codes, and every
// copy agrees (the consistency check). Refused: 千代田区, which no notice names, asking for the information, and
// 鳥取市 asking after the 30-day limit (文京区's clock moved on).

import { expect, it } from 'vitest';
import {
  addDays,
  japanDateOf,
  type LocalGovernmentCode,
  type NodeId,
  type ResidentCode,
} from '../../src/domain/index.js';
import { SPECIAL_MOVE_OUT_INFO_PATH } from '../../src/protocol/index.js';
import type { Clock } from '../../src/shared/clock.js';
import { isJukinetError } from '../../src/shared/errors.js';
import {
  consistencyDigest,
  currentIdentity,
  identityHistory,
  type ConsistencyDigest,
} from '../../src/servers/common/identity-history.js';
import {
  connectNodeTerminal,
  errorCodeOf,
} from '../../src/servers/common/terminal-api/testing/terminal-client.js';
import {
  listSpecialMoveEvents,
  type CardApplicationView,
  type IdentityConfirmationView,
  type NotificationView,
  type OutInfoView,
  type ResidentRecord,
} from '../../src/servers/municipality/index.js';
import { enterAndConfirm } from '../../src/servers/municipality/testing/notifications.js';
import { startCardNetwork } from '../support/card-network.js';
import { issueActiveCard, okBody, postFrom, presentCard } from '../support/cards.js';
import { createRunningClock, nextWindowMorning } from '../support/clock.js';
import { testNetworks } from '../support/network.js';
import { waitUntil } from '../support/wait.js';

const TOKYO = 'pref-13' as NodeId;
const TOTTORI_PREF = 'pref-31' as NodeId;
const BUNKYO = 'muni-131059' as NodeId;
const CHIYODA = 'muni-131016' as NodeId;
const TOTTORI = 'muni-312011' as NodeId;
const HONGO = '東京都文京区本郷二丁目2番2号';
const KASUGA = '東京都文京区春日一丁目1番1号';
const NEW_HOME = '鳥取県鳥取市東町一丁目220番地';
const network = testNetworks();

it('a 文京区 household moves to 鳥取市 with one visit; 文京区 closes the records on the 転入通知', async () => {
  const clock = createRunningClock(nextWindowMorning());
  // 文京区's module keeps its own clock, on the network's until the end, when it moves past the 30-day limit.
  let bunkyoAhead = 0;
  const bunkyoClock: Clock = { now: () => new Date(clock.now().getTime() + bunkyoAhead) };
  const net = await startCardNetwork(network, [BUNKYO, CHIYODA, TOTTORI], {
    clock,
    municipality: (id) => (id === BUNKYO ? { clock: bunkyoClock } : {}),
  });
  const { national } = net;
  const tokyo = net.prefecture(TOKYO);
  const tottoriPrefecture = net.prefecture(TOTTORI_PREF);
  const bunkyo = net.municipality(BUNKYO);
  const chiyoda = net.municipality(CHIYODA);
  const tottori = net.municipality(TOTTORI);
  const bunkyoStaff = await net.staffAt(BUNKYO);
  const tottoriStaff = await net.staffAt(TOTTORI);
  const today = japanDateOf(clock.now());

  // 本郷 一郎 and his wife, and 春日 明 on his own, residents of 文京区 known to the national server.
  const [ichiro, hanako, akira] = (await bunkyo.module.register.recordOfficialEntries([
    {
      name: '本郷 一郎',
      nameKana: 'ホンゴウ イチロウ',
      birthDate: '1983-02-01',
      sex: 'male',
      address: HONGO,
      household: { create: 'h-hongo' },
      domicile: { place: '東京都文京区本郷二丁目2番', head: '本郷 一郎' },
      benefits: { nationalHealthInsurance: { since: '2010-04-01', number: '13-0001' } },
    },
    {
      name: '本郷 花子',
      nameKana: 'ホンゴウ ハナコ',
      birthDate: '1985-06-15',
      sex: 'female',
      address: HONGO,
      household: { join: 'h-hongo' },
      relationship: '妻',
      domicile: { place: '東京都文京区本郷二丁目2番', head: '本郷 一郎' },
    },
    {
      name: '春日 明',
      nameKana: 'カスガ アキラ',
      birthDate: '1990-05-05',
      sex: 'male',
      address: KASUGA,
      household: { create: 'h-kasuga' },
    },
  ])) as [ResidentRecord, ResidentRecord, ResidentRecord];
  const nationalLgCodeOf = async (code: ResidentCode) =>
    (await currentIdentity(national.context.store.db, code))?.lgCode;
  await waitUntil('the national server holds the residents of 文京区', async () => {
    for (const person of [ichiro, hanako, akira]) {
      if ((await nationalLgCodeOf(person.residentCode)) !== '131059') return false;
    }
    return true;
  });
  const ichiroCard = (await issueActiveCard(bunkyo, bunkyoStaff, ichiro.id, '2468')).cardId!;
  const akiraCard = (await issueActiveCard(bunkyo, bunkyoStaff, akira.id, '1357')).cardId!;

  // 付記転出届 mailed to 文京区: the clerk enters it, the examiner confirms it; the records show the planned move-out.
  const mailed = await enterAndConfirm(bunkyoStaff.clerk, bunkyoStaff.examiner, {
    kind: 'special-move-out',
    residentId: ichiro.id,
    request: {
      plannedDate: today,
      destination: { lgCode: '312011', address: NEW_HOME },
      members: [hanako.id],
    },
  });
  expect(mailed.results.map((result) => [result.residentCode, result.closed])).toEqual([
    [ichiro.residentCode, false],
    [hanako.residentCode, false],
  ]);
  expect((await bunkyo.module.register.getResident(hanako.id))?.plannedMoveOut).toMatchObject({
    destination: { lgCode: '312011', address: NEW_HOME },
    plannedDate: today,
  });

  // 付記転出届 online: no operator's login, the card and its PIN; entered pending, confirmed by an examiner.
  const resident = (await connectNodeTerminal(bunkyo, await net.layout.configOf(BUNKYO))).browser();
  const online = (pin: string) =>
    postFrom(resident, '/api/residents/special-move-out', {
      cardId: akiraCard,
      pin,
      plannedDate: today,
      destination: { lgCode: '312011', address: '鳥取県鳥取市栄町100番地' },
    });
  const wrongPin = await online('0000');
  expect([wrongPin.status, errorCodeOf(wrongPin)]).toEqual([403, 'JUKI_ERR_CARD_PIN_WRONG']);
  const filed = await online('1357');
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  const pendingOnline = filed.body['notification'] as NotificationView;
  expect(pendingOnline).toMatchObject({
    kind: 'special-move-out',
    status: 'pending',
    enteredBy: { id: 'resident-online', displayName: '住民（オンライン申請）' },
    subject: { residentCode: akira.residentCode },
  });
  const confirmedOnline = await postFrom(
    bunkyoStaff.examiner,
    `/api/notifications/${pendingOnline.id}/confirm`,
  );
  expect(confirmedOnline.status, JSON.stringify(confirmedOnline.body)).toBe(200);

  // 千代田区, which no notice names, asks 文京区 over mTLS and is refused.
  const fromChiyoda = await chiyoda.context
    .call(BUNKYO, {
      method: 'POST',
      path: SPECIAL_MOVE_OUT_INFO_PATH,
      body: { residentCode: ichiro.residentCode },
    })
    .catch((error: unknown) => error);
  expect(isJukinetError(fromChiyoda, 'JUKI_ERR_SPECIAL_MOVE_NOT_FOUND')).toBe(true);

  // At 鳥取市: the card presented and confirmed with the PIN; the 転出証明書情報 fetched from 文京区.
  await presentCard(bunkyo.module.cardIssuer!.cardPath(ichiroCard), net.readerOf(TOTTORI));
  const confirmed = okBody<IdentityConfirmationView>(
    await postFrom(tottoriStaff.clerk, '/api/cards/confirm', { cardId: ichiroCard, pin: '2468' }),
  );
  const { outInfo } = okBody<{ outInfo: OutInfoView }>(
    await postFrom(tottoriStaff.clerk, '/api/special-move/out-info', {
      confirmationId: confirmed.confirmation.id,
    }),
  );
  expect(outInfo).toMatchObject({
    sourceLgCode: '131059',
    address: HONGO,
    householdHead: '本郷 一郎',
    destination: { lgCode: '312011', address: NEW_HOME },
    plannedDate: today,
    limitDate: addDays(today, 30),
  });
  expect(outInfo.persons.map((person) => [person.residentCode, person.name, person.relationship])).toEqual([
    [ichiro.residentCode, '本郷 一郎', '世帯主'],
    [hanako.residentCode, '本郷 花子', '妻'],
  ]);
  expect(outInfo.persons[0]).toMatchObject({
    domicile: { place: '東京都文京区本郷二丁目2番', head: '本郷 一郎' },
    benefits: { nationalHealthInsurance: { since: '2010-04-01', number: '13-0001' } },
  });

  // The move-in, from the 転出証明書情報: the same codes, a household at 鳥取市.
  const movedIn = await enterAndConfirm(tottoriStaff.clerk, tottoriStaff.examiner, {
    kind: 'special-move-in',
    request: { outInfoId: outInfo.id, address: NEW_HOME },
  });
  expect(movedIn.late).toBe(false);
  expect(movedIn.results.map((result) => [result.residentCode, result.relationship, result.address])).toEqual(
    [
      [ichiro.residentCode, '世帯主', NEW_HOME],
      [hanako.residentCode, '妻', NEW_HOME],
    ],
  );

  // The 転入通知 reaches 文京区, which closes both records (除票) with the move date and 鳥取市's address.
  await waitUntil('the 転入通知 closes the records at 文京区', async () => {
    for (const person of [ichiro, hanako]) {
      if ((await bunkyo.module.register.getResident(person.id))?.closed !== true) return false;
    }
    return true;
  });
  for (const person of [ichiro, hanako]) {
    expect(await bunkyo.module.register.getResident(person.id)).toMatchObject({
      closed: true,
      closure: { reason: 'move-out', date: today, destination: NEW_HOME },
    });
  }
  const inbox = await bunkyo.context.store.db
    .selectFrom('inbox')
    .select('type')
    .where('from_node', '=', TOTTORI)
    .execute();
  expect(inbox.map((row) => row.type)).toEqual(['special-move.moved-in']);
  expect(
    (await listSpecialMoveEvents(bunkyo.context.store.db, { noticeId: outInfo.noticeId })).map(
      (event) => event.kind,
    ),
  ).toEqual(['out-info-answered', 'moved-in-applied']);

  // The national server holds both at 鳥取市 with the same codes: 転入 from 鳥取市, 転出 from 文京区.
  await waitUntil("the national server holds the household at 鳥取市 and has 文京区's 転出", async () => {
    for (const person of [ichiro, hanako]) {
      const history = await identityHistory(national.context.store.db, person.residentCode);
      if (history.length < 3 || (await nationalLgCodeOf(person.residentCode)) !== '312011') return false;
    }
    return true;
  });
  for (const person of [ichiro, hanako]) {
    expect(await currentIdentity(national.context.store.db, person.residentCode)).toMatchObject({
      residentCode: person.residentCode,
      lgCode: '312011',
      reason: 'move-in',
      closed: false,
      info: { address: NEW_HOME },
    });
    const history = await identityHistory(national.context.store.db, person.residentCode);
    expect(history.map((version) => [version.reason, version.lgCode]).sort()).toEqual(
      [
        ['official-entry', '131059'],
        ['move-in', '312011'],
        ['move-out', '131059'],
      ].sort(),
    );
  }

  // Every copy agrees: each municipality's, its prefecture's and the national server's.
  await waitUntil('both prefectures have every change', async () => {
    const atTokyo = await consistencyDigest(tokyo.context.store.db, '131059' as LocalGovernmentCode);
    const atTottori = await consistencyDigest(
      tottoriPrefecture.context.store.db,
      '312011' as LocalGovernmentCode,
    );
    return atTokyo.count === 1 && atTottori.count === 2;
  });
  for (const [lgCode, municipal, prefecture] of [
    ['131059', BUNKYO, TOKYO],
    ['312011', TOTTORI, TOTTORI_PREF],
  ] as const) {
    const path = `/v1/consistency/${lgCode}`;
    const atMunicipality = await national.context.call<ConsistencyDigest>(municipal, { method: 'GET', path });
    const atPrefecture = await national.context.call<ConsistencyDigest>(prefecture, { method: 'GET', path });
    expect(atPrefecture).toEqual(atMunicipality);
    expect(await consistencyDigest(national.context.store.db, lgCode as LocalGovernmentCode)).toEqual(
      atMunicipality,
    );
  }

  // The card moved with him: 鳥取市 took it over, the national server takes its status from 鳥取市 now, and 文京区's
  // record of it is closed as transferred. At 鳥取市's counter it still confirms him, now as a resident there.
  await waitUntil('the national server records 鳥取市 as speaking for the card', async () => {
    const row = await national.context.store.db
      .selectFrom('card_status')
      .select('issuer')
      .where('card_id', '=', ichiroCard)
      .executeTakeFirst();
    return row?.issuer === TOTTORI;
  });
  const ichiroAtTottori = (await tottori.module.register.findByCode(ichiro.residentCode))!;
  const { applications: taken } = okBody<{ applications: CardApplicationView[] }>(
    await tottoriStaff.clerk.call('GET', `/api/cards/applications?residentId=${ichiroAtTottori.id}`),
  );
  expect(taken).toEqual([
    expect.objectContaining({
      kind: 'transfer',
      state: 'active',
      cardId: ichiroCard,
      issuerMunicipality: '131059',
    }),
  ]);
  const { applications: left } = okBody<{ applications: CardApplicationView[] }>(
    await bunkyoStaff.clerk.call('GET', `/api/cards/applications?residentId=${ichiro.id}`),
  );
  expect(left.map((application) => application.state)).toEqual(['transferred']);
  const again = okBody<IdentityConfirmationView>(
    await postFrom(tottoriStaff.clerk, '/api/cards/confirm', { cardId: ichiroCard, pin: '2468' }),
  );
  expect(again).toMatchObject({
    admission: 'single-municipality',
    identity: { lgCode: '312011', address: NEW_HOME },
  });
  // Lost at 鳥取市: 鳥取市 suspends it, and the national server accepts it from 鳥取市.
  okBody(
    await postFrom(tottoriStaff.clerk, `/api/cards/applications/${taken[0]!.id}/suspend`, { reason: 'loss' }),
  );
  await waitUntil('the suspension from 鳥取市 reaches the national server', async () => {
    const row = await national.context.store.db
      .selectFrom('card_status')
      .select('state')
      .where('card_id', '=', ichiroCard)
      .executeTakeFirst();
    return row?.state === 'suspended';
  });

  // 春日 明 waits too long: at 鳥取市 his card is confirmed, but 文京区 is 31 days past the planned date.
  bunkyoAhead =
    nextWindowMorning(new Date(clock.now().getTime() + 30 * 86_400_000)).getTime() - clock.now().getTime();
  await presentCard(bunkyo.module.cardIssuer!.cardPath(akiraCard), net.readerOf(TOTTORI));
  const akiraConfirmed = okBody<IdentityConfirmationView>(
    await postFrom(tottoriStaff.clerk, '/api/cards/confirm', { cardId: akiraCard, pin: '1357' }),
  );
  const tooLate = await postFrom(tottoriStaff.clerk, '/api/special-move/out-info', {
    confirmationId: akiraConfirmed.confirmation.id,
    from: '131059',
  });
  expect([tooLate.status, errorCodeOf(tooLate)]).toEqual([409, 'JUKI_ERR_SPECIAL_MOVE_LIMIT_PASSED']);
  expect((await bunkyo.module.register.getResident(akira.id))?.closed).toBe(false);
});
