// The full register on both engines: the record items, the household changes (世帯主変更, 世帯分離, 世帯合併), 職権消除
// and 職権修正, the rules a clerk relies on (filing period, one head, likely duplicates), the searches, and that
// every refusal says why and changes nothing.

import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../../test/support/engines.js';
import { isJukinetError, type ErrorCode } from '../../../shared/errors.js';
import type { Store } from '../../../store/index.js';
import { currentIdentity } from '../../common/identity-history.js';
import { createTestMunicipality, type TestMunicipality } from '../testing/test-municipality.js';
import type { LikelyDuplicateError, Register } from './register.js';
import { deriveResidentRecord, type ResidentRecord } from './resident-record.js';

const ADDRESS = '東京都文京区本郷二丁目2番2号';

const HANAKO = {
  name: '本郷 花子',
  nameKana: 'ホンゴウ ハナコ',
  birthDate: '1985-06-15',
  sex: 'female',
  address: ADDRESS,
} as const;

const ICHIRO = {
  ...HANAKO,
  name: '本郷 一郎',
  nameKana: 'ホンゴウ イチロウ',
  birthDate: '1983-02-01',
  sex: 'male',
} as const;
const JIRO = {
  ...HANAKO,
  name: '本郷 次郎',
  nameKana: 'ホンゴウ ジロウ',
  birthDate: '2015-05-05',
  sex: 'male',
} as const;

const DOMICILE = { place: '東京都文京区本郷二丁目2番', head: '本郷 一郎' };

/** Rows of every table a register write touches. */
async function rowCounts(store: Store): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['resident', 'resident_action', 'household', 'identity_version', 'outbox']) {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(
      store.db,
    );
    counts[table] = Number(rows[0]!.n);
  }
  return counts;
}

/** Everything a refusal must leave as it was: the row counts, the records and the households. */
async function snapshot(store: Store, register: Register, ids: readonly string[]): Promise<unknown> {
  const records = await Promise.all(ids.map((id) => register.getResident(id)));
  const households = await Promise.all(
    records.map(async (record) =>
      record === undefined ? undefined : await register.getHousehold(record.householdId),
    ),
  );
  return { counts: await rowCounts(store), records, households };
}

async function refusal(action: Promise<unknown>): Promise<unknown> {
  return action.then(
    () => undefined,
    (reason: unknown) => reason,
  );
}

async function expectRefusal(action: Promise<unknown>, code: ErrorCode): Promise<void> {
  const error = await refusal(action);
  expect(isJukinetError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
}

/** The 異動事由 of the identity.changed messages in the outbox, oldest first. */
async function sentReasons(muni: TestMunicipality): Promise<string[]> {
  return (await muni.outbox()).map(
    (envelope) => (envelope.body as { change: { change: { reason: string } } }).change.change.reason,
  );
}

/** Every record equals the fold of its history (the projection is never edited on its own). */
async function expectFolded(register: Register, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    expect(deriveResidentRecord(await register.residentHistory(id))).toEqual(await register.getResident(id));
  }
}

describeEachEngine('register', ({ openFresh }) => {
  async function setUp(): Promise<{ store: Store; muni: TestMunicipality; register: Register }> {
    const store = await openFresh();
    const muni = await createTestMunicipality(store);
    return { store, muni, register: muni.module.register };
  }

  /** A household of three at ADDRESS: 一郎 (head), 花子 (妻), 次郎 (子). */
  async function family(register: Register): Promise<[ResidentRecord, ResidentRecord, ResidentRecord]> {
    const [head, wife, child] = await register.recordOfficialEntries([
      { ...ICHIRO, date: '2024-01-10', household: { create: 'h-hongo' }, domicile: DOMICILE },
      { ...HANAKO, date: '2024-01-10', household: { join: 'h-hongo' }, relationship: '妻' },
      { ...JIRO, date: '2024-01-10', household: { join: 'h-hongo' }, relationship: '子' },
    ]);
    return [head!, wife!, child!];
  }

  it('keeps the record items of a Japanese and of a foreign resident, and never sends them to the CS', async () => {
    const { muni, register } = await setUp();
    const [head, wife] = await family(register);
    expect(head).toMatchObject({
      relationship: '世帯主',
      domicile: DOMICILE,
      addressNotifiedOn: '2024-04-01',
    });
    expect(wife.relationship).toBe('妻');
    const foreign = await register.recordEntryFromAbroad({
      name: 'SMITH JOHN',
      nameKana: 'スミス ジョン',
      commonName: '須美寿 丈',
      birthDate: '1990-01-01',
      sex: 'male',
      foreignResident: true,
      address: '東京都文京区湯島一丁目1番1号',
      date: '2024-03-25',
      foreign: {
        nationality: 'アメリカ合衆国',
        category: 'mid-to-long-term',
        residenceStatus: '技術・人文知識・国際業務',
        periodOfStay: '3年',
        periodExpiresOn: '2027-03-24',
        residenceCardNumber: 'AB12345678CD',
      },
      benefits: {
        nationalHealthInsurance: { since: '2024-03-25', number: '123' },
        nationalPension: { since: '2024-03-25' },
      },
    });
    expect(foreign).toMatchObject({
      foreign: { nationality: 'アメリカ合衆国', residenceCardNumber: 'AB12345678CD' },
      benefits: { nationalHealthInsurance: { since: '2024-03-25' } },
      residentSince: '2024-03-25',
      addressSince: '2024-03-25',
      addressNotifiedOn: '2024-04-01',
    });
    for (const envelope of await muni.outbox()) {
      const text = JSON.stringify(envelope.body);
      for (const item of ['domicile', 'relationship', 'foreign"', 'benefits', '本籍'])
        expect(text).not.toContain(item);
    }
  });

  it('refuses items a person cannot have, and bad or future item dates', async () => {
    const { store, register } = await setUp();
    const before = await rowCounts(store);
    const foreigner = { ...HANAKO, foreignResident: true } as const;
    const midToLong = { nationality: '中国', category: 'mid-to-long-term' } as const;
    const refusals: [() => Promise<unknown>, ErrorCode][] = [
      [
        () => register.recordBirth({ ...HANAKO, birthDate: '2024-03-01', foreign: midToLong }),
        'JUKI_ERR_REGISTER_REQUEST_INVALID',
      ],
      [
        () => register.recordOfficialEntry({ ...foreigner, domicile: DOMICILE }),
        'JUKI_ERR_REGISTER_REQUEST_INVALID',
      ],
      [
        () => register.recordOfficialEntry({ ...foreigner, benefits: { electoralRoll: true } }),
        'JUKI_ERR_REGISTER_REQUEST_INVALID',
      ],
      [
        () =>
          register.recordOfficialEntry({
            ...foreigner,
            foreign: { nationality: '韓国', category: 'special-permanent', residenceStatus: '永住者' },
          }),
        'JUKI_ERR_REGISTER_REQUEST_INVALID',
      ],
      [
        () =>
          register.recordOfficialEntry({
            ...foreigner,
            foreign: { ...midToLong, residenceCardNumber: 'ab1234' },
          }),
        'JUKI_ERR_REGISTER_REQUEST_INVALID',
      ],
      [
        () =>
          register.recordOfficialEntry({ ...HANAKO, benefits: { longTermCare: { since: '2030-01-01' } } }),
        'JUKI_ERR_REGISTER_DATE_IN_FUTURE',
      ],
      [
        () =>
          register.recordOfficialEntry({ ...HANAKO, benefits: { longTermCare: { since: '1980-01-01' } } }),
        'JUKI_ERR_REGISTER_DATE_BEFORE_BIRTH',
      ],
      [
        () => register.recordOfficialEntry({ ...HANAKO, relationship: '妻' }),
        'JUKI_ERR_REGISTER_REQUEST_INVALID',
      ],
    ];
    for (const [action, code] of refusals) await expectRefusal(action(), code);
    expect(await rowCounts(store)).toEqual(before);
  });

  it('accepts a late 届出 and flags it with the days late; an official act has no filing period', async () => {
    const { register } = await setUp();
    const moved = await register.recordMoveIn({ ...HANAKO, residentCode: '12345678903', date: '2024-03-01' });
    // 2024-03-01 to 2024-04-01 is 31 days: 17 days after the 14-day period (第22条).
    expect(moved.lastChange).toMatchObject({ kind: 'move-in', lateFiling: { daysLate: 17 } });
    const [action] = await register.residentHistory(moved.id);
    expect(action?.payload.lateFiling).toEqual({ daysLate: 17 });
    const inTime = await register.recordMoveWithin(moved.id, {
      address: '東京都文京区白山一丁目1番1号',
      date: '2024-03-18',
    });
    expect(inTime.lastChange.lateFiling).toBeUndefined();
    const entered = await register.recordOfficialEntry({ ...ICHIRO, date: '2024-01-01' });
    expect(entered.lastChange.lateFiling).toBeUndefined();
    // A 転出 may be filed before the move; other 届出 may not.
    await expectRefusal(
      register.recordMoveWithin(entered.id, {
        address: '東京都文京区千石一丁目1番1号',
        date: '2024-03-20',
        filedOn: '2024-03-19',
      }),
      'JUKI_ERR_REGISTER_FILED_BEFORE_DATE',
    );
    const out = await register.recordMoveOut(entered.id, {
      destination: '大阪府松原市阿保一丁目1番1号',
      date: '2024-03-31',
      filedOn: '2024-03-20',
    });
    expect(out.closed).toBe(true);
  });

  it('refuses a likely duplicate with its candidates unless acknowledged; a 除票 is no candidate', async () => {
    const { store, register } = await setUp();
    const first = await register.recordOfficialEntry({ ...HANAKO, date: '2024-01-10' });
    const before = await snapshot(store, register, [first.id]);
    const error = await refusal(
      register.recordMoveIn({
        ...HANAKO,
        residentCode: '12345678903',
        address: '東京都文京区白山一丁目1番1号',
      }),
    );
    expect(isJukinetError(error, 'JUKI_ERR_RESIDENT_LIKELY_DUPLICATE')).toBe(true);
    expect((error as LikelyDuplicateError).candidates).toEqual([
      { id: first.id, residentCode: first.residentCode, name: HANAKO.name, address: ADDRESS },
    ]);
    expect(await snapshot(store, register, [first.id])).toEqual(before);
    // Within one batch too: the second entry sees the first.
    const twice = { ...ICHIRO, date: '2024-01-10' };
    await expectRefusal(register.recordOfficialEntries([twice, twice]), 'JUKI_ERR_RESIDENT_LIKELY_DUPLICATE');
    expect(await snapshot(store, register, [first.id])).toEqual(before);
    // Another reading or another birth date is another person.
    await register.recordBirth({ ...HANAKO, nameKana: 'ホンゴウ ハナ', birthDate: '2024-03-30' });
    const second = await register.recordOfficialEntry({ ...HANAKO, acknowledgeDuplicate: true });
    expect(second.id).not.toBe(first.id);
    await register.recordDeath(first.id, { date: '2024-03-01' });
    await register.recordDeath(second.id, { date: '2024-04-01' });
    await register.recordOfficialEntry({ ...HANAKO });
  });

  it('世帯主変更 makes a member the head, sets the 続柄 given, and sends no identity change', async () => {
    const { muni, register } = await setUp();
    const [head, wife, child] = await family(register);
    const sent = (await muni.outbox()).length;
    const changed = await register.recordHouseholdHeadChange('h-hongo', {
      newHead: wife.id,
      relationships: { [head.id]: '夫' },
      date: '2024-03-01',
    });
    expect(changed.map((record) => [record.id, record.relationship])).toEqual([
      [wife.id, '世帯主'],
      [head.id, '夫'],
    ]);
    expect(changed[0]?.lastChange).toEqual({
      kind: 'household-head-change',
      date: '2024-03-01',
      lateFiling: { daysLate: 17 },
    });
    expect(await register.getHousehold('h-hongo')).toMatchObject({ headResidentId: wife.id, closed: false });
    expect((await register.getResident(child.id))?.relationship).toBe('子');
    expect((await muni.outbox()).length).toBe(sent);
    const history = await register.residentHistory(wife.id);
    expect(history.map((action) => action.payload.kind)).toEqual(['official-entry', 'household-head-change']);
    expect(history.map((action) => action.seq)).toEqual([1, 2]);
    expect(deriveResidentRecord(history)).toEqual(await register.getResident(wife.id));
  });

  it('a head who dies, moves or is deleted names a new head; a lone member succeeds; refusals change nothing', async () => {
    const { store, muni, register } = await setUp();
    const [head, wife, child] = await family(register);
    const ids = [head.id, wife.id, child.id];
    const before = await snapshot(store, register, ids);
    const refusals: [() => Promise<unknown>, ErrorCode][] = [
      [() => register.recordDeath(head.id, { date: '2024-03-01' }), 'JUKI_ERR_HOUSEHOLD_HEAD_REQUIRED'],
      [
        () => register.recordDeath(head.id, { date: '2024-03-01', newHead: head.id }),
        'JUKI_ERR_HOUSEHOLD_MEMBER_INVALID',
      ],
      [
        () => register.recordDeath(wife.id, { date: '2024-03-01', newHead: child.id }),
        'JUKI_ERR_HOUSEHOLD_MEMBER_INVALID',
      ],
      [
        () => register.recordMoveOut(head.id, { destination: '大阪府松原市阿保一丁目1番1号' }),
        'JUKI_ERR_HOUSEHOLD_HEAD_REQUIRED',
      ],
      [
        () => register.recordOfficialDeletion(head.id, { ground: '居住の事実なし' }),
        'JUKI_ERR_HOUSEHOLD_HEAD_REQUIRED',
      ],
      [
        () => register.recordMoveWithin(head.id, { address: '東京都文京区千石一丁目1番1号' }),
        'JUKI_ERR_HOUSEHOLD_HEAD_REQUIRED',
      ],
      [
        () => register.recordHouseholdHeadChange('h-hongo', { newHead: wife.id }),
        'JUKI_ERR_REGISTER_REQUEST_INVALID',
      ],
      [
        () => register.recordHouseholdHeadChange('h-hongo', { newHead: head.id, relationships: {} }),
        'JUKI_ERR_HOUSEHOLD_MEMBER_INVALID',
      ],
      [
        () =>
          register.recordHouseholdHeadChange('h-hongo', {
            newHead: wife.id,
            relationships: { [head.id]: '世帯主' },
          }),
        'JUKI_ERR_REGISTER_REQUEST_INVALID',
      ],
      [
        () => register.recordHouseholdHeadChange('h-none', { newHead: wife.id }),
        'JUKI_ERR_HOUSEHOLD_NOT_FOUND',
      ],
      [
        () => register.recordOfficialCorrection(head.id, { corrections: { relationship: '夫' } }),
        'JUKI_ERR_REGISTER_REQUEST_INVALID',
      ],
    ];
    for (const [action, code] of refusals) await expectRefusal(action(), code);
    expect(await snapshot(store, register, ids)).toEqual(before);

    const dead = await register.recordDeath(head.id, { date: '2024-03-01', newHead: wife.id });
    expect(dead).toMatchObject({ closed: true, closure: { reason: 'death' } });
    const after = await register.getHousehold('h-hongo');
    expect(after?.headResidentId).toBe(wife.id);
    expect([...(after?.memberIds ?? [])].sort()).toEqual([wife.id, child.id].sort());
    expect((await register.getResident(wife.id))?.relationship).toBe('世帯主');
    await register.recordMoveOut(wife.id, {
      destination: '大阪府松原市阿保一丁目1番1号',
      date: '2024-03-10',
    });
    // The one member who remains heads the household without a 届出.
    expect(await register.getHousehold('h-hongo')).toMatchObject({ headResidentId: child.id });
    const heir = await register.getResident(child.id);
    expect(heir?.lastChange).toEqual({ kind: 'household-head-change', date: '2024-03-10' });
    await register.recordOfficialDeletion(child.id, { ground: '居住の事実なし', date: '2024-03-20' });
    expect(await register.getHousehold('h-hongo')).toMatchObject({
      headResidentId: null,
      memberIds: [],
      closed: true,
    });
    await expectFolded(register, ids);
    expect(await sentReasons(muni)).toEqual([
      'official-entry',
      'official-entry',
      'official-entry',
      'death',
      'move-out',
      'official-deletion',
    ]);
  });

  it('世帯分離 founds a household at the same address and 世帯合併 joins it back, closing the one that joined', async () => {
    const { store, muni, register } = await setUp();
    const [head, wife, child] = await family(register);
    const sent = (await muni.outbox()).length;
    const before = await snapshot(store, register, [head.id, wife.id, child.id]);
    const refusals: [() => Promise<unknown>, ErrorCode][] = [
      [
        () => register.recordHouseholdSplit('h-hongo', { members: [head.id, wife.id, child.id] }),
        'JUKI_ERR_HOUSEHOLD_MEMBER_INVALID',
      ],
      [
        () => register.recordHouseholdSplit('h-hongo', { members: [head.id] }),
        'JUKI_ERR_HOUSEHOLD_HEAD_REQUIRED',
      ],
      [
        () => register.recordHouseholdSplit('h-hongo', { members: ['nobody'] }),
        'JUKI_ERR_HOUSEHOLD_MEMBER_INVALID',
      ],
      [
        () => register.recordHouseholdSplit('h-hongo', { members: [child.id], householdId: 'h-hongo' }),
        'JUKI_ERR_HOUSEHOLD_EXISTS',
      ],
      [
        () => register.recordHouseholdMerge('h-hongo', { into: 'h-hongo' }),
        'JUKI_ERR_REGISTER_REQUEST_INVALID',
      ],
      [
        () => register.recordHouseholdSplit('h-hongo', { members: [child.id], date: '2030-01-01' }),
        'JUKI_ERR_REGISTER_DATE_IN_FUTURE',
      ],
      [
        () => register.recordHouseholdSplit('h-hongo', { members: [child.id], date: '2023-01-01' }),
        'JUKI_ERR_REGISTER_DATE_BEFORE_LAST_CHANGE',
      ],
    ];
    for (const [action, code] of refusals) await expectRefusal(action(), code);
    expect(await snapshot(store, register, [head.id, wife.id, child.id])).toEqual(before);

    const [founder] = await register.recordHouseholdSplit('h-hongo', {
      members: [child.id],
      householdId: 'h-jiro',
      date: '2024-03-25',
    });
    expect(founder).toMatchObject({ householdId: 'h-jiro', relationship: '世帯主', address: ADDRESS });
    expect(await register.getHousehold('h-jiro')).toMatchObject({
      headResidentId: child.id,
      address: ADDRESS,
    });
    expect([...((await register.getHousehold('h-hongo'))?.memberIds ?? [])].sort()).toEqual(
      [head.id, wife.id].sort(),
    );

    const other = await register.recordOfficialEntry({
      ...ICHIRO,
      name: '白山 三郎',
      address: '東京都文京区白山一丁目1番1号',
      household: { create: 'h-hakusan' },
    });
    await expectRefusal(
      register.recordHouseholdMerge('h-jiro', { into: 'h-hakusan' }),
      'JUKI_ERR_HOUSEHOLD_ADDRESS_MISMATCH',
    );
    await expectRefusal(
      register.recordHouseholdMerge('h-jiro', { into: 'h-hongo', date: '2024-03-30' }),
      'JUKI_ERR_REGISTER_REQUEST_INVALID',
    );
    const joined = await register.recordHouseholdMerge('h-jiro', {
      into: 'h-hongo',
      relationships: { [child.id]: '子' },
      date: '2024-03-30',
    });
    expect(joined.map((record) => [record.householdId, record.relationship])).toEqual([['h-hongo', '子']]);
    expect(await register.getHousehold('h-jiro')).toMatchObject({ headResidentId: null, closed: true });
    expect(await register.getHousehold('h-hongo')).toMatchObject({ headResidentId: head.id });
    expect((await register.getHousehold('h-hongo'))?.memberIds).toHaveLength(3);
    expect((await muni.outbox()).length).toBe(sent + 1); // only 白山 三郎's 職権記載
    expect(other.householdId).toBe('h-hakusan');
    await expectFolded(register, [head.id, wife.id, child.id, other.id]);
  });

  it('a head who moves within names the new head and may join another household with a 続柄', async () => {
    const { register } = await setUp();
    const [head, wife, child] = await family(register);
    const other = await register.recordOfficialEntry({
      ...ICHIRO,
      name: '白山 三郎',
      address: '東京都文京区白山一丁目1番1号',
      household: { create: 'h-hakusan' },
    });
    await expectRefusal(
      register.recordMoveWithin(head.id, {
        address: '東京都文京区白山一丁目1番1号',
        household: { join: 'h-hakusan' },
        relationship: '世帯主',
        newHead: wife.id,
      }),
      'JUKI_ERR_REGISTER_REQUEST_INVALID',
    );
    const moved = await register.recordMoveWithin(head.id, {
      address: '東京都文京区白山一丁目1番1号',
      household: { join: 'h-hakusan' },
      relationship: '同居人',
      newHead: wife.id,
      date: '2024-03-28',
    });
    expect(moved).toMatchObject({
      householdId: 'h-hakusan',
      relationship: '同居人',
      previousAddress: ADDRESS,
    });
    expect(await register.getHousehold('h-hakusan')).toMatchObject({ headResidentId: other.id });
    expect(await register.getHousehold('h-hongo')).toMatchObject({ headResidentId: wife.id });
    await expectFolded(register, [head.id, wife.id, child.id, other.id]);
  });

  it('a household that moves within together keeps its id, head and 続柄, and each member sends a 転居', async () => {
    const { store, muni, register } = await setUp();
    const [head, wife, child] = await family(register);
    const lodger = await register.recordOfficialEntry({
      ...HANAKO,
      name: '白山 三郎',
      nameKana: 'ハクサン サブロウ',
      date: '2024-01-10',
      household: { create: 'h-hakusan' },
    });
    const before = await snapshot(store, register, [head.id, wife.id, child.id, lodger.id]);
    await expectRefusal(
      register.recordMoveWithin(wife.id, {
        address: '東京都文京区白山一丁目1番1号',
        withHousehold: true,
        relationship: '世帯主',
      }),
      'JUKI_ERR_REGISTER_REQUEST_INVALID',
    );
    await expectRefusal(
      register.recordMoveWithin(wife.id, {
        address: '東京都文京区白山一丁目1番1号',
        withHousehold: true,
        date: '2024-01-01',
      }),
      'JUKI_ERR_REGISTER_DATE_BEFORE_LAST_CHANGE',
    );
    expect(await snapshot(store, register, [head.id, wife.id, child.id, lodger.id])).toEqual(before);
    const reasonsBefore = (await sentReasons(muni)).length;

    const moved = await register.recordMoveWithin(wife.id, {
      address: '東京都文京区白山一丁目1番1号',
      withHousehold: true,
      date: '2024-03-28',
    });
    expect(moved).toMatchObject({ householdId: 'h-hongo', relationship: '妻', previousAddress: ADDRESS });
    const household = await register.getHousehold('h-hongo');
    expect(household).toMatchObject({ address: '東京都文京区白山一丁目1番1号', headResidentId: head.id });
    expect([...household!.memberIds].sort()).toEqual([head.id, wife.id, child.id].sort());
    for (const [member, relationship] of [
      [head, '世帯主'],
      [wife, '妻'],
      [child, '子'],
    ] as const) {
      expect(await register.getResident(member.id)).toMatchObject({
        address: '東京都文京区白山一丁目1番1号',
        householdId: 'h-hongo',
        relationship,
      });
    }
    // The other household stays where it was.
    expect(await register.getResident(lodger.id)).toMatchObject({
      address: ADDRESS,
      householdId: 'h-hakusan',
    });
    expect((await sentReasons(muni)).slice(reasonsBefore)).toEqual([
      'move-within',
      'move-within',
      'move-within',
    ]);
    await expectFolded(register, [head.id, wife.id, child.id, lodger.id]);
  });

  it('職権消除 keeps the record as a 除票 with its history; 職権修正 is an identity change only for identity items', async () => {
    const { store, muni, register } = await setUp();
    const person = await register.recordOfficialEntry({ ...HANAKO, date: '2024-01-10' });
    const corrected = await register.recordOfficialCorrection(person.id, {
      corrections: { domicile: DOMICILE, benefits: { electoralRoll: true } },
      date: '2024-02-01',
    });
    expect(corrected).toMatchObject({ domicile: DOMICILE, benefits: { electoralRoll: true } });
    expect(corrected.lastChange).toEqual({ kind: 'official-correction', date: '2024-02-01' });
    const renamed = await register.recordOfficialCorrection(person.id, {
      corrections: { name: '本郷 華子', nameKana: null, domicile: null },
      note: '誤記の訂正',
      date: '2024-02-02',
    });
    expect(renamed.name).toBe('本郷 華子');
    expect(renamed.nameKana).toBeUndefined();
    expect(renamed.domicile).toBeUndefined();
    await expectRefusal(
      register.recordOfficialCorrection(person.id, { corrections: {} }),
      'JUKI_ERR_REGISTER_REQUEST_INVALID',
    );
    await expectRefusal(
      register.recordOfficialCorrection(person.id, { corrections: { commonName: '通称' } }),
      'JUKI_ERR_REGISTER_REQUEST_INVALID',
    );
    const deleted = await register.recordOfficialDeletion(person.id, {
      ground: '居住の事実なし',
      date: '2024-03-01',
    });
    expect(deleted).toMatchObject({
      closed: true,
      closure: { reason: 'official-deletion', date: '2024-03-01', ground: '居住の事実なし' },
    });
    expect(await register.getResident(person.id)).toEqual(deleted);
    expect(await register.findByCode(person.residentCode)).toEqual(deleted);
    const history = await register.residentHistory(person.id);
    expect(history.map((action) => action.payload.kind)).toEqual([
      'official-entry',
      'official-correction',
      'official-correction',
      'official-deletion',
    ]);
    expect(deriveResidentRecord(history)).toEqual(deleted);
    await expectRefusal(
      register.recordOfficialCorrection(person.id, { corrections: { name: '本郷 花' } }),
      'JUKI_ERR_RESIDENT_CLOSED',
    );
    expect(await sentReasons(muni)).toEqual(['official-entry', 'official-correction', 'official-deletion']);
    const current = await currentIdentity(store.db, person.residentCode);
    expect(current).toMatchObject({ closed: true, reason: 'official-deletion' });
    expect(current?.info.name).toBe('本郷 華子');
  });

  it('finds records by code (a former one too), by name or reading with the birth date, and by address, capped', async () => {
    const { register } = await setUp();
    const [head, wife, child] = await family(register);
    const changed = await register.requestCodeChange(child.id, { date: '2024-03-01' });
    expect(await register.findByCode(child.residentCode)).toEqual(changed);
    expect(await register.findByCode(changed.residentCode)).toEqual(changed);
    expect(await register.findByCode('12345678903')).toBeUndefined();

    const ids = async (found: Promise<ResidentRecord[]>): Promise<string[]> =>
      (await found).map((r) => r.id).sort();
    expect(await ids(register.searchByName({ nameKana: 'ホンゴウ' }))).toEqual(
      [head.id, wife.id, child.id].sort(),
    );
    expect(
      (await register.searchByName({ nameKana: 'ホンゴウ', birthDate: HANAKO.birthDate })).map((r) => r.id),
    ).toEqual([wife.id]);
    expect((await register.searchByName({ name: '本郷 一' })).map((r) => r.id)).toEqual([head.id]);
    expect(await register.searchByName({ name: '本郷_' })).toEqual([]);
    expect(await register.searchByName({ name: '%' })).toEqual([]);
    expect(await register.searchByName({ nameKana: 'ホンゴウ', limit: 2 })).toHaveLength(2);
    await register.recordDeath(child.id, { date: '2024-03-02' });
    expect(await register.searchByAddress('東京都文京区本郷')).toHaveLength(2);
    expect(await register.searchByAddress('東京都文京区本郷', { includeClosed: true })).toHaveLength(3);
    expect(await register.searchByAddress('東京都文京区白山')).toEqual([]);
    await expectRefusal(register.searchByName({}), 'JUKI_ERR_REGISTER_REQUEST_INVALID');
    await expectRefusal(
      register.searchByAddress('東京都', { limit: 0 }),
      'JUKI_ERR_REGISTER_REQUEST_INVALID',
    );
  });
});
