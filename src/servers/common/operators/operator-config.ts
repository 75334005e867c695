// The operators' settings: the WebAuthn relying party (rpID, name, the terminal's origins), the inactivity limit, the
// challenge lifetime, the failed-login limit and the password hashing cost, with their defaults.

import { z } from 'zod';
import { DEFAULT_PASSWORD_HASHING, type PasswordHashing } from './passwords.js';

/** 15 minutes: a session unused this long ends (DESIGN.md §6, "Idle sessions end"). */
export const DEFAULT_IDLE_TIMEOUT_MS = 15 * 60_000;
/** 2 minutes to touch the key after the password (and for an enrolment). */
export const DEFAULT_CHALLENGE_TIMEOUT_MS = 2 * 60_000;
/** Failed logins in a row after which the operator is disabled until an administrator enables them again. */
export const DEFAULT_MAX_FAILED_LOGINS = 5;

/** The `operators` section of a node's configuration, as JSON. */
export const operatorsConfigSchema = z.strictObject({
  /** The WebAuthn relying party id: the terminal's host name (`terminal.city.example.lg.jp`). */
  rpId: z.string().min(1),
  /** The name the security key shows. */
  rpName: z.string().min(1).default('住基ネット'),
  /** The terminal's origins (`https://terminal.city.example.lg.jp:8443`). */
  origins: z.array(z.string().regex(/^https?:\/\/[^/\s]+$/)).min(1),
  idleTimeoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  maxFailedLogins: z.number().int().min(1).max(100).default(DEFAULT_MAX_FAILED_LOGINS),
});
export type OperatorsConfigInput = z.input<typeof operatorsConfigSchema>;

/** What the operator service needs to know; everything but the relying party has a default. */
export interface OperatorSettings {
  readonly rpId: string;
  readonly rpName: string;
  readonly origins: readonly string[];
  readonly idleTimeoutMs: number;
  readonly challengeTimeoutMs: number;
  readonly maxFailedLogins: number;
  readonly passwordHashing: PasswordHashing;
}

/** Settings from a parsed `operators` configuration section. */
export function operatorSettingsOf(config: z.output<typeof operatorsConfigSchema>): OperatorSettings {
  return resolveOperatorSettings({
    rpId: config.rpId,
    rpName: config.rpName,
    origins: config.origins,
    idleTimeoutMs: config.idleTimeoutMinutes * 60_000,
    maxFailedLogins: config.maxFailedLogins,
  });
}

/** Fills in the defaults. */
export function resolveOperatorSettings(
  settings: Pick<OperatorSettings, 'rpId' | 'origins'> & Partial<OperatorSettings>,
): OperatorSettings {
  return {
    rpName: '住基ネット',
    idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS,
    challengeTimeoutMs: DEFAULT_CHALLENGE_TIMEOUT_MS,
    maxFailedLogins: DEFAULT_MAX_FAILED_LOGINS,
    passwordHashing: DEFAULT_PASSWORD_HASHING,
    ...settings,
  };
}
