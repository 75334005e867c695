import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { NodeId } from '../../domain/node-id.js';
import { isJukinetError, type ErrorCode } from '../../shared/errors.js';
import { prepareNetwork, type NetworkLayout } from './network-layout.js';
import { NODE_KEY_ALIAS, openNodeCredentials } from './node-credentials.js';
import { freePortRange } from './testing/free-ports.js';

const NATIONAL = 'national' as NodeId;
const PREFECTURE = 'pref-13' as NodeId;
let root: string;
let layout: NetworkLayout;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jukinet-credentials-'));
  layout = await prepareNetwork(root, { nodeIds: [NATIONAL, PREFECTURE], basePort: await freePortRange(4) });
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function refusal(promise: Promise<unknown>): Promise<ErrorCode | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (isJukinetError(error) ? error.code : undefined),
  );
}

it('opens the key store with the passphrase file and answers the TLS material of the configured node', async () => {
  const config = await layout.configOf(PREFECTURE);
  const credentials = await openNodeCredentials(config);
  expect(credentials.nodeId).toBe(PREFECTURE);
  expect(credentials.certificatePem).toContain('BEGIN CERTIFICATE');
  expect(credentials.caPem).toContain('BEGIN CERTIFICATE');
  // The key is the certificate's, and the key store gives the same one.
  const { privateKey } = credentials;
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  expect(new X509Certificate(credentials.certificatePem).checkPrivateKey(key)).toBe(true);
  expect(
    new X509Certificate(credentials.certificatePem).checkPrivateKey(
      await credentials.keyStore.tlsPrivateKey(NODE_KEY_ALIAS),
    ),
  ).toBe(true);
});

it('refuses a wrong passphrase, a missing or empty passphrase file, and a certificate of another node', async () => {
  const config = await layout.configOf(PREFECTURE);
  const national = await layout.configOf(NATIONAL);
  expect(await refusal(openNodeCredentials(config, { passphrase: 'not the passphrase' }))).toBe(
    'JUKI_ERR_KEY_PASSPHRASE',
  );
  const { passphraseFile: _, ...pkiWithout } = config.pki;
  expect(await refusal(openNodeCredentials({ ...config, pki: pkiWithout }))).toBe('JUKI_ERR_CONFIG_INVALID');
  const empty = join(root, 'empty-passphrase');
  await writeFile(empty, '\n');
  expect(
    await refusal(openNodeCredentials({ ...config, pki: { ...config.pki, passphraseFile: empty } })),
  ).toBe('JUKI_ERR_CONFIG_INVALID');
  expect(
    await refusal(
      openNodeCredentials({ ...config, pki: { ...config.pki, certificate: national.pki.certificate } }),
    ),
  ).toBe('JUKI_ERR_CONFIG_INVALID');
  expect(
    await refusal(
      openNodeCredentials({ ...config, pki: { ...config.pki, caCertificate: join(root, 'nowhere.pem') } }),
    ),
  ).toBe('JUKI_ERR_CONFIG_INVALID');
});
