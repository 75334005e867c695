// The WebAuthn ceremonies with the operator's security key (the operator IC card), on @simplewebauthn/server:
// enrolment (registration) by an administrator and the assertion at login, with challenges kept server-side, used
// once and expiring (W3C WebAuthn Level 3 §7; docs/operators.md, "Login").

import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import { err, ok, type Result } from '../../../shared/result.js';
import {
  fromIsoTimestamp,
  toIsoTimestamp,
  type Database,
  type OperatorChallengeTable,
  type OperatorCredentialTable,
} from '../../../store/index.js';
import type { OperatorSettings } from './operator-config.js';
import { handleHash, newHandle, type Operator } from './operator-records.js';

/** What a stored challenge is for. */
export const ChallengePurpose = { login: 'login', keyEnrolment: 'key-enrolment' } as const;
export type ChallengePurpose = (typeof ChallengePurpose)[keyof typeof ChallengePurpose];

/** ES256, EdDSA, RS256: what security keys sign with. */
const SUPPORTED_ALGORITHMS = [-7, -8, -257];

/** A new key as verified at enrolment, ready to store. */
export interface EnrolledKey {
  readonly credentialId: string;
  /** The COSE public key, base64url. */
  readonly publicKey: string;
  readonly counter: number;
  readonly transports: readonly string[];
}

const base64url = z.string().regex(/^[A-Za-z0-9_-]*$/);
const registrationResponseSchema = z.object({
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()),
  response: z.object({
    clientDataJSON: base64url,
    attestationObject: base64url,
    authenticatorData: base64url.optional(),
    transports: z.array(z.string().max(32)).max(8).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url.optional(),
  }),
});
const authenticationResponseSchema = z.object({
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()),
  response: z.object({
    clientDataJSON: base64url,
    authenticatorData: base64url,
    signature: base64url,
    userHandle: base64url.optional(),
  }),
});

/** The credential id an assertion claims to come from, when it is shaped like an assertion at all. */
export function assertionCredentialId(response: unknown): string | undefined {
  const parsed = authenticationResponseSchema.safeParse(response);
  return parsed.success ? parsed.data.id : undefined;
}

/** Options for navigator.credentials.create(): a security key for `operator`, none of its keys twice. */
export async function createEnrolmentOptions(
  settings: OperatorSettings,
  options: { readonly operator: Operator; readonly existing: readonly Selectable<OperatorCredentialTable>[] },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: settings.rpName,
    rpID: settings.rpId,
    userName: options.operator.loginName,
    userID: new TextEncoder().encode(options.operator.id),
    userDisplayName: options.operator.displayName,
    timeout: settings.challengeTimeoutMs,
    attestationType: 'none',
    excludeCredentials: options.existing.map((row) => ({
      id: row.id,
      transports: JSON.parse(row.transports) as string[],
    })),
    authenticatorSelection: {
      authenticatorAttachment: 'cross-platform',
      residentKey: 'discouraged',
      userVerification: 'preferred',
    },
    supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    preferredAuthenticatorType: 'securityKey',
  });
}

/** Verifies the answer to an enrolment challenge; the reason is the library's, for the log and the error detail. */
export async function verifyEnrolment(
  settings: OperatorSettings,
  options: { readonly response: unknown; readonly challenge: string },
): Promise<Result<EnrolledKey, string>> {
  const parsed = registrationResponseSchema.safeParse(options.response);
  if (!parsed.success) return err('not a registration response');
  try {
    const verified = await verifyRegistrationResponse({
      response: parsed.data as RegistrationResponseJSON,
      expectedChallenge: options.challenge,
      expectedOrigin: [...settings.origins],
      expectedRPID: settings.rpId,
      // userVerification is preferred, not required: a key without PIN is still the second factor.
      requireUserVerification: false,
      supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    });
    if (!verified.verified) return err('attestation does not verify');
    const credential = verified.registrationInfo.credential;
    return ok({
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: credential.transports ?? [],
    });
  } catch (error) {
    return err(error instanceof Error ? error.message : String(error));
  }
}

/** Options for navigator.credentials.get(): one of the operator's keys. */
export async function createLoginOptions(
  settings: OperatorSettings,
  credentials: readonly Selectable<OperatorCredentialTable>[],
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: settings.rpId,
    allowCredentials: credentials.map((row) => ({
      id: row.id,
      transports: JSON.parse(row.transports) as string[],
    })),
    timeout: settings.challengeTimeoutMs,
    userVerification: 'preferred',
  });
}

/**
 * Verifies an assertion against the stored key: challenge, origin, RP id, signature, and a signature counter that
 * moved forward (a cloned key shows an old one). Gives the new counter to store.
 */
export async function verifyLoginAssertion(
  settings: OperatorSettings,
  options: {
    readonly response: unknown;
    readonly challenge: string;
    readonly credential: Selectable<OperatorCredentialTable>;
  },
): Promise<Result<{ newCounter: number }, string>> {
  const parsed = authenticationResponseSchema.safeParse(options.response);
  if (!parsed.success) return err('not an authentication response');
  try {
    const verified = await verifyAuthenticationResponse({
      response: parsed.data as AuthenticationResponseJSON,
      expectedChallenge: options.challenge,
      expectedOrigin: [...settings.origins],
      expectedRPID: settings.rpId,
      credential: {
        id: options.credential.id,
        publicKey: Buffer.from(options.credential.public_key, 'base64url'),
        counter: options.credential.counter,
        transports: JSON.parse(options.credential.transports) as string[],
      },
      requireUserVerification: false,
    });
    if (!verified.verified) return err('signature does not verify');
    return ok({ newCounter: verified.authenticationInfo.newCounter });
  } catch (error) {
    return err(error instanceof Error ? error.message : String(error));
  }
}

/** Keeps a challenge until it is answered or expires; gives the handle the terminal sends back with the answer. */
export async function storeChallenge(
  trx: Transaction<Database>,
  challenge: {
    readonly purpose: ChallengePurpose;
    readonly challenge: string;
    readonly operatorId: string;
    readonly actorId: string | null;
    readonly terminal: string;
    readonly now: Date;
    readonly timeoutMs: number;
  },
): Promise<string> {
  const handle = newHandle();
  // Expired challenges of anyone are removed here, so the table holds only live ones.
  await trx
    .deleteFrom('operator_challenge')
    .where('expires_at', '<=', toIsoTimestamp(challenge.now))
    .execute();
  await trx
    .insertInto('operator_challenge')
    .values({
      id: handleHash(handle),
      purpose: challenge.purpose,
      challenge: challenge.challenge,
      operator_id: challenge.operatorId,
      actor_id: challenge.actorId,
      terminal: challenge.terminal,
      created_at: toIsoTimestamp(challenge.now),
      expires_at: toIsoTimestamp(new Date(challenge.now.getTime() + challenge.timeoutMs)),
    })
    .execute();
  return handle;
}

/** Why a challenge handle is refused. */
export type ChallengeRefusal = 'unknown' | 'expired' | 'other-terminal';

/**
 * Takes the challenge of `handle` for `purpose`: removed whatever happens next, so an answer is accepted at most once
 * (a replay finds nothing). Refused when unknown (never issued, used, or for another purpose), expired, or issued to
 * another terminal; the row is given back with an expired or misplaced one so the refusal can name the operator.
 */
export async function takeChallenge(
  trx: Transaction<Database>,
  request: {
    readonly handle: string;
    readonly purpose: ChallengePurpose;
    readonly terminal: string;
    readonly now: Date;
  },
): Promise<
  Result<
    Selectable<OperatorChallengeTable>,
    { refusal: ChallengeRefusal; row?: Selectable<OperatorChallengeTable> }
  >
> {
  const row = await trx
    .deleteFrom('operator_challenge')
    .where('id', '=', handleHash(request.handle))
    .where('purpose', '=', request.purpose)
    .returningAll()
    .executeTakeFirst();
  if (row === undefined) return err({ refusal: 'unknown' });
  if (fromIsoTimestamp(row.expires_at) <= request.now) return err({ refusal: 'expired', row });
  if (row.terminal !== request.terminal) return err({ refusal: 'other-terminal', row });
  return ok(row);
}
