// The four-item matching rules: exact birth date and sex, name or kana whole after normalisation, address as a prefix.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IdentityInfo } from './identity-info.js';
import {
  checkFourItemCriteria,
  matchesFourItems,
  normaliseForMatch,
  normaliseKanaForMatch,
  type FourItemCriteria,
} from './identity-match.js';
import type { LocalGovernmentCode } from './local-government-code.js';
import type { ResidentCode } from './resident-code.js';

const SEED = { seed: 20240401, numRuns: 300 };

const PERSON: IdentityInfo = {
  residentCode: '12345678906' as ResidentCode,
  name: '山田 太郎',
  nameKana: 'ヤマダ タロウ',
  birthDate: '1980-05-01',
  sex: 'male',
  address: '東京都文京区本郷1丁目2番3号',
  lgCode: '131059' as LocalGovernmentCode,
  foreignResident: false,
  change: { reason: 'birth', date: '1980-05-01' },
};

describe('matchesFourItems()', () => {
  it('matches by name or by kana with the birth date and sex, regardless of spaces and width', () => {
    expect(matchesFourItems(PERSON, { name: '山田太郎', birthDate: '1980-05-01', sex: 'male' })).toBe(true);
    expect(
      matchesFourItems(PERSON, { nameKana: 'やまだ　たろう', birthDate: '1980-05-01', sex: 'male' }),
    ).toBe(true);
    expect(matchesFourItems(PERSON, { nameKana: 'ﾔﾏﾀﾞ ﾀﾛｳ', birthDate: '1980-05-01', sex: 'male' })).toBe(
      true,
    );
    // A variant kanji still matches by its reading when both are given.
    expect(
      matchesFourItems(PERSON, {
        name: '山田 太朗',
        nameKana: 'ヤマダタロウ',
        birthDate: '1980-05-01',
        sex: 'male',
      }),
    ).toBe(true);
  });

  it('does not match a part of the name, another birth date or another sex', () => {
    expect(matchesFourItems(PERSON, { name: '山田', birthDate: '1980-05-01', sex: 'male' })).toBe(false);
    expect(matchesFourItems(PERSON, { name: '山田太郎', birthDate: '1980-05-02', sex: 'male' })).toBe(false);
    expect(matchesFourItems(PERSON, { name: '山田太郎', birthDate: '1980-05-01', sex: 'female' })).toBe(
      false,
    );
    const { nameKana: _kana, ...withoutKana } = PERSON;
    expect(
      matchesFourItems(withoutKana, { nameKana: 'ヤマダタロウ', birthDate: '1980-05-01', sex: 'male' }),
    ).toBe(false);
  });

  it('matches the address as a prefix, with full-width digits and dashes normalised', () => {
    const base = { name: '山田太郎', birthDate: '1980-05-01', sex: 'male' } as const;
    expect(matchesFourItems(PERSON, { ...base, address: '東京都文京区' })).toBe(true);
    expect(matchesFourItems(PERSON, { ...base, address: '東京都 文京区本郷１丁目' })).toBe(true);
    expect(matchesFourItems(PERSON, { ...base, address: '文京区本郷' })).toBe(false);
    expect(matchesFourItems(PERSON, { ...base, address: '東京都新宿区' })).toBe(false);
  });

  it('agrees with its definition on generated people and criteria', () => {
    const name = fc.constantFrom('山田 太郎', '山田太郎', '佐藤 花子', '髙橋 一');
    const kana = fc.option(fc.constantFrom('ヤマダ タロウ', 'サトウ ハナコ', 'タカハシ ハジメ'), {
      nil: undefined,
    });
    const date = fc.constantFrom('1980-05-01', '1990-01-31');
    const sex = fc.constantFrom<'male' | 'female'>('male', 'female');
    const address = fc.constantFrom('東京都文京区本郷1丁目', '東京都文京区小石川2丁目', '大阪府松原市');
    fc.assert(
      fc.property(
        fc.record({ name, nameKana: kana, birthDate: date, sex, address }),
        fc.record({
          name: fc.option(name, { nil: undefined }),
          nameKana: kana,
          birthDate: date,
          sex,
          address: fc.option(fc.constantFrom('東京都', '東京都文京区本郷', '大阪府'), { nil: undefined }),
        }),
        (person, raw) => {
          const info: IdentityInfo = {
            ...PERSON,
            name: person.name,
            birthDate: person.birthDate,
            sex: person.sex,
            address: person.address,
            ...(person.nameKana === undefined ? { nameKana: undefined } : { nameKana: person.nameKana }),
          } as IdentityInfo;
          const criteria = Object.fromEntries(
            Object.entries(raw).filter(([, value]) => value !== undefined),
          ) as unknown as FourItemCriteria;
          const nameOk =
            (criteria.name !== undefined &&
              normaliseForMatch(criteria.name) === normaliseForMatch(info.name)) ||
            (criteria.nameKana !== undefined &&
              info.nameKana !== undefined &&
              normaliseKanaForMatch(criteria.nameKana) === normaliseKanaForMatch(info.nameKana));
          const expected =
            info.birthDate === criteria.birthDate &&
            info.sex === criteria.sex &&
            nameOk &&
            (criteria.address === undefined || info.address.startsWith(criteria.address));
          expect(matchesFourItems(info, criteria)).toBe(expected);
        },
      ),
      SEED,
    );
  });
});

describe('checkFourItemCriteria()', () => {
  it('needs a name or a kana, and refuses text of spaces only', () => {
    expect(checkFourItemCriteria({ birthDate: '1980-05-01', sex: 'male' })).toBe('no-name');
    expect(checkFourItemCriteria({ name: '　', birthDate: '1980-05-01', sex: 'male' })).toBe('empty-name');
    expect(checkFourItemCriteria({ name: '山田', address: ' ', birthDate: '1980-05-01', sex: 'male' })).toBe(
      'empty-address',
    );
    expect(
      checkFourItemCriteria({ nameKana: 'ヤマダ', birthDate: '1980-05-01', sex: 'male' }),
    ).toBeUndefined();
  });
});
