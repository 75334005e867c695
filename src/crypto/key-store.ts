// The key store (DESIGN.md §6 Keys): one interface for a node's private keys. The software store here keeps each key
// as an encrypted PKCS#8 file; a PKCS#11 store for a real HSM (耐タンパー装置) will implement the same interface.

import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JukinetError, quote } from '../shared/errors.js';
import { fileExists, isNotFound, writeFileAtomic } from './atomic-file.js';

/** A node's private keys, by alias. Every key is ECDSA P-256; signatures are SHA-256 in IEEE P1363 r||s form. */
export interface KeyStore {
  /** Generates a new key under `alias`; throws JUKI_ERR_KEY_EXISTS if there is one already. */
  generate(alias: string): Promise<{ publicKeyPem: string }>;
  /**
   * Stores an existing PKCS#8 private key under `alias`; throws JUKI_ERR_KEY_EXISTS if there is one already, unless
   * `replace` is set (a key rotation).
   */
  importKey(alias: string, privateKeyPem: string, options?: { replace?: boolean }): Promise<void>;
  has(alias: string): Promise<boolean>;
  /** The SPKI PEM of the key's public half. */
  publicKey(alias: string): Promise<string>;
  /** Signs `data` with ECDSA P-256 and SHA-256, returning the 64-byte IEEE P1363 form. */
  sign(alias: string, data: Uint8Array): Promise<Uint8Array>;
  /**
   * ECDH on P-256 between the key under `alias` and `peerPublicKeyPem` (SPKI PEM): the 32-byte shared secret, for
   * opening a file sealed to this key (sealed-file.ts). JUKI_ERR_KEY_TYPE when the peer key is not P-256.
   */
  deriveSharedSecret(alias: string, peerPublicKeyPem: string): Promise<Uint8Array>;
  /** The private key for Node's TLS stack; a hardware store would not offer this and TLS would go through its engine. */
  tlsPrivateKey(alias: string): Promise<KeyObject>;
  /** Every alias in the store, sorted. */
  aliases(): Promise<string[]>;
}

const ALIAS = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const SUFFIX = '.key.pem';

/**
 * Opens the software key store in `directory` (created, mode 0700, on first write): one `<alias>.key.pem` file per key,
 * mode 0600, holding encrypted PKCS#8 (PBES2 with AES-256-CBC, readable by OpenSSL with the passphrase), each written
 * atomically. Decrypted keys are kept in memory for the life of the returned store. A wrong passphrase surfaces as
 * JUKI_ERR_KEY_PASSPHRASE on first use of a key.
 */
export function openSoftwareKeyStore(directory: string, options: { passphrase: string }): KeyStore {
  const { passphrase } = options;
  if (passphrase.length === 0) throw new JukinetError('JUKI_ERR_KEY_PASSPHRASE', 'the passphrase is empty');
  const cache = new Map<string, KeyObject>();

  const pathOf = (alias: string): string => join(directory, `${checkAlias(alias)}${SUFFIX}`);

  async function load(alias: string): Promise<KeyObject> {
    const cached = cache.get(alias);
    if (cached) return cached;
    let pem: string;
    try {
      pem = await readFile(pathOf(alias), 'utf8');
    } catch (error) {
      if (isNotFound(error)) throw new JukinetError('JUKI_ERR_KEY_NOT_FOUND', quote(alias), { cause: error });
      throw error;
    }
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: pem, format: 'pem', passphrase });
    } catch (error) {
      throw new JukinetError('JUKI_ERR_KEY_PASSPHRASE', quote(alias), { cause: error });
    }
    cache.set(alias, key);
    return key;
  }

  async function store(alias: string, key: KeyObject, replace: boolean): Promise<void> {
    const pem = key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase });
    try {
      // exclusive: link() refuses an existing name, so two writers can never both think they created the key.
      await writeFileAtomic(pathOf(alias), pem, { mode: 0o600, directoryMode: 0o700, exclusive: !replace });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new JukinetError('JUKI_ERR_KEY_EXISTS', quote(alias), { cause: error });
      }
      throw error;
    }
    cache.set(alias, key);
  }

  return {
    async generate(alias) {
      if (await fileExists(pathOf(alias))) throw new JukinetError('JUKI_ERR_KEY_EXISTS', quote(alias));
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      await store(alias, privateKey, false);
      return { publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
    },
    async importKey(alias, privateKeyPem, importOptions) {
      checkAlias(alias);
      let key: KeyObject;
      try {
        key = createPrivateKey(privateKeyPem);
      } catch (error) {
        throw new JukinetError('JUKI_ERR_KEY_TYPE', `cannot read the private key for ${quote(alias)}`, {
          cause: error,
        });
      }
      if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
        throw new JukinetError('JUKI_ERR_KEY_TYPE', `${quote(alias)} is ${String(key.asymmetricKeyType)}`);
      }
      await store(alias, key, importOptions?.replace ?? false);
    },
    has(alias) {
      return fileExists(pathOf(alias));
    },
    async publicKey(alias) {
      return createPublicKey(await load(alias))
        .export({ type: 'spki', format: 'pem' })
        .toString();
    },
    async sign(alias, data) {
      const signature = sign('sha256', data, { key: await load(alias), dsaEncoding: 'ieee-p1363' });
      return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength);
    },
    async deriveSharedSecret(alias, peerPublicKeyPem) {
      const privateKey = await load(alias);
      const secret = diffieHellman({ privateKey, publicKey: p256PublicKey(peerPublicKeyPem) });
      return new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength);
    },
    tlsPrivateKey(alias) {
      return load(alias);
    },
    async aliases() {
      let names: string[];
      try {
        names = await readdir(directory);
      } catch (error) {
        if (isNotFound(error)) return [];
        throw error;
      }
      return names
        .filter((name) => name.endsWith(SUFFIX))
        .map((name) => name.slice(0, -SUFFIX.length))
        .filter((alias) => ALIAS.test(alias))
        .sort();
    },
  };
}

function p256PublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new JukinetError('JUKI_ERR_KEY_TYPE', 'cannot read the peer public key', { cause: error });
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new JukinetError(
      'JUKI_ERR_KEY_TYPE',
      `the peer key is ${String(key.asymmetricKeyType)}, not P-256`,
    );
  }
  return key;
}

function checkAlias(alias: string): string {
  if (!ALIAS.test(alias)) throw new JukinetError('JUKI_ERR_KEY_ALIAS', quote(alias));
  return alias;
}
