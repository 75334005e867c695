import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateResidentCode, type ResidentCode } from '../../domain/index.js';
import {
  describeLinkageCsvError,
  formatLinkageCsv,
  LINKAGE_CSV_COLUMNS,
  parseLinkageCsv,
} from './linkage-csv.js';
import { LINKED_ACTION_KINDS, parseRegisterChange, type RegisterChange } from './linkage.js';

const MESSAGE: RegisterChange = {
  v: 1,
  kind: 'move-within',
  resident: {
    id: '018e972b-9680-7d86-9bfd-5a34c6906018',
    residentCode: '12345678903' as ResidentCode,
    name: '本郷 花子',
    nameKana: 'ホンゴウ ハナコ',
    birthDate: '1985-06-15',
    sex: 'female',
    address: '東京都文京区白山三丁目3番3号',
    lgCode: '131059' as RegisterChange['resident']['lgCode'],
    foreignResident: false,
    closed: false,
  },
  action: {
    id: '018e972b-9680-7811-83ee-a7b19caad6b1',
    seq: 2,
    reason: 'move-within',
    effectiveOn: '2024-02-01',
    filedOn: '2024-04-01',
    recordedAt: '2024-04-01T01:00:00.000Z',
  },
};

const HEADER = LINKAGE_CSV_COLUMNS.map((column) => column.name).join(',');

function rowsOf(text: string): unknown[] {
  const parsed = parseLinkageCsv(text);
  if (!parsed.ok) throw new Error(describeLinkageCsvError(parsed.reason));
  return parsed.value.map((row) => row.message);
}

describe('formatLinkageCsv()', () => {
  it('writes a header row and one row per message, empty cells for absent fields', () => {
    expect(formatLinkageCsv([MESSAGE])).toBe(
      `${HEADER}\r\n` +
        '1,move-within,018e972b-9680-7d86-9bfd-5a34c6906018,12345678903,本郷 花子,ホンゴウ ハナコ,,1985-06-15,female,' +
        '東京都文京区白山三丁目3番3号,131059,false,false,018e972b-9680-7811-83ee-a7b19caad6b1,2,move-within,' +
        '2024-02-01,2024-04-01,2024-04-01T01:00:00.000Z,\r\n',
    );
  });

  it('quotes a cell holding a comma, a quote or a line end, doubling the quotes', () => {
    const text = formatLinkageCsv([
      { ...MESSAGE, resident: { ...MESSAGE.resident, address: '白山"3",\n3号' } },
    ]);
    expect(text).toContain(',"白山""3"",\n3号",');
  });
});

describe('parseLinkageCsv()', () => {
  it('reads back what formatLinkageCsv() wrote, as a message the schema accepts', () => {
    const [message] = rowsOf(formatLinkageCsv([MESSAGE]));
    expect(parseRegisterChange(message)).toEqual(MESSAGE);
  });

  it('numbers each row by the line it starts on, counting line ends inside quotes', () => {
    const text = formatLinkageCsv([
      { ...MESSAGE, resident: { ...MESSAGE.resident, address: 'a\nb\nc' } },
      MESSAGE,
    ]);
    const parsed = parseLinkageCsv(text);
    expect(parsed.ok && parsed.value.map((row) => row.line)).toEqual([2, 5]);
  });

  it('takes the columns in any order, LF line ends, a byte-order mark and no optional columns', () => {
    const columns = LINKAGE_CSV_COLUMNS.filter((column) => column.required)
      .map((column) => column.name)
      .reverse();
    const full = rowsOf(formatLinkageCsv([MESSAGE]))[0] as Record<string, Record<string, unknown>>;
    const cell = (name: string): string => {
      const [group, field] = name.split('.') as [string, string | undefined];
      const value = field === undefined ? full[group] : full[group]![field];
      return String(value);
    };
    const text = `\uFEFF${columns.join(',')}\n${columns.map(cell).join(',')}\n\n`;
    const { nameKana: _kana, ...resident } = MESSAGE.resident;
    expect(rowsOf(text)).toEqual([{ ...MESSAGE, resident }]);
  });

  it('leaves a cell that is not a number or a boolean as text, for the schema to refuse', () => {
    const text = formatLinkageCsv([MESSAGE]).replace(',false,false,', ',no,false,');
    const [message] = rowsOf(text) as [{ resident: { foreignResident: unknown } }];
    expect(message.resident.foreignResident).toBe('no');
    expect(() => parseRegisterChange(message)).toThrow(/resident\.foreignResident/);
  });

  it.each([
    ['', { line: 1, reason: 'the file is empty: it needs a header row' }],
    [`${HEADER},extra\n`, { line: 1, column: 21, columnName: 'extra' }],
    [`${HEADER},kind\n`, { line: 1, column: 21, columnName: 'kind' }],
    ['v,kind\n', { line: 1 }],
    [`${HEADER}\n1,birth\n`, { line: 2, reason: '2 cells where the header has 20' }],
    [`${HEADER}\n1,"birth\n`, { line: 2, column: 2, reason: 'the quoted cell is never closed' }],
    [`${HEADER}\n1,"birth"x\n`, { line: 2, column: 2 }],
    [`${HEADER}\n1,bi"rth\n`, { line: 2, column: 2 }],
  ])('refuses %j naming the line and column', (text, expected) => {
    const parsed = parseLinkageCsv(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatchObject(expected);
  });

  it('describes an error with its line and column', () => {
    expect(describeLinkageCsvError({ line: 3, column: 5, columnName: 'resident.name', reason: 'x' })).toBe(
      'line 3, column 5 (resident.name): x',
    );
  });
});

describe('CSV round trip', () => {
  const awkward = fc.oneof(
    fc.string({ minLength: 1, unit: 'binary' }),
    fc.string({
      minLength: 1,
      unit: fc.constantFrom(',', '"', '\r', '\n', '\r\n', ' ', '本', 'ｱ', '𠮷', 'a'),
    }),
    fc.constantFrom('true', 'false', '1', '"', ',', '\n', '""', 'ﾊﾝｶｸ', '髙橋 〆子'),
  );
  const optional = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
    fc.option(arbitrary, { nil: undefined });
  const code = fc.constant(null).map(() => generateResidentCode());
  const message: fc.Arbitrary<RegisterChange> = fc
    .record({
      kind: fc.constantFrom(...LINKED_ACTION_KINDS),
      id: awkward,
      residentCode: code,
      name: awkward,
      nameKana: optional(awkward),
      commonName: optional(awkward),
      birthDate: awkward,
      sex: fc.constantFrom('male', 'female'),
      address: awkward,
      foreignResident: fc.boolean(),
      closed: fc.boolean(),
      actionId: awkward,
      seq: fc.integer({ min: 1, max: 1_000_000 }),
      effectiveOn: awkward,
      filedOn: awkward,
      recordedAt: awkward,
      previousResidentCode: optional(code),
    })
    .map((r) => ({
      v: 1,
      kind: r.kind,
      resident: {
        id: r.id,
        residentCode: r.residentCode,
        name: r.name,
        ...(r.nameKana === undefined ? {} : { nameKana: r.nameKana }),
        ...(r.commonName === undefined ? {} : { commonName: r.commonName }),
        birthDate: r.birthDate,
        sex: r.sex,
        address: r.address,
        lgCode: '131059' as RegisterChange['resident']['lgCode'],
        foreignResident: r.foreignResident,
        closed: r.closed,
      },
      action: {
        id: r.actionId,
        seq: r.seq,
        reason: 'birth',
        effectiveOn: r.effectiveOn,
        filedOn: r.filedOn,
        recordedAt: r.recordedAt,
        ...(r.previousResidentCode === undefined ? {} : { previousResidentCode: r.previousResidentCode }),
      },
    }));

  it('formatLinkageCsv() then parseLinkageCsv() gives the same messages, awkward strings included', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 5 }), (messages) => {
        expect(rowsOf(formatLinkageCsv(messages))).toEqual(messages);
      }),
      { seed: 4, numRuns: 300 },
    );
  });
});
