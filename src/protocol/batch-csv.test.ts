import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { residentCodeCheckDigit } from '../domain/resident-code.js';
import {
  BATCH_RESULT_COLUMNS,
  checkBatchHeader,
  formatBatchResultLine,
  formatCsvLine,
  parseBatchResult,
  parseCsvLine,
  readBatchLine,
  splitCsvLines,
  type BatchResultLine,
} from './batch-csv.js';

const TODAY = '2025-06-30';
const CODE = `1234567890${residentCodeCheckDigit('1234567890')}`;
const WRONG_DIGIT = `1234567890${(residentCodeCheckDigit('1234567890') + 1) % 10}`;
const fieldWithoutBreaks = fc
  .string({ unit: 'binary', maxLength: 20 })
  .map((text) => text.replace(/[\r\n]/g, ''));

describe('parseCsvLine() and formatCsvLine()', () => {
  it('give back any fields without line breaks (property)', () => {
    fc.assert(
      fc.property(fc.array(fieldWithoutBreaks, { minLength: 1, maxLength: 10 }), (fields) => {
        expect(parseCsvLine(formatCsvLine(fields))).toEqual({ ok: true, value: fields });
      }),
      { seed: 4180, numRuns: 2000 },
    );
  });

  it('never throw, and either read a line or say why not (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ',', '"', ' ', '\r', 'あ') }), (line) => {
        const parsed = parseCsvLine(line);
        return parsed.ok ? parsed.value.length >= 1 : parsed.reason.length > 0;
      }),
      { seed: 4181, numRuns: 2000 },
    );
  });

  it('reads RFC 4180 quoting and refuses stray quotes', () => {
    expect(parseCsvLine('a,"b,c","say ""hi""",')).toEqual({ ok: true, value: ['a', 'b,c', 'say "hi"', ''] });
    expect(parseCsvLine('a,"b')).toEqual({ ok: false, reason: 'field 2: the quote is never closed' });
    expect(parseCsvLine('a,"b"c')).toEqual({ ok: false, reason: 'field 2: text after the closing quote' });
    expect(parseCsvLine('a,b"c')).toEqual({ ok: false, reason: 'field 2: a quote inside an unquoted field' });
  });
});

describe('splitCsvLines()', () => {
  it('splits at LF and CRLF, drops a byte-order mark, and does not count a final line break', () => {
    expect(splitCsvLines('\uFEFFa\r\nb\n\nc\n')).toEqual(['a', 'b', '', 'c']);
    expect(splitCsvLines('')).toEqual([]);
    expect(splitCsvLines('a')).toEqual(['a']);
  });
});

describe('readBatchLine()', () => {
  const read = (line: string) => readBatchLine(line, { today: TODAY });

  it('reads a look-up by code and a four-item search', () => {
    expect(read(`L1,${CODE},,,,,,2024-03-31`)).toEqual({
      ok: true,
      lineId: 'L1',
      query: { kind: 'code', residentCode: CODE, asOf: '2024-03-31' },
    });
    expect(read('L2,,"田中 花子",タナカ ハナコ,1985-03-03,female,東京都文京区,')).toEqual({
      ok: true,
      lineId: 'L2',
      query: {
        kind: 'four-items',
        criteria: {
          name: '田中 花子',
          nameKana: 'タナカ ハナコ',
          birthDate: '1985-03-03',
          sex: 'female',
          address: '東京都文京区',
        },
      },
    });
  });

  it('says why a line cannot be read, keeping its line id', () => {
    const cases: [string, string][] = [
      [`L1,${WRONG_DIGIT},,,,,,`, `resident_code "${WRONG_DIGIT}": the check digit is wrong`],
      ['L2,123,,,,,,', 'resident_code "123": must have 11 digits'],
      ['L3,,花子,,1985-02-30,female,,', 'birth_date "1985-02-30": day out of range for the month'],
      ['L4,,花子,,1985-02-03,woman,,', 'sex "woman": expected "male" or "female"'],
      ['L5,,花子,,,female,,', 'give resident_code, or birth_date, sex and name or name_kana'],
      [`L6,${CODE},,,,,`, '7 fields, expected 8'],
      [`L7,${CODE},,,,,,2999-01-01`, 'as_of "2999-01-01" is in the future'],
      [`L8,${CODE},"unclosed,,,,,,`, 'field 3: the quote is never closed'],
      [`,${CODE},,,,,,`, 'line_id is empty'],
    ];
    for (const [line, reason] of cases) {
      const read1 = read(line);
      expect(read1.ok).toBe(false);
      if (!read1.ok) {
        expect(read1.reason).toMatch(reason.startsWith('birth_date') ? /^birth_date "1985-02-30": / : reason);
        expect(read1.lineId).toBe(line.split(',')[0]);
      }
    }
    expect(read('')).toMatchObject({ ok: false, reason: 'an empty line' });
  });

  it('never throws on any line (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (line) => {
        const result = read(line.replace(/\n/g, ''));
        return result.ok || result.reason.length > 0;
      }),
      { seed: 4182, numRuns: 2000 },
    );
  });
});

describe('checkBatchHeader()', () => {
  it('accepts exactly the documented header', () => {
    expect(checkBatchHeader('line_id,resident_code,name,name_kana,birth_date,sex,address,as_of').ok).toBe(
      true,
    );
    expect(checkBatchHeader('line_id,resident_code').ok).toBe(false);
    expect(checkBatchHeader(undefined).ok).toBe(false);
  });
});

describe('formatBatchResultLine() and parseBatchResult()', () => {
  it('read back what was written', () => {
    const lines: BatchResultLine[] = [
      {
        line: 2,
        lineId: 'a,"b"',
        status: 'found',
        reason: '',
        identity: {
          residentCode: CODE,
          name: '田中 花子',
          nameKana: 'タナカ ハナコ',
          birthDate: '1985-03-03',
          sex: 'female',
          address: '東京都文京区本郷一丁目1番1号',
          change: { reason: 'name-change', date: '2021-10-01' },
          status: 'registered',
        },
      },
      { line: 3, lineId: 'x', status: 'invalid', reason: 'resident_code "1": must have 11 digits' },
    ];
    const text = [BATCH_RESULT_COLUMNS.join(','), ...lines.map(formatBatchResultLine)].join('\n') + '\n';
    expect(parseBatchResult(text)).toEqual({ ok: true, value: lines });
    expect(parseBatchResult('nonsense\n').ok).toBe(false);
  });
});
