// The affair registry as the national server holds it: the built-in version, and the newer versions loaded from files
// signed with the national server's key (DESIGN.md §3 "File delivery"; docs/agencies.md, "The registry"). A file is
// loaded only when its signature verifies with a `national` certificate from the network CA.

import type { KeyObject } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { canonicalJson, readNodeIdentity, signCanonical, verifyCanonical } from '../../../crypto/index.js';
import {
  BUILT_IN_AFFAIR_REGISTRY,
  japanDateOf,
  parseAffairRegistry,
  type AffairRegistry,
} from '../../../domain/index.js';
import { systemClock, type Clock } from '../../../shared/clock.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import type { Database, Store } from '../../../store/index.js';
import { checkNationalSigner } from '../directory.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A registry file as the national server signs it: the registry, the signature over its canonical JSON, the signer. */
export interface SignedAffairRegistry {
  readonly registry: AffairRegistry;
  /** ECDSA P-256 over the RFC 8785 canonical JSON of `registry`, base64url (docs/decisions/0002-pki.md). */
  readonly signature: string;
  readonly signerCertificatePem: string;
}

/** A registry version the national server holds, and where it came from. */
export interface HeldRegistry {
  readonly registry: AffairRegistry;
  /** `built-in` for the version shipped with the build, `signed-file` for one loaded with `registry publish`. */
  readonly source: 'built-in' | 'signed-file';
}

/**
 * Signs `registry` (checked first) with the national node's private key; the result is the file that
 * `loadSignedAffairRegistry` accepts on any national process of the network.
 */
export function signAffairRegistry(
  registry: unknown,
  options: { privateKey: KeyObject | string; certificatePem: string },
): SignedAffairRegistry {
  const checked = parseAffairRegistry(registry);
  if (readNodeIdentity(options.certificatePem).nodeId !== 'national') {
    throw new JukinetError('JUKI_ERR_REGISTRY_SIGNATURE', 'only the national server signs the registry');
  }
  return {
    registry: checked,
    signature: signCanonical(checked, options.privateKey),
    signerCertificatePem: options.certificatePem,
  };
}

/**
 * Checks a signed registry file: its shape, a signer certificate issued by the network CA and valid now that names
 * `national`, and the signature over the canonical JSON of the registry exactly as it stands in the file (a changed
 * character anywhere is refused). Throws JUKI_ERR_REGISTRY_SIGNATURE or JUKI_ERR_REGISTRY_INVALID.
 */
export function verifySignedAffairRegistry(
  value: unknown,
  options: { caPem: string; clock?: Clock },
): SignedAffairRegistry {
  if (typeof value !== 'object' || value === null) {
    throw new JukinetError('JUKI_ERR_REGISTRY_INVALID', 'a signed registry file is a JSON object');
  }
  const { registry, signature, signerCertificatePem, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0)
    throw new JukinetError('JUKI_ERR_REGISTRY_INVALID', `unknown field ${quote(extra[0])}`);
  if (typeof signature !== 'string' || typeof signerCertificatePem !== 'string') {
    throw new JukinetError('JUKI_ERR_REGISTRY_SIGNATURE', 'the file has no signature and signer certificate');
  }
  checkNationalSigner(
    signerCertificatePem,
    options.caPem,
    (options.clock ?? systemClock).now(),
    'JUKI_ERR_REGISTRY_SIGNATURE',
  );
  // The signature covers the registry as received: verify before parsing, which could normalise it.
  if (!verifyCanonical(registry, signature, signerCertificatePem)) {
    throw new JukinetError('JUKI_ERR_REGISTRY_SIGNATURE', 'the signature does not verify');
  }
  return { registry: parseAffairRegistry(registry), signature, signerCertificatePem };
}

/** Every version held, oldest first: the built-in one and each loaded from a signed file. */
export async function heldAffairRegistries(db: Db): Promise<HeldRegistry[]> {
  const rows = await db.selectFrom('affair_registry').select(['document']).orderBy('version').execute();
  return [
    { registry: BUILT_IN_AFFAIR_REGISTRY, source: 'built-in' },
    ...rows.map((row): HeldRegistry => ({
      registry: parseAffairRegistry(JSON.parse(row.document)),
      source: 'signed-file',
    })),
  ];
}

/**
 * The version in force on `now`'s Japan date: the highest version whose effective date has come. The built-in
 * version is in force until a loaded one takes effect.
 */
export async function currentAffairRegistry(db: Db, now: Date): Promise<AffairRegistry> {
  const today = japanDateOf(now);
  const row = await db
    .selectFrom('affair_registry')
    .select(['document'])
    .where('effective_date', '<=', today)
    .where('version', '>', BUILT_IN_AFFAIR_REGISTRY.version)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? BUILT_IN_AFFAIR_REGISTRY : parseAffairRegistry(JSON.parse(row.document));
}

/**
 * Verifies a signed registry file (see verifySignedAffairRegistry) and stores it, to take effect on its effective
 * date. Its version must be higher than every version held: JUKI_ERR_REGISTRY_VERSION otherwise (no rollback, no
 * second file under a number already used).
 */
export async function loadSignedAffairRegistry(
  store: Store,
  file: unknown,
  options: { caPem: string; clock?: Clock },
): Promise<AffairRegistry> {
  const clock = options.clock ?? systemClock;
  const signed = verifySignedAffairRegistry(file, { caPem: options.caPem, clock });
  const { registry } = signed;
  return store.transaction(async (trx) => {
    const last = await trx
      .selectFrom('affair_registry')
      .select((eb) => eb.fn.max('version').as('version'))
      .executeTakeFirst();
    const highest = Math.max(BUILT_IN_AFFAIR_REGISTRY.version, Number(last?.version ?? 0));
    if (registry.version <= highest) {
      throw new JukinetError(
        'JUKI_ERR_REGISTRY_VERSION',
        `version ${registry.version}, and version ${highest} is already held`,
      );
    }
    await trx
      .insertInto('affair_registry')
      .values({
        version: registry.version,
        effective_date: registry.effectiveDate,
        document: canonicalJson(registry),
        signature: signed.signature,
        signer_certificate: signed.signerCertificatePem,
        loaded_at: clock.now().toISOString(),
      })
      .execute();
    return registry;
  });
}
