// 住民票コード (住民基本台帳法第7条第13号, 施行規則第1条): 10 random digits and a modulus-11 check digit.

import { JukinetError, quote } from '../shared/errors.js';
import { randomInt, secureRandomBytes, type RandomBytes } from '../shared/random.js';
import { err, ok, type Result } from '../shared/result.js';
import { mod11CheckDigit } from './check-digit.js';

/** A validated 11-digit resident code. */
export type ResidentCode = string & { readonly __brand: 'ResidentCode' };

/** Why a string is not a resident code. */
export const ResidentCodeInvalidReason = {
  length: 'length',
  nonDigit: 'non-digit',
  checkDigit: 'check-digit',
} as const;
export type ResidentCodeInvalidReason =
  (typeof ResidentCodeInvalidReason)[keyof typeof ResidentCodeInvalidReason];

const BODY_LENGTH = 10;
const CODE_LENGTH = 11;
const DIGITS = /^[0-9]*$/;

/**
 * The check digit of a 10-digit body, by the formula of 平成14年総務省告示第436号 as read in DOMAIN.md: weights
 * 2..7 then 2..5 from the rightmost digit, r = sum mod 11, check = 0 when r ≤ 1, otherwise 11 − r.
 */
export function residentCodeCheckDigit(body: string): number {
  if (body.length !== BODY_LENGTH) {
    throw new JukinetError('JUKI_ERR_RESIDENT_CODE_LENGTH', `${quote(body)}: the body must have 10 digits`);
  }
  if (!DIGITS.test(body)) throw new JukinetError('JUKI_ERR_RESIDENT_CODE_NON_DIGIT', quote(body));
  return mod11CheckDigit(body);
}

/** Checks a resident code and says why it is not one: wrong length, a non-digit, or a wrong check digit. */
export function checkResidentCode(input: string): Result<ResidentCode, ResidentCodeInvalidReason> {
  // Length counts code points, so that a full-width digit or an emoji is one wrong character, not two.
  if ([...input].length !== CODE_LENGTH) return err(ResidentCodeInvalidReason.length);
  if (!DIGITS.test(input)) return err(ResidentCodeInvalidReason.nonDigit);
  if (mod11CheckDigit(input.slice(0, BODY_LENGTH)) !== input.charCodeAt(BODY_LENGTH) - 48) {
    return err(ResidentCodeInvalidReason.checkDigit);
  }
  return ok(input as ResidentCode);
}

/** Like checkResidentCode, but throws a JukinetError naming the input and, for a wrong check digit, the right one. */
export function parseResidentCode(input: string): ResidentCode {
  const result = checkResidentCode(input);
  if (result.ok) return result.value;
  switch (result.reason) {
    case ResidentCodeInvalidReason.length:
      throw new JukinetError(
        'JUKI_ERR_RESIDENT_CODE_LENGTH',
        `${quote(input)} has ${[...input].length} characters`,
      );
    case ResidentCodeInvalidReason.nonDigit:
      throw new JukinetError('JUKI_ERR_RESIDENT_CODE_NON_DIGIT', quote(input));
    case ResidentCodeInvalidReason.checkDigit:
      throw new JukinetError(
        'JUKI_ERR_RESIDENT_CODE_CHECK_DIGIT',
        `${quote(input)}: the check digit should be ${mod11CheckDigit(input.slice(0, BODY_LENGTH))}`,
      );
  }
}

/** True when `input` is a valid resident code. */
export function isResidentCode(input: string): input is ResidentCode {
  return checkResidentCode(input).ok;
}

/**
 * The code for display: as is, or with `grouped` in groups of 4-4-3 ("1234 5678 901"), the last group holding the
 * check digit, so that a clerk reading it aloud keeps their place.
 */
export function formatResidentCode(code: ResidentCode, options: { grouped?: boolean } = {}): string {
  if (!options.grouped) return code;
  return `${code.slice(0, 4)} ${code.slice(4, 8)} ${code.slice(8)}`;
}

/**
 * A new random resident code: ten uniformly random digits from a cryptographic source and their check digit.
 * Uniqueness is the code pool's job (the national server never hands out a code twice), not this function's.
 */
export function generateResidentCode(random: RandomBytes = secureRandomBytes): ResidentCode {
  let body = '';
  for (let i = 0; i < BODY_LENGTH; i++) body += String(randomInt(10, random));
  return `${body}${mod11CheckDigit(body)}` as ResidentCode;
}
