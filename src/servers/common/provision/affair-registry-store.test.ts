// Registry versions at the national server: a file signed with the national key loads and takes effect on its date;
// a tampered file, another node's signature, a foreign CA or an old version number is refused.

import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../../../test/support/engines.js';
import { createTestPki, type TestNode, type TestPki } from '../../../crypto/testing/test-pki.js';
import {
  BUILT_IN_AFFAIR_REGISTRY,
  addDays,
  japanDateOf,
  type AffairRegistry,
} from '../../../domain/index.js';
import { JukinetError } from '../../../shared/errors.js';
import {
  currentAffairRegistry,
  heldAffairRegistries,
  loadSignedAffairRegistry,
  signAffairRegistry,
  verifySignedAffairRegistry,
} from './affair-registry-store.js';

let pki: TestPki;
let national: TestNode;
let prefecture: TestNode;
let impostor: TestNode;

beforeAll(async () => {
  pki = await createTestPki();
  national = await pki.issue('national');
  prefecture = await pki.issue('pref-13');
  impostor = await (await createTestPki({ commonName: 'Impostor Root CA' })).issue('national');
});

function version2(overrides: Partial<AffairRegistry> = {}): AffairRegistry {
  return {
    ...structuredClone(BUILT_IN_AFFAIR_REGISTRY),
    version: 2,
    effectiveDate: '2025-04-01',
    affairs: BUILT_IN_AFFAIR_REGISTRY.affairs.filter((affair) => affair.id !== 'mic-radio-station'),
    ...overrides,
  };
}

function signed(registry: unknown, signer: TestNode = national) {
  return signAffairRegistry(registry, {
    privateKey: signer.privateKeyPem,
    certificatePem: signer.certificatePem,
  });
}

/** A signed file as it arrives: JSON text parsed again, open to tampering. */
interface SignedFile {
  registry: { version: number; effectiveDate: string; affairs: { name: string }[] & unknown[] };
  signature: string;
  signerCertificatePem: string;
}

function fileOf(value: unknown): SignedFile {
  return JSON.parse(JSON.stringify(value)) as SignedFile;
}

function refusal(run: () => unknown): JukinetError {
  try {
    run();
  } catch (error) {
    if (error instanceof JukinetError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('verifySignedAffairRegistry()', () => {
  it('accepts a registry signed by the national server, through a JSON round trip', () => {
    const file = fileOf(signed(version2()));
    expect(verifySignedAffairRegistry(file, { caPem: pki.ca.certificatePem }).registry).toEqual(version2());
  });

  it('refuses a file changed after signing: one affair renamed, one row added, the version raised', () => {
    const file = fileOf(signed(version2()));
    const renamed = structuredClone(file);
    renamed.registry.affairs[0]!.name = '恩給等の支給に関する事務（改）';
    const added = structuredClone(file);
    added.registry.affairs.push({
      id: 'mic-extra',
      kind: 'mic',
      name: '追加事務',
      legalBasis: { law: '架空法' },
    });
    const raised = structuredClone(file);
    raised.registry.version = 3;
    for (const tampered of [renamed, added, raised]) {
      const error = refusal(() => verifySignedAffairRegistry(tampered, { caPem: pki.ca.certificatePem }));
      expect(error.code).toBe('JUKI_ERR_REGISTRY_SIGNATURE');
      expect(error.message).toMatch(/does not verify/);
    }
  });

  it('refuses a file signed by another node, or by a "national" of another CA, and one without a signature', () => {
    const byPrefecture = {
      registry: version2(),
      signature: signed(version2(), national).signature,
      signerCertificatePem: prefecture.certificatePem,
    };
    expect(
      refusal(() => verifySignedAffairRegistry(byPrefecture, { caPem: pki.ca.certificatePem })).message,
    ).toMatch(/not "national"/);
    expect(
      refusal(() =>
        verifySignedAffairRegistry(signed(version2(), impostor), { caPem: pki.ca.certificatePem }),
      ).message,
    ).toMatch(/not from the network CA/);
    expect(
      refusal(() => verifySignedAffairRegistry({ registry: version2() }, { caPem: pki.ca.certificatePem }))
        .code,
    ).toBe('JUKI_ERR_REGISTRY_SIGNATURE');
  });

  it('refuses a signed file whose registry breaks the schema, and signing one', () => {
    expect(refusal(() => signed({ ...version2(), kinds: [] })).code).toBe('JUKI_ERR_REGISTRY_INVALID');
    expect(refusal(() => signed(version2(), prefecture)).code).toBe('JUKI_ERR_REGISTRY_SIGNATURE');
  });
});

describeEachEngine('registry versions at the national server', ({ openFresh }) => {
  it('a loaded version takes effect on its effective date (Japan time); before it the built-in one governs', async () => {
    const store = await openFresh();
    const now = new Date();
    const effectiveDate = addDays(japanDateOf(now), 10);
    await loadSignedAffairRegistry(store, fileOf(signed(version2({ effectiveDate }))), {
      caPem: pki.ca.certificatePem,
    });
    // Midnight of the effective date in Japan is 15:00 UTC the day before.
    const midnight = new Date(`${effectiveDate}T00:00:00+09:00`);
    expect((await currentAffairRegistry(store.db, now)).version).toBe(1);
    expect((await currentAffairRegistry(store.db, new Date(midnight.getTime() - 1))).version).toBe(1);
    const inForce = await currentAffairRegistry(store.db, midnight);
    expect(inForce.version).toBe(2);
    expect(inForce.affairs.map((affair) => affair.id)).not.toContain('mic-radio-station');
    expect(
      (await heldAffairRegistries(store.db)).map((held) => [held.registry.version, held.source]),
    ).toEqual([
      [1, 'built-in'],
      [2, 'signed-file'],
    ]);
  });

  it('refuses a version not newer than every version held, and a tampered file, leaving nothing loaded', async () => {
    const store = await openFresh();
    const caPem = pki.ca.certificatePem;
    const refused = async (file: unknown): Promise<string> => {
      try {
        await loadSignedAffairRegistry(store, file, { caPem });
      } catch (error) {
        if (error instanceof JukinetError) return error.code;
        throw error;
      }
      throw new Error('expected a refusal');
    };
    expect(await refused(signed(version2({ version: 1 })))).toBe('JUKI_ERR_REGISTRY_VERSION');
    const tampered = fileOf(signed(version2()));
    tampered.registry.effectiveDate = '2024-01-01';
    expect(await refused(tampered)).toBe('JUKI_ERR_REGISTRY_SIGNATURE');
    expect(await store.db.selectFrom('affair_registry').select('version').execute()).toEqual([]);
    await loadSignedAffairRegistry(store, signed(version2({ version: 5 })), { caPem });
    expect(await refused(signed(version2({ version: 4 })))).toBe('JUKI_ERR_REGISTRY_VERSION');
    expect(await refused(signed(version2({ version: 5 })))).toBe('JUKI_ERR_REGISTRY_VERSION');
  });
});
