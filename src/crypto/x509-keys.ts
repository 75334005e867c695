// Pieces every certificate this layer issues needs (node certificates in ca.ts, card and card-terminal certificates
// in card-certificate.ts): serial numbers, X.509 times, and ECDSA P-256 keys in the forms Web Crypto takes.

import { createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import { JukinetError, isJukinetError } from '../shared/errors.js';
import { secureRandomBytes } from '../shared/random.js';

export const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A positive 128-bit serial number (RFC 5280 §4.1.2.2 allows up to 20 octets), hex without a leading zero octet. */
export function randomSerialNumber(): string {
  const bytes = secureRandomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return Buffer.from(bytes).toString('hex');
}

/** Whole seconds: X.509 times carry no fractions, so what we record matches what the certificate says. */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** An issuer's PKCS#8 PEM P-256 key as a Web Crypto signing key; JUKI_ERR_KEY_TYPE naming `what` otherwise. */
export async function importP256SigningKey(
  privateKeyPem: string,
  what: string,
): Promise<webcrypto.CryptoKey> {
  let der: Buffer;
  try {
    const key = createPrivateKey(privateKeyPem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error('not an ECDSA P-256 key');
    }
    der = key.export({ type: 'pkcs8', format: 'der' });
  } catch (error) {
    if (isJukinetError(error)) throw error;
    throw new JukinetError('JUKI_ERR_KEY_TYPE', `${what} is not a P-256 PKCS#8 key`, { cause: error });
  }
  return webcrypto.subtle.importKey('pkcs8', der, EC_P256, false, ['sign']);
}

/** A PEM P-256 public key as SPKI DER; JUKI_ERR_KEY_TYPE naming `what` otherwise. */
export function toP256SpkiDer(publicKeyPem: string, what: string): ArrayBuffer {
  try {
    const key = createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error('not an ECDSA P-256 key');
    }
    const der = key.export({ type: 'spki', format: 'der' });
    return der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength);
  } catch (error) {
    throw new JukinetError('JUKI_ERR_KEY_TYPE', `${what} is not an ECDSA P-256 key`, { cause: error });
  }
}
