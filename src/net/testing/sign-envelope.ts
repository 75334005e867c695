// Test helper: signs an unsigned envelope with a PEM private key, exactly as an originator does
// (docs/protocol/envelope.md: ECDSA P-256 over the canonical JSON of the signing input).

import { signCanonical } from '../../crypto/index.js';
import { signingInput, type UnsignedEnvelope } from '../../protocol/index.js';

/** The base64url signature of `unsigned` under `privateKeyPem`. */
export function signEnvelope(unsigned: UnsignedEnvelope, privateKeyPem: string): string {
  return signCanonical(signingInput(unsigned), privateKeyPem);
}
