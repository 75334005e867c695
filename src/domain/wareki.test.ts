import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJukinetError } from '../shared/errors.js';
import { eraLabel, eraOf, formatWareki, parseWareki, WAREKI_FIRST_DATE } from './wareki.js';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isJukinetError(error, 'JUKI_ERR_WAREKI_FORMAT')) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('formatWareki()', () => {
  it.each([
    ['1912-07-29', '明治45年7月29日', 'M45.7.29'],
    ['1912-07-30', '大正元年7月30日', 'T1.7.30'],
    ['1926-12-24', '大正15年12月24日', 'T15.12.24'],
    ['1926-12-25', '昭和元年12月25日', 'S1.12.25'],
    ['1989-01-07', '昭和64年1月7日', 'S64.1.7'],
    ['1989-01-08', '平成元年1月8日', 'H1.1.8'],
    ['2019-04-30', '平成31年4月30日', 'H31.4.30'],
    ['2019-05-01', '令和元年5月1日', 'R1.5.1'],
    ['2024-12-31', '令和6年12月31日', 'R6.12.31'],
    ['1873-01-01', '明治6年1月1日', 'M6.1.1'],
  ])('writes %s as %s and %s, and reads both back', (iso, long, short) => {
    expect(formatWareki(iso)).toBe(long);
    expect(formatWareki(iso, { style: 'long' })).toBe(long);
    expect(formatWareki(iso, { style: 'short' })).toBe(short);
    expect(parseWareki(long)).toBe(iso);
    expect(parseWareki(short)).toBe(iso);
  });

  it('refuses an invalid date and dates before the Gregorian calendar', () => {
    expect(refusal(() => formatWareki('2019-02-29'))).toBe(
      'Invalid Japanese era date: "2019-02-29": day out of range',
    );
    expect(refusal(() => formatWareki('1872-12-31'))).toMatch(/"1872-12-31": 和暦 dates start at 1873-01-01/);
    expect(WAREKI_FIRST_DATE).toBe('1873-01-01');
  });

  it('does not drift with the time zone of the machine', () => {
    // Intl formats in UTC from UTC midnight, so a date is never read as the day before or after.
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1873-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        (d) => {
          const iso = d.toISOString().slice(0, 10);
          expect(parseWareki(formatWareki(iso))).toBe(iso);
          expect(parseWareki(formatWareki(iso, { style: 'short' }))).toBe(iso);
        },
      ),
      { seed: 42, numRuns: 1000 },
    );
  });
});

describe('parseWareki()', () => {
  it('accepts 元年 or 1年, short forms, full-width digits and spaces', () => {
    expect(parseWareki('令和元年5月1日')).toBe('2019-05-01');
    expect(parseWareki('令和1年5月1日')).toBe('2019-05-01');
    expect(parseWareki('平成31年4月30日')).toBe('2019-04-30');
    expect(parseWareki('R1.5.1')).toBe('2019-05-01');
    expect(parseWareki('H31.4.30')).toBe('2019-04-30');
    expect(parseWareki('r01.05.01')).toBe('2019-05-01');
    expect(parseWareki('S64/1/7')).toBe('1989-01-07');
    expect(parseWareki('令和２年 ２月２９日')).toBe('2020-02-29');
  });

  it.each([
    ['平成31年5月1日', '平成 ended on 2019-04-30'],
    ['令和元年4月30日', '令和 began on 2019-05-01'],
    ['昭和64年1月8日', '昭和 ended on 1989-01-07'],
    ['平成元年1月7日', '平成 began on 1989-01-08'],
    ['大正15年12月25日', '大正 ended on 1926-12-24'],
    ['明治45年7月30日', '明治 ended on 1912-07-29'],
    ['大正元年7月29日', '大正 began on 1912-07-30'],
    ['H32.1.1', '平成 ended on 2019-04-30'],
    ['明治5年12月2日', '和暦 dates start at 1873-01-01'],
    ['令和5年2月29日', 'no such day in the calendar'],
    ['令和0年1月1日', 'no such era year'],
    ['令和5年13月1日', 'no such day in the calendar'],
    ['2019-05-01', 'expected a date such as 令和元年5月1日 or R1.5.1'],
    ['慶応3年1月1日', 'expected a date such as'],
    ['R1.5-1', 'expected a date such as'],
    ['', 'expected a date such as'],
  ])('refuses %j: %s', (input, reason) => {
    const message = refusal(() => parseWareki(input));
    expect(message).toContain(JSON.stringify(input));
    expect(message).toContain(reason);
  });
});

describe('eraOf()', () => {
  it('gives the era and era year on both sides of each change', () => {
    expect(eraOf('1912-07-29')).toEqual({ era: 'meiji', year: 45 });
    expect(eraOf('1912-07-30')).toEqual({ era: 'taisho', year: 1 });
    expect(eraOf('1926-12-25')).toEqual({ era: 'showa', year: 1 });
    expect(eraOf('1989-01-07')).toEqual({ era: 'showa', year: 64 });
    expect(eraOf('1989-01-08')).toEqual({ era: 'heisei', year: 1 });
    expect(eraOf('2019-04-30')).toEqual({ era: 'heisei', year: 31 });
    expect(eraOf('2019-05-01')).toEqual({ era: 'reiwa', year: 1 });
    expect(eraLabel('reiwa')).toBe('令和');
  });
});
