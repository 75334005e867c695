// 共通運用時間帯 (common operating hours): the days and hours in which cross-municipality services run, the exceptions
// arranged between municipalities outside them, and the refusal (DESIGN.md §7, docs/operating-hours.md). Everything is
// Japan time (UTC+9, no daylight saving) whatever the machine's time zone: no local-time Date method is used here.

import holidayJp from '@holiday-jp/holiday_jp';
import { assert, BugIndicatingError } from '../shared/assert.js';
import { JukinetError, quote } from '../shared/errors.js';
import { err, ok, type Result } from '../shared/result.js';
import { checkIsoDate, japanDateOf, utcMidnightOf } from './civil-date.js';
import type { LocalGovernmentCode } from './local-government-code.js';
import { formatWareki } from './wareki.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const JST_OFFSET_MS = 9 * 3_600_000;
const TIME_OF_DAY = /^(?:([01][0-9]|2[0-3]):([0-5][0-9])|(24):(00))$/;
const WEEKDAY_LABELS = ['日', '月', '火', '水', '木', '金', '土'] as const;

/**
 * The hours of the window on each window day, Japan time: 08:30–17:15, the project's assumption (shared/DOMAIN.md;
 * docs/operating-hours.md says what is known of the real network's hours). Each node may configure its own.
 */
export const DEFAULT_OPERATING_HOURS = { opens: '08:30', closes: '17:15' } as const;

/** Why a day has no window. */
export const ClosedReason = {
  /** 12/29–1/3 (年末年始), whatever the weekday. */
  yearEnd: 'year-end',
  /** A national holiday (国民の祝日, 振替休日, 国民の休日). */
  holiday: 'holiday',
  weekend: 'weekend',
  /** An extra closed day from the node's configuration. */
  closedDay: 'closed-day',
} as const;
export type ClosedReason = (typeof ClosedReason)[keyof typeof ClosedReason];

// Read on first use, not at load: a module that only imports this layer's index (the terminal's screens) then leaves
// the holiday table out of its bundle.
function holidays(): Readonly<Record<string, { readonly name: string }>> {
  return holidayJp.holidays;
}

/**
 * The years the national holiday data of `@holiday-jp/holiday_jp` covers. Outside them no day counts as a holiday
 * (weekends, 12/29–1/3 and configured closed days still close the window); update the package before the last year.
 */
export function holidayDataYears(): { readonly first: number; readonly last: number } {
  const dates = Object.keys(holidays()).sort();
  return { first: Number(dates[0]?.slice(0, 4)), last: Number(dates.at(-1)?.slice(0, 4)) };
}

/** The name of the national holiday on an ISO date ("元日", "振替休日"…), or undefined on other days. */
export function nationalHolidayOf(date: string): string | undefined {
  const table = holidays();
  return Object.hasOwn(table, date) ? table[date]?.name : undefined;
}

/** A daily span of Japan time, "HH:MM" to "HH:MM"; it crosses midnight when `to` is earlier than `from`. */
export interface DailySpan {
  readonly from: string;
  readonly to: string;
}

/** What a node configures (the `operatingHours` section of its configuration); every field has a default. */
export interface OperatingHoursSettings {
  /** "HH:MM" Japan time the window opens on a window day. Default 08:30. */
  readonly opens?: string | undefined;
  /** "HH:MM" Japan time it closes (the first closed minute; "24:00" for midnight). Default 17:15. */
  readonly closes?: string | undefined;
  /** Extra ISO dates without a window, such as a nationwide maintenance day. */
  readonly closedDays?: readonly string[] | undefined;
  readonly exceptions?:
    | {
        /** Whether arranged exceptions open services outside the window at all. Default true. */
        readonly allowed?: boolean | undefined;
        /** A daily span in which no exception applies (the daily batch, 日次処理); none by default. */
        readonly lockout?: DailySpan | undefined;
      }
    | undefined;
}

/** An "HH:MM" time of day (00:00–24:00) as minutes after midnight, or undefined when it is not one. */
export function minutesOfTimeOfDay(text: string): number | undefined {
  const match = TIME_OF_DAY.exec(text);
  if (!match) return undefined;
  return Number(match[1] ?? match[3]) * 60 + Number(match[2] ?? match[4]);
}

/** Checks operating hours settings; the reason names the field and what is wrong. */
export function checkOperatingHoursSettings(
  settings: OperatingHoursSettings,
): Result<OperatingHoursSettings, string> {
  const opens = minutesOfTimeOfDay(settings.opens ?? DEFAULT_OPERATING_HOURS.opens);
  const closes = minutesOfTimeOfDay(settings.closes ?? DEFAULT_OPERATING_HOURS.closes);
  if (opens === undefined || opens === 24 * 60) return err(`opens: expected HH:MM from 00:00 to 23:59`);
  if (closes === undefined) return err(`closes: expected HH:MM from 00:00 to 24:00`);
  if (closes <= opens) return err(`closes: must be later than opens`);
  for (const date of settings.closedDays ?? []) {
    const valid = checkIsoDate(date);
    if (!valid.ok) return err(`closedDays: ${quote(date)}: ${valid.reason}`);
  }
  const lockout = settings.exceptions?.lockout;
  if (lockout !== undefined) {
    const from = minutesOfTimeOfDay(lockout.from);
    const to = minutesOfTimeOfDay(lockout.to);
    if (from === undefined || to === undefined)
      return err(`exceptions.lockout: expected HH:MM from 00:00 to 24:00`);
    if (from % (24 * 60) === to % (24 * 60)) return err(`exceptions.lockout: from and to must differ`);
  }
  return ok(settings);
}

/**
 * An exception arranged between municipalities (or a municipality and its prefecture) to run their shared services
 * outside the window: recorded with its span [start, end), the reason and who arranged it.
 */
export interface OperatingException {
  /** The local governments that agreed, at least two; an exception covers a service only if it names all of them. */
  readonly municipalities: readonly LocalGovernmentCode[];
  readonly start: Date;
  /** The first instant the exception no longer covers. */
  readonly end: Date;
  readonly reason: string;
  /** Who arranged it: the officials or offices that agreed, as recorded. */
  readonly arrangedBy: string;
}

/** Checks an exception before it is recorded: two or more distinct parties, a non-empty span, a reason and who. */
export function checkOperatingException(exception: OperatingException): Result<OperatingException, string> {
  if (new Set(exception.municipalities).size < 2) {
    return err('municipalities: an exception is arranged between at least two local governments');
  }
  const [start, end] = [exception.start.getTime(), exception.end.getTime()];
  if (Number.isNaN(start) || Number.isNaN(end)) return err('start, end: invalid instant');
  if (end <= start) return err('end: must be later than start');
  if (exception.reason.trim() === '') return err('reason: must not be empty');
  if (exception.arrangedBy.trim() === '') return err('arrangedBy: must not be empty');
  return ok(exception);
}

/** One day's window: its Japan date and the instants it opens (inclusive) and closes (exclusive). */
export interface OperatingWindow {
  readonly date: string;
  readonly opens: Date;
  readonly closes: Date;
}

/** What a cross-municipality service concerns: the local governments involved and the exceptions on record. */
export interface OperatingContext {
  readonly municipalities: readonly LocalGovernmentCode[];
  readonly exceptions?: readonly OperatingException[];
}

/** Why a service may run now: inside the window, within one municipality, or under an arranged exception. */
export type OperatingAdmission =
  | { readonly basis: 'single-municipality' }
  | { readonly basis: 'window'; readonly window: OperatingWindow }
  | { readonly basis: 'exception'; readonly exception: OperatingException };

/** The common operating hours calendar of one node; see createOperatingCalendar. */
export interface OperatingCalendar {
  /** The settings with their defaults filled in. */
  readonly settings: {
    readonly opens: string;
    readonly closes: string;
    readonly closedDays: readonly string[];
    readonly exceptions: { readonly allowed: boolean; readonly lockout: DailySpan | undefined };
  };
  /** Why an ISO date has no window, or undefined on a window day. */
  closedReason(date: string): ClosedReason | undefined;
  /** The window on an ISO date, or undefined on a closed day. */
  windowOn(date: string): OperatingWindow | undefined;
  /** True inside a window: from its opening instant, up to but excluding its closing instant. */
  isOpen(at: Date): boolean;
  /** The window `at` falls in, or undefined outside every window. */
  currentWindow(at: Date): OperatingWindow | undefined;
  /** The earliest open instant at or after `at`: `at` itself inside a window, otherwise the next opening. */
  nextOpening(at: Date): Date;
  /** Why a service concerning `context` may run at `at`, or undefined when it must be refused. */
  admissionFor(at: Date, context: OperatingContext): OperatingAdmission | undefined;
  /** True inside the window, for work within one municipality, or under an exception naming every party. */
  isOpenFor(at: Date, context: OperatingContext): boolean;
}

/**
 * The calendar from a node's settings: window days are Monday to Friday that are neither national holidays (the
 * `@holiday-jp/holiday_jp` data, 振替休日 included) nor 12/29–1/3 nor configured closed days. `holidayOf` replaces the
 * holiday data (tests). Settings must have passed checkOperatingHoursSettings (the configuration schema does so).
 */
export function createOperatingCalendar(
  settings: OperatingHoursSettings = {},
  options: { holidayOf?: (date: string) => string | undefined } = {},
): OperatingCalendar {
  const checked = checkOperatingHoursSettings(settings);
  assert(checked.ok, `Operating hours settings must be checked first: ${checked.ok ? '' : checked.reason}`);
  const holidayOf = options.holidayOf ?? nationalHolidayOf;
  const opens = settings.opens ?? DEFAULT_OPERATING_HOURS.opens;
  const closes = settings.closes ?? DEFAULT_OPERATING_HOURS.closes;
  const opensMs = (minutesOfTimeOfDay(opens) ?? 0) * MINUTE_MS;
  const closesMs = (minutesOfTimeOfDay(closes) ?? 0) * MINUTE_MS;
  const closedDays = [...new Set(settings.closedDays ?? [])].sort();
  const closedDaySet = new Set(closedDays);
  const allowed = settings.exceptions?.allowed ?? true;
  const lockout = settings.exceptions?.lockout;
  const lockoutMs =
    lockout === undefined
      ? undefined
      : {
          from: ((minutesOfTimeOfDay(lockout.from) ?? 0) % (24 * 60)) * MINUTE_MS,
          to: ((minutesOfTimeOfDay(lockout.to) ?? 0) % (24 * 60)) * MINUTE_MS,
        };
  // Past every closed day and a year of ordinary ones, a window day must have come: more is a bug (holidayOf).
  const searchDays = 400 + closedDays.length;

  function closedReason(date: string): ClosedReason | undefined {
    const monthDay = date.slice(5);
    if (monthDay >= '12-29' || monthDay <= '01-03') return 'year-end';
    if (holidayOf(date) !== undefined) return 'holiday';
    const weekday = utcMidnightOf(date).getUTCDay();
    if (weekday === 0 || weekday === 6) return 'weekend';
    if (closedDaySet.has(date)) return 'closed-day';
    return undefined;
  }

  function windowOn(date: string): OperatingWindow | undefined {
    if (closedReason(date) !== undefined) return undefined;
    const midnight = utcMidnightOf(date).getTime() - JST_OFFSET_MS;
    return { date, opens: new Date(midnight + opensMs), closes: new Date(midnight + closesMs) };
  }

  function currentWindow(at: Date): OperatingWindow | undefined {
    const time = instantOf(at);
    const sinceMidnight = modulo(time + JST_OFFSET_MS, DAY_MS);
    if (sinceMidnight < opensMs || sinceMidnight >= closesMs) return undefined;
    return windowOn(japanDateOf(at));
  }

  function nextOpening(at: Date): Date {
    const time = instantOf(at);
    if (currentWindow(at) !== undefined) return new Date(time);
    let midnight = time - modulo(time + JST_OFFSET_MS, DAY_MS);
    for (let day = 0; day <= searchDays; day += 1, midnight += DAY_MS) {
      const window = windowOn(japanDateOf(new Date(midnight)));
      if (window !== undefined && window.opens.getTime() >= time) return window.opens;
    }
    throw new BugIndicatingError(`No window within ${searchDays} days of ${at.toISOString()}`);
  }

  function inLockout(at: Date): boolean {
    if (lockoutMs === undefined) return false;
    const sinceMidnight = modulo(instantOf(at) + JST_OFFSET_MS, DAY_MS);
    return lockoutMs.from < lockoutMs.to
      ? sinceMidnight >= lockoutMs.from && sinceMidnight < lockoutMs.to
      : sinceMidnight >= lockoutMs.from || sinceMidnight < lockoutMs.to;
  }

  function admissionFor(at: Date, context: OperatingContext): OperatingAdmission | undefined {
    const parties = new Set(context.municipalities);
    assert(parties.size > 0, 'A service concerns at least one local government');
    if (parties.size === 1) return { basis: 'single-municipality' };
    const window = currentWindow(at);
    if (window !== undefined) return { basis: 'window', window };
    if (!allowed || inLockout(at)) return undefined;
    const time = instantOf(at);
    const exception = (context.exceptions ?? []).find(
      (candidate) =>
        candidate.start.getTime() <= time &&
        time < candidate.end.getTime() &&
        [...parties].every((party) => candidate.municipalities.includes(party)),
    );
    return exception === undefined ? undefined : { basis: 'exception', exception };
  }

  return {
    settings: { opens, closes, closedDays, exceptions: { allowed, lockout } },
    closedReason,
    windowOn,
    isOpen: (at) => currentWindow(at) !== undefined,
    currentWindow,
    nextOpening,
    admissionFor,
    isOpenFor: (at, context) => admissionFor(at, context) !== undefined,
  };
}

/**
 * What a server route calls before a cross-municipality service: returns why the service may run, or throws
 * JUKI_ERR_OUTSIDE_OPERATING_HOURS whose detail says in Japanese when the window next opens, followed by that instant
 * in ISO 8601 (see openingOfRefusal).
 */
export function checkOperatingHours(
  calendar: OperatingCalendar,
  request: OperatingContext & { readonly at: Date },
): OperatingAdmission {
  const admission = calendar.admissionFor(request.at, request);
  if (admission !== undefined) return admission;
  const opening = calendar.nextOpening(request.at);
  throw new JukinetError(
    'JUKI_ERR_OUTSIDE_OPERATING_HOURS',
    `${outsideOperatingHoursText(opening)} (opens at ${quote(formatJapanIsoInstant(opening))})`,
  );
}

/** The operator's sentence: 「共通運用時間帯外です。次の受付開始は 令和8年12月3日（木）9時00分 です。」 */
export function outsideOperatingHoursText(nextOpening: Date): string {
  return `共通運用時間帯外です。次の受付開始は ${formatJapanDateTime(nextOpening)} です。`;
}

/** The next opening a JUKI_ERR_OUTSIDE_OPERATING_HOURS refusal names (from its message), or undefined. */
export function openingOfRefusal(error: {
  readonly code?: unknown;
  readonly message: string;
}): Date | undefined {
  if (error.code !== 'JUKI_ERR_OUTSIDE_OPERATING_HOURS') return undefined;
  const match = /\(opens at "([^"]+)"\)$/.exec(error.message);
  const at = match?.[1] === undefined ? Number.NaN : Date.parse(match[1]);
  return Number.isNaN(at) ? undefined : new Date(at);
}

/** An instant as Japan time in 和暦 with the weekday and minutes: 令和8年12月3日（木）9時00分. */
export function formatJapanDateTime(at: Date): string {
  const date = japanDateOf(at);
  const sinceMidnight = modulo(instantOf(at) + JST_OFFSET_MS, DAY_MS);
  const hours = Math.floor(sinceMidnight / 3_600_000);
  const minutes = Math.floor((sinceMidnight % 3_600_000) / MINUTE_MS);
  const weekday = WEEKDAY_LABELS[utcMidnightOf(date).getUTCDay()] ?? '';
  return `${formatWareki(date)}（${weekday}）${hours}時${String(minutes).padStart(2, '0')}分`;
}

/** An instant in ISO 8601 with Japan's offset, to the second: 2026-12-03T09:00:00+09:00. */
export function formatJapanIsoInstant(at: Date): string {
  return `${new Date(instantOf(at) + JST_OFFSET_MS).toISOString().slice(0, 19)}+09:00`;
}

function instantOf(at: Date): number {
  const time = at.getTime();
  assert(!Number.isNaN(time), 'An operating hours instant must be a valid Date');
  return time;
}

function modulo(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
