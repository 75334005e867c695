// The one-visit move between two municipal modules in one process, on both engines: the 付記転出届 at 文京区 (a held
// card, the planned move-out on every record moving, nothing closed or sent), the 転出証明書情報 answered only to the
// municipality the notice names and within the limit, the 特例転入届 at 鳥取市 (late after 14 days, refused past the
// limit, used once) with its 転入通知, and 文京区 closing the records on it. test/e2e/special-move.test.ts runs the
// same over real mTLS.

import { generateKeyPairSync } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../../test/support/engines.js';
import type { NodeId } from '../../../domain/index.js';
import type { NetworkRequest, PeerIdentity } from '../../../net/index.js';
import {
  SPECIAL_MOVE_OUT_INFO_PATH,
  moveInNotice,
  type Envelope,
  type IdentityChangedBody,
  type MoveOutCertificateInfo,
} from '../../../protocol/index.js';
import { createFixedClock } from '../../../shared/clock.js';
import { isJukinetError } from '../../../shared/errors.js';
import { newUuidV7 } from '../../../shared/ids.js';
import type { Store } from '../../../store/index.js';
import { errorCodeOf } from '../../common/terminal-api/testing/terminal-client.js';
import { recordTestCardConfirmation } from '../testing/card-confirmations.js';
import { appendCardEvent } from '../cards/card-store.js';
import { municipalityModule } from '../index.js';
import type { ResidentRecord } from '../register/index.js';
import type { NotificationView } from '../terminal/index.js';
import { startMunicipalTerminal } from '../testing/municipal-terminal.js';
import { enterAndConfirm } from '../testing/notifications.js';
import {
  createTestContext,
  createTestMunicipality,
  fillCodeHolding,
  TEST_NOW,
  type TestMunicipality,
} from '../testing/test-municipality.js';
import { listSpecialMoveEvents, readReceivedOutInfo } from './special-move-store.js';

const ADDRESS = '東京都文京区本郷二丁目2番2号';
const NEW_ADDRESS = '鳥取県鳥取市東町一丁目220番地';
const TOTTORI = { lgCode: '312011', address: NEW_ADDRESS };
const PEER_TOTTORI: PeerIdentity = {
  nodeId: 'muni-312011' as NodeId,
  role: 'municipality',
  fingerprint: '00',
  serialNumber: '01',
};
const PEER_MATSUBARA: PeerIdentity = { ...PEER_TOTTORI, nodeId: 'muni-272175' as NodeId };

/** 10:00 in Japan on `date`. */
function morningOf(date: string): Date {
  return new Date(`${date}T10:00:00+09:00`);
}

/** A card handed over and activated for `residentId`, as the card workflow leaves it in the records. */
async function giveCard(store: Store, residentId: string, validUntil = '2034-03-31'): Promise<string> {
  const id = newUuidV7();
  const cardId = `c${id.replace(/-/g, '').slice(-15)}`;
  await store.db
    .insertInto('card_application')
    .values({
      id,
      resident_id: residentId,
      kind: 'new',
      replaces_card_id: null,
      face_version: 'A',
      identity_check: '{}',
      card_id: cardId,
      transport_key: null,
      certificate_fingerprint: 'ab',
      valid_from: '2024-03-01',
      valid_until: validUntil,
      notice_number: null,
      collect_until: null,
      applied_by: 'op',
      applied_at: TEST_NOW.toISOString(),
    })
    .execute();
  await store.transaction(async (trx) => {
    for (const kind of [
      'applied',
      'registered',
      'personalised',
      'notice-issued',
      'handed-over',
      'activated',
    ] as const) {
      await appendCardEvent(trx, id, { kind, operator: 'op', at: TEST_NOW });
    }
  });
  return cardId;
}

describeEachEngine('the one-visit move between two municipalities', ({ openFresh }) => {
  async function setUp() {
    const cleanups: (() => Promise<unknown>)[] = [];
    const storeA = await openFresh();
    const bunkyo = await createTestMunicipality(storeA, { codes: 40 });
    const [head, wife, child] = (await bunkyo.module.register.recordOfficialEntries(
      [
        ['本郷 一郎', 'ホンゴウ イチロウ', '1983-02-01', 'male', undefined],
        ['本郷 花子', 'ホンゴウ ハナコ', '1985-06-15', 'female', '妻'],
        ['本郷 三郎', 'ホンゴウ サブロウ', '2015-09-09', 'male', '子'],
      ].map(([name, nameKana, birthDate, sex, relationship]) => ({
        name: name!,
        nameKana: nameKana!,
        birthDate: birthDate!,
        sex: sex as 'male' | 'female',
        address: ADDRESS,
        date: '2024-01-10',
        domicile: { place: '東京都文京区本郷二丁目2番', head: '本郷 一郎' },
        ...(relationship === undefined
          ? { household: { create: 'h-hongo' } }
          : { household: { join: 'h-hongo' }, relationship }),
      })),
    )) as [ResidentRecord, ResidentRecord, ResidentRecord];

    // 鳥取市 calls 文京区's network route in-process, as muni-312011 (the mTLS peer in production).
    const storeB = await openFresh();
    const clockB = createFixedClock(TEST_NOW);
    const base = createTestContext(storeB, {
      nodeId: 'muni-312011' as NodeId,
      privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
      clock: clockB,
    });
    await fillCodeHolding(storeB, 20);
    const contextB = {
      ...base,
      call: async <T>(peer: NodeId, request: { method: 'GET' | 'POST'; path: string; body?: unknown }) => {
        expect(peer).toBe('muni-131059');
        return (await askBunkyo(PEER_TOTTORI, request.body, request.path)) as T;
      },
    };
    const tottori: TestMunicipality = {
      module: municipalityModule(contextB),
      context: contextB,
      clock: clockB,
      publicKey: bunkyo.publicKey,
      outbox: async () =>
        (await storeB.db.selectFrom('outbox').select('envelope').orderBy('seq').execute()).map(
          (row) => JSON.parse(row.envelope) as Envelope,
        ),
    };
    async function askBunkyo(peer: PeerIdentity, body: unknown, path = SPECIAL_MOVE_OUT_INFO_PATH) {
      const route = bunkyo.module.networkRoutes?.().find((candidate) => candidate.path === path);
      const request: NetworkRequest = {
        peer,
        method: 'POST',
        path,
        params: {},
        query: new URLSearchParams(),
        headers: {},
        body,
      };
      return (await route!.handler(request)).body;
    }

    // The terminals keep their own clock, so that moving the municipalities' days does not end the sessions.
    const atA = await startMunicipalTerminal(
      storeA,
      { ...bunkyo, clock: createFixedClock(TEST_NOW) },
      cleanups,
    );
    const atB = await startMunicipalTerminal(
      storeB,
      { ...tottori, clock: createFixedClock(TEST_NOW) },
      cleanups,
    );
    return {
      storeA,
      storeB,
      bunkyo,
      tottori,
      askBunkyo,
      head,
      wife,
      child,
      clerkA: atA.browsers.get('madoguchi')!,
      examinerA: atA.browsers.get('shinsa')!,
      clerkB: atB.browsers.get('madoguchi')!,
      examinerB: atB.browsers.get('shinsa')!,
      setToday(date: string) {
        bunkyo.clock.set(morningOf(date));
        tottori.clock.set(morningOf(date));
      },
      /** A second later at both, so that what each logs comes in order. */
      tick() {
        bunkyo.clock.advance(1000);
        tottori.clock.advance(1000);
      },
      cleanups: async () => {
        for (const cleanup of cleanups.reverse()) await cleanup();
      },
    };
  }

  type World = Awaited<ReturnType<typeof setUp>>;

  /** The whole household's notice, planned for 2024-04-05, entered at 文京区 on 2024-04-01 and confirmed. */
  async function planMove(world: World): Promise<NotificationView> {
    await giveCard(world.storeA, world.head.id);
    return enterAndConfirm(world.clerkA, world.examinerA, {
      kind: 'special-move-out',
      residentId: world.head.id,
      request: { plannedDate: '2024-04-05', destination: TOTTORI, members: [world.wife.id, world.child.id] },
    });
  }

  it('付記転出届: a card holder plans the move-out of the household; nothing closes and nothing is sent', async () => {
    const world = await setUp();
    const { bunkyo, clerkA, examinerA, head, wife, child } = world;
    try {
      const notice = (request: Record<string, unknown>, residentId = head.id) =>
        clerkA.call('POST', '/api/notifications', { kind: 'special-move-out', residentId, request });
      const whole = { plannedDate: '2024-04-05', destination: TOTTORI, members: [wife.id, child.id] };

      // No card, no special move.
      const noCard = await notice(whole);
      expect([noCard.status, errorCodeOf(noCard)]).toEqual([409, 'JUKI_ERR_SPECIAL_MOVE_CARD_REQUIRED']);
      await giveCard(world.storeA, wife.id, '2024-03-31');
      const expired = await notice({ ...whole, members: [head.id] }, wife.id);
      expect(errorCodeOf(expired)).toBe('JUKI_ERR_SPECIAL_MOVE_CARD_REQUIRED');

      await giveCard(world.storeA, head.id);
      // Too far ahead, too late, a head leaving two members without a successor, a move within.
      for (const [request, code] of [
        [{ ...whole, plannedDate: '2024-05-02' }, 'JUKI_ERR_SPECIAL_MOVE_DATE'],
        [{ ...whole, plannedDate: '2024-02-29' }, 'JUKI_ERR_SPECIAL_MOVE_LIMIT_PASSED'],
        [{ ...whole, members: [] }, 'JUKI_ERR_HOUSEHOLD_HEAD_REQUIRED'],
        [
          { ...whole, destination: { lgCode: '131059', address: ADDRESS } },
          'JUKI_ERR_REGISTER_REQUEST_INVALID',
        ],
        [
          { ...whole, destination: { lgCode: '312012', address: NEW_ADDRESS } },
          'JUKI_ERR_REGISTER_REQUEST_INVALID',
        ],
      ] as const) {
        expect(errorCodeOf(await notice(request)), JSON.stringify(request)).toBe(code);
      }

      const before = (await bunkyo.outbox()).length;
      const entered = await notice(whole);
      expect(entered.status, JSON.stringify(entered.body)).toBe(201);
      const pending = entered.body['notification'] as NotificationView;
      expect(pending).toMatchObject({ label: '付記転出届', late: false, subject: { id: head.id } });
      const confirmed = await examinerA.call('POST', `/api/notifications/${pending.id}/confirm`);
      const applied = confirmed.body['notification'] as NotificationView;
      expect(applied.status).toBe('applied');
      expect(applied.results.map((result) => [result.id, result.closed])).toEqual([
        [head.id, false],
        [wife.id, false],
        [child.id, false],
      ]);
      // 特例転出予定 on every record moving, the same notice; no 異動 yet, so no identity change is sent.
      const planned = await bunkyo.module.register.getResident(child.id);
      expect(planned).toMatchObject({
        closed: false,
        lastChange: { kind: 'official-entry', date: '2024-01-10' },
        plannedMoveOut: {
          destination: TOTTORI,
          plannedDate: '2024-04-05',
          filedOn: '2024-04-01',
          principalId: head.id,
          memberIds: [wife.id, child.id],
        },
      });
      expect((await bunkyo.module.register.getResident(head.id))?.plannedMoveOut).toEqual(
        planned?.plannedMoveOut,
      );
      expect((await bunkyo.module.register.residentHistory(head.id)).at(-1)).toMatchObject({
        effectiveOn: '2024-04-01',
        payload: { kind: 'special-move-out' },
      });
      expect((await bunkyo.outbox()).length).toBe(before);

      // One notice at a time.
      expect(errorCodeOf(await notice(whole))).toBe('JUKI_ERR_SPECIAL_MOVE_ALREADY_PLANNED');
    } finally {
      await world.cleanups();
    }
  });

  it('flags a 付記転出届 filed more than 14 days after the planned date, as a late 転出届', async () => {
    const world = await setUp();
    try {
      await giveCard(world.storeA, world.head.id);
      const late = await enterAndConfirm(world.clerkA, world.examinerA, {
        kind: 'special-move-out',
        residentId: world.head.id,
        request: {
          plannedDate: '2024-03-10',
          destination: TOTTORI,
          members: [world.wife.id, world.child.id],
        },
      });
      expect(late.late).toBe(true);
      const history = await world.bunkyo.module.register.residentHistory(world.head.id);
      expect(history.at(-1)?.payload.lateFiling).toEqual({ daysLate: 8 });
    } finally {
      await world.cleanups();
    }
  });

  it('answers the 転出証明書情報 only to the municipality the notice names, within the limit and the hours', async () => {
    const world = await setUp();
    const { askBunkyo, head, wife, child, storeA } = world;
    try {
      const refusal = async (peer: PeerIdentity, body: unknown) => {
        world.tick();
        try {
          await askBunkyo(peer, body);
        } catch (error) {
          if (isJukinetError(error)) return error.code;
          throw error;
        }
        return undefined;
      };
      // Before any notice, nobody gets anything.
      expect(await refusal(PEER_TOTTORI, { residentCode: head.residentCode })).toBe(
        'JUKI_ERR_SPECIAL_MOVE_NOT_FOUND',
      );
      const notice = await planMove(world);
      world.tick();
      const info = (await askBunkyo(PEER_TOTTORI, {
        residentCode: wife.residentCode,
      })) as MoveOutCertificateInfo;
      expect(info).toMatchObject({
        sourceLgCode: '131059',
        address: ADDRESS,
        householdHead: '本郷 一郎',
        destination: TOTTORI,
        plannedDate: '2024-04-05',
        filedOn: '2024-04-01',
        limitDate: '2024-05-05',
      });
      expect(info.persons.map((person) => [person.residentCode, person.relationship])).toEqual([
        [head.residentCode, '世帯主'],
        [wife.residentCode, '妻'],
        [child.residentCode, '子'],
      ]);
      expect(info.persons[0]).toMatchObject({
        name: '本郷 一郎',
        nameKana: 'ホンゴウ イチロウ',
        birthDate: '1983-02-01',
        sex: 'male',
        domicile: { place: '東京都文京区本郷二丁目2番', head: '本郷 一郎' },
      });

      // Another municipality, a bad body, outside the hours (a Saturday), past the limit.
      expect(await refusal(PEER_MATSUBARA, { residentCode: head.residentCode })).toBe(
        'JUKI_ERR_SPECIAL_MOVE_NOT_FOUND',
      );
      expect(await refusal(PEER_TOTTORI, { residentCode: '12345' })).toBe('JUKI_ERR_REQUEST_INVALID');
      world.setToday('2024-04-06');
      expect(await refusal(PEER_TOTTORI, { residentCode: head.residentCode })).toBe(
        'JUKI_ERR_OUTSIDE_OPERATING_HOURS',
      );
      world.setToday('2024-05-07');
      expect(await refusal(PEER_TOTTORI, { residentCode: head.residentCode })).toBe(
        'JUKI_ERR_SPECIAL_MOVE_LIMIT_PASSED',
      );

      const events = await listSpecialMoveEvents(storeA.db);
      expect(events.map((event) => [event.kind, event.peer, event.errorCode])).toEqual([
        ['out-info-refused', '312011', 'JUKI_ERR_SPECIAL_MOVE_NOT_FOUND'],
        ['out-info-answered', '312011', null],
        ['out-info-refused', '272175', 'JUKI_ERR_SPECIAL_MOVE_NOT_FOUND'],
        ['out-info-refused', '312011', 'JUKI_ERR_OUTSIDE_OPERATING_HOURS'],
        ['out-info-refused', '312011', 'JUKI_ERR_SPECIAL_MOVE_LIMIT_PASSED'],
      ]);
      expect(events[1]).toMatchObject({
        noticeId: info.noticeId,
        residentCodes: [head.residentCode, wife.residentCode, child.residentCode],
      });
      expect(notice.results).toHaveLength(3);
    } finally {
      await world.cleanups();
    }
  });

  it("特例転入届 at 鳥取市: late after 14 days, refused past the limit, used once; the 転入通知 closes 文京区's records", async () => {
    const world = await setUp();
    const { bunkyo, tottori, clerkB, examinerB, head, wife, child } = world;
    try {
      await planMove(world);
      // 本人確認 with the card at 鳥取市's counter (POST /api/cards/confirm records it).
      const confirmation = await tottori.context.store.transaction((trx) =>
        recordTestCardConfirmation(
          trx,
          { residentCode: head.residentCode, cardId: 'c1', issuerMunicipality: '131059' },
          tottori.clock.now(),
        ),
      );
      const fetched = await clerkB.call('POST', '/api/special-move/out-info', {
        confirmationId: confirmation.id,
        from: '131059',
      });
      expect(fetched.status, JSON.stringify(fetched.body)).toBe(201);
      const outInfo = fetched.body['outInfo'] as MoveOutCertificateInfo & { id: string };
      expect(outInfo.persons).toHaveLength(3);
      expect((await clerkB.call('GET', `/api/special-move/out-info/${outInfo.id}`)).body['outInfo']).toEqual(
        outInfo,
      );
      // Not from where the person lives: 文京区 refuses 鳥取市 nothing it was not asked; asking oneself is refused here.
      const self = await clerkB.call('POST', '/api/special-move/out-info', {
        confirmationId: confirmation.id,
        from: '312011',
      });
      expect(errorCodeOf(self)).toBe('JUKI_ERR_SPECIAL_MOVE_NOT_FOUND');

      const moveIn = { outInfoId: outInfo.id, address: NEW_ADDRESS, date: '2024-04-06' };
      // Past the limit (planned 2024-04-05 + 30 days): refused, whatever the move date.
      world.setToday('2024-05-07');
      const tooLate = await clerkB.call('POST', '/api/notifications', {
        kind: 'special-move-in',
        request: moveIn,
      });
      expect([tooLate.status, errorCodeOf(tooLate)]).toEqual([409, 'JUKI_ERR_SPECIAL_MOVE_LIMIT_PASSED']);

      // Filed 19 days after moving in: accepted and flagged late.
      world.setToday('2024-04-25');
      const before = (await tottori.outbox()).length;
      const applied = await enterAndConfirm(clerkB, examinerB, { kind: 'special-move-in', request: moveIn });
      expect(applied).toMatchObject({ label: '特例転入届', late: true });
      expect(
        applied.results.map((result) => [result.residentCode, result.relationship, result.closed]),
      ).toEqual([
        [head.residentCode, '世帯主', false],
        [wife.residentCode, '妻', false],
        [child.residentCode, '子', false],
      ]);
      const opened = await tottori.module.register.findByCode(head.residentCode);
      expect(opened).toMatchObject({
        lgCode: '312011',
        address: NEW_ADDRESS,
        previousAddress: ADDRESS,
        addressSince: '2024-04-06',
        domicile: { place: '東京都文京区本郷二丁目2番', head: '本郷 一郎' },
        lastChange: { kind: 'move-in', reason: 'move-in', lateFiling: { daysLate: 5 } },
      });
      expect((await readReceivedOutInfo(tottori.context.store.db, outInfo.id))?.usedBy).toBe(opened?.id);
      const sent = (await tottori.outbox()).slice(before);
      // Each outbox channel keeps its own order: three 転入 for the prefecture, one 転入通知 for 文京区, and the card
      // taken over, for the national server.
      expect(sent.map((envelope) => `${envelope.type} → ${envelope.to}`).sort()).toEqual([
        'card.transferred → national',
        'identity.changed → pref-31',
        'identity.changed → pref-31',
        'identity.changed → pref-31',
        'special-move.moved-in → muni-131059',
      ]);
      const notice = sent.find((envelope) => envelope.type === moveInNotice.type)!;
      expect(notice.body).toEqual({
        noticeId: outInfo.noticeId,
        residentCodes: [head.residentCode, wife.residentCode, child.residentCode],
        movedInOn: '2024-04-06',
        filedOn: '2024-04-25',
        address: NEW_ADDRESS,
      });
      const again = await clerkB.call('POST', '/api/notifications', {
        kind: 'special-move-in',
        request: moveIn,
      });
      expect(errorCodeOf(again)).toBe('JUKI_ERR_SPECIAL_MOVE_INFO_USED');

      // 文京区 takes the 転入通知 only from the municipality the notice names.
      const authorise = bunkyo.module.authorise!.bind(bunkyo.module);
      expect(authorise(PEER_TOTTORI, notice)).toBe(true);
      expect(authorise(PEER_MATSUBARA, notice)).toBe(false);
      const applyAt = (envelope: Envelope) =>
        bunkyo.context.transaction((trx, outbox) =>
          bunkyo.module.apply(trx, { envelope, body: envelope.body, outbox }),
        );
      await expect(applyAt({ ...notice, from: 'muni-272175' as NodeId })).rejects.toMatchObject({
        code: 'JUKI_ERR_SPECIAL_MOVE_ORIGIN',
      });
      await expect(
        applyAt({ ...notice, body: { ...(notice.body as object), noticeId: newUuidV7() } }),
      ).rejects.toMatchObject({ code: 'JUKI_ERR_SPECIAL_MOVE_NOT_FOUND' });

      const beforeA = (await bunkyo.outbox()).length;
      await applyAt(notice);
      for (const person of [head, wife, child]) {
        expect(await bunkyo.module.register.getResident(person.id)).toMatchObject({
          closed: true,
          closure: { reason: 'move-out', date: '2024-04-06', destination: NEW_ADDRESS },
          lastChange: { kind: 'move-out', date: '2024-04-06' },
        });
        const [last] = (await bunkyo.module.register.residentHistory(person.id)).slice(-1);
        expect(last).toMatchObject({ filedOn: '2024-04-01', effectiveOn: '2024-04-06' });
      }
      expect((await bunkyo.module.register.getResident(head.id))?.plannedMoveOut).toBeUndefined();
      expect((await bunkyo.module.register.getHousehold('h-hongo'))?.closed).toBe(true);
      const closings = (await bunkyo.outbox()).slice(beforeA);
      expect(
        closings.map((envelope) => {
          const { change } = envelope.body as IdentityChangedBody;
          return [envelope.type, change.residentCode, change.change.reason, change.change.date];
        }),
      ).toEqual(
        [head, wife, child]
          .sort((a, b) => (a.id === head.id ? 1 : b.id === head.id ? -1 : 0))
          .map((person) => ['identity.changed', person.residentCode, 'move-out', '2024-04-06']),
      );
      const events = await listSpecialMoveEvents(bunkyo.context.store.db, { noticeId: outInfo.noticeId });
      expect(events.map((event) => event.kind)).toEqual(['out-info-answered', 'moved-in-applied']);
    } finally {
      await world.cleanups();
    }
  });
});
