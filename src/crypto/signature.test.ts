import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateNodeKeyPair } from './ca.js';
import { signCanonical, verifyCanonical } from './signature.js';
import { createTestPki } from './testing/test-pki.js';

const message = {
  type: 'node.ping',
  from: 'muni-131059',
  to: 'pref-13',
  seq: 1,
  body: { at: '2025-04-01T09:00:00Z' },
};

describe('signCanonical() and verifyCanonical()', () => {
  const keys = generateNodeKeyPair();

  it('verifies a signature made over the same value, as 64 bytes of base64url', () => {
    const signature = signCanonical(message, keys.privateKeyPem);
    expect(signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(Buffer.from(signature, 'base64url')).toHaveLength(64);
    expect(verifyCanonical(message, signature, keys.publicKeyPem)).toBe(true);
  });

  it('verifies the same signature whatever the order of the object keys', () => {
    const signature = signCanonical(message, keys.privateKeyPem);
    const reordered = {
      body: { at: '2025-04-01T09:00:00Z' },
      seq: 1,
      to: 'pref-13',
      from: 'muni-131059',
      type: 'node.ping',
    };
    expect(verifyCanonical(reordered, signature, keys.publicKeyPem)).toBe(true);
  });

  it('verifies against a certificate PEM and a KeyObject as well as SPKI PEM', async () => {
    const pki = await createTestPki();
    const node = await pki.issue('muni-131059');
    const signature = signCanonical(message, node.privateKeyPem);
    expect(verifyCanonical(message, signature, node.certificatePem)).toBe(true);
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(verifyCanonical(message, signCanonical(message, pair.privateKey), pair.publicKey)).toBe(true);
  });

  it('refuses any change to the value', () => {
    const signature = signCanonical(message, keys.privateKeyPem);
    expect(verifyCanonical({ ...message, seq: 2 }, signature, keys.publicKeyPem)).toBe(false);
    expect(verifyCanonical({ ...message, extra: null }, signature, keys.publicKeyPem)).toBe(false);
    expect(
      verifyCanonical({ ...message, body: { at: '2025-04-01T09:00:01Z' } }, signature, keys.publicKeyPem),
    ).toBe(false);
  });

  it('refuses another key, and a truncated, padded, altered or empty signature, without throwing', () => {
    const signature = signCanonical(message, keys.privateKeyPem);
    const other = generateNodeKeyPair();
    expect(verifyCanonical(message, signature, other.publicKeyPem)).toBe(false);
    const altered = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    for (const bad of [
      signature.slice(0, -2),
      `${signature}AA`,
      `${signature}=`,
      altered,
      '',
      '!!!',
      'not base64 at all',
    ]) {
      expect(verifyCanonical(message, bad, keys.publicKeyPem)).toBe(false);
    }
    expect(verifyCanonical(message, signature, 'not a key')).toBe(false);
    expect(verifyCanonical(Number.NaN, signature, keys.publicKeyPem)).toBe(false);
  });

  it('refuses to sign with a key that is not ECDSA P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(() => signCanonical(message, rsa.privateKey)).toThrow(
      expect.objectContaining({ code: 'JUKI_ERR_KEY_TYPE' }) as Error,
    );
    expect(() => signCanonical(message, keys.publicKeyPem)).toThrow(
      expect.objectContaining({ code: 'JUKI_ERR_KEY_TYPE' }) as Error,
    );
    expect(() => signCanonical(Number.NaN, keys.privateKeyPem)).toThrow(
      expect.objectContaining({ code: 'JUKI_ERR_CANONICAL_JSON' }) as Error,
    );
  });

  it('verifies every JSON value it signed, and not the value wrapped in an array', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const signature = signCanonical(value, keys.privateKeyPem);
        expect(verifyCanonical(value, signature, keys.publicKeyPem)).toBe(true);
        expect(verifyCanonical([value], signature, keys.publicKeyPem)).toBe(false);
      }),
      { seed: 42, numRuns: 100 },
    );
  });
});
