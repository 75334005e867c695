import { describe, expect, it } from 'vitest';
import { mod11CheckDigit, mod11Weight } from './check-digit.js';

describe('mod11CheckDigit()', () => {
  it('weights the digits 2..7 then 2..6 from the rightmost', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(mod11Weight)).toEqual([2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6]);
  });

  it('reproduces the published 個人番号 examples 123456789018 and 023456789013 over an 11-digit body', () => {
    expect(mod11CheckDigit('12345678901')).toBe(8);
    expect(mod11CheckDigit('02345678901')).toBe(3);
  });

  it('gives 0 for the remainders 0 and 1', () => {
    // 0000000000 → r = 0; 0000000005 → r = 5 × 2 = 10; 0000000006 → r = 12 mod 11 = 1.
    expect(mod11CheckDigit('0000000000')).toBe(0);
    expect(mod11CheckDigit('0000000006')).toBe(0);
    expect(mod11CheckDigit('0000000005')).toBe(1);
  });
});
