// Operator passwords: the minimum policy, argon2id hashing and constant-time verification by @node-rs/argon2
// (docs/operators.md, "Passwords"). A password is one of the two factors; the security key is the other.

import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { err, ok, type Result } from '../../../shared/result.js';

/** argon2id cost parameters; memory in KiB. */
export interface PasswordHashing {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

/** OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): about 20 to 50 ms per hash on a current server core. */
export const DEFAULT_PASSWORD_HASHING: PasswordHashing = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** @node-rs/argon2's Algorithm.Argon2id; its enum is a `const enum`, which isolated modules cannot read. */
const ARGON2ID = 2 as Algorithm;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/** Why a password is refused. */
export const PasswordPolicyViolation = {
  tooShort: 'too-short',
  tooLong: 'too-long',
  containsLoginName: 'contains-login-name',
  repetitive: 'repetitive',
  common: 'common',
} as const;
export type PasswordPolicyViolation = (typeof PasswordPolicyViolation)[keyof typeof PasswordPolicyViolation];

/** A few of the passwords every list of leaked ones starts with, in lower case; long enough to pass the length rule. */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '123456789012',
  '1234567890123',
  'password1234',
  'password12345',
  'passwordpassword',
  'qwertyuiop12',
  'qwertyuiopas',
  'iloveyou1234',
  'administrator',
  'administrator1',
  'jukinetjukinet',
  'juminhyou1234',
]);

/**
 * The minimum policy (NIST SP 800-63B: length, no composition rules, no known-bad passwords): at least 12 and at most
 * 128 characters after NFKC normalisation, not containing the login name, not one character repeated, not a well-known
 * password. Gives back the normalised password, the form that is hashed and verified.
 */
export function checkPasswordPolicy(
  password: string,
  options: { readonly loginName?: string } = {},
): Result<string, PasswordPolicyViolation> {
  const normalised = normalisePassword(password);
  const length = [...normalised].length;
  if (length < PASSWORD_MIN_LENGTH) return err('too-short');
  if (length > PASSWORD_MAX_LENGTH) return err('too-long');
  const lower = normalised.toLowerCase();
  const loginName = options.loginName?.toLowerCase() ?? '';
  if (loginName.length >= 3 && lower.includes(loginName)) return err('contains-login-name');
  if (new Set(normalised).size <= 2) return err('repetitive');
  if (COMMON_PASSWORDS.has(lower)) return err('common');
  return ok(normalised);
}

/** Hashes a password with argon2id and a fresh salt, as a PHC string (`$argon2id$v=19$m=…`). */
export async function hashPassword(
  password: string,
  hashing: PasswordHashing = DEFAULT_PASSWORD_HASHING,
): Promise<string> {
  return hash(normalisePassword(password), {
    algorithm: ARGON2ID,
    memoryCost: hashing.memoryCost,
    timeCost: hashing.timeCost,
    parallelism: hashing.parallelism,
  });
}

/**
 * True when `password` matches `passwordHash`. The library compares in constant time; a malformed hash is a
 * mismatch, not an error, so that a damaged row cannot be told apart from a wrong password.
 */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  // Over-long input is refused before hashing, so nobody can make the server hash megabytes.
  if (password.length > PASSWORD_MAX_LENGTH * 4) return false;
  try {
    return await verify(passwordHash, normalisePassword(password));
  } catch {
    return false;
  }
}

/** NFKC, so that a full-width and a half-width spelling of the same password are the same password. */
function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}
