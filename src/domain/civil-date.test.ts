import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJukinetError } from '../shared/errors.js';
import {
  addDays,
  checkIsoDate,
  compareIsoDates,
  daysBetween,
  isIsoDate,
  isoDateOf,
  japanDateOf,
  parseIsoDate,
  utcMidnightOf,
} from './civil-date.js';

describe('parseIsoDate()', () => {
  it('accepts real calendar dates, leap days included', () => {
    expect(parseIsoDate('2024-02-29')).toBe('2024-02-29');
    expect(parseIsoDate('2000-02-29')).toBe('2000-02-29');
    expect(parseIsoDate('0001-01-01')).toBe('0001-01-01');
  });

  it.each([
    ['2023-02-29', 'day out of range'],
    ['1900-02-29', 'day out of range'],
    ['2024-04-31', 'day out of range'],
    ['2024-13-01', 'month out of range'],
    ['2024-00-10', 'month out of range'],
    ['0000-01-01', 'year out of range'],
    ['2024-1-01', 'expected YYYY-MM-DD'],
    ['2024/01/01', 'expected YYYY-MM-DD'],
    ['2024-01-01T00:00:00Z', 'expected YYYY-MM-DD'],
    ['', 'expected YYYY-MM-DD'],
  ])('refuses %j: %s', (input, reason) => {
    expect(checkIsoDate(input)).toEqual({ ok: false, reason });
    expect(isIsoDate(input)).toBe(false);
    let caught: unknown;
    try {
      parseIsoDate(input);
    } catch (error) {
      caught = error;
    }
    expect(isJukinetError(caught, 'JUKI_ERR_DATE_FORMAT')).toBe(true);
    expect((caught as Error).message).toBe(`Invalid date: ${JSON.stringify(input)}: ${reason}`);
  });

  it('agrees with the JavaScript calendar on every day from year 1 to 9999', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
        (d) => {
          const iso = d.toISOString().slice(0, 10);
          expect(parseIsoDate(iso)).toBe(iso);
          expect(utcMidnightOf(iso).toISOString().slice(0, 10)).toBe(iso);
        },
      ),
      { seed: 42, numRuns: 1000 },
    );
  });
});

describe('date arithmetic', () => {
  it('builds, compares, adds and counts days', () => {
    expect(isoDateOf(2019, 5, 1)).toBe('2019-05-01');
    expect(isoDateOf(45, 1, 2)).toBe('0045-01-02');
    expect(() => isoDateOf(2019, 2, 30)).toThrow(/day out of range/);
    expect(compareIsoDates('2019-04-30', '2019-05-01')).toBeLessThan(0);
    expect(compareIsoDates('2019-05-01', '2019-05-01')).toBe(0);
    expect(compareIsoDates('2020-01-01', '2019-12-31')).toBeGreaterThan(0);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 14)).toBe('2025-01-14');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2024-01-15', '2024-01-01')).toBe(-14);
  });

  it('reads the date in Japan off an instant', () => {
    expect(japanDateOf(new Date('2019-04-30T14:59:59Z'))).toBe('2019-04-30');
    expect(japanDateOf(new Date('2019-04-30T15:00:00Z'))).toBe('2019-05-01');
  });
});
