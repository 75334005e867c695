// 全国地方公共団体コード (JIS X 0401/0402 with check digit): 2-digit prefecture + 3-digit municipality + check digit.

import { JukinetError, quote } from '../shared/errors.js';
import { err, ok, type Result } from '../shared/result.js';

/** A validated 6-digit local government code, e.g. "131059" for 文京区. */
export type LocalGovernmentCode = string & { readonly __brand: 'LocalGovernmentCode' };

export const LgCodeInvalidReason = {
  format: 'format',
  checkDigit: 'check-digit',
} as const;
export type LgCodeInvalidReason = (typeof LgCodeInvalidReason)[keyof typeof LgCodeInvalidReason];

const WEIGHTS = [6, 5, 4, 3, 2] as const;

/** The check digit for a 5-digit body: weights 6,5,4,3,2; r = sum mod 11; check = (11 − r) mod 10 (DOMAIN.md). */
export function lgCheckDigit(body: string): number {
  if (!/^[0-9]{5}$/.test(body)) throw new JukinetError('JUKI_ERR_LG_CODE_FORMAT', quote(body));
  let sum = 0;
  for (let i = 0; i < 5; i++) sum += Number(body[i]) * WEIGHTS[i]!;
  return (11 - (sum % 11)) % 10;
}

/** Checks a 6-digit code, or completes a 5-digit body with its check digit. */
export function checkLocalGovernmentCode(input: string): Result<LocalGovernmentCode, LgCodeInvalidReason> {
  if (/^[0-9]{5}$/.test(input)) return ok(`${input}${lgCheckDigit(input)}` as LocalGovernmentCode);
  if (!/^[0-9]{6}$/.test(input)) return err(LgCodeInvalidReason.format);
  if (lgCheckDigit(input.slice(0, 5)) !== Number(input[5])) return err(LgCodeInvalidReason.checkDigit);
  return ok(input as LocalGovernmentCode);
}

/** Like checkLocalGovernmentCode, but throws a JukinetError saying what is wrong. */
export function parseLocalGovernmentCode(input: string): LocalGovernmentCode {
  const result = checkLocalGovernmentCode(input);
  if (result.ok) return result.value;
  throw new JukinetError(
    result.reason === LgCodeInvalidReason.format ? 'JUKI_ERR_LG_CODE_FORMAT' : 'JUKI_ERR_LG_CODE_CHECK_DIGIT',
    quote(input),
  );
}

/** The 2-digit prefecture code ("13" for 東京都) of a local government code. */
export function prefectureOf(code: LocalGovernmentCode): string {
  return code.slice(0, 2);
}
