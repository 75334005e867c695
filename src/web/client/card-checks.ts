// The checks the card and operating hours forms run as the clerk types, each answering a Japanese message or
// undefined: the resident's PIN (4 digits, typed twice), the identity check, partner LG codes and Japan-time instants.

import { checkLocalGovernmentCode, findLocalGovernmentByCode } from '../../domain/index.js';
import { checkLength, checkRequired } from './field-checks.js';

/** The card takes 4 digits (docs/card.md, "PIN"); anything else it refuses without counting a try. */
export const PIN_LENGTH = 4;

/**
 * A PIN as it is typed: a letter or a fifth digit shows at once, a PIN too short only once `complete` (the field was
 * left or the form sent).
 */
export function checkPin(value: string, options: { complete?: boolean } = {}): string | undefined {
  if (value === '') return options.complete === true ? '暗証番号を入力してください' : undefined;
  if (!/^[0-9]*$/.test(value) || value.length > PIN_LENGTH) return '暗証番号は4桁の数字で入力してください';
  if (value.length < PIN_LENGTH && options.complete === true) return '暗証番号は4桁の数字で入力してください';
  return undefined;
}

/** The PIN typed a second time: a difference shows once it is as long as the first, or once `complete`. */
export function checkPinRepeat(
  first: string,
  repeat: string,
  options: { complete?: boolean } = {},
): string | undefined {
  if (repeat === '') return options.complete === true ? 'もう一度同じ暗証番号を入力してください' : undefined;
  if (repeat.length < first.length && options.complete !== true) return undefined;
  return repeat === first ? undefined : '暗証番号が一致しません';
}

/** A document name or number of an identity check: required, at most 40 characters (identityCheckSchema). */
export function checkDocumentItem(value: string): string | undefined {
  return checkRequired(value) ?? checkLength(value.trim(), 40);
}

/** 全国地方公共団体コード separated by spaces, commas or 、; each a code the directory knows. */
export function parseLgCodes(input: string): { codes: string[]; error?: string } {
  const parts = input
    .normalize('NFKC')
    .split(/[\s,、]+/u)
    .filter((part) => part !== '');
  if (parts.length === 0) return { codes: [], error: '相手の団体コードを入力してください' };
  const codes: string[] = [];
  for (const part of parts) {
    const checked = checkLocalGovernmentCode(part);
    if (!checked.ok || findLocalGovernmentByCode(checked.value) === undefined) {
      return { codes, error: `団体コード「${part}」が正しくありません（6桁の全国地方公共団体コード）` };
    }
    codes.push(checked.value);
  }
  return { codes };
}

/** A datetime-local value (2026-12-05T09:00), read as Japan time, as the API's ISO instant with the offset. */
export function japanInstantOf(local: string): string | undefined {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local) ? `${local}:00+09:00` : undefined;
}

/** An instant as Japan time for a datetime-local field: 2026-12-05T09:00. */
export function japanLocalOf(at: Date): string {
  return new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(0, 16);
}
