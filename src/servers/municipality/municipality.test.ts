// The municipal register and its CS together: each action derives the right record (住民票) and the right identity
// change (異動事由, 異動年月日), recorded and sent to the prefecture in the same transaction; a refused action changes
// nothing; codes follow people and stay in the history; closed records are kept as 除票.

import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../test/support/engines.js';
import { prefectureNodeOf, type IdentityInfo, type ResidentCode } from '../../domain/index.js';
import { verifyEnvelopeSignature } from '../../net/index.js';
import { identityChanged, parseMessageBody, type Envelope } from '../../protocol/index.js';
import { isJukinetError, type ErrorCode } from '../../shared/errors.js';
import type { Store } from '../../store/index.js';
import { countAvailableCodes } from '../common/code-holding.js';
import { currentIdentity, identityHistory } from '../common/identity-history.js';
import { deriveResidentRecord, type BirthRequest, type Register } from './index.js';
import {
  createTestMunicipality,
  fillCodeHolding,
  type TestMunicipality,
} from './testing/test-municipality.js';

const TARO: BirthRequest = {
  name: '文京 太郎',
  nameKana: 'ブンキョウ タロウ',
  birthDate: '2024-03-20',
  sex: 'male',
  address: '東京都文京区本郷一丁目1番1号',
};

const HANAKO = {
  name: '本郷 花子',
  nameKana: 'ホンゴウ ハナコ',
  birthDate: '1985-06-15',
  sex: 'female',
  address: '東京都文京区本郷二丁目2番2号',
} as const;

/** How many rows each table the register, the CS and the outbox write holds. */
async function rowCounts(store: Store): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['resident', 'resident_action', 'household', 'identity_version', 'outbox']) {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(
      store.db,
    );
    counts[table] = Number(rows[0]!.n);
  }
  const { rows } = await sql<{
    n: number | string;
  }>`select count(*) as n from code_holding where taken_at is null`.execute(store.db);
  counts['available codes'] = Number(rows[0]!.n);
  return counts;
}

/** The identity.changed bodies in the outbox, checked against the message schema, oldest first. */
async function sentChanges(
  muni: TestMunicipality,
): Promise<{ change: IdentityInfo; previousResidentCode?: ResidentCode }[]> {
  const envelopes: Envelope[] = await muni.outbox();
  return envelopes.map((envelope) => {
    expect(envelope).toMatchObject({
      type: 'identity.changed',
      from: muni.context.nodeId,
      to: prefectureNodeOf(muni.context.nodeId),
    });
    expect(verifyEnvelopeSignature(envelope, muni.publicKey)).toBe(true);
    return parseMessageBody(identityChanged, envelope.body) as {
      change: IdentityInfo;
      previousResidentCode?: ResidentCode;
    };
  });
}

async function expectRefusal(action: Promise<unknown>, code: ErrorCode): Promise<void> {
  const error: unknown = await action.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(isJukinetError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
}

describeEachEngine('municipal register and CS', ({ openFresh }) => {
  async function setUp(options: { nodeId?: string; codes?: number } = {}): Promise<{
    store: Store;
    muni: TestMunicipality;
    register: Register;
  }> {
    const store = await openFresh();
    const muni = await createTestMunicipality(store, options);
    return { store, muni, register: muni.module.register };
  }

  it('municipalityModule() accepts node.ping and the 転入通知, and answers the consistency check and its calls', async () => {
    const { muni } = await setUp();
    const { module } = muni;
    expect(module.role).toBe('municipality');
    expect(module.messages.map((message) => message.type)).toEqual(['node.ping', 'special-move.moved-in']);
    expect(module.networkRoutes?.().map((route) => [route.method, route.path])).toEqual(
      expect.arrayContaining([
        ['GET', '/v1/consistency/:lgCode'],
        ['POST', '/v1/special-move/out-info'],
      ]),
    );
  });

  it('recordBirth() opens a record dated on the birth date with a code from the holding, and sends a birth', async () => {
    const { store, muni, register } = await setUp({ codes: 3 });
    const record = await register.recordBirth(TARO);
    expect(record).toMatchObject({
      name: '文京 太郎',
      nameKana: 'ブンキョウ タロウ',
      birthDate: '2024-03-20',
      address: TARO.address,
      lgCode: '131059',
      addressSince: '2024-03-20',
      residentSince: '2024-03-20',
      closed: false,
      previousResidentCodes: [],
      lastChange: { kind: 'birth', reason: 'birth', date: '2024-03-20' },
      version: 1,
    });
    expect(await countAvailableCodes(store.db)).toBe(2);
    const expected: IdentityInfo = {
      residentCode: record.residentCode,
      name: '文京 太郎',
      nameKana: 'ブンキョウ タロウ',
      birthDate: '2024-03-20',
      sex: 'male',
      address: TARO.address,
      lgCode: '131059' as IdentityInfo['lgCode'],
      foreignResident: false,
      change: { reason: 'birth', date: '2024-03-20' },
    };
    expect((await currentIdentity(store.db, record.residentCode))?.info).toEqual(expected);
    expect(await sentChanges(muni)).toEqual([{ change: expected }]);
    const history = await register.residentHistory(record.id);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ seq: 1, filedOn: '2024-04-01', effectiveOn: '2024-03-20' });
    const household = await register.getHousehold(record.householdId);
    expect(household).toMatchObject({
      headResidentId: record.id,
      address: TARO.address,
      memberIds: [record.id],
    });
  });

  it('each action derives its record and its identity change with the reason and date', async () => {
    const { store, muni, register } = await setUp();
    const entered = await register.recordOfficialEntry({
      ...HANAKO,
      date: '2024-01-10',
      residentSince: '2010-04-01',
    });
    expect(entered).toMatchObject({ residentSince: '2010-04-01', addressSince: '2024-01-10' });
    const moved = await register.recordMoveWithin(entered.id, {
      address: '東京都文京区白山三丁目3番3号',
      date: '2024-02-01',
    });
    expect(moved).toMatchObject({
      address: '東京都文京区白山三丁目3番3号',
      addressSince: '2024-02-01',
      previousAddress: HANAKO.address,
      householdId: entered.householdId,
    });
    const renamed = await register.recordNameChange(entered.id, {
      name: '白山 花子',
      nameKana: 'ハクサン ハナコ',
      date: '2024-03-01',
    });
    expect(renamed).toMatchObject({ name: '白山 花子', nameKana: 'ハクサン ハナコ' });
    const dead = await register.recordDeath(entered.id, { date: '2024-03-31' });
    expect(dead).toMatchObject({ closed: true, closure: { reason: 'death', date: '2024-03-31' } });

    const sent = await sentChanges(muni);
    expect(sent.map(({ change }) => [change.change.reason, change.change.date])).toEqual([
      ['official-entry', '2024-01-10'],
      ['move-within', '2024-02-01'],
      ['name-change', '2024-03-01'],
      ['death', '2024-03-31'],
    ]);
    expect(sent[1]!.change.address).toBe('東京都文京区白山三丁目3番3号');
    expect(sent[2]!.change.name).toBe('白山 花子');
    const history = await identityHistory(store.db, entered.residentCode);
    expect(history.map((version) => version.info)).toEqual(sent.map(({ change }) => change));
    expect(history.at(-1)?.closed).toBe(true);
    // The projection is the fold of the actions.
    expect(deriveResidentRecord(await register.residentHistory(entered.id))).toEqual(
      await register.getResident(entered.id),
    );
  });

  it('recordEntryFromAbroad() assigns a new code, or keeps the code the person already had', async () => {
    const { muni, register } = await setUp();
    const fresh = await register.recordEntryFromAbroad({
      name: 'スミス ジョン',
      birthDate: '1990-01-01',
      sex: 'male',
      address: '東京都文京区湯島一丁目1番1号',
      foreignResident: true,
      commonName: '須美寿 丈',
      date: '2024-03-15',
    });
    expect(fresh).toMatchObject({ foreignResident: true, commonName: '須美寿 丈' });
    const returning = await register.recordEntryFromAbroad({
      ...HANAKO,
      residentCode: '12345678903',
      date: '2024-03-16',
    });
    expect(returning.residentCode).toBe('12345678903');
    const sent = await sentChanges(muni);
    expect(sent.map(({ change }) => change.change)).toEqual([
      { reason: 'entry-from-abroad', date: '2024-03-15' },
      { reason: 'entry-from-abroad', date: '2024-03-16' },
    ]);
    expect(sent[0]!.change).toMatchObject({ foreignResident: true, commonName: '須美寿 丈' });
  });

  it('recordMoveOut() closes the record as a 除票 that stays in the register, to another municipality or abroad', async () => {
    const { store, muni, register } = await setUp();
    const a = await register.recordOfficialEntry({ ...HANAKO, date: '2024-01-10' });
    const b = await register.recordBirth(TARO);
    const out = await register.recordMoveOut(a.id, {
      destination: '大阪府松原市阿保一丁目1番1号',
      date: '2024-03-30',
    });
    expect(out).toMatchObject({
      closed: true,
      closure: { reason: 'move-out', date: '2024-03-30', destination: '大阪府松原市阿保一丁目1番1号' },
      address: HANAKO.address,
    });
    const abroad = await register.recordMoveOut(b.id, { destination: 'ドイツ連邦共和国', abroad: true });
    expect(abroad.closure).toEqual({
      reason: 'move-abroad',
      date: '2024-04-01',
      destination: 'ドイツ連邦共和国',
    });

    expect(await register.getResident(a.id)).toEqual(out);
    expect(await register.findByCode(a.residentCode)).toEqual(out);
    expect(await register.countResidents()).toBe(0);
    expect(await register.countResidents({ includeClosed: true })).toBe(2);
    expect(await register.listResidents({ limit: 10 })).toEqual([]);
    const listed = await register.listResidents({ limit: 10, includeClosed: true });
    expect(listed.map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect((await sentChanges(muni)).slice(2).map(({ change }) => change.change.reason)).toEqual([
      'move-out',
      'move-abroad',
    ]);
    expect((await currentIdentity(store.db, a.residentCode))?.closed).toBe(true);
    await expectRefusal(register.recordDeath(a.id), 'JUKI_ERR_RESIDENT_CLOSED');
    // A household whose last member left has no head and is closed.
    expect(await register.getHousehold(a.householdId)).toMatchObject({ headResidentId: null, closed: true });
  });

  it('requestCodeChange() gives a new code and keeps the old one in the history', async () => {
    const { store, muni, register } = await setUp();
    const before = await register.recordBirth(TARO);
    const after = await register.requestCodeChange(before.id, { date: '2024-03-25' });
    expect(after.residentCode).not.toBe(before.residentCode);
    expect(after.previousResidentCodes).toEqual([before.residentCode]);
    expect(after.lastChange).toEqual({ kind: 'code-change', reason: 'code-change', date: '2024-03-25' });
    expect(await register.findByCode(after.residentCode)).toEqual(after);
    const history = await register.residentHistory(before.id);
    expect(history.map((action) => action.payload)).toMatchObject([
      { kind: 'birth', residentCode: before.residentCode },
      { kind: 'code-change', residentCode: after.residentCode },
    ]);
    const sent = await sentChanges(muni);
    expect(sent[1]).toEqual({
      change: {
        ...sent[0]!.change,
        residentCode: after.residentCode,
        change: { reason: 'code-change', date: '2024-03-25' },
      },
      previousResidentCode: before.residentCode,
    });
    expect((await currentIdentity(store.db, before.residentCode))?.closed).toBe(true);
    expect((await currentIdentity(store.db, after.residentCode))?.closed).toBe(false);
  });

  it('a member who moves within founds a new household; one who lives alone takes the household along', async () => {
    const { register } = await setUp();
    const head = await register.recordOfficialEntry({
      ...HANAKO,
      household: { create: 'h-hongo' },
      date: '2024-01-10',
    });
    const child = await register.recordBirth({
      ...TARO,
      address: HANAKO.address,
      household: { join: 'h-hongo' },
    });
    expect(child.householdId).toBe('h-hongo');
    expect(await register.getHousehold('h-hongo')).toMatchObject({
      headResidentId: head.id,
      memberIds: [head.id, child.id].sort(),
    });
    const moved = await register.recordMoveWithin(head.id, {
      address: '東京都文京区千駄木一丁目1番1号',
      date: '2024-03-28',
    });
    expect(moved.householdId).not.toBe('h-hongo');
    expect(await register.getHousehold(moved.householdId)).toMatchObject({
      headResidentId: head.id,
      address: '東京都文京区千駄木一丁目1番1号',
    });
    // The one member who remains heads the household ex officio, by a household-head-change action.
    expect(await register.getHousehold('h-hongo')).toMatchObject({
      headResidentId: child.id,
      memberIds: [child.id],
    });
    expect((await register.getResident(child.id))?.relationship).toBe('世帯主');
    const alone = await register.recordMoveWithin(child.id, {
      address: '東京都文京区根津一丁目1番1号',
      date: '2024-03-29',
    });
    expect(alone.householdId).toBe('h-hongo');
    expect(await register.getHousehold('h-hongo')).toMatchObject({ address: '東京都文京区根津一丁目1番1号' });
  });

  it('recordOfficialEntries() records a batch in one transaction, all or none', async () => {
    const { store, register } = await setUp({ codes: 5 });
    const records = await register.recordOfficialEntries([
      { ...HANAKO, household: { create: 'h-1' }, date: '2024-01-10' },
      { ...TARO, address: HANAKO.address, household: { join: 'h-1' }, date: '2024-03-20' },
    ]);
    expect(records.map((record) => record.householdId)).toEqual(['h-1', 'h-1']);
    const counts = await rowCounts(store);
    await expectRefusal(
      register.recordOfficialEntries([
        { ...HANAKO, date: '2024-01-10', acknowledgeDuplicate: true },
        { ...TARO, date: '2030-01-01' },
      ]),
      'JUKI_ERR_REGISTER_DATE_IN_FUTURE',
    );
    expect(await rowCounts(store)).toEqual(counts);
  });

  it('a refused action says why and changes nothing', async () => {
    const { store, register } = await setUp({ codes: 5 });
    const person = await register.recordOfficialEntry({
      ...HANAKO,
      household: { create: 'h-1' },
      date: '2024-02-01',
    });
    const counts = await rowCounts(store);
    const refusals: [() => Promise<unknown>, ErrorCode][] = [
      [() => register.recordBirth({ ...TARO, birthDate: '2024-04-02' }), 'JUKI_ERR_REGISTER_DATE_IN_FUTURE'],
      [() => register.recordBirth({ ...TARO, filedOn: '2024-03-01' }), 'JUKI_ERR_REGISTER_DATE_BEFORE_BIRTH'],
      [() => register.recordBirth({ ...TARO, nameKana: 'ぶんきょう' }), 'JUKI_ERR_REGISTER_REQUEST_INVALID'],
      [() => register.recordBirth({ ...TARO, commonName: '通称' }), 'JUKI_ERR_REGISTER_REQUEST_INVALID'],
      [() => register.recordBirth({ ...TARO, name: ' ' }), 'JUKI_ERR_REGISTER_REQUEST_INVALID'],
      [
        () => register.recordBirth({ ...TARO, household: { join: 'h-none' } }),
        'JUKI_ERR_HOUSEHOLD_NOT_FOUND',
      ],
      [
        () => register.recordBirth({ ...TARO, household: { join: 'h-1' } }),
        'JUKI_ERR_HOUSEHOLD_ADDRESS_MISMATCH',
      ],
      [() => register.recordBirth({ ...TARO, household: { create: 'h-1' } }), 'JUKI_ERR_HOUSEHOLD_EXISTS'],
      [
        () => register.recordMoveIn({ ...HANAKO, residentCode: person.residentCode }),
        'JUKI_ERR_RESIDENT_CODE_IN_USE',
      ],
      [
        () => register.recordMoveIn({ ...HANAKO, residentCode: '12345678900' }),
        'JUKI_ERR_RESIDENT_CODE_CHECK_DIGIT',
      ],
      [
        () => register.recordDeath(person.id, { date: '2024-01-31' }),
        'JUKI_ERR_REGISTER_DATE_BEFORE_LAST_CHANGE',
      ],
      [() => register.recordDeath(person.id, { date: '2024-04-02' }), 'JUKI_ERR_REGISTER_DATE_IN_FUTURE'],
      [() => register.recordDeath('no-such-resident'), 'JUKI_ERR_RESIDENT_NOT_FOUND'],
      [() => register.recordMoveOut(person.id, { destination: '' }), 'JUKI_ERR_REGISTER_REQUEST_INVALID'],
      [
        () => register.recordNameChange(person.id, { name: '白山 花子', commonName: '通称' }),
        'JUKI_ERR_REGISTER_REQUEST_INVALID',
      ],
    ];
    for (const [action, code] of refusals) await expectRefusal(action(), code);
    expect(await rowCounts(store)).toEqual(counts);
    expect(await register.getResident(person.id)).toEqual(person);
  });

  it('concurrent births each get their own code and their own message, in one channel without gaps', async () => {
    const { store, muni, register } = await setUp({ codes: 12 });
    const records = await Promise.all(
      Array.from({ length: 10 }, (_, i) => register.recordBirth({ ...TARO, name: `文京 ${i + 1}郎` })),
    );
    expect(new Set(records.map((record) => record.residentCode)).size).toBe(10);
    expect(await countAvailableCodes(store.db)).toBe(2);
    const envelopes = await muni.outbox();
    expect(envelopes.map((envelope) => envelope.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const sent = (await sentChanges(muni)).map(({ change }) => change.residentCode).sort();
    expect(sent).toEqual(records.map((record) => record.residentCode).sort());
  });

  it('an empty code holding refuses a birth and changes nothing', async () => {
    const { store, register } = await setUp({ codes: 1 });
    await register.recordBirth(TARO);
    const counts = await rowCounts(store);
    const twin = { ...TARO, name: '文京 次郎' };
    await expectRefusal(register.recordBirth(twin), 'JUKI_ERR_CODE_POOL_EMPTY');
    expect(await rowCounts(store)).toEqual(counts);
    await fillCodeHolding(store, 1);
    await register.recordBirth(twin);
  });

  it('the code follows the person who moves to another municipality', async () => {
    const bunkyo = await setUp();
    const matsubara = await setUp({ nodeId: 'muni-272175' });
    const person = await bunkyo.register.recordOfficialEntry({ ...HANAKO, date: '2024-01-10' });
    await bunkyo.register.recordMoveOut(person.id, {
      destination: '大阪府松原市阿保一丁目1番1号',
      date: '2024-03-30',
    });
    const codesBefore = await countAvailableCodes(matsubara.store.db);
    const arrived = await matsubara.register.recordMoveIn({
      ...HANAKO,
      address: '大阪府松原市阿保一丁目1番1号',
      residentCode: person.residentCode,
      previousAddress: HANAKO.address,
      date: '2024-03-30',
      filedOn: '2024-04-01',
    });
    expect(arrived).toMatchObject({
      residentCode: person.residentCode,
      lgCode: '272175',
      previousAddress: HANAKO.address,
      residentSince: '2024-03-30',
    });
    expect(await countAvailableCodes(matsubara.store.db)).toBe(codesBefore);
    const sent = await sentChanges(matsubara.muni);
    expect((await matsubara.muni.outbox()).map((envelope) => envelope.to)).toEqual(['pref-27']);
    expect(sent.map(({ change }) => change)).toEqual([
      {
        ...(await sentChanges(bunkyo.muni))[0]!.change,
        address: '大阪府松原市阿保一丁目1番1号',
        lgCode: '272175',
        change: { reason: 'move-in', date: '2024-03-30' },
      },
    ]);
  });
});
