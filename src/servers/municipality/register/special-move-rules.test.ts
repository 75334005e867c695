// The time limits of the one-visit move: the planned date of a 付記転出届, its 14-day period, the 30-day limit after the
// planned date, and the 14-day period of the move-in.

import { describe, expect, it } from 'vitest';
import { isJukinetError } from '../../../shared/errors.js';
import {
  checkAdvanceMoveOutDates,
  checkSpecialMoveIn,
  checkSpecialMoveLimit,
  isPlannedMoveOutOpen,
  specialMoveLimitDate,
} from './special-move-rules.js';
import type { PlannedMoveOut } from './resident-record.js';

const NOTICE = {
  plannedDate: '2024-04-10',
  filedOn: '2024-04-01',
  today: '2024-04-01',
  birthDate: '1983-02-01',
  lastChange: '2020-01-01',
  limitDays: 30,
  filingPeriodDays: 14,
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (isJukinetError(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe('the 30-day limit', () => {
  it('ends 30 days after the planned date, that day included', () => {
    expect(specialMoveLimitDate('2024-04-10', 30)).toBe('2024-05-10');
    expect(
      codeOf(() => checkSpecialMoveLimit({ plannedDate: '2024-04-10', on: '2024-05-10', limitDays: 30 })),
    ).toBe(undefined);
    expect(
      codeOf(() => checkSpecialMoveLimit({ plannedDate: '2024-04-10', on: '2024-05-11', limitDays: 30 })),
    ).toBe('JUKI_ERR_SPECIAL_MOVE_LIMIT_PASSED');
  });

  it('says when the limit ended', () => {
    expect(() =>
      checkSpecialMoveLimit({ plannedDate: '2024-04-10', on: '2024-06-01', limitDays: 30 }),
    ).toThrow(/the 30 days ended on "2024-05-10", before "2024-06-01"/);
  });

  it('is configurable', () => {
    expect(
      codeOf(() => checkSpecialMoveLimit({ plannedDate: '2024-04-10', on: '2024-04-20', limitDays: 7 })),
    ).toBe('JUKI_ERR_SPECIAL_MOVE_LIMIT_PASSED');
  });

  it('keeps a planned move-out open until it ends', () => {
    const planned = { plannedDate: '2024-04-10' } as PlannedMoveOut;
    expect(isPlannedMoveOutOpen(planned, { today: '2024-05-10', limitDays: 30 })).toBe(true);
    expect(isPlannedMoveOutOpen(planned, { today: '2024-05-11', limitDays: 30 })).toBe(false);
    expect(isPlannedMoveOutOpen(undefined, { today: '2024-05-10', limitDays: 30 })).toBe(false);
  });
});

describe('checkAdvanceMoveOutDates()', () => {
  it('takes a planned date ahead, up to the limit after today, and a notice filed in time', () => {
    expect(checkAdvanceMoveOutDates(NOTICE)).toEqual({ daysLate: 0 });
    expect(checkAdvanceMoveOutDates({ ...NOTICE, plannedDate: '2024-05-01' })).toEqual({ daysLate: 0 });
  });

  it('refuses a planned date further ahead than the limit', () => {
    expect(codeOf(() => checkAdvanceMoveOutDates({ ...NOTICE, plannedDate: '2024-05-02' }))).toBe(
      'JUKI_ERR_SPECIAL_MOVE_DATE',
    );
  });

  it('flags a notice filed more than 14 days after the planned date, as a late 転出届', () => {
    expect(checkAdvanceMoveOutDates({ ...NOTICE, plannedDate: '2024-03-18', filedOn: '2024-04-01' })).toEqual(
      { daysLate: 0 },
    );
    expect(checkAdvanceMoveOutDates({ ...NOTICE, plannedDate: '2024-03-10', filedOn: '2024-04-01' })).toEqual(
      { daysLate: 8 },
    );
  });

  it('refuses a planned date whose limit has passed already', () => {
    expect(codeOf(() => checkAdvanceMoveOutDates({ ...NOTICE, plannedDate: '2024-03-01' }))).toBe(
      'JUKI_ERR_SPECIAL_MOVE_LIMIT_PASSED',
    );
  });

  it('refuses a notice filed in the future, dates before birth and a planned date before the last change', () => {
    expect(codeOf(() => checkAdvanceMoveOutDates({ ...NOTICE, filedOn: '2024-04-02' }))).toBe(
      'JUKI_ERR_REGISTER_DATE_IN_FUTURE',
    );
    expect(codeOf(() => checkAdvanceMoveOutDates({ ...NOTICE, birthDate: '2024-04-05' }))).toBe(
      'JUKI_ERR_REGISTER_DATE_BEFORE_BIRTH',
    );
    expect(codeOf(() => checkAdvanceMoveOutDates({ ...NOTICE, lastChange: '2024-04-15' }))).toBe(
      'JUKI_ERR_REGISTER_DATE_BEFORE_LAST_CHANGE',
    );
  });
});

describe('checkSpecialMoveIn()', () => {
  const MOVE_IN = { plannedDate: '2024-04-10', movedInOn: '2024-04-12', limitDays: 30, filingPeriodDays: 14 };

  it('is in time within 14 days of moving in, and late after, within the limit', () => {
    expect(checkSpecialMoveIn({ ...MOVE_IN, filedOn: '2024-04-26' })).toEqual({
      late: false,
      deadline: '2024-04-26',
      limitDate: '2024-05-10',
    });
    expect(checkSpecialMoveIn({ ...MOVE_IN, filedOn: '2024-04-27' })).toMatchObject({ late: true });
  });

  it('refuses a move-in filed after the limit of the planned date, however recent the move', () => {
    expect(
      codeOf(() => checkSpecialMoveIn({ ...MOVE_IN, movedInOn: '2024-05-09', filedOn: '2024-05-11' })),
    ).toBe('JUKI_ERR_SPECIAL_MOVE_LIMIT_PASSED');
  });
});
