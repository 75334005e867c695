// 和暦: dates in the Japanese era calendar (明治, 大正, 昭和, 平成, 令和), formatted through Intl's japanese calendar
// and parsed back with the eras' first days (DOMAIN.md "Calendar and scale"). The first year of an era is 元年.

import { JukinetError, quote } from '../shared/errors.js';
import { addDays, checkIsoDate, compareIsoDates, isoDateOf, utcMidnightOf } from './civil-date.js';

/** The eras since Japan adopted the Gregorian calendar. */
export const Era = {
  meiji: 'meiji',
  taisho: 'taisho',
  showa: 'showa',
  heisei: 'heisei',
  reiwa: 'reiwa',
} as const;
export type Era = (typeof Era)[keyof typeof Era];

interface EraSpec {
  readonly label: string;
  readonly letter: string;
  /** The first day of the era, as Intl's japanese calendar has it. */
  readonly start: string;
}

const ERAS: Readonly<Record<Era, EraSpec>> = {
  meiji: { label: '明治', letter: 'M', start: '1868-10-23' },
  taisho: { label: '大正', letter: 'T', start: '1912-07-30' },
  showa: { label: '昭和', letter: 'S', start: '1926-12-25' },
  heisei: { label: '平成', letter: 'H', start: '1989-01-08' },
  reiwa: { label: '令和', letter: 'R', start: '2019-05-01' },
};
const ERA_ORDER = Object.keys(ERAS) as Era[];

/**
 * The first date we write in 和暦: 明治6年1月1日, when the Gregorian calendar replaced the lunisolar one (明治5年
 * 太政官布告第337号). Before it, a 和暦 date named a lunisolar month and day that Intl cannot give.
 */
export const WAREKI_FIRST_DATE = '1873-01-01';

/** The era's name in Japanese: 令和. */
export function eraLabel(era: Era): string {
  return ERAS[era].label;
}

/** A date's era and year within it (1 for 元年). */
export interface EraYear {
  readonly era: Era;
  readonly year: number;
}

const FORMAT = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
  timeZone: 'UTC',
  era: 'long',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
});

function refuse(input: string, reason: string): never {
  throw new JukinetError('JUKI_ERR_WAREKI_FORMAT', `${quote(input)}: ${reason}`);
}

/** The era, era year, month and day of an ISO date, as Intl's japanese calendar gives them. */
function partsOf(date: string): EraYear & { month: number; day: number } {
  const valid = checkIsoDate(date);
  if (!valid.ok) refuse(date, valid.reason);
  if (compareIsoDates(date, WAREKI_FIRST_DATE) < 0) {
    refuse(date, `和暦 dates start at ${WAREKI_FIRST_DATE} (明治6年1月1日, the first Gregorian day)`);
  }
  const parts = new Map(FORMAT.formatToParts(utcMidnightOf(date)).map((part) => [part.type, part.value]));
  const label = parts.get('era');
  const era = ERA_ORDER.find((name) => ERAS[name].label === label);
  if (era === undefined) refuse(date, `the era ${quote(label)} is not one we know`);
  const yearText = parts.get('year') ?? '';
  // Some ICU versions write the first year as 元 even in numeric form.
  const year = yearText === '元' ? 1 : Number(yearText);
  return { era, year, month: Number(parts.get('month')), day: Number(parts.get('day')) };
}

/** The era and era year of an ISO date: eraOf("2019-05-01") is { era: "reiwa", year: 1 }. */
export function eraOf(date: string): EraYear {
  const { era, year } = partsOf(date);
  return { era, year };
}

/**
 * An ISO date in 和暦: long "令和元年5月1日" (元年 for the first year, Arabic digits) or short "R1.5.1" (the era's
 * letter). Throws JUKI_ERR_WAREKI_FORMAT for a date that is not valid or before 明治6年 (see WAREKI_FIRST_DATE).
 */
export function formatWareki(date: string, options: { style?: 'long' | 'short' } = {}): string {
  const { era, year, month, day } = partsOf(date);
  if (options.style === 'short') return `${ERAS[era].letter}${year}.${month}.${day}`;
  return `${ERAS[era].label}${year === 1 ? '元' : year}年${month}月${day}日`;
}

const LONG = /^(明治|大正|昭和|平成|令和)(元|[0-9]{1,2})年([0-9]{1,2})月([0-9]{1,2})日$/;
const SHORT = /^([MTSHR])([0-9]{1,2})([./])([0-9]{1,2})\3([0-9]{1,2})$/;

/**
 * A 和暦 date back to ISO: "令和元年5月1日", "令和1年5月1日", "R1.5.1" or "H31.4.30" (full-width digits and spaces
 * are tolerated). Refuses a date its era does not contain, such as 平成31年5月1日 (令和 began on 2019-05-01).
 */
export function parseWareki(input: string): string {
  const text = input.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  let era: Era | undefined;
  let year: number;
  let month: number;
  let day: number;
  const long = LONG.exec(text);
  const short = long ? null : SHORT.exec(text);
  if (long) {
    era = ERA_ORDER.find((name) => ERAS[name].label === long[1]);
    [year, month, day] = [long[2] === '元' ? 1 : Number(long[2]), Number(long[3]), Number(long[4])];
  } else if (short) {
    era = ERA_ORDER.find((name) => ERAS[name].letter === short[1]);
    [year, month, day] = [Number(short[2]), Number(short[4]), Number(short[5])];
  } else {
    return refuse(input, 'expected a date such as 令和元年5月1日 or R1.5.1');
  }
  if (era === undefined || year < 1) return refuse(input, 'no such era year');
  const spec = ERAS[era];
  let iso: string;
  try {
    iso = isoDateOf(Number(spec.start.slice(0, 4)) + year - 1, month, day);
  } catch {
    return refuse(input, 'no such day in the calendar');
  }
  const next = ERA_ORDER[ERA_ORDER.indexOf(era) + 1];
  if (compareIsoDates(iso, spec.start) < 0) {
    return refuse(input, `${spec.label} began on ${spec.start}`);
  }
  if (next !== undefined && compareIsoDates(iso, ERAS[next].start) >= 0) {
    return refuse(input, `${spec.label} ended on ${addDays(ERAS[next].start, -1)}`);
  }
  if (compareIsoDates(iso, WAREKI_FIRST_DATE) < 0) {
    return refuse(input, `和暦 dates start at ${WAREKI_FIRST_DATE} (明治6年1月1日, the first Gregorian day)`);
  }
  // Intl has the last word: the date must read back as the same era and year.
  const check = partsOf(iso);
  if (check.era !== era || check.year !== year) return refuse(input, `${iso} is ${formatWareki(iso)}`);
  return iso;
}
