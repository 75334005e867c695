import { describe, expect, it } from 'vitest';
import {
  checkDocumentItem,
  checkPin,
  checkPinRepeat,
  japanInstantOf,
  japanLocalOf,
  parseLgCodes,
} from './card-checks.js';

describe('card checks', () => {
  it('checkPin() shows a letter or a fifth digit at once and a short PIN only once complete', () => {
    expect(checkPin('')).toBeUndefined();
    expect(checkPin('', { complete: true })).toBe('暗証番号を入力してください');
    expect(checkPin('12')).toBeUndefined();
    expect(checkPin('12', { complete: true })).toBe('暗証番号は4桁の数字で入力してください');
    expect(checkPin('12a')).toBe('暗証番号は4桁の数字で入力してください');
    expect(checkPin('12345')).toBe('暗証番号は4桁の数字で入力してください');
    expect(checkPin('2468', { complete: true })).toBeUndefined();
  });

  it('checkPinRepeat() says the two PINs differ once the second is as long as the first', () => {
    expect(checkPinRepeat('2468', '24')).toBeUndefined();
    expect(checkPinRepeat('2468', '24', { complete: true })).toBe('暗証番号が一致しません');
    expect(checkPinRepeat('2468', '2469')).toBe('暗証番号が一致しません');
    expect(checkPinRepeat('2468', '2468')).toBeUndefined();
    expect(checkPinRepeat('2468', '', { complete: true })).toBe('もう一度同じ暗証番号を入力してください');
  });

  it('checkDocumentItem() needs a value of at most 40 characters', () => {
    expect(checkDocumentItem(' ')).toBe('入力してください');
    expect(checkDocumentItem('運転免許証')).toBeUndefined();
    expect(checkDocumentItem('9'.repeat(41))).toBe('40文字以内で入力してください');
  });

  it('parseLgCodes() reads codes the directory knows, with or without the check digit', () => {
    expect(parseLgCodes('310000、131059')).toEqual({ codes: ['310000', '131059'] });
    expect(parseLgCodes('31000')).toEqual({ codes: ['310000'] });
    expect(parseLgCodes('').error).toBe('相手の団体コードを入力してください');
    expect(parseLgCodes('310001').error).toMatch(/^団体コード「310001」が正しくありません/);
  });

  it('japanInstantOf() and japanLocalOf() read and write datetime-local values as Japan time', () => {
    expect(japanInstantOf('2026-12-05T09:00')).toBe('2026-12-05T09:00:00+09:00');
    expect(japanInstantOf('2026-12-05')).toBeUndefined();
    expect(japanLocalOf(new Date('2026-12-05T00:00:00Z'))).toBe('2026-12-05T09:00');
  });
});
