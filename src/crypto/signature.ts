// Signatures over canonical JSON (RFC 8785): ECDSA P-256 with SHA-256, written as base64url of the IEEE P1363 r||s
// form. Envelopes, the directory and delivered files are signed this way (docs/protocol/envelope.md).

import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { JukinetError } from '../shared/errors.js';
import { canonicalJson } from './canonical-json.js';

const P256_SIGNATURE_BYTES = 64;

/**
 * Signs the canonical JSON of `value` with an ECDSA P-256 private key (a KeyObject or unencrypted PKCS#8 PEM).
 * Throws JUKI_ERR_CANONICAL_JSON for a value without a canonical form and JUKI_ERR_KEY_TYPE for any other key.
 */
export function signCanonical(value: unknown, privateKey: KeyObject | string): string {
  const data = Buffer.from(canonicalJson(value), 'utf8');
  return sign('sha256', data, { key: p256PrivateKey(privateKey), dsaEncoding: 'ieee-p1363' }).toString(
    'base64url',
  );
}

/**
 * True when `signature` is a valid signature of the canonical JSON of `value` under `publicKey` (a KeyObject, SPKI
 * PEM, or a certificate PEM). A malformed signature, a value without a canonical form or a key that is not P-256 give
 * false rather than an error: whoever sent them is simply not believed.
 */
export function verifyCanonical(value: unknown, signature: string, publicKey: KeyObject | string): boolean {
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(signature)) return false;
    const bytes = Buffer.from(signature, 'base64url');
    if (bytes.length !== P256_SIGNATURE_BYTES || bytes.toString('base64url') !== signature) return false;
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    if (!isP256(key)) return false;
    const data = Buffer.from(canonicalJson(value), 'utf8');
    return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, bytes);
  } catch {
    return false;
  }
}

function isP256(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

function p256PrivateKey(privateKey: KeyObject | string): KeyObject {
  let key: KeyObject;
  try {
    key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  } catch (error) {
    throw new JukinetError('JUKI_ERR_KEY_TYPE', 'cannot read the private key', { cause: error });
  }
  if (key.type !== 'private' || !isP256(key)) {
    throw new JukinetError(
      'JUKI_ERR_KEY_TYPE',
      `signing needs a P-256 private key, not ${key.type} ${String(key.asymmetricKeyType)}`,
    );
  }
  return key;
}
