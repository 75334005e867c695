// Signing an envelope as its originator and checking an originator's signature (docs/protocol/envelope.md, "Signing"):
// ECDSA P-256 over the RFC 8785 canonical JSON of everything but `sig`.

import type { KeyObject } from 'node:crypto';
import { signCanonical, verifyCanonical } from '../crypto/index.js';
import { signingInput, type Envelope, type UnsignedEnvelope } from '../protocol/index.js';

/** The signed envelope: `unsigned` plus the originator's signature under `privateKey` (P-256, PKCS#8 PEM or KeyObject). */
export function signEnvelope<B>(unsigned: UnsignedEnvelope<B>, privateKey: string | KeyObject): Envelope<B> {
  const covered = signingInput(unsigned);
  return { ...covered, sig: signCanonical(covered, privateKey) };
}

/**
 * True when `envelope.sig` is the signature, by the key in `senderCertificatePem`, of exactly the envelope's signed
 * fields. False for any change to a covered field, another signer, or a malformed signature; never throws. The caller
 * checks separately that the certificate is the one the directory lists for `envelope.from`.
 */
export function verifyEnvelopeSignature(
  envelope: Envelope,
  senderCertificatePem: string | KeyObject,
): boolean {
  return verifyCanonical(signingInput(envelope), envelope.sig, senderCertificatePem);
}
