import { describe, expect, it } from 'vitest';
import {
  checkOperatingHours,
  createOperatingCalendar,
  type LocalGovernmentCode,
} from '../../domain/index.js';
import { JukinetError } from '../../shared/errors.js';
import { messageOf } from './api.js';
import { detailedMessageOf } from './refusal-details.js';

/** The message a refusal carries on the wire, as the server words it. */
function wireMessageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof JukinetError) return error.message;
  }
  throw new Error('expected a JukinetError');
}

describe('refusal details', () => {
  it('detailedMessageOf() reads when the common operating hours open from the server’s refusal', () => {
    const saturday = new Date('2026-12-05T10:00:00+09:00');
    const message = wireMessageOf(() =>
      checkOperatingHours(createOperatingCalendar({}), {
        at: saturday,
        municipalities: ['312011', '131059'] as LocalGovernmentCode[],
        exceptions: [],
      }),
    );
    expect(detailedMessageOf('JUKI_ERR_OUTSIDE_OPERATING_HOURS', message)).toBe(
      '共通運用時間帯外です。次の受付開始は 令和8年12月7日（月）8時30分 です。',
    );
  });

  it('detailedMessageOf() names the last day of the one-visit move and the furthest planned date', () => {
    const limit = new JukinetError(
      'JUKI_ERR_SPECIAL_MOVE_LIMIT_PASSED',
      'the move-out was planned for "2026-12-04"; the 30 days ended on "2027-01-03", before "2027-01-05"',
    );
    expect(detailedMessageOf(limit.code, limit.message)).toBe(
      '転入転出の特例の期限（令和9年1月3日まで）を過ぎています。通常の転出届・転入届を行ってください',
    );
    const date = new JukinetError(
      'JUKI_ERR_SPECIAL_MOVE_DATE',
      'plannedDate "2027-02-01" is more than 30 days after today "2026-12-04" (at most "2027-01-03")',
    );
    expect(detailedMessageOf(date.code, date.message)).toBe(
      '転出予定年月日は令和9年1月3日までの日付にしてください（転入転出の特例の期間）',
    );
  });

  it('detailedMessageOf() names the municipality that takes no part in the wide-area copy', () => {
    const refusal = new JukinetError('JUKI_ERR_WIDE_AREA_NOT_PARTICIPATING', '東京都千代田区 ("131016")');
    expect(detailedMessageOf(refusal.code, refusal.message)).toBe(
      '東京都千代田区は広域交付に参加していません',
    );
  });

  it('messageOf() falls back to the code’s own sentence when the detail says nothing more', () => {
    expect(messageOf('JUKI_ERR_SPECIAL_MOVE_LIMIT_PASSED', 409, 'Time limit has passed')).toBe(
      '転入転出の特例の期限を過ぎています。通常の転出届・転入届を行ってください',
    );
    expect(messageOf('JUKI_ERR_WIDE_AREA_REQUESTER', 409)).toMatch(/^請求者（カードの本人）は/);
    expect(messageOf('JUKI_ERR_SOMETHING_NEW', 409, 'anything')).toBe(
      'エラーが発生しました (JUKI_ERR_SOMETHING_NEW)',
    );
  });
});
