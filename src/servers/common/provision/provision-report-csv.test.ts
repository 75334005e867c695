// The annual report as CSV: a byte order mark, CRLF, RFC 4180 quoting and the Japanese header, read back by an
// independent parser for any names (fast-check).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../../test/support/csv.js';
import { csvField, provisionReportCsv } from './provision-report-csv.js';
import { provisionReportOf } from './provision-report.js';

const HEADER = ['提供先', '提供先名称', '年', '月', '提供方法', '提供回数', '提供件数'];

describe('provisionReportCsv()', () => {
  it('writes a BOM, the Japanese header and one CRLF line per recipient, month and method', () => {
    const report = provisionReportOf(2026, [
      {
        agency: 'agency-mhlw',
        agencyName: '厚生労働省',
        month: 1,
        method: 'online',
        provisions: 3,
        records: 2,
      },
      {
        agency: 'agency-mhlw',
        agencyName: '厚生労働省',
        month: 1,
        method: 'batch',
        provisions: 1,
        records: 1200,
      },
      {
        agency: 'agency-pref-office',
        agencyName: '東京都, "知事部局"',
        month: 12,
        method: 'online',
        provisions: 1,
        records: 0,
      },
    ]);
    expect(provisionReportCsv(report)).toBe(
      '\uFEFF' +
        '提供先,提供先名称,年,月,提供方法,提供回数,提供件数\r\n' +
        'agency-mhlw,厚生労働省,2026,1,オンライン,3,2\r\n' +
        'agency-mhlw,厚生労働省,2026,1,媒体,1,1200\r\n' +
        'agency-pref-office,"東京都, ""知事部局""",2026,12,オンライン,1,0\r\n',
    );
  });

  it('writes only the header for a year without provisions', () => {
    expect(provisionReportCsv(provisionReportOf(2026, []))).toBe(`\uFEFF${HEADER.join(',')}\r\n`);
  });

  it('quotes a field only when it holds a comma, a quote or a line break', () => {
    expect(csvField('厚生労働省')).toBe('厚生労働省');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('')).toBe('');
  });

  it('reads back as the report’s rows for any names (fast-check)', () => {
    const name = fc.string({
      unit: fc.constantFrom('厚', '生', '省', 'ア', 'a', ' ', ',', '"', '\r', '\n', '\r\n', '髙', '𠮷'),
      maxLength: 12,
    });
    const line = fc.record({
      agency: fc.constantFrom('agency-mhlw', 'agency-mlit', 'agency-jma'),
      agencyName: name,
      month: fc.integer({ min: 1, max: 12 }),
      method: fc.constantFrom('online' as const, 'batch' as const),
      provisions: fc.nat({ max: 10_000_000 }),
      records: fc.nat({ max: 100_000_000 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2100 }), fc.array(line, { maxLength: 20 }), (year, rows) => {
        const report = provisionReportOf(year, rows);
        const text = provisionReportCsv(report);
        expect(text.startsWith('\uFEFF')).toBe(true);
        const [header, ...records] = parseCsv(text);
        expect(header).toEqual(HEADER);
        expect(records).toEqual(
          report.rows.map((row) => [
            row.agency,
            row.agencyName,
            String(year),
            String(row.month),
            row.method === 'online' ? 'オンライン' : '媒体',
            String(row.provisions),
            String(row.records),
          ]),
        );
      }),
      { seed: 4180, numRuns: 200 },
    );
  });
});
