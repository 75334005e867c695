// The checks a 届出 form runs as the clerk types, each answering a Japanese message or undefined: required items, dates
// (written 2024-03-01, 2024/3/1 or 令和6年3月1日), not in the future, not before birth, katakana readings, 在留カード番号.

import { compareIsoDates, isIsoDate, isResidentCode, japanDateOf, parseWareki } from '../../domain/index.js';

/** Today in Japan, as the register dates things. */
export function todayInJapan(): string {
  return japanDateOf(new Date());
}

/**
 * The ISO date a clerk's entry stands for, or undefined when it is not a date: 2024-03-01, 2024/3/1, 2024.3.1 and
 * 和暦 (令和6年3月1日, R6.3.1) are all taken.
 */
export function normaliseDate(input: string): string | undefined {
  const value = input.normalize('NFKC').trim();
  const western = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(value);
  if (western !== null) {
    const [, year, month, day] = western;
    const iso = `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
    return isIsoDate(iso) ? iso : undefined;
  }
  try {
    return parseWareki(value);
  } catch {
    return undefined;
  }
}

export function checkRequired(value: string): string | undefined {
  return value.trim() === '' ? '入力してください' : undefined;
}

/** A date item: well formed, not after today, and (when given) not before the birth date. */
export function checkDate(
  value: string,
  options: { required?: boolean; notAfterToday?: boolean; notBefore?: { date: string; label: string } } = {},
): string | undefined {
  if (value.trim() === '') return options.required === true ? '入力してください' : undefined;
  const iso = normaliseDate(value);
  if (iso === undefined) return '日付の形式が正しくありません（例: 2024-03-01 または 令和6年3月1日）';
  if (options.notAfterToday !== false && compareIsoDates(iso, todayInJapan()) > 0) {
    return '未来の日付は入力できません';
  }
  const before = options.notBefore;
  if (before !== undefined && isIsoDate(before.date) && compareIsoDates(iso, before.date) < 0) {
    return `${before.label}より前の日付は入力できません`;
  }
  return undefined;
}

/** A date that must lie ahead (在留期間の満了の日). */
export function checkFutureDate(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  const iso = normaliseDate(value);
  if (iso === undefined) return '日付の形式が正しくありません（例: 2027-03-31）';
  return compareIsoDates(iso, todayInJapan()) < 0 ? '満了日が過ぎています' : undefined;
}

const KATAKANA = /^[\u30a1-\u30fa\u30fb\u30fc-\u30fe \u3000]+$/u;

/** フリガナ in full-width katakana (spaces between family and given name allowed), as the network requires. */
export function checkKatakana(value: string, options: { required?: boolean } = {}): string | undefined {
  if (value.trim() === '') return options.required === true ? '入力してください' : undefined;
  return KATAKANA.test(value) ? undefined : 'フリガナは全角カタカナで入力してください';
}

/** 在留カード or 特別永住者証明書 number: two capital letters, eight digits, two capital letters. */
export function checkResidenceCardNumber(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  return /^[A-Z]{2}[0-9]{8}[A-Z]{2}$/.test(value.normalize('NFKC'))
    ? undefined
    : '在留カード番号は英大文字2字・数字8桁・英大文字2字です（例: AB12345678CD）';
}

/** 住民票コード: eleven digits, the last the check digit of the ten before, so that a mistyped code shows at once. */
export function checkResidentCode(value: string, options: { required?: boolean } = {}): string | undefined {
  if (value.trim() === '') return options.required === true ? '入力してください' : undefined;
  const code = value.normalize('NFKC');
  if (!/^[0-9]{11}$/.test(code)) return '住民票コードは11桁の数字です';
  return isResidentCode(code) ? undefined : '住民票コードの検査数字が正しくありません';
}

/** At most `max` characters. */
export function checkLength(value: string, max: number): string | undefined {
  return [...value].length > max ? `${max}文字以内で入力してください` : undefined;
}
