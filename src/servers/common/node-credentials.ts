// A node's own credentials from its configuration: the key store opened with its passphrase, the TLS key, the
// node's certificate and the network CA. The runtime starts a node with them; CLI commands that act as a node (the
// consistency check as the national server, the linkage import as a municipality's CS) open them the same way.

import { readFile } from 'node:fs/promises';
import { openSoftwareKeyStore, readNodeIdentity, type KeyStore } from '../../crypto/index.js';
import type { NodeTlsMaterial } from '../../net/index.js';
import { JukinetError, quote } from '../../shared/errors.js';
import type { NodeConfig } from './config.js';

/** The key store alias of a node's TLS and signing key, as `jukinet pki issue` writes it. */
export const NODE_KEY_ALIAS = 'tls';

/** What a node proves itself with: its TLS material and the key store that holds its key. */
export interface NodeCredentials extends NodeTlsMaterial {
  readonly keyStore: KeyStore;
}

/**
 * Opens the node's key store with `passphrase` (by default the first line of `pki.passphraseFile`), reads its
 * certificate and the CA, and checks that the certificate names the configured node. A missing or unreadable file,
 * an empty passphrase or a certificate of another node is JUKI_ERR_CONFIG_INVALID; a wrong passphrase
 * JUKI_ERR_KEY_PASSPHRASE.
 */
export async function openNodeCredentials(
  config: NodeConfig,
  options: { readonly passphrase?: string } = {},
): Promise<NodeCredentials> {
  const passphrase = options.passphrase ?? (await readPassphraseFile(config));
  const keyStore = openSoftwareKeyStore(config.pki.keyStore, { passphrase });
  const privateKey = await keyStore.tlsPrivateKey(NODE_KEY_ALIAS);
  const caPem = await readConfiguredFile(config.pki.caCertificate, 'pki.caCertificate');
  const certificatePem = await readConfiguredFile(config.pki.certificate, 'pki.certificate');
  const named = readNodeIdentity(certificatePem).nodeId;
  if (named !== config.nodeId) {
    throw new JukinetError(
      'JUKI_ERR_CONFIG_INVALID',
      `the certificate names ${quote(named)}, not ${quote(config.nodeId)}`,
    );
  }
  return { nodeId: config.nodeId, certificatePem, privateKey, caPem, keyStore };
}

async function readPassphraseFile(config: NodeConfig): Promise<string> {
  const path = config.pki.passphraseFile;
  if (path === undefined) throw new JukinetError('JUKI_ERR_CONFIG_INVALID', 'pki.passphraseFile is missing');
  const passphrase = (await readConfiguredFile(path, 'pki.passphraseFile')).split(/\r?\n/)[0] ?? '';
  if (passphrase === '') throw new JukinetError('JUKI_ERR_CONFIG_INVALID', `${quote(path)} is empty`);
  return passphrase;
}

/** Reads a file the configuration names; JUKI_ERR_CONFIG_INVALID saying which setting when it cannot. */
export async function readConfiguredFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new JukinetError('JUKI_ERR_CONFIG_INVALID', `${what}: cannot read ${quote(path)}`, {
      cause: error,
    });
  }
}
