// The 届出 routes over the real HTTPS listener, on both engines: every kind entered and confirmed (the identity changes
// queued for the prefecture), the refusals with their codes, separation of duties, the late flag, a dry run that
// leaves no trace, a confirmation the register now refuses, and the linkage's message API.

import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../../test/support/engines.js';
import { generateResidentCode } from '../../../domain/index.js';
import type { Store } from '../../../store/index.js';
import { readOperationRecords } from '../../common/operators/index.js';
import { errorCodeOf, type TestAnswer } from '../../common/terminal-api/testing/terminal-client.js';
import { exportLinkageMessages } from '../linkage-export.js';
import type { ResidentRecord } from '../register/index.js';
import { createTestMunicipality } from '../testing/test-municipality.js';
import type { NotificationView } from './notification-store.js';
import { enterAndConfirm } from '../testing/notifications.js';
import { startMunicipalTerminal } from '../testing/municipal-terminal.js';

const ADDRESS = '東京都文京区本郷二丁目2番2号';

async function countRows(store: Store, table: string, where = sql`1 = 1`): Promise<number> {
  const { rows } = await sql<{
    n: number | string;
  }>`select count(*) as n from ${sql.table(table)} where ${where}`.execute(store.db);
  return Number(rows[0]!.n);
}

/** What a dry run must leave as it was: records, actions, identity versions, outbox rows, code takes, notifications. */
async function footprint(store: Store): Promise<Record<string, number>> {
  return {
    resident: await countRows(store, 'resident'),
    resident_action: await countRows(store, 'resident_action'),
    household: await countRows(store, 'household'),
    identity_version: await countRows(store, 'identity_version'),
    linkage_applied: await countRows(store, 'linkage_applied'),
    outbox: await countRows(store, 'outbox'),
    codes_taken: await countRows(store, 'code_holding', sql`taken_at is not null`),
    notification: await countRows(store, 'notification'),
  };
}

function notificationOf(answer: TestAnswer): NotificationView {
  return answer.body['notification'] as NotificationView;
}

function errorOf(answer: TestAnswer): Record<string, unknown> {
  return answer.body['error'] as Record<string, unknown>;
}

describeEachEngine('municipal 届出 routes', ({ openFresh }) => {
  async function setUp() {
    const cleanups: (() => Promise<unknown>)[] = [];
    const store = await openFresh();
    const muni = await createTestMunicipality(store, { codes: 40 });
    const [head, wife, child] = (await muni.module.register.recordOfficialEntries([
      {
        name: '本郷 一郎',
        nameKana: 'ホンゴウ イチロウ',
        birthDate: '1983-02-01',
        sex: 'male',
        address: ADDRESS,
        date: '2024-01-10',
        household: { create: 'h-hongo' },
      },
      {
        name: '本郷 花子',
        nameKana: 'ホンゴウ ハナコ',
        birthDate: '1985-06-15',
        sex: 'female',
        address: ADDRESS,
        date: '2024-01-10',
        household: { join: 'h-hongo' },
        relationship: '妻',
      },
      {
        name: '本郷 三郎',
        nameKana: 'ホンゴウ サブロウ',
        birthDate: '2015-09-09',
        sex: 'male',
        address: ADDRESS,
        date: '2024-01-10',
        household: { join: 'h-hongo' },
        relationship: '子',
      },
    ])) as [ResidentRecord, ResidentRecord, ResidentRecord];
    const { terminal, browsers } = await startMunicipalTerminal(store, muni, cleanups, [
      { loginName: 'shinsa2', displayName: '審査 三郎', role: 'examiner' },
    ]);
    return {
      store,
      muni,
      terminal,
      clerk: browsers.get('madoguchi')!,
      examiner: browsers.get('shinsa')!,
      examiner2: browsers.get('shinsa2')!,
      admin: browsers.get('kanri')!,
      head,
      wife,
      child,
      cleanups: async () => {
        for (const cleanup of cleanups.reverse()) await cleanup();
      },
    };
  }

  it('enters and confirms every kind; the identity changes are queued for the prefecture', async () => {
    const { muni, store, clerk, examiner, examiner2, head, wife, cleanups } = await setUp();
    try {
      const before = (await muni.outbox()).length;
      const byClerk = (input: Record<string, unknown>) => enterAndConfirm(clerk, examiner, input);

      const birth = await byClerk({
        kind: 'birth',
        request: {
          name: '本郷 四郎',
          nameKana: 'ホンゴウ シロウ',
          birthDate: '2024-03-25',
          sex: 'male',
          address: ADDRESS,
          household: { join: 'h-hongo' },
          relationship: '子',
        },
      });
      expect(birth).toMatchObject({
        label: '出生届',
        enteredBy: { displayName: '窓口 太郎' },
        decidedBy: { displayName: '審査 次郎' },
        request: { filedOn: '2024-04-01' },
        results: [{ name: '本郷 四郎', householdId: 'h-hongo', relationship: '子' }],
      });
      const abroad = (
        await byClerk({
          kind: 'entry-from-abroad',
          request: {
            name: '春日 明',
            nameKana: 'カスガ アキラ',
            birthDate: '1990-05-05',
            sex: 'male',
            address: '東京都文京区春日一丁目1番1号',
            date: '2024-03-28',
          },
        })
      ).results[0]!;
      const movedIn = (
        await byClerk({
          kind: 'move-in',
          request: {
            name: '小石川 涼',
            nameKana: 'コイシカワ リョウ',
            birthDate: '1992-07-07',
            sex: 'female',
            address: '東京都文京区小石川一丁目1番1号',
            residentCode: generateResidentCode(),
            previousAddress: '大阪府松原市阿保一丁目1番1号',
            date: '2024-03-29',
          },
        })
      ).results[0]!;
      const withinMove = await byClerk({
        kind: 'move-within',
        residentId: abroad.id,
        request: { address: '東京都文京区春日二丁目2番2号' },
      });
      expect(withinMove.results).toMatchObject([{ id: abroad.id, address: '東京都文京区春日二丁目2番2号' }]);
      await byClerk({
        kind: 'name-change',
        residentId: movedIn.id,
        request: { name: '白山 涼', nameKana: 'ハクサン リョウ' },
      });
      const codeChange = await byClerk({ kind: 'code-change', residentId: movedIn.id, request: {} });
      expect(codeChange.results[0]!.residentCode).not.toBe(movedIn.residentCode);
      const split = await byClerk({
        kind: 'household-split',
        householdId: 'h-hongo',
        request: { members: [wife.id], householdId: 'h-wife' },
      });
      expect(split.results).toMatchObject([{ id: wife.id, householdId: 'h-wife', relationship: '世帯主' }]);
      const merge = await byClerk({
        kind: 'household-merge',
        householdId: 'h-wife',
        request: { into: 'h-hongo', relationships: { [wife.id]: '妻' } },
      });
      expect(merge.results).toMatchObject([{ id: wife.id, householdId: 'h-hongo', relationship: '妻' }]);
      const headChange = await byClerk({
        kind: 'household-head-change',
        householdId: 'h-hongo',
        request: { newHead: wife.id, relationships: { [head.id]: '夫' } },
      });
      expect(headChange.results.map((record) => [record.id, record.relationship])).toEqual([
        [wife.id, '世帯主'],
        [head.id, '夫'],
      ]);
      await byClerk({
        kind: 'move-out',
        residentId: abroad.id,
        request: { destination: '大阪府松原市阿保一丁目1番1号' },
      });
      const death = await byClerk({ kind: 'death', residentId: movedIn.id, request: {} });
      expect(death.results).toMatchObject([{ id: movedIn.id, closed: true }]);

      // 職権: one examiner enters, another confirms.
      const byExaminer = (input: Record<string, unknown>) => enterAndConfirm(examiner, examiner2, input);
      const entered = (
        await byExaminer({
          kind: 'official-entry',
          request: {
            name: '白山 正',
            nameKana: 'ハクサン タダシ',
            birthDate: '1960-01-01',
            sex: 'male',
            address: '東京都文京区白山一丁目1番1号',
          },
        })
      ).results[0]!;
      await byExaminer({
        kind: 'official-correction',
        residentId: entered.id,
        request: { corrections: { name: '白山 正一' }, note: '戸籍照合' },
      });
      const deletion = await byExaminer({
        kind: 'official-deletion',
        residentId: entered.id,
        request: { ground: '実態調査により居住の事実なし' },
      });
      expect(deletion).toMatchObject({ label: '職権消除', results: [{ closed: true }] });

      const reasons = (await muni.outbox())
        .slice(before)
        .map(
          (envelope) => (envelope.body as { change: { change: { reason: string } } }).change.change.reason,
        );
      expect(reasons).toEqual([
        'birth',
        'entry-from-abroad',
        'move-in',
        'move-within',
        'name-change',
        'code-change',
        'move-out',
        'death',
        'official-entry',
        'official-correction',
        'official-deletion',
      ]);
      expect(await countRows(store, 'notification', sql`status = 'applied'`)).toBe(14);

      // The confirmations are logged under the right function with the codes they touched.
      const log = await readOperationRecords(store.db);
      const confirms = log.filter(
        (r) => (r.fn === 'notification' || r.fn === 'official-action') && r.access === 'execute',
      );
      expect(confirms.map((r) => r.fn)).toEqual([
        ...Array<string>(11).fill('notification'),
        ...Array<string>(3).fill('official-action'),
      ]);
      expect(confirms[0]!.records).toContain(birth.results[0]!.residentCode);
    } finally {
      await cleanups();
    }
  });

  it('a 転居届 for the whole household moves every member and answers each record', async () => {
    const { muni, clerk, examiner, head, wife, child, cleanups } = await setUp();
    try {
      const before = (await muni.outbox()).length;
      const moved = await enterAndConfirm(clerk, examiner, {
        kind: 'move-within',
        residentId: head.id,
        request: { address: '東京都文京区千石一丁目1番1号', withHousehold: true },
      });
      expect(moved.results.map((record) => [record.id, record.address, record.relationship]).sort()).toEqual(
        [
          [head.id, '東京都文京区千石一丁目1番1号', '世帯主'],
          [wife.id, '東京都文京区千石一丁目1番1号', '妻'],
          [child.id, '東京都文京区千石一丁目1番1号', '子'],
        ].sort(),
      );
      expect((await muni.outbox()).length - before).toBe(3);
      const refused = await clerk.call('POST', '/api/notifications/check', {
        kind: 'move-within',
        residentId: head.id,
        request: { address: '東京都文京区千石二丁目2番2号', withHousehold: true, newHead: wife.id },
      });
      expect(refused.status).toBe(400);
      expect(errorOf(refused)).toMatchObject({ code: 'JUKI_ERR_REGISTER_REQUEST_INVALID' });
    } finally {
      await cleanups();
    }
  });

  it('answers refusals with their codes and a refused entry changes nothing', async () => {
    const { store, clerk, examiner, admin, head, cleanups } = await setUp();
    try {
      const before = await footprint(store);
      const future = await clerk.call('POST', '/api/notifications', {
        kind: 'move-within',
        residentId: head.id,
        request: { address: '東京都文京区春日一丁目1番1号', date: '2024-04-02' },
      });
      expect([future.status, errorCodeOf(future)]).toEqual([400, 'JUKI_ERR_REGISTER_DATE_IN_FUTURE']);

      const duplicate = await clerk.call('POST', '/api/notifications/check', {
        kind: 'move-in',
        request: {
          name: '本郷 一郎',
          nameKana: 'ホンゴウ イチロウ',
          birthDate: '1983-02-01',
          sex: 'male',
          address: '東京都文京区春日一丁目1番1号',
          residentCode: generateResidentCode(),
        },
      });
      expect([duplicate.status, errorCodeOf(duplicate)]).toEqual([409, 'JUKI_ERR_RESIDENT_LIKELY_DUPLICATE']);
      expect(errorOf(duplicate)['candidates']).toEqual([
        { id: head.id, residentCode: head.residentCode, name: '本郷 一郎', address: ADDRESS },
      ]);

      const headless = await clerk.call('POST', '/api/notifications', {
        kind: 'move-out',
        residentId: head.id,
        request: { destination: '大阪府松原市阿保一丁目1番1号' },
      });
      expect([headless.status, errorCodeOf(headless)]).toEqual([409, 'JUKI_ERR_HOUSEHOLD_HEAD_REQUIRED']);

      for (const [body, code] of [
        [{ kind: 'move-within', request: { address: '東京都文京区春日' } }, 'JUKI_ERR_REQUEST_INVALID'],
        [{ kind: 'birth', residentId: head.id, request: {} }, 'JUKI_ERR_REQUEST_INVALID'],
        [{ kind: 'no-such-kind', request: {} }, 'JUKI_ERR_REQUEST_INVALID'],
        [
          { kind: 'death', residentId: head.id, request: { date: 'yesterday' } },
          'JUKI_ERR_REGISTER_REQUEST_INVALID',
        ],
        [
          { kind: 'death', residentId: head.id, request: { operator: 'x' } },
          'JUKI_ERR_REGISTER_REQUEST_INVALID',
        ],
      ] as const) {
        const refused = await clerk.call('POST', '/api/notifications', body);
        expect([refused.status, errorCodeOf(refused)], JSON.stringify(body)).toEqual([400, code]);
      }

      // Rights: the clerk enters no 職権 act; the examiner enters no 届出; the administrator reads none.
      const clerkOfficial = await clerk.call('POST', '/api/notifications', {
        kind: 'official-deletion',
        residentId: head.id,
        request: { ground: '居住の事実なし', newHead: head.id },
      });
      expect([clerkOfficial.status, errorCodeOf(clerkOfficial)]).toEqual([
        403,
        'JUKI_ERR_OPERATOR_FORBIDDEN',
      ]);
      const examinerNotice = await examiner.call('POST', '/api/notifications/check', {
        kind: 'death',
        residentId: head.id,
        request: {},
      });
      expect([examinerNotice.status, errorCodeOf(examinerNotice)]).toEqual([
        403,
        'JUKI_ERR_OPERATOR_FORBIDDEN',
      ]);
      const adminList = await admin.call('GET', '/api/notifications');
      expect([adminList.status, errorCodeOf(adminList)]).toEqual([403, 'JUKI_ERR_OPERATOR_FORBIDDEN']);

      expect(await footprint(store)).toEqual(before);
      const log = await readOperationRecords(store.db);
      expect(log.filter((r) => r.outcome === 'refused').map((r) => [r.fn, r.access, r.errorCode])).toEqual([
        ['notification', 'write', 'JUKI_ERR_REGISTER_DATE_IN_FUTURE'],
        ['notification', 'write', 'JUKI_ERR_RESIDENT_LIKELY_DUPLICATE'],
        ['notification', 'write', 'JUKI_ERR_HOUSEHOLD_HEAD_REQUIRED'],
        ['official-action', 'write', 'JUKI_ERR_OPERATOR_FORBIDDEN'],
        ['notification', 'write', 'JUKI_ERR_OPERATOR_FORBIDDEN'],
        ['notification', 'read', 'JUKI_ERR_OPERATOR_FORBIDDEN'],
      ]);
      // The likely duplicate's candidates are among the records its log row names.
      expect(log.find((r) => r.errorCode === 'JUKI_ERR_RESIDENT_LIKELY_DUPLICATE')?.records).toContain(
        head.residentCode,
      );
    } finally {
      await cleanups();
    }
  });

  it('names whom each pending 届出 concerns: the record, or the head of the household; none for a new record', async () => {
    const { store, muni, clerk, examiner, head, wife, cleanups } = await setUp();
    try {
      await clerk.call('POST', '/api/notifications', {
        kind: 'name-change',
        residentId: wife.id,
        request: { name: '本郷 華子', nameKana: 'ホンゴウ ハナコ' },
      });
      muni.clock.advance(1000);
      await clerk.call('POST', '/api/notifications', {
        kind: 'household-head-change',
        householdId: 'h-hongo',
        request: { newHead: wife.id, relationships: { [head.id]: '夫' } },
      });
      muni.clock.advance(1000);
      await clerk.call('POST', '/api/notifications', {
        kind: 'birth',
        request: {
          name: '本郷 五郎',
          nameKana: 'ホンゴウ ゴロウ',
          birthDate: '2024-03-25',
          sex: 'male',
          address: ADDRESS,
          household: { join: 'h-hongo' },
          relationship: '子',
        },
      });
      const listed = await examiner.call('GET', '/api/notifications?status=pending');
      const views = listed.body['notifications'] as NotificationView[];
      expect(views.map((view) => [view.kind, view.subject?.name ?? null])).toEqual([
        ['birth', null],
        ['household-head-change', '本郷 一郎'],
        ['name-change', '本郷 花子'],
      ]);
      // The list is logged with the codes it showed.
      const [logged] = (await readOperationRecords(store.db)).slice(-1);
      expect(logged).toMatchObject({ fn: 'notification', access: 'read' });
      expect([...logged!.records].sort()).toEqual([head.residentCode, wife.residentCode].sort());
    } finally {
      await cleanups();
    }
  });

  it('keeps duties apart: nobody confirms their own entry, the clerk confirms nothing, a decision is final', async () => {
    const { store, muni, clerk, examiner, examiner2, head, wife, cleanups } = await setUp();
    try {
      const entered = notificationOf(
        await clerk.call('POST', '/api/notifications', {
          kind: 'name-change',
          residentId: wife.id,
          request: { name: '本郷 華子', nameKana: 'ホンゴウ ハナコ' },
        }),
      );
      const byClerk = await clerk.call('POST', `/api/notifications/${entered.id}/confirm`);
      expect([byClerk.status, errorCodeOf(byClerk)]).toEqual([403, 'JUKI_ERR_OPERATOR_FORBIDDEN']);
      const clerkReject = await clerk.call('POST', `/api/notifications/${entered.id}/reject`, {
        reason: '取下げ',
      });
      expect([clerkReject.status, errorCodeOf(clerkReject)]).toEqual([403, 'JUKI_ERR_OPERATOR_FORBIDDEN']);

      // An examiner's own 職権 entry needs another examiner.
      muni.clock.advance(1000);
      const official = notificationOf(
        await examiner.call('POST', '/api/notifications', {
          kind: 'official-correction',
          residentId: head.id,
          request: { corrections: { nameKana: 'ホンゴウ イチロ' } },
        }),
      );
      const self = await examiner.call('POST', `/api/notifications/${official.id}/confirm`);
      expect([self.status, errorCodeOf(self)]).toEqual([403, 'JUKI_ERR_NOTIFICATION_SELF_CONFIRM']);
      expect(notificationOf(await examiner.call('GET', `/api/notifications/${official.id}`)).status).toBe(
        'pending',
      );

      const rejected = await examiner.call('POST', `/api/notifications/${entered.id}/reject`, {
        reason: '戸籍謄本の確認が取れないため',
      });
      expect(rejected.status).toBe(200);
      expect(notificationOf(rejected)).toMatchObject({
        status: 'rejected',
        reason: '戸籍謄本の確認が取れないため',
        decidedBy: { displayName: '審査 次郎' },
      });
      for (const path of [
        `/api/notifications/${entered.id}/confirm`,
        `/api/notifications/${entered.id}/reject`,
      ]) {
        const again = await examiner2.call('POST', path, { reason: '再決裁' });
        expect([again.status, errorCodeOf(again)]).toEqual([409, 'JUKI_ERR_NOTIFICATION_NOT_PENDING']);
      }
      const confirmed = await examiner2.call('POST', `/api/notifications/${official.id}/confirm`);
      expect(notificationOf(confirmed)).toMatchObject({ status: 'applied', results: [{ id: head.id }] });
      const twice = await examiner.call('POST', `/api/notifications/${official.id}/confirm`);
      expect([twice.status, errorCodeOf(twice)]).toEqual([403, 'JUKI_ERR_NOTIFICATION_SELF_CONFIRM']);
      const thrice = await examiner2.call('POST', `/api/notifications/${official.id}/confirm`);
      expect([thrice.status, errorCodeOf(thrice)]).toEqual([409, 'JUKI_ERR_NOTIFICATION_NOT_PENDING']);

      const unknown = await examiner.call('GET', '/api/notifications/no-such-notification');
      expect([unknown.status, errorCodeOf(unknown)]).toEqual([404, 'JUKI_ERR_NOTIFICATION_NOT_FOUND']);
      const unknownConfirm = await examiner.call('POST', '/api/notifications/no-such-notification/confirm');
      expect([unknownConfirm.status, errorCodeOf(unknownConfirm)]).toEqual([
        404,
        'JUKI_ERR_NOTIFICATION_NOT_FOUND',
      ]);

      // Lists: newest first, by status; the clerk does not see the 職権 acts, the examiner sees both.
      const clerkList = await clerk.call('GET', '/api/notifications');
      expect((clerkList.body['notifications'] as NotificationView[]).map((n) => n.id)).toEqual([entered.id]);
      const examinerList = await examiner.call('GET', '/api/notifications');
      expect((examinerList.body['notifications'] as NotificationView[]).map((n) => n.id)).toEqual([
        official.id,
        entered.id,
      ]);
      const rejectedList = await examiner.call('GET', '/api/notifications?status=rejected');
      expect((rejectedList.body['notifications'] as NotificationView[]).map((n) => n.id)).toEqual([
        entered.id,
      ]);
      const clerkView = await clerk.call('GET', `/api/notifications/${official.id}`);
      expect([clerkView.status, errorCodeOf(clerkView)]).toEqual([403, 'JUKI_ERR_OPERATOR_FORBIDDEN']);
      const badStatus = await clerk.call('GET', '/api/notifications?status=done');
      expect([badStatus.status, errorCodeOf(badStatus)]).toEqual([400, 'JUKI_ERR_REQUEST_INVALID']);

      expect(await countRows(store, 'notification')).toBe(2);
    } finally {
      await cleanups();
    }
  });

  it('flags a 届出 filed after the 14-day period, and the record carries the flag once confirmed', async () => {
    const { clerk, examiner, child, muni, cleanups } = await setUp();
    try {
      const body = {
        kind: 'move-within',
        residentId: child.id,
        request: { address: '東京都文京区本郷三丁目3番3号', date: '2024-03-01' },
      };
      const check = await clerk.call('POST', '/api/notifications/check', body);
      expect([check.status, check.body]).toEqual([200, { ok: true, late: true, deadline: '2024-03-15' }]);
      const inTime = await clerk.call('POST', '/api/notifications/check', {
        ...body,
        request: { ...body.request, date: '2024-03-18' },
      });
      expect(inTime.body).toEqual({ ok: true, late: false, deadline: '2024-04-01' });
      const noPeriod = await clerk.call('POST', '/api/notifications/check', {
        kind: 'death',
        residentId: child.id,
        request: { date: '2024-01-20' },
      });
      expect(noPeriod.body).toEqual({ ok: true, late: false, deadline: null });

      const applied = await enterAndConfirm(clerk, examiner, body);
      expect(applied.late).toBe(true);
      const record = await muni.module.register.getResident(child.id);
      expect(record?.lastChange).toMatchObject({ kind: 'move-within', lateFiling: { daysLate: 17 } });
    } finally {
      await cleanups();
    }
  });

  it('a check leaves no trace: no record, code take, identity version, outbox row or notification', async () => {
    const { store, clerk, examiner, head, wife, cleanups } = await setUp();
    try {
      const before = await footprint(store);
      const checks = [
        {
          kind: 'birth',
          request: {
            name: '本郷 五郎',
            birthDate: '2024-03-30',
            sex: 'male',
            address: ADDRESS,
            household: { join: 'h-hongo' },
            relationship: '子',
          },
        },
        { kind: 'code-change', residentId: wife.id, request: {} },
        {
          kind: 'household-split',
          householdId: 'h-hongo',
          request: { members: [wife.id], householdId: 'h-new' },
        },
      ];
      for (const body of checks) {
        const answer = await clerk.call('POST', '/api/notifications/check', body);
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      }
      const official = await examiner.call('POST', '/api/notifications/check', {
        kind: 'official-deletion',
        residentId: head.id,
        request: { ground: '居住の事実なし', newHead: wife.id },
      });
      expect(official.status).toBe(200);
      expect(await footprint(store)).toEqual(before);
      // Each check is logged all the same.
      const log = await readOperationRecords(store.db);
      expect(
        log.filter((r) => (r.fn === 'notification' || r.fn === 'official-action') && r.access === 'write'),
      ).toMatchObject(Array<object>(4).fill({ outcome: 'ok' }));
    } finally {
      await cleanups();
    }
  });

  it('a confirmation the register now refuses leaves the 届出 pending and answers the refusal', async () => {
    const { store, muni, clerk, examiner, child, cleanups } = await setUp();
    try {
      const entered = notificationOf(
        await clerk.call('POST', '/api/notifications', {
          kind: 'move-within',
          residentId: child.id,
          request: { address: '東京都文京区本郷三丁目3番3号' },
        }),
      );
      await muni.module.register.recordDeath(child.id, {});
      const before = await footprint(store);
      const refused = await examiner.call('POST', `/api/notifications/${entered.id}/confirm`);
      expect([refused.status, errorCodeOf(refused)]).toEqual([409, 'JUKI_ERR_RESIDENT_CLOSED']);
      expect(await footprint(store)).toEqual(before);
      expect(notificationOf(await examiner.call('GET', `/api/notifications/${entered.id}`)).status).toBe(
        'pending',
      );
    } finally {
      await cleanups();
    }
  });

  it('takes linkage messages at POST /api/linkage/messages as an official act, logged, once per action', async () => {
    const { store, clerk, examiner, cleanups } = await setUp();
    try {
      const source = await createTestMunicipality(await openFresh());
      const hanako = await source.module.register.recordOfficialEntry({
        name: '千石 花子',
        nameKana: 'センゴク ハナコ',
        birthDate: '1975-03-03',
        sex: 'female',
        address: '東京都文京区千石一丁目1番1号',
        date: '2024-01-10',
      });
      await source.module.register.recordMoveWithin(hanako.id, {
        address: '東京都文京区千石二丁目2番2号',
        date: '2024-03-01',
      });
      const messages = await exportLinkageMessages(source.context.store.db);
      const outboxBefore = await countRows(store, 'outbox');

      const forbidden = await clerk.call('POST', '/api/linkage/messages', { messages });
      expect([forbidden.status, errorCodeOf(forbidden)]).toEqual([403, 'JUKI_ERR_OPERATOR_FORBIDDEN']);
      const malformed = await examiner.call('POST', '/api/linkage/messages', { messages: [] });
      expect([malformed.status, errorCodeOf(malformed)]).toEqual([400, 'JUKI_ERR_LINKAGE_REQUEST_INVALID']);

      const answer = await examiner.call('POST', '/api/linkage/messages', {
        messages: [...messages, { v: 1, kind: 'birth', action: { id: 'broken' } }],
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ applied: 2, duplicate: 0, refused: 1 });
      expect(await countRows(store, 'outbox')).toBe(outboxBefore + 2);
      const again = await examiner.call('POST', '/api/linkage/messages', { messages });
      expect(again.body).toMatchObject({ applied: 0, duplicate: 2, refused: 0 });
      expect(await countRows(store, 'outbox')).toBe(outboxBefore + 2);

      const log = await readOperationRecords(store.db);
      const fed = log.filter((r) => r.fn === 'official-action' && r.access === 'execute');
      expect(fed.map((r) => [r.outcome, r.errorCode])).toEqual([
        ['refused', 'JUKI_ERR_OPERATOR_FORBIDDEN'],
        ['refused', 'JUKI_ERR_LINKAGE_REQUEST_INVALID'],
        ['ok', null],
        ['ok', null],
      ]);
      expect(fed[2]!.records).toContain(hanako.residentCode);
    } finally {
      await cleanups();
    }
  });
});
