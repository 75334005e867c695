import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import {
  certificateFingerprint,
  openSoftwareKeyStore,
  signCanonical,
  type KeyStore,
} from '../../crypto/index.js';
import { createTestPki, type TestPki, type TestNode } from '../../crypto/testing/test-pki.js';
import type { NodeId } from '../../domain/node-id.js';
import {
  buildDirectory,
  directoryView,
  pemFingerprint,
  verifyDirectory,
  type SignedDirectory,
} from './directory.js';

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((path) => rm(path, { recursive: true, force: true })));
});

async function keyStoreOf(node: TestNode): Promise<KeyStore> {
  const directory = await mkdtemp(join(tmpdir(), 'jukinet-directory-'));
  directories.push(directory);
  const keys = openSoftwareKeyStore(directory, { passphrase: 'test passphrase' });
  await keys.importKey('tls', node.privateKeyPem);
  return keys;
}

async function signedBy(
  pki: TestPki,
  signer: TestNode,
  others: readonly TestNode[],
  version = 1,
): Promise<SignedDirectory> {
  return buildDirectory(
    others.map((node, index) => ({
      id: node.nodeId,
      endpoint: `https://127.0.0.1:${47_002 + index * 2}`,
      certificatePem: node.certificatePem,
    })),
    {
      keyStore: await keyStoreOf(signer),
      signerCertificatePem: signer.certificatePem,
      version,
      crlPem: await pki.crl(),
    },
  );
}

it('verifyDirectory() accepts a directory the national server signed and a view finds its nodes', async () => {
  const pki = await createTestPki();
  const national = await pki.issue('national');
  const prefecture = await pki.issue('pref-13');
  const signed = await signedBy(pki, national, [national, prefecture]);
  const document = verifyDirectory(JSON.parse(JSON.stringify(signed)), { caPem: pki.ca.certificatePem });
  const view = directoryView(() => document);
  expect(view.node('pref-13' as NodeId)).toMatchObject({
    role: 'prefecture',
    endpoint: 'https://127.0.0.1:47004',
    fingerprint: certificateFingerprint(prefecture.certificatePem),
  });
  expect(view.nodes()).toHaveLength(2);
  expect(view.issuedAt).toBe(document.issuedAt);
  expect(pemFingerprint(prefecture.certificatePem)).toBe(certificateFingerprint(prefecture.certificatePem));
});

it('verifyDirectory() refuses a tampered directory', async () => {
  const pki = await createTestPki();
  const national = await pki.issue('national');
  const prefecture = await pki.issue('pref-13');
  const signed = await signedBy(pki, national, [national, prefecture]);
  const tampered = {
    ...signed,
    directory: {
      ...signed.directory,
      nodes: signed.directory.nodes.map((node) =>
        node.id === 'pref-13' ? { ...node, endpoint: 'https://203.0.113.9:443' } : node,
      ),
    },
  };
  let caught: unknown;
  try {
    verifyDirectory(tampered, { caPem: pki.ca.certificatePem });
  } catch (error) {
    caught = error;
  }
  expect(caught).toMatchObject({ code: 'JUKI_ERR_DIRECTORY_INVALID' });
  expect((caught as Error).message).toContain('signature does not verify');
});

it('verifyDirectory() refuses a directory signed by a node other than national', async () => {
  const pki = await createTestPki();
  const prefecture = await pki.issue('pref-13');
  const signed = await signedBy(pki, prefecture, [prefecture]);
  expect(() => verifyDirectory(signed, { caPem: pki.ca.certificatePem })).toThrow(/not "national"/);
});

it('verifyDirectory() refuses a signer certificate from another CA', async () => {
  const pki = await createTestPki();
  const rogue = await createTestPki({ commonName: 'Rogue CA' });
  const impostor = await rogue.issue('national');
  const signed = await signedBy(rogue, impostor, [impostor]);
  expect(() => verifyDirectory(signed, { caPem: pki.ca.certificatePem })).toThrow(/not from the network CA/);
});

it('verifyDirectory() refuses going back to an older version', async () => {
  const pki = await createTestPki();
  const national = await pki.issue('national');
  const signed = await signedBy(pki, national, [national], 5);
  expect(verifyDirectory(signed, { caPem: pki.ca.certificatePem, minVersion: 5 }).version).toBe(5);
  expect(() => verifyDirectory(signed, { caPem: pki.ca.certificatePem, minVersion: 6 })).toThrow(/older/);
});

it('verifyDirectory() refuses a node whose fingerprint does not match its certificate', async () => {
  const pki = await createTestPki();
  const national = await pki.issue('national');
  const prefecture = await pki.issue('pref-13');
  const other = await pki.issue('pref-14');
  const signed = await signedBy(pki, national, [prefecture]);
  // Re-signed by the national key itself, so only the fingerprint check can catch the swapped certificate.
  const directory = {
    ...signed.directory,
    nodes: signed.directory.nodes.map((node) => ({ ...node, certificatePem: other.certificatePem })),
  };
  const forged = { ...signed, directory, signature: signCanonical(directory, national.privateKeyPem) };
  expect(() => verifyDirectory(forged, { caPem: pki.ca.certificatePem })).toThrow(
    /fingerprint does not match/,
  );
});
