// Who is on the other end of a link: read only from the certificate TLS verified, never from what the peer says.

import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { JukinetError } from '../shared/errors.js';
import type { NodeId, NodeRole } from '../domain/node-id.js';
import { readNodeIdentity } from '../crypto/ca.js';

/** The authenticated peer of a request: its node id and role, and the certificate they came from. */
export interface PeerIdentity {
  readonly nodeId: NodeId;
  readonly role: NodeRole;
  /** SHA-256 of the certificate DER, lowercase hex, as the directory publishes it. */
  readonly fingerprint: string;
  /** The certificate serial number, lowercase hex, as a CRL lists it. */
  readonly serialNumber: string;
}

/** The PEM form of a certificate TLS handed us as DER (`PeerCertificate.raw`). */
export function certificatePemOf(der: Buffer): string {
  return new X509Certificate(der).toString();
}

/**
 * The identity a verified peer certificate names; throws JUKI_ERR_PEER_UNAUTHENTICATED when there is no certificate
 * or it names no valid node id and role (for example a certificate from our CA issued for something else).
 */
export function peerIdentityFromCertificate(certificate: PeerCertificate | string | undefined): PeerIdentity {
  let pem: string;
  if (typeof certificate === 'string') {
    pem = certificate;
  } else if (certificate?.raw !== undefined && certificate.raw.length > 0) {
    pem = certificatePemOf(certificate.raw);
  } else {
    throw new JukinetError('JUKI_ERR_PEER_UNAUTHENTICATED', 'no certificate');
  }
  try {
    const identity = readNodeIdentity(pem);
    return {
      nodeId: identity.nodeId,
      role: identity.role,
      fingerprint: identity.fingerprint,
      serialNumber: identity.serialNumber,
    };
  } catch (error) {
    const reason = error instanceof JukinetError ? error.message : 'unreadable certificate';
    throw new JukinetError('JUKI_ERR_PEER_UNAUTHENTICATED', reason, { cause: error });
  }
}
