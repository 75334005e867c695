import { describe, expect, it } from 'vitest';
import { addDays, residentCodeCheckDigit } from '../../domain/index.js';
import {
  checkDate,
  checkKatakana,
  checkResidenceCardNumber,
  checkResidentCode,
  normaliseDate,
  todayInJapan,
} from './field-checks.js';

describe('field checks', () => {
  it('normaliseDate() reads western and 和暦 dates and refuses impossible ones', () => {
    expect(normaliseDate('2024-03-01')).toBe('2024-03-01');
    expect(normaliseDate('2024/3/1')).toBe('2024-03-01');
    expect(normaliseDate('２０２４．３．１')).toBe('2024-03-01');
    expect(normaliseDate('令和6年3月1日')).toBe('2024-03-01');
    expect(normaliseDate('R6.3.1')).toBe('2024-03-01');
    expect(normaliseDate('2024-02-30')).toBeUndefined();
    expect(normaliseDate('2024-03')).toBeUndefined();
  });

  it('checkDate() refuses a malformed date, a future date and a date before birth', () => {
    expect(checkDate('', { required: true })).toBe('入力してください');
    expect(checkDate('')).toBeUndefined();
    expect(checkDate('2024-3')).toMatch(/^日付の形式が正しくありません/);
    expect(checkDate(addDays(todayInJapan(), 1))).toBe('未来の日付は入力できません');
    expect(checkDate(todayInJapan())).toBeUndefined();
    expect(checkDate('2020-01-01', { notBefore: { date: '2021-05-05', label: '生年月日' } })).toBe(
      '生年月日より前の日付は入力できません',
    );
  });

  it('checkKatakana() takes full-width katakana with spaces only', () => {
    expect(checkKatakana('ホンゴウ サクラ')).toBeUndefined();
    expect(checkKatakana('ホンゴウ　サクラ')).toBeUndefined();
    expect(checkKatakana('ほんごう')).toBe('フリガナは全角カタカナで入力してください');
    expect(checkKatakana('ﾎﾝｺﾞｳ')).toBe('フリガナは全角カタカナで入力してください');
    expect(checkKatakana('', { required: true })).toBe('入力してください');
  });

  it('checkResidenceCardNumber() and checkResidentCode() check the shapes', () => {
    expect(checkResidenceCardNumber('AB12345678CD')).toBeUndefined();
    expect(checkResidenceCardNumber('ab12345678cd')).toMatch(/^在留カード番号は/);
    expect(checkResidenceCardNumber('AB1234567CD')).toMatch(/^在留カード番号は/);
    const body = '1234567890';
    const check = residentCodeCheckDigit(body);
    expect(checkResidentCode(`${body}${check}`)).toBeUndefined();
    expect(checkResidentCode(`${body}${(check + 1) % 10}`)).toBe('住民票コードの検査数字が正しくありません');
    expect(checkResidentCode('1234')).toBe('住民票コードは11桁の数字です');
  });
});
