// Throwaway PKI for tests in every layer: a fresh root CA, node certificates with fresh keys, and CRLs revoking them.
// Nothing here is written to disk, and the build leaves this folder out (tsconfig.build.json).

import type { NodeId } from '../../domain/node-id.js';
import {
  createCrl,
  createRootCa,
  generateNodeKeyPair,
  issueNodeCertificate,
  readNodeIdentity,
} from '../ca.js';
import type { CaMaterial } from '../ca.js';

/** A node as a test needs it: its id, certificate, PKCS#8 private key and certificate serial number. */
export interface TestNode {
  nodeId: NodeId;
  certificatePem: string;
  privateKeyPem: string;
  serialNumber: string;
}

export interface TestPki {
  readonly ca: CaMaterial;
  /** Issues a certificate for `nodeId` on a new key pair (90 days from now unless told). */
  issue(nodeId: string, options?: { validFrom?: Date; validTo?: Date }): Promise<TestNode>;
  /** A CRL from this CA revoking the given nodes' certificates (none by default). */
  crl(revoked?: readonly TestNode[]): Promise<string>;
}

/** Creates a root CA in memory and returns helpers to issue and revoke node certificates under it. */
export async function createTestPki(options?: { commonName?: string }): Promise<TestPki> {
  const ca = await createRootCa({ commonName: options?.commonName ?? 'Jukinet Test Root CA' });
  return {
    ca,
    async issue(nodeId, issueOptions) {
      const keys = generateNodeKeyPair();
      const certificatePem = await issueNodeCertificate(ca, {
        nodeId,
        publicKeyPem: keys.publicKeyPem,
        ...(issueOptions?.validFrom === undefined ? {} : { validFrom: issueOptions.validFrom }),
        ...(issueOptions?.validTo === undefined ? {} : { validTo: issueOptions.validTo }),
      });
      const identity = readNodeIdentity(certificatePem);
      return {
        nodeId: identity.nodeId,
        certificatePem,
        privateKeyPem: keys.privateKeyPem,
        serialNumber: identity.serialNumber,
      };
    },
    async crl(revoked = []) {
      const revokedAt = new Date();
      return createCrl(ca, {
        revoked: revoked.map((node) => ({ serialNumber: node.serialNumber, revokedAt })),
      });
    },
  };
}
