// A node's TLS material (certificate, key, the network CA, the CRL) and the TLS options every link uses:
// TLS 1.3 only, our CA only (docs/decisions/0003-transport.md).

import type { KeyObject } from 'node:crypto';
import type { SecureContextOptions } from 'node:tls';
import type { NodeId } from '../domain/node-id.js';

/** What a node needs to take part in mTLS: its own certificate and key, the network's root CA, and the current CRL. */
export interface NodeTlsMaterial {
  readonly nodeId: NodeId;
  readonly certificatePem: string;
  /** PKCS#8 PEM or a KeyObject (for example from the key store). */
  readonly privateKey: string | KeyObject;
  /** The network root CA: the only issuer a peer's certificate may come from. */
  readonly caPem: string;
  /** The CRL from the directory; when present, a peer whose certificate it lists is refused at the handshake. */
  readonly crlPem?: string;
}

/** TLS material that can change while a node runs (a renewed certificate, a new CRL); the node id cannot. */
export type TlsUpdate = Partial<Omit<NodeTlsMaterial, 'nodeId'>>;

/** The TLS version every node-to-node link requires. */
export const TLS_MIN_VERSION = 'TLSv1.3';

/** Secure-context options for `material`, shared by the network server and the peer client. */
export function secureContextOptions(material: NodeTlsMaterial): SecureContextOptions {
  return {
    key:
      typeof material.privateKey === 'string'
        ? material.privateKey
        : material.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    cert: material.certificatePem,
    ca: material.caPem,
    ...(material.crlPem === undefined ? {} : { crl: material.crlPem }),
    minVersion: TLS_MIN_VERSION,
  };
}
