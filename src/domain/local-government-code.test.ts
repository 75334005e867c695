import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJukinetError } from '../shared/errors.js';
import {
  checkLocalGovernmentCode,
  lgCheckDigit,
  parseLocalGovernmentCode,
  prefectureOf,
} from './local-government-code.js';

const EXAMPLES = {
  文京区: '131059',
  松原市: '272175',
  滝川市: '012254',
  鳥取市: '312011',
  千代田区: '131016',
  札幌市中央区: '011011',
  東京都: '130001',
} as const;

describe('lgCheckDigit()', () => {
  it.each(Object.entries(EXAMPLES))('gives the published check digit for %s (%s)', (_name, code) => {
    expect(lgCheckDigit(code.slice(0, 5))).toBe(Number(code[5]));
  });

  it('refuses a body that is not five digits', () => {
    expect(() => lgCheckDigit('1310')).toThrow(/6 digits.*"1310"/);
  });
});

describe('checkLocalGovernmentCode()', () => {
  it('accepts the six-digit codes and completes five-digit bodies', () => {
    for (const code of Object.values(EXAMPLES)) {
      expect(checkLocalGovernmentCode(code)).toEqual({ ok: true, value: code });
      expect(checkLocalGovernmentCode(code.slice(0, 5))).toEqual({ ok: true, value: code });
    }
  });

  it('names the reason: format or check digit', () => {
    expect(checkLocalGovernmentCode('13105a')).toEqual({ ok: false, reason: 'format' });
    expect(checkLocalGovernmentCode('1310599')).toEqual({ ok: false, reason: 'format' });
    expect(checkLocalGovernmentCode('')).toEqual({ ok: false, reason: 'format' });
    expect(checkLocalGovernmentCode('131058')).toEqual({ ok: false, reason: 'check-digit' });
  });

  it('a substitution moving the remainder between 0 and 10 keeps check digit 1 and is accepted', () => {
    // 00000 has r = 0 → check (11 − 0) mod 10 = 1; 00005 has r = 5 × 2 = 10 → check 1 as well.
    expect(checkLocalGovernmentCode('000001').ok).toBe(true);
    expect(checkLocalGovernmentCode('000051').ok).toBe(true);
  });

  it('every other single substitution in the body changes the check digit and is refused', () => {
    // Weights 6..2 are non-zero and below 11, so a one-digit change always moves r = sum mod 11; the final mod 10
    // folds r = 0 and r = 10 onto check digit 1, and that pair is the only one left undetected.
    const remainder = (body: string) => [...body].reduce((sum, d, i) => sum + Number(d) * (6 - i), 0) % 11;
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{5}$/),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 9 }),
        (body, position, shift) => {
          const code = `${body}${lgCheckDigit(body)}`;
          const digit = (Number(body[position]) + shift) % 10;
          const changed = `${code.slice(0, position)}${digit}${code.slice(position + 1)}`;
          const before = remainder(body);
          const after = remainder(changed.slice(0, 5));
          expect(after).not.toBe(before);
          if (before + after === 10 && before * after === 0)
            expect(checkLocalGovernmentCode(changed).ok).toBe(true);
          else expect(checkLocalGovernmentCode(changed)).toEqual({ ok: false, reason: 'check-digit' });
        },
      ),
      { seed: 42, numRuns: 5000 },
    );
  });
});

describe('parseLocalGovernmentCode()', () => {
  it('throws JUKI_ERR_LG_CODE_FORMAT or JUKI_ERR_LG_CODE_CHECK_DIGIT with the quoted input', () => {
    expect(parseLocalGovernmentCode('131059')).toBe('131059');
    const codeOf = (input: string) => {
      try {
        parseLocalGovernmentCode(input);
      } catch (error) {
        return isJukinetError(error) ? error.code : 'not a JukinetError';
      }
      return 'no error';
    };
    expect(codeOf('13-105')).toBe('JUKI_ERR_LG_CODE_FORMAT');
    expect(codeOf('131050')).toBe('JUKI_ERR_LG_CODE_CHECK_DIGIT');
    expect(() => parseLocalGovernmentCode('131050')).toThrow('"131050"');
  });
});

describe('prefectureOf()', () => {
  it('gives the two-digit prefecture code', () => {
    expect(prefectureOf(parseLocalGovernmentCode('131059'))).toBe('13');
    expect(prefectureOf(parseLocalGovernmentCode('012254'))).toBe('01');
  });
});
