import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFixedClock } from '../shared/clock.js';
import { isJukinetError, type JukinetError } from '../shared/errors.js';
import { japanDateOf } from './civil-date.js';
import { parseLocalGovernmentCode } from './local-government-code.js';
import {
  checkOperatingException,
  checkOperatingHours,
  checkOperatingHoursSettings,
  createOperatingCalendar,
  formatJapanDateTime,
  formatJapanIsoInstant,
  holidayDataYears,
  nationalHolidayOf,
  openingOfRefusal,
  type OperatingException,
} from './operating-hours.js';

/** An instant written in Japan time, so that no expectation depends on the machine's time zone. */
function jst(text: string): Date {
  return new Date(`${text}+09:00`);
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const calendar = createOperatingCalendar();
const chiyoda = parseLocalGovernmentCode('13101');
const osaka = parseLocalGovernmentCode('27100');
const sapporo = parseLocalGovernmentCode('01100');
const naha = parseLocalGovernmentCode('47201');

function exception(overrides: Partial<OperatingException> = {}): OperatingException {
  return {
    municipalities: [chiyoda, osaka],
    start: jst('2026-12-05T10:00:00'),
    end: jst('2026-12-05T15:00:00'),
    reason: '災害対応のための広域交付',
    arrangedBy: '千代田区区民課 山田, 大阪市市民局 田中',
    ...overrides,
  };
}

describe('createOperatingCalendar()', () => {
  it('is open on a weekday inside the default hours, 08:30–17:15 Japan time, and closed outside them', () => {
    expect(calendar.isOpen(jst('2026-12-03T10:00:00'))).toBe(true);
    expect(calendar.isOpen(jst('2026-12-03T16:30:00'))).toBe(true);
    expect(calendar.isOpen(jst('2026-12-03T08:29:00'))).toBe(false);
    expect(calendar.isOpen(jst('2026-12-03T17:30:00'))).toBe(false);
    expect(calendar.isOpen(jst('2026-12-03T03:00:00'))).toBe(false);
    // 10:00 UTC on Thursday is 19:00 in Japan: closed, whatever the machine's time zone says.
    expect(calendar.isOpen(new Date('2026-12-03T10:00:00Z'))).toBe(false);
    // 01:00 UTC is 10:00 in Japan.
    expect(calendar.isOpen(new Date('2026-12-03T01:00:00Z'))).toBe(true);
  });

  it('opens exactly at the opening minute and closes exactly at the closing minute', () => {
    expect(calendar.isOpen(jst('2026-12-03T08:29:59.999'))).toBe(false);
    expect(calendar.isOpen(jst('2026-12-03T08:30:00.000'))).toBe(true);
    expect(calendar.isOpen(jst('2026-12-03T17:14:59.999'))).toBe(true);
    expect(calendar.isOpen(jst('2026-12-03T17:15:00.000'))).toBe(false);
  });

  it('follows configured hours: 09:00–17:00, and a window up to midnight', () => {
    const narrow = createOperatingCalendar({ opens: '09:00', closes: '17:00' });
    expect(narrow.isOpen(jst('2026-12-03T08:59:59.999'))).toBe(false);
    expect(narrow.isOpen(jst('2026-12-03T09:00:00'))).toBe(true);
    expect(narrow.isOpen(jst('2026-12-03T16:59:59.999'))).toBe(true);
    expect(narrow.isOpen(jst('2026-12-03T17:00:00'))).toBe(false);
    const late = createOperatingCalendar({ opens: '08:30', closes: '24:00' });
    expect(late.isOpen(jst('2026-12-03T23:59:59.999'))).toBe(true);
    expect(late.isOpen(jst('2026-12-04T00:00:00'))).toBe(false);
    expect(late.currentWindow(jst('2026-12-03T23:00:00'))?.closes).toEqual(jst('2026-12-04T00:00:00'));
  });

  it('is closed all Saturday and Sunday', () => {
    for (const day of ['2026-12-05', '2026-12-06']) {
      expect(calendar.closedReason(day)).toBe('weekend');
      expect(calendar.windowOn(day)).toBeUndefined();
      expect(calendar.isOpen(jst(`${day}T12:00:00`))).toBe(false);
    }
  });

  it('is closed on a national holiday, a substitute holiday (振替休日) and a 国民の休日', () => {
    expect(nationalHolidayOf('2026-11-23')).toBe('勤労感謝の日');
    expect(calendar.closedReason('2026-11-23')).toBe('holiday');
    expect(calendar.isOpen(jst('2026-11-23T10:00:00'))).toBe(false);
    // 2026-05-03 (憲法記念日) is a Sunday, so Wednesday 5/6 is a substitute holiday.
    expect(nationalHolidayOf('2026-05-06')).toContain('振替休日');
    expect(calendar.closedReason('2026-05-06')).toBe('holiday');
    expect(calendar.isOpen(jst('2026-05-06T10:00:00'))).toBe(false);
    expect(calendar.isOpen(jst('2025-11-24T10:00:00'))).toBe(false);
    // Tuesday 2026-09-22 lies between 敬老の日 and 秋分の日: 国民の休日.
    expect(calendar.closedReason('2026-09-22')).toBe('holiday');
    expect(calendar.closedReason('2026-05-07')).toBeUndefined();
  });

  it('is closed from 12/29 to 1/3 whatever the weekday, New Year’s Day and a year-end Friday included', () => {
    const yearEnd = ['2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02', '2027-01-03'];
    for (const day of yearEnd) {
      expect(calendar.closedReason(day)).toBe('year-end');
      expect(calendar.isOpen(jst(`${day}T10:00:00`))).toBe(false);
    }
    // 2023-12-29 is a Friday and no holiday, yet closed.
    expect(calendar.closedReason('2023-12-29')).toBe('year-end');
    expect(calendar.isOpen(jst('2023-12-29T10:00:00'))).toBe(false);
    // 2027-01-01 is a Friday.
    expect(calendar.isOpen(jst('2027-01-01T10:00:00'))).toBe(false);
    expect(calendar.isOpen(jst('2026-12-28T10:00:00'))).toBe(true);
    expect(calendar.isOpen(jst('2027-01-04T10:00:00'))).toBe(true);
  });

  it('is closed on configured extra days', () => {
    const maintained = createOperatingCalendar({ closedDays: ['2026-12-03'] });
    expect(maintained.closedReason('2026-12-03')).toBe('closed-day');
    expect(maintained.isOpen(jst('2026-12-03T10:00:00'))).toBe(false);
    expect(maintained.nextOpening(jst('2026-12-03T10:00:00'))).toEqual(jst('2026-12-04T08:30:00'));
  });

  it('takes another holiday source', () => {
    const custom = createOperatingCalendar(
      {},
      { holidayOf: (date) => (date === '2026-12-03' ? '臨時' : undefined) },
    );
    expect(custom.closedReason('2026-12-03')).toBe('holiday');
    expect(custom.closedReason('2026-11-23')).toBeUndefined();
  });
});

describe('nextOpening()', () => {
  it('is the instant itself inside a window, and the same day’s opening before it', () => {
    expect(calendar.nextOpening(jst('2026-12-03T10:00:00'))).toEqual(jst('2026-12-03T10:00:00'));
    expect(calendar.nextOpening(jst('2026-12-03T07:00:00'))).toEqual(jst('2026-12-03T08:30:00'));
    expect(calendar.nextOpening(jst('2026-12-03T17:15:00'))).toEqual(jst('2026-12-04T08:30:00'));
  });

  it('crosses a weekend and a long weekend', () => {
    expect(calendar.nextOpening(jst('2026-12-04T17:15:00'))).toEqual(jst('2026-12-07T08:30:00'));
    // Silver Week 2026: Saturday 9/19 to Wednesday 9/23.
    expect(calendar.nextOpening(jst('2026-09-18T17:15:00'))).toEqual(jst('2026-09-24T08:30:00'));
    // Golden Week 2026: Saturday 5/2 to the substitute holiday on Wednesday 5/6.
    expect(calendar.nextOpening(jst('2026-05-01T18:30:00'))).toEqual(jst('2026-05-07T08:30:00'));
    // 成人の日 2026 is Monday 1/12.
    expect(calendar.nextOpening(jst('2026-01-09T17:15:00'))).toEqual(jst('2026-01-13T08:30:00'));
  });

  it('crosses the year end', () => {
    expect(calendar.nextOpening(jst('2026-12-28T17:15:00'))).toEqual(jst('2027-01-04T08:30:00'));
    expect(calendar.nextOpening(jst('2027-01-01T00:00:00'))).toEqual(jst('2027-01-04T08:30:00'));
    expect(calendar.nextOpening(jst('2023-12-28T18:00:00'))).toEqual(jst('2024-01-04T08:30:00'));
  });

  it('follows an injected clock', () => {
    const clock = createFixedClock(jst('2026-12-04T17:14:00'));
    expect(calendar.isOpen(clock.now())).toBe(true);
    clock.advance(MINUTE_MS);
    expect(calendar.isOpen(clock.now())).toBe(false);
    expect(calendar.nextOpening(clock.now())).toEqual(jst('2026-12-07T08:30:00'));
    clock.set(jst('2026-12-07T08:30:00'));
    expect(calendar.isOpen(clock.now())).toBe(true);
  });
});

describe('currentWindow()', () => {
  it('gives the window an instant falls in, and nothing outside', () => {
    expect(calendar.currentWindow(jst('2026-12-03T10:00:00'))).toEqual({
      date: '2026-12-03',
      opens: jst('2026-12-03T08:30:00'),
      closes: jst('2026-12-03T17:15:00'),
    });
    expect(calendar.currentWindow(jst('2026-12-03T17:15:00'))).toBeUndefined();
    expect(calendar.currentWindow(jst('2026-12-05T10:00:00'))).toBeUndefined();
  });
});

describe('isOpenFor()', () => {
  const saturdayNoon = jst('2026-12-05T12:00:00');

  it('lets work inside one municipality go on at any time', () => {
    for (const at of [saturdayNoon, jst('2027-01-01T03:00:00')]) {
      expect(calendar.isOpenFor(at, { municipalities: [chiyoda] })).toBe(true);
      expect(calendar.admissionFor(at, { municipalities: [chiyoda, chiyoda] })).toEqual({
        basis: 'single-municipality',
      });
    }
  });

  it('admits a cross-municipality service inside the window', () => {
    const admission = calendar.admissionFor(jst('2026-12-03T10:00:00'), { municipalities: [chiyoda, osaka] });
    expect(admission).toMatchObject({ basis: 'window', window: { date: '2026-12-03' } });
    expect(calendar.isOpenFor(saturdayNoon, { municipalities: [chiyoda, osaka] })).toBe(false);
  });

  it('admits one outside the window under an exception that covers every party and the instant', () => {
    const arranged = exception();
    expect(
      calendar.admissionFor(saturdayNoon, { municipalities: [osaka, chiyoda], exceptions: [arranged] }),
    ).toEqual({ basis: 'exception', exception: arranged });
    const wider = exception({ municipalities: [chiyoda, osaka, sapporo] });
    expect(calendar.isOpenFor(saturdayNoon, { municipalities: [chiyoda, osaka], exceptions: [wider] })).toBe(
      true,
    );
  });

  it('refuses under an exception that covers only some of the parties, or others', () => {
    const arranged = exception();
    expect(
      calendar.isOpenFor(saturdayNoon, { municipalities: [chiyoda, osaka, sapporo], exceptions: [arranged] }),
    ).toBe(false);
    expect(
      calendar.isOpenFor(saturdayNoon, { municipalities: [chiyoda, sapporo], exceptions: [arranged] }),
    ).toBe(false);
    const others = exception({ municipalities: [sapporo, naha] });
    expect(calendar.isOpenFor(saturdayNoon, { municipalities: [chiyoda, osaka], exceptions: [others] })).toBe(
      false,
    );
  });

  it('refuses before an exception starts and from the instant it ends', () => {
    const context = { municipalities: [chiyoda, osaka], exceptions: [exception()] };
    expect(calendar.isOpenFor(jst('2026-12-05T09:59:59.999'), context)).toBe(false);
    expect(calendar.isOpenFor(jst('2026-12-05T10:00:00'), context)).toBe(true);
    expect(calendar.isOpenFor(jst('2026-12-05T14:59:59.999'), context)).toBe(true);
    expect(calendar.isOpenFor(jst('2026-12-05T15:00:00'), context)).toBe(false);
    expect(calendar.isOpenFor(jst('2026-12-12T12:00:00'), context)).toBe(false);
  });

  it('ignores exceptions when they are not allowed, and during the daily lock-out', () => {
    const allDay = exception({ start: jst('2026-12-05T00:00:00'), end: jst('2026-12-06T00:00:00') });
    const context = { municipalities: [chiyoda, osaka], exceptions: [allDay] };
    const closed = createOperatingCalendar({ exceptions: { allowed: false } });
    expect(closed.isOpenFor(saturdayNoon, context)).toBe(false);
    const locked = createOperatingCalendar({ exceptions: { lockout: { from: '22:00', to: '06:00' } } });
    expect(locked.isOpenFor(saturdayNoon, context)).toBe(true);
    expect(locked.isOpenFor(jst('2026-12-05T05:59:00'), context)).toBe(false);
    expect(locked.isOpenFor(jst('2026-12-05T06:00:00'), context)).toBe(true);
    expect(locked.isOpenFor(jst('2026-12-05T22:00:00'), context)).toBe(false);
    const batch = createOperatingCalendar({ exceptions: { lockout: { from: '18:00', to: '20:00' } } });
    expect(batch.isOpenFor(jst('2026-12-05T19:00:00'), context)).toBe(false);
    expect(batch.isOpenFor(jst('2026-12-05T20:00:00'), context)).toBe(true);
  });
});

describe('checkOperatingHours()', () => {
  it('returns why a service may run', () => {
    expect(
      checkOperatingHours(calendar, { at: jst('2026-12-03T10:00:00'), municipalities: [chiyoda, osaka] }),
    ).toMatchObject({ basis: 'window' });
  });

  it('refuses outside the window with JUKI_ERR_OUTSIDE_OPERATING_HOURS saying in Japanese when it opens', () => {
    const clock = createFixedClock(jst('2026-12-02T18:00:00'));
    const wide = createOperatingCalendar({ opens: '08:30', closes: '17:15' });
    let caught: unknown;
    try {
      checkOperatingHours(wide, {
        at: clock.now(),
        municipalities: [chiyoda, osaka],
        exceptions: [exception()],
      });
    } catch (error) {
      caught = error;
    }
    expect(isJukinetError(caught, 'JUKI_ERR_OUTSIDE_OPERATING_HOURS')).toBe(true);
    const error = caught as JukinetError;
    expect(error.category).toBe('business');
    expect(error.detail).toBe(
      '共通運用時間帯外です。次の受付開始は 令和8年12月3日（木）8時30分 です。 (opens at "2026-12-03T08:30:00+09:00")',
    );
    expect(error.message).toBe(`Outside the common operating hours (共通運用時間帯): ${error.detail}`);
    expect(openingOfRefusal(error)).toEqual(jst('2026-12-03T08:30:00'));
    expect(openingOfRefusal({ code: 'JUKI_ERR_INTERNAL', message: 'x' })).toBeUndefined();
  });
});

describe('formatting', () => {
  it('writes instants in Japan time, 和暦 with the weekday, and ISO with +09:00', () => {
    // 15:30 UTC on 12/2 is 0:30 on 12/3 in Japan.
    expect(formatJapanDateTime(new Date('2026-12-02T15:30:00Z'))).toBe('令和8年12月3日（木）0時30分');
    expect(formatJapanDateTime(jst('2019-05-01T09:05:00'))).toBe('令和元年5月1日（水）9時05分');
    expect(formatJapanIsoInstant(new Date('2026-12-02T15:30:00Z'))).toBe('2026-12-03T00:30:00+09:00');
  });
});

describe('checkOperatingHoursSettings() and checkOperatingException()', () => {
  it.each([
    [{ opens: '9:00' }, 'opens: expected HH:MM from 00:00 to 23:59'],
    [{ opens: '24:00' }, 'opens: expected HH:MM from 00:00 to 23:59'],
    [{ closes: '24:01' }, 'closes: expected HH:MM from 00:00 to 24:00'],
    [{ opens: '17:00', closes: '09:00' }, 'closes: must be later than opens'],
    [{ opens: '09:00', closes: '09:00' }, 'closes: must be later than opens'],
    [{ closedDays: ['2026-02-30'] }, 'closedDays: "2026-02-30": day out of range'],
    [
      { exceptions: { lockout: { from: '00:00', to: '24:00' } } },
      'exceptions.lockout: from and to must differ',
    ],
  ])('refuses %j', (settings, reason) => {
    expect(checkOperatingHoursSettings(settings)).toEqual({ ok: false, reason });
    expect(() => createOperatingCalendar(settings)).toThrow(/Operating hours settings must be checked first/);
  });

  it('accepts an exception between two parties with a span, a reason and who arranged it', () => {
    expect(checkOperatingException(exception()).ok).toBe(true);
    expect(checkOperatingException(exception({ municipalities: [chiyoda, chiyoda] }))).toEqual({
      ok: false,
      reason: 'municipalities: an exception is arranged between at least two local governments',
    });
    expect(checkOperatingException(exception({ end: jst('2026-12-05T10:00:00') }))).toEqual({
      ok: false,
      reason: 'end: must be later than start',
    });
    expect(checkOperatingException(exception({ reason: ' ' })).ok).toBe(false);
    expect(checkOperatingException(exception({ arrangedBy: '' })).ok).toBe(false);
    expect(checkOperatingException(exception({ start: new Date(Number.NaN) })).ok).toBe(false);
  });
});

describe('properties', () => {
  const FROM = jst('2020-01-01T00:00:00').getTime();
  const TO = jst('2049-12-01T00:00:00').getTime();
  const instant = fc.integer({ min: FROM, max: TO }).map((ms) => new Date(ms));
  const calendars = [calendar, createOperatingCalendar({ opens: '08:30', closes: '17:15' })];

  it('nextOpening(t) is open, not before t, and no open minute lies between t and it', () => {
    for (const subject of calendars) {
      fc.assert(
        fc.property(instant, (at) => {
          const opening = subject.nextOpening(at);
          expect(opening.getTime()).toBeGreaterThanOrEqual(at.getTime());
          expect(subject.isOpen(opening)).toBe(true);
          // The longest closure is about ten days (the year end or Golden Week with a weekend).
          expect(opening.getTime() - at.getTime()).toBeLessThan(14 * DAY_MS);
          for (let time = at.getTime(); time < opening.getTime(); time += MINUTE_MS) {
            if (subject.isOpen(new Date(time))) return false;
          }
          if (!subject.isOpen(at)) {
            expect(subject.currentWindow(opening)?.opens).toEqual(opening);
          }
          return true;
        }),
        { seed: 5, numRuns: 150 },
      );
    }
  });

  it('isOpen is false at every instant of every Saturday, Sunday and 12/29–1/3', () => {
    // A Monday, 00:00 in Japan.
    const monday = jst('2020-01-06T00:00:00').getTime();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1500 }),
        fc.constantFrom(5, 6),
        fc.integer({ min: 0, max: DAY_MS - 1 }),
        (week, weekday, ms) => {
          const at = new Date(monday + (week * 7 + weekday) * DAY_MS + ms);
          return !calendar.isOpen(at) && calendar.closedReason(japanDateOf(at)) !== undefined;
        },
      ),
      { seed: 5, numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 2020, max: 2048 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: DAY_MS - 1 }),
        (year, day, ms) => {
          const at = new Date(jst(`${year}-12-29T00:00:00`).getTime() + day * DAY_MS + ms);
          return !calendar.isOpen(at) && calendar.closedReason(japanDateOf(at)) === 'year-end';
        },
      ),
      { seed: 5, numRuns: 500 },
    );
  });

  it('isOpen agrees with currentWindow, and the window holds the instant on its Japan date', () => {
    fc.assert(
      fc.property(instant, (at) => {
        const window = calendar.currentWindow(at);
        expect(calendar.isOpen(at)).toBe(window !== undefined);
        if (window !== undefined) {
          expect(window.date).toBe(japanDateOf(at));
          expect(window.opens.getTime()).toBeLessThanOrEqual(at.getTime());
          expect(at.getTime()).toBeLessThan(window.closes.getTime());
        }
      }),
      { seed: 5, numRuns: 1000 },
    );
  });

  it('isOpenFor is always true within one municipality and, without exceptions, isOpen across several', () => {
    fc.assert(
      fc.property(instant, (at) => {
        expect(calendar.isOpenFor(at, { municipalities: [chiyoda] })).toBe(true);
        expect(calendar.isOpenFor(at, { municipalities: [chiyoda, osaka], exceptions: [] })).toBe(
          calendar.isOpen(at),
        );
      }),
      { seed: 5, numRuns: 500 },
    );
  });

  it('has no window on any national holiday the data lists', () => {
    expect(holidayDataYears().first).toBeLessThanOrEqual(2000);
    expect(holidayDataYears().last).toBeGreaterThanOrEqual(2030);
    for (let year = 2000; year <= holidayDataYears().last; year += 1) {
      for (let day = 0; day < 366; day += 1) {
        const date = japanDateOf(new Date(jst(`${year}-01-01T12:00:00`).getTime() + day * DAY_MS));
        if (nationalHolidayOf(date) !== undefined) expect(calendar.windowOn(date)).toBeUndefined();
      }
    }
  });
});
