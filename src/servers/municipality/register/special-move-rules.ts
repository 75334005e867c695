// The time limits of the one-visit move (転入転出の特例, 住基法第24条の2; DOMAIN.md "One-visit move"; docs/special-move.md):
// how far ahead a planned move-out may lie, until when the old municipality answers and the new one takes the move-in,
// and the 14-day periods both 届出 keep. Pure: every function takes "today" from its caller.

import { addDays, compareIsoDates, daysBetween } from '../../../domain/index.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import type { PlannedMoveOut } from './resident-record.js';

/** The last day of the one-visit move of a notice planned for `plannedDate`: plannedDate + limitDays. */
export function specialMoveLimitDate(plannedDate: string, limitDays: number): string {
  return addDays(plannedDate, limitDays);
}

/**
 * Refuses with JUKI_ERR_SPECIAL_MOVE_LIMIT_PASSED when `on` is after the last day of the one-visit move planned for
 * `plannedDate` (30 days by default, our reading of DOMAIN.md; the configuration's `municipality.specialMove.limitDays`).
 */
export function checkSpecialMoveLimit(options: {
  readonly plannedDate: string;
  readonly on: string;
  readonly limitDays: number;
}): void {
  const limit = specialMoveLimitDate(options.plannedDate, options.limitDays);
  if (compareIsoDates(options.on, limit) > 0) {
    throw new JukinetError(
      'JUKI_ERR_SPECIAL_MOVE_LIMIT_PASSED',
      `the move-out was planned for ${quote(options.plannedDate)}; the ${options.limitDays} days ended on ${quote(limit)}, before ${quote(options.on)}`,
    );
  }
}

/** True while a planned move-out still stands on `today`: its limit has not passed. */
export function isPlannedMoveOutOpen(
  planned: PlannedMoveOut | undefined,
  options: { readonly today: string; readonly limitDays: number },
): planned is PlannedMoveOut {
  return (
    planned !== undefined &&
    compareIsoDates(options.today, specialMoveLimitDate(planned.plannedDate, options.limitDays)) <= 0
  );
}

/**
 * Checks the dates of an advance move-out notice (付記転出届) filed on `filedOn`, entered `today`: the notice is not filed
 * in the future; the planned date may lie ahead, at most `limitDays` after today (our reading: the one-visit move's own
 * span, as a 転出届 is filed in advance, 第24条), and not so far back that the move-in could no longer be taken.
 * Answers the days the notice came after the 14-day period of a 転出届 (第24条, our reading: counted from the planned
 * date), 0 when in time; a late notice is accepted and flagged, as other late 届出 are.
 */
export function checkAdvanceMoveOutDates(options: {
  readonly plannedDate: string;
  readonly filedOn: string;
  readonly today: string;
  readonly birthDate: string;
  readonly lastChange: string;
  readonly limitDays: number;
  readonly filingPeriodDays: number;
}): { readonly daysLate: number } {
  const { plannedDate, filedOn, today, limitDays } = options;
  if (compareIsoDates(filedOn, today) > 0) {
    throw new JukinetError(
      'JUKI_ERR_REGISTER_DATE_IN_FUTURE',
      `filedOn ${quote(filedOn)} is after today ${quote(today)}`,
    );
  }
  for (const [label, date] of [
    ['plannedDate', plannedDate],
    ['filedOn', filedOn],
  ] as const) {
    if (compareIsoDates(date, options.birthDate) < 0) {
      throw new JukinetError(
        'JUKI_ERR_REGISTER_DATE_BEFORE_BIRTH',
        `${label} ${quote(date)} is before the birth date ${quote(options.birthDate)}`,
      );
    }
  }
  if (compareIsoDates(plannedDate, options.lastChange) < 0) {
    throw new JukinetError(
      'JUKI_ERR_REGISTER_DATE_BEFORE_LAST_CHANGE',
      `plannedDate ${quote(plannedDate)} is before ${quote(options.lastChange)}`,
    );
  }
  const furthest = addDays(today, limitDays);
  if (compareIsoDates(plannedDate, furthest) > 0) {
    throw new JukinetError(
      'JUKI_ERR_SPECIAL_MOVE_DATE',
      `plannedDate ${quote(plannedDate)} is more than ${limitDays} days after today ${quote(today)} (at most ${quote(furthest)})`,
    );
  }
  checkSpecialMoveLimit({ plannedDate, on: today, limitDays });
  return { daysLate: Math.max(0, daysBetween(plannedDate, filedOn) - options.filingPeriodDays) };
}

/** The filing of a move-in under the one-visit move: its 14-day period and the one-visit move's own limit. */
export interface SpecialMoveInFiling {
  /** Filed after the 14 days from moving in (第22条): accepted and flagged. */
  readonly late: boolean;
  /** The last day of the 14-day period. */
  readonly deadline: string;
  /** The last day of the one-visit move (planned date + limit). */
  readonly limitDate: string;
}

/**
 * Checks a move-in under the one-visit move filed on `filedOn` for a move on `movedInOn`: refused past the limit of
 * the planned date (JUKI_ERR_SPECIAL_MOVE_LIMIT_PASSED); late, and flagged, after 14 days from moving in.
 */
export function checkSpecialMoveIn(options: {
  readonly plannedDate: string;
  readonly movedInOn: string;
  readonly filedOn: string;
  readonly limitDays: number;
  readonly filingPeriodDays: number;
}): SpecialMoveInFiling {
  checkSpecialMoveLimit({
    plannedDate: options.plannedDate,
    on: options.filedOn,
    limitDays: options.limitDays,
  });
  const deadline = addDays(options.movedInOn, options.filingPeriodDays);
  return {
    late: compareIsoDates(options.filedOn, deadline) > 0,
    deadline,
    limitDate: specialMoveLimitDate(options.plannedDate, options.limitDays),
  };
}
