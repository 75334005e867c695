import { describe, expect, it } from 'vitest';
import { ApiError } from './api.js';
import { cardMessageOf, localGovernmentName, warekiOf } from './card-views.js';

/** A refusal as api.ts makes it from the server's answer. */
function refusal(code: string, message: string): ApiError {
  return new ApiError(403, code, `エラーが発生しました (${code})`, { code, message });
}

describe('card views', () => {
  it('cardMessageOf() says how many PIN tries are left', () => {
    expect(cardMessageOf(refusal('JUKI_ERR_CARD_PIN_WRONG', 'PIN is wrong: 2 tries left'))).toBe(
      '暗証番号が違います（残り2回）',
    );
    expect(cardMessageOf(refusal('JUKI_ERR_CARD_LOCKED', 'Card is locked'))).toMatch(
      /^このカードはロックされています/,
    );
  });

  it('cardMessageOf() shows the Japanese sentence of a refusal outside the operating hours as it is', () => {
    const message =
      'Outside the common operating hours (共通運用時間帯): 共通運用時間帯外です。次の受付開始は 令和8年12月7日（月）8時30分 です。 (opens at "2026-12-07T08:30:00+09:00")';
    expect(cardMessageOf(refusal('JUKI_ERR_OUTSIDE_OPERATING_HOURS', message))).toBe(
      '共通運用時間帯外です。次の受付開始は 令和8年12月7日（月）8時30分 です。',
    );
  });

  it('cardMessageOf() falls back to the general message of a code it does not know', () => {
    expect(cardMessageOf(refusal('JUKI_ERR_SOMETHING_NEW', 'whatever'))).toBe(
      'エラーが発生しました (JUKI_ERR_SOMETHING_NEW)',
    );
  });

  it('localGovernmentName() and warekiOf() write what the screens show', () => {
    expect(localGovernmentName('131059')).toBe('東京都文京区');
    expect(localGovernmentName('310000')).toBe('鳥取県');
    expect(localGovernmentName('999999')).toBe('999999');
    expect(warekiOf('1983-02-01')).toBe('昭和58年2月1日');
    expect(warekiOf('not a date')).toBe('not a date');
  });
});
