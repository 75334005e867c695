// Test helper: NodeTlsMaterial for a throwaway node from createTestPki, so a test can start servers and clients in
// two lines. Nothing is written to disk.

import type { TestNode, TestPki } from '../../crypto/testing/test-pki.js';
import type { NodeTlsMaterial } from '../tls-config.js';

/** The TLS material of `node` under `pki`'s CA, with `crlPem` when given. */
export function tlsMaterialOf(pki: TestPki, node: TestNode, crlPem?: string): NodeTlsMaterial {
  return {
    nodeId: node.nodeId,
    certificatePem: node.certificatePem,
    privateKey: node.privateKeyPem,
    caPem: pki.ca.certificatePem,
    ...(crlPem === undefined ? {} : { crlPem }),
  };
}
