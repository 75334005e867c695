// The linkage from outside: our register's export seeds a fresh CS with the same identity information, an import is
// idempotent by action id (our own export comes back as duplicates), a refused row changes nothing and the import
// goes on, and the JSON message API answers one result per message.

import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../test/support/engines.js';
import { isJukinetError, type ErrorCode } from '../../shared/errors.js';
import type { Store } from '../../store/index.js';
import { consistencyDigest } from '../common/identity-history.js';
import { LINKAGE_BATCH_MAX, linkageResponseSchema, receiveLinkageMessages } from './linkage-api.js';
import { formatLinkageCsv } from './linkage-csv.js';
import { exportLinkageCsv, exportLinkageMessages } from './linkage-export.js';
import { formatLinkageReport, importLinkageCsv } from './linkage-import.js';
import type { RegisterChange } from './linkage.js';
import { createTestMunicipality, type TestMunicipality } from './testing/test-municipality.js';

const HANAKO = {
  name: '本郷 花子',
  nameKana: 'ホンゴウ ハナコ',
  birthDate: '1985-06-15',
  sex: 'female',
  address: '東京都文京区本郷二丁目2番2号',
} as const;

const SECOND = 1000;

async function countRows(store: Store, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(
    store.db,
  );
  return Number(rows[0]!.n);
}

/** A register with a small history: entries, a birth, a move, a name change, a code change, a move-out, a correction. */
async function seedRegister(muni: TestMunicipality): Promise<void> {
  const register = muni.module.register;
  const tick = (): void => muni.clock.advance(SECOND);
  const hanako = await register.recordOfficialEntry({ ...HANAKO, date: '2024-01-10' });
  tick();
  const ichiro = await register.recordOfficialEntry({
    name: '白山 一郎',
    nameKana: 'ハクサン イチロウ',
    birthDate: '1970-01-01',
    sex: 'male',
    address: '東京都文京区白山一丁目1番1号, "離れ"',
    date: '2024-01-10',
  });
  tick();
  const taro = await register.recordBirth({
    name: '本郷 太郎',
    nameKana: 'ホンゴウ タロウ',
    birthDate: '2024-03-20',
    sex: 'male',
    address: HANAKO.address,
    household: { join: hanako.householdId },
    relationship: '子',
  });
  tick();
  await register.recordMoveWithin(hanako.id, {
    address: '東京都文京区白山三丁目3番3号',
    date: '2024-03-22',
  });
  tick();
  await register.recordNameChange(ichiro.id, {
    name: '小石川 一郎',
    nameKana: 'コイシカワ イチロウ',
    date: '2024-03-01',
  });
  tick();
  await register.requestCodeChange(taro.id, { date: '2024-03-25' });
  tick();
  await register.recordMoveOut(ichiro.id, {
    destination: '大阪府松原市阿保一丁目1番1号',
    date: '2024-03-30',
  });
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isJukinetError(error, code), String(error)).toBe(true);
}

describeEachEngine('Linkage import and export', ({ openFresh }) => {
  it('exportLinkageMessages() gives the messages the register sent, in order; a fresh CS fed them holds the same', async () => {
    const source = await createTestMunicipality(await openFresh());
    await seedRegister(source);
    const messages = await exportLinkageMessages(source.context.store.db);
    expect(messages.map((message) => message.kind)).toEqual([
      'official-entry',
      'official-entry',
      'birth',
      'move-within',
      'name-change',
      'code-change',
      'move-out',
    ]);
    // The same as the identity.changed messages the CS sent when the register recorded them.
    const sent = await source.outbox();
    expect(messages.map((message) => message.resident.residentCode)).toEqual(
      sent.map((envelope) => (envelope.body as { change: { residentCode: string } }).change.residentCode),
    );
    expect(messages[5]!.action.previousResidentCode).toBe(messages[2]!.resident.residentCode);

    const target = await createTestMunicipality(await openFresh());
    const report = await importLinkageCsv(target.context, await exportLinkageCsv(source.context.store.db));
    expect(report).toMatchObject({ applied: 7, duplicate: 0, refused: 0 });
    expect(report.results.map((result) => result.line)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const lgCode = messages[0]!.resident.lgCode;
    const expected = await consistencyDigest(source.context.store.db, lgCode);
    expect(expected.count).toBe(2);
    expect(await consistencyDigest(target.context.store.db, lgCode)).toEqual(expected);
    expect(await countRows(target.context.store, 'outbox')).toBe(7);

    // Imported again, every row is a duplicate and nothing changes.
    const again = await importLinkageCsv(target.context, formatLinkageCsv(messages));
    expect(again).toMatchObject({ applied: 0, duplicate: 7, refused: 0 });
    expect(await countRows(target.context.store, 'outbox')).toBe(7);
    expect(await countRows(target.context.store, 'identity_version')).toBe(
      await countRows(source.context.store, 'identity_version'),
    );
  });

  it('exportLinkageMessages() puts a 除票 before the open record of the same code recorded in the same millisecond', async () => {
    const source = await createTestMunicipality(await openFresh());
    const register = source.module.register;
    // The test clock stands still: every action below is recorded in the same millisecond.
    const first = await register.recordOfficialEntry({ ...HANAKO, date: '2024-01-10' });
    await register.recordMoveOut(first.id, {
      destination: '大阪府松原市阿保一丁目1番1号',
      date: '2024-02-01',
    });
    const back = await register.recordMoveIn({
      ...HANAKO,
      residentCode: first.residentCode,
      date: '2024-03-01',
    });
    expect(back.id).not.toBe(first.id);
    const messages = await exportLinkageMessages(source.context.store.db);
    expect(messages.map((message) => [message.resident.id, message.kind])).toEqual([
      [first.id, 'official-entry'],
      [first.id, 'move-out'],
      [back.id, 'move-in'],
    ]);
    const target = await createTestMunicipality(await openFresh());
    expect(await importLinkageCsv(target.context, formatLinkageCsv(messages))).toMatchObject({ applied: 3 });
    expect(await consistencyDigest(target.context.store.db, back.lgCode)).toEqual(
      await consistencyDigest(source.context.store.db, back.lgCode),
    );
  });

  it('an import of our own export into our own node finds every action applied already', async () => {
    const muni = await createTestMunicipality(await openFresh());
    await seedRegister(muni);
    const store = muni.context.store;
    expect(await countRows(store, 'linkage_applied')).toBe(7);
    const versions = await countRows(store, 'identity_version');
    const report = await importLinkageCsv(muni.context, await exportLinkageCsv(store.db));
    expect(report).toMatchObject({ applied: 0, duplicate: 7, refused: 0 });
    expect(await countRows(store, 'identity_version')).toBe(versions);
    expect(await countRows(store, 'outbox')).toBe(7);
  });

  it('a refused row changes nothing and the import goes on with the next row', async () => {
    const source = await createTestMunicipality(await openFresh());
    await seedRegister(source);
    const [hanako, ichiro, , , , , ichiroOut] = await exportLinkageMessages(source.context.store.db);
    const late: RegisterChange = {
      ...ichiro!,
      kind: 'move-within',
      resident: { ...ichiro!.resident, address: '東京都文京区千石一丁目1番1号' },
      action: {
        ...ichiro!.action,
        id: '018e972b-9680-7811-83ee-000000000001',
        seq: 9,
        reason: 'move-within',
      },
    };
    const badCode = formatLinkageCsv([hanako!])
      .split('\r\n')[1]!
      .replace(hanako!.resident.residentCode, '12345678900');
    const text =
      formatLinkageCsv([ichiro!, ichiroOut!, late]).trimEnd() +
      `\r\n${badCode}\r\n` +
      formatLinkageCsv([hanako!]).split('\r\n')[1]!;
    const target = await createTestMunicipality(await openFresh());
    const report = await importLinkageCsv(target.context, text);
    expect(report).toMatchObject({ applied: 3, duplicate: 0, refused: 2 });
    expect(report.results.map((result) => [result.line, result.status])).toEqual([
      [2, 'applied'],
      [3, 'applied'],
      [4, 'refused'],
      [5, 'refused'],
      [6, 'applied'],
    ]);
    expect(report.results[2]).toMatchObject({ actionId: late.action.id, code: 'JUKI_ERR_IDENTITY_CLOSED' });
    expect(report.results[3]).toMatchObject({
      actionId: hanako!.action.id,
      code: 'JUKI_ERR_LINKAGE_MESSAGE_INVALID',
      message: expect.stringContaining('message.resident.residentCode') as unknown,
    });
    expect(await countRows(target.context.store, 'identity_version')).toBe(3);
    expect(await countRows(target.context.store, 'linkage_applied')).toBe(3);
    expect(await countRows(target.context.store, 'outbox')).toBe(3);
    expect(formatLinkageReport(report)).toEqual([
      expect.stringMatching(/^line 4: refused .*: JUKI_ERR_IDENTITY_CLOSED: /) as unknown,
      expect.stringMatching(/^line 5: refused .*: JUKI_ERR_LINKAGE_MESSAGE_INVALID: /) as unknown,
      '3 applied, 0 duplicate, 2 refused (a refused row changed nothing; the rows after it were imported all the same)',
    ]);
  });

  it('importLinkageCsv() refuses a file it cannot read before applying any row', async () => {
    const source = await createTestMunicipality(await openFresh());
    await seedRegister(source);
    const text = (await exportLinkageCsv(source.context.store.db)) + '1,birth\r\n';
    const target = await createTestMunicipality(await openFresh());
    await expectCode(importLinkageCsv(target.context, text), 'JUKI_ERR_LINKAGE_CSV_INVALID');
    await expect(importLinkageCsv(target.context, text)).rejects.toThrow(
      /line 9: 2 cells where the header has 20/,
    );
    expect(await countRows(target.context.store, 'identity_version')).toBe(0);
  });

  it('receiveLinkageMessages() answers one result per message, in order, and a resend with duplicates', async () => {
    const source = await createTestMunicipality(await openFresh());
    await seedRegister(source);
    const messages = await exportLinkageMessages(source.context.store.db);
    const target = await createTestMunicipality(await openFresh());
    const body = { messages: [messages[0], { v: 2 }, messages[1]] };
    const first = await receiveLinkageMessages(target.context, body);
    expect(linkageResponseSchema.parse(first)).toEqual(first);
    expect(first).toMatchObject({
      applied: 2,
      duplicate: 0,
      refused: 1,
      results: [
        { status: 'applied', actionId: messages[0]!.action.id, version: 1 },
        { status: 'refused', code: 'JUKI_ERR_LINKAGE_MESSAGE_INVALID' },
        {
          status: 'applied',
          actionId: messages[1]!.action.id,
          residentCode: messages[1]!.resident.residentCode,
        },
      ],
    });
    const resend = await receiveLinkageMessages(target.context, { messages });
    expect(resend).toMatchObject({ applied: 5, duplicate: 2, refused: 0 });
    expect(resend.results.slice(0, 2)).toEqual([
      {
        status: 'duplicate',
        actionId: messages[0]!.action.id,
        residentCode: messages[0]!.resident.residentCode,
      },
      {
        status: 'duplicate',
        actionId: messages[1]!.action.id,
        residentCode: messages[1]!.resident.residentCode,
      },
    ]);
    const lgCode = messages[0]!.resident.lgCode;
    expect(await consistencyDigest(target.context.store.db, lgCode)).toEqual(
      await consistencyDigest(source.context.store.db, lgCode),
    );

    for (const bad of [
      undefined,
      { messages: [] },
      { messages: Array.from({ length: LINKAGE_BATCH_MAX + 1 }, () => ({})) },
      { messages: [messages[0]], extra: true },
    ]) {
      await expectCode(receiveLinkageMessages(target.context, bad), 'JUKI_ERR_LINKAGE_REQUEST_INVALID');
    }
  });
});
