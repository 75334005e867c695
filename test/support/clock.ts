// Clocks for network tests that must run inside (or outside) the common operating hours whatever the real time: a
// clock that runs on from a chosen instant, and the instants tests choose.

import { addDays, createOperatingCalendar, japanDateOf } from '../../src/domain/index.js';
import type { Clock } from '../../src/shared/clock.js';

/** A clock that starts at `at` and runs on with real time; `set` moves it to another instant, from which it runs. */
export function createRunningClock(at: Date): Clock & { set(at: Date): void } {
  let base = at.getTime();
  let since = performance.now();
  return {
    now: () => new Date(base + Math.floor(performance.now() - since)),
    set(next) {
      base = next.getTime();
      since = performance.now();
    },
  };
}

const DEFAULT_CALENDAR = createOperatingCalendar({});

/** 10:00 Japan time on the first window day (default calendar) after today: well inside the window for a test. */
export function nextWindowMorning(from: Date = new Date()): Date {
  for (let day = 1; day <= 14; day += 1) {
    const window = DEFAULT_CALENDAR.windowOn(addDays(japanDateOf(from), day));
    if (window !== undefined) return new Date(window.opens.getTime() + 90 * 60_000);
  }
  throw new Error('no window day within two weeks');
}

/** 10:00 Japan time on the first Saturday after `from`: outside the window all day. */
export function nextSaturdayMorning(from: Date = new Date()): Date {
  for (let day = 1; day <= 7; day += 1) {
    const date = addDays(japanDateOf(from), day);
    if (new Date(`${date}T00:00:00Z`).getUTCDay() === 6) return new Date(`${date}T10:00:00+09:00`);
  }
  throw new Error('unreachable: a week has a Saturday');
}
