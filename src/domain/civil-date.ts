// Civil dates as ISO strings (YYYY-MM-DD): birth dates, change dates, planned move-out dates. A civil date has no
// time zone; where one is read off an instant, it is the date in Japan (JST, UTC+9, no daylight saving).

import { JukinetError, quote } from '../shared/errors.js';
import { err, ok, type Result } from '../shared/result.js';

const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const DAY_MS = 86_400_000;
const JST_OFFSET_MS = 9 * 3_600_000;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Checks that `input` is a real calendar date written YYYY-MM-DD (years 0001–9999); the reason says what is wrong. */
export function checkIsoDate(input: string): Result<string, string> {
  const match = ISO_DATE.exec(input);
  if (!match) return err('expected YYYY-MM-DD');
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1) return err('year out of range');
  if (month < 1 || month > 12) return err('month out of range');
  if (day < 1 || day > daysInMonth(year, month)) return err('day out of range');
  return ok(input);
}

/** Validates an ISO civil date and returns it; throws JUKI_ERR_DATE_FORMAT saying what is wrong. */
export function parseIsoDate(input: string): string {
  const result = checkIsoDate(input);
  if (!result.ok) throw new JukinetError('JUKI_ERR_DATE_FORMAT', `${quote(input)}: ${result.reason}`);
  return result.value;
}

/** True when `input` is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(input: string): boolean {
  return checkIsoDate(input).ok;
}

/** The ISO date for a year, month (1–12) and day, validated. */
export function isoDateOf(year: number, month: number, day: number): string {
  const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return parseIsoDate(text);
}

/** Orders two ISO dates: negative when `a` is earlier, 0 when equal, positive when later. */
export function compareIsoDates(a: string, b: string): number {
  // Fixed-width YYYY-MM-DD strings sort as their dates do.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Midnight UTC of the civil date, for arithmetic and for Intl formatting without time zone drift. */
export function utcMidnightOf(isoDate: string): Date {
  const [year, month, day] = parseIsoDate(isoDate).split('-').map(Number) as [number, number, number];
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read the years 0–99 as 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  return date;
}

function isoDateOfUtc(date: Date): string {
  return isoDateOf(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

/** The date `days` days after (or before, when negative) `isoDate`. */
export function addDays(isoDate: string, days: number): string {
  return isoDateOfUtc(new Date(utcMidnightOf(isoDate).getTime() + days * DAY_MS));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((utcMidnightOf(to).getTime() - utcMidnightOf(from).getTime()) / DAY_MS);
}

/** The civil date in Japan at an instant, e.g. for "today" at a municipal window. */
export function japanDateOf(instant: Date): string {
  return isoDateOfUtc(new Date(instant.getTime() + JST_OFFSET_MS));
}
