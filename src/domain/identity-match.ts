// The four-item search (四情報: 氏名, 出生の年月日, 男女の別, 住所) an agency may make instead of citing a resident code:
// what the criteria must contain, how text is compared, and which identity information matches (docs/agencies.md).

import type { IdentityInfo, Sex } from './identity-info.js';

/** The most records one answer carries; more matches are reported as `truncated`, never sent. */
export const FOUR_ITEM_RESULT_CAP = 10;

/**
 * What an agency gives to find a person without the code. Birth date and sex are always required; at least one of
 * name and kana; the address is optional and matches as a prefix.
 */
export interface FourItemCriteria {
  readonly name?: string;
  readonly nameKana?: string;
  /** ISO date, compared exactly. */
  readonly birthDate: string;
  readonly sex: Sex;
  readonly address?: string;
}

/**
 * The form in which names and addresses are compared: Unicode NFKC (full-width digits and letters become ASCII,
 * half-width katakana become full-width), every kind of space removed, and hyphen-like dashes between digits
 * (1－2, 1ー2, 1−2) written as "-".
 */
export function normaliseForMatch(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\s\u3000]+/gu, '')
    .replace(/(?<=[0-9])[\u2010-\u2015\u2212\u30fc\uff0d](?=[0-9])/gu, '-');
}

/** The form in which readings are compared: as normaliseForMatch, with hiragana turned into katakana. */
export function normaliseKanaForMatch(text: string): string {
  return normaliseForMatch(text).replace(/[\u3041-\u3096]/gu, (char) =>
    String.fromCodePoint(char.codePointAt(0)! + 0x60),
  );
}

/**
 * Whether `info` matches `criteria`: the same birth date and sex, the name or the kana equal after normalisation
 * (either is enough when both are given: a variant kanji still matches by its reading; a reading in hiragana
 * matches the katakana one), and the address, when given,
 * a prefix of the record's address after normalisation. A record without kana never matches by kana.
 */
export function matchesFourItems(info: IdentityInfo, criteria: FourItemCriteria): boolean {
  if (info.birthDate !== criteria.birthDate || info.sex !== criteria.sex) return false;
  const byName =
    criteria.name !== undefined && normaliseForMatch(info.name) === normaliseForMatch(criteria.name);
  const byKana =
    criteria.nameKana !== undefined &&
    info.nameKana !== undefined &&
    normaliseKanaForMatch(info.nameKana) === normaliseKanaForMatch(criteria.nameKana);
  if (!byName && !byKana) return false;
  if (criteria.address === undefined) return true;
  return normaliseForMatch(info.address).startsWith(normaliseForMatch(criteria.address));
}

/** Why criteria cannot be searched with. */
export type FourItemCriteriaProblem = 'no-name' | 'empty-name' | 'empty-address';

/**
 * Checks criteria beyond their shape: a name or a kana must be given and neither may normalise to nothing, nor may
 * the address (an address of spaces would match everyone born that day).
 */
export function checkFourItemCriteria(criteria: FourItemCriteria): FourItemCriteriaProblem | undefined {
  if (criteria.name === undefined && criteria.nameKana === undefined) return 'no-name';
  if (criteria.name !== undefined && normaliseForMatch(criteria.name) === '') return 'empty-name';
  if (criteria.nameKana !== undefined && normaliseKanaForMatch(criteria.nameKana) === '') return 'empty-name';
  if (criteria.address !== undefined && normaliseForMatch(criteria.address) === '') return 'empty-address';
  return undefined;
}
