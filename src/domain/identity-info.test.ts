import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJukinetError } from '../shared/errors.js';
import {
  ChangeReason,
  changeReasonLabel,
  identityInfoSchema,
  isClosingReason,
  parseIdentityInfo,
  Sex,
  sexLabel,
  validateIdentityInfo,
  type IdentityInfo,
} from './identity-info.js';
import { listMunicipalities } from './local-governments.js';
import { generateResidentCode } from './resident-code.js';

const VALID = {
  residentCode: '12345678903',
  name: '文京 太郎',
  nameKana: 'ブンキョウ タロウ',
  birthDate: '1980-04-01',
  sex: 'male',
  address: '東京都文京区本郷一丁目1番1号',
  lgCode: '131059',
  foreignResident: false,
  change: { reason: 'move-in', date: '2020-04-01' },
};

function problems(input: unknown): string[] {
  const result = validateIdentityInfo(input);
  return result.ok ? [] : result.reason;
}

describe('ChangeReason and Sex', () => {
  it('label each reason with its statutory name', () => {
    expect(Object.values(ChangeReason).map(changeReasonLabel)).toEqual([
      '出生',
      '転入',
      '国外からの転入',
      '職権記載',
      '転居',
      '転出',
      '国外転出',
      '死亡',
      '失踪宣告',
      '職権消除',
      '氏名変更',
      '職権修正',
      '住民票コード変更',
      '住所の表示変更',
    ]);
    for (const value of Object.values(ChangeReason)) expect(value).toMatch(/^[a-z]+(?:-[a-z]+)*$/);
    expect(sexLabel(Sex.male)).toBe('男');
    expect(sexLabel(Sex.female)).toBe('女');
  });

  it('exactly move-out, move-abroad, death, declared-missing and official-deletion close the record', () => {
    expect(Object.values(ChangeReason).filter(isClosingReason)).toEqual([
      'move-out',
      'move-abroad',
      'death',
      'declared-missing',
      'official-deletion',
    ]);
  });
});

describe('validateIdentityInfo()', () => {
  it('accepts valid identity information and brands its codes', () => {
    expect(validateIdentityInfo(VALID)).toEqual({ ok: true, value: VALID });
    const { nameKana: _kana, ...withoutKana } = VALID;
    const result = validateIdentityInfo(withoutKana);
    expect(result.ok && 'nameKana' in result.value).toBe(false);
  });

  it('accepts a foreign resident with a 通称', () => {
    const info = {
      ...VALID,
      name: 'SMITH JOHN',
      nameKana: 'スミス・ジョン',
      foreignResident: true,
      commonName: '山田太郎',
    };
    expect(validateIdentityInfo(info)).toEqual({ ok: true, value: info });
  });

  it.each([
    [{ residentCode: '12345678900' }, 'residentCode: check digit should be 3'],
    [{ residentCode: '123' }, 'residentCode: must have 11 digits'],
    [{ residentCode: '1234567890x' }, 'residentCode: must contain only the digits 0-9'],
    [{ name: '' }, 'name: name must not be empty'],
    [{ name: '  ' }, 'name: name must not be empty'],
    [{ name: '太郎\u0007' }, 'name: name must not contain control characters'],
    [{ name: '名'.repeat(101) }, 'name: name must have at most 100 characters'],
    [{ nameKana: 'ぶんきょう' }, 'nameKana: nameKana must be full-width katakana'],
    [{ nameKana: 'ﾌﾞﾝｷｮｳ' }, 'nameKana: nameKana must be full-width katakana'],
    [{ birthDate: '1980-02-30' }, 'birthDate: "1980-02-30": day out of range'],
    [{ sex: 'other' }, 'sex: '],
    [{ address: '' }, 'address: address must not be empty'],
    [{ lgCode: '131058' }, 'lgCode: must be a 6-digit local government code with its check digit'],
    [{ lgCode: '13105' }, 'lgCode: must be a 6-digit local government code with its check digit'],
    [{ lgCode: '130001' }, 'lgCode: must name a municipality, not a prefecture'],
    [{ foreignResident: 'no' }, 'foreignResident: '],
    [{ change: { reason: 'moved', date: '2020-04-01' } }, 'change.reason: '],
    [{ change: { reason: 'move-in', date: '1970-01-01' } }, 'change.date: must not be before birthDate'],
    [{ change: { reason: 'birth', date: '1980-04-02' } }, 'change.date: a birth is dated on birthDate'],
    [{ commonName: '山田太郎' }, 'commonName: only foreign residents have a 通称'],
    [{ extra: 1 }, 'Unrecognized key'],
  ])('refuses %j: %s', (patch, expected) => {
    const found = problems({ ...VALID, ...patch });
    expect(found.some((problem) => problem.startsWith(expected))).toBe(true);
  });

  it('lists every problem at once', () => {
    const found = problems({ ...VALID, residentCode: '123', name: '', sex: 'x' });
    expect(found).toHaveLength(3);
  });

  it('accepts a birth dated on the birth date', () => {
    const info = { ...VALID, birthDate: '2024-02-29', change: { reason: 'birth', date: '2024-02-29' } };
    expect(validateIdentityInfo(info).ok).toBe(true);
  });
});

describe('parseIdentityInfo()', () => {
  it('throws JUKI_ERR_IDENTITY_INFO_INVALID listing the problems', () => {
    expect(() => parseIdentityInfo({ ...VALID, residentCode: '12345678900', address: '' })).toThrow(
      'Invalid identity information: residentCode: check digit should be 3; address: address must not be empty',
    );
  });

  it('never throws anything but a JukinetError, whatever the input', () => {
    const field = fc.constantFrom(...Object.keys(VALID));
    const mutated = fc.tuple(field, fc.anything()).map(([key, value]) => ({ ...VALID, [key]: value }));
    fc.assert(
      fc.property(fc.oneof(fc.anything(), mutated, fc.jsonValue()), (input) => {
        try {
          parseIdentityInfo(input);
        } catch (error) {
          expect(isJukinetError(error, 'JUKI_ERR_IDENTITY_INFO_INVALID')).toBe(true);
        }
      }),
      { seed: 42, numRuns: 3000 },
    );
  });

  it('round-trips every valid identity information through JSON', () => {
    const lgCodes = listMunicipalities().map((lg) => lg.code);
    const kanji = fc.constantFrom(...'山田川本文京松原滝鳥取千代子太郎花');
    const katakana = fc.constantFrom(...'ヤマダタロウハナコブンキョウヴー・');
    const isoDate = fc
      .date({ min: new Date('1900-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    const info: fc.Arbitrary<IdentityInfo> = fc
      .record({
        code: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 40 }),
        name: fc.array(kanji, { minLength: 1, maxLength: 10 }).map((cs) => cs.join('')),
        nameKana: fc.option(
          fc.array(katakana, { minLength: 1, maxLength: 12 }).map((cs) => cs.join('')),
          {
            nil: undefined,
          },
        ),
        commonName: fc.option(
          fc.array(kanji, { minLength: 1, maxLength: 6 }).map((cs) => cs.join('')),
          {
            nil: undefined,
          },
        ),
        birthDate: isoDate,
        changeDate: isoDate,
        sex: fc.constantFrom(...Object.values(Sex)),
        address: fc
          .string({ minLength: 1, maxLength: 40 })
          .map((s) => `東京都文京区${s.replace(/\p{Cc}/gu, '')}`),
        lgCode: fc.constantFrom(...lgCodes),
        foreignResident: fc.boolean(),
        reason: fc.constantFrom(...Object.values(ChangeReason)),
      })
      .map((r) => {
        let i = 0;
        const bytes = (length: number) => Uint8Array.from({ length }, () => r.code[i++ % r.code.length]!);
        const changeDate =
          r.reason === 'birth' ? r.birthDate : r.changeDate < r.birthDate ? r.birthDate : r.changeDate;
        return {
          residentCode: generateResidentCode(bytes),
          name: r.name,
          ...(r.nameKana === undefined ? {} : { nameKana: r.nameKana }),
          ...(r.commonName === undefined || !r.foreignResident ? {} : { commonName: r.commonName }),
          birthDate: r.birthDate,
          sex: r.sex,
          address: r.address,
          lgCode: r.lgCode,
          foreignResident: r.foreignResident,
          change: { reason: r.reason, date: changeDate },
        };
      });
    fc.assert(
      fc.property(info, (value) => {
        expect(parseIdentityInfo(JSON.parse(JSON.stringify(value)))).toEqual(value);
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  it('exposes the schema for protocol messages to embed', () => {
    expect(identityInfoSchema.safeParse(VALID).success).toBe(true);
  });
});
