import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isJukinetError } from '../shared/errors.js';
import {
  certificateFingerprint,
  createCrl,
  createRootCa,
  generateNodeKeyPair,
  issueNodeCertificate,
  readNodeIdentity,
  type CaMaterial,
} from './ca.js';
import { createTestPki } from './testing/test-pki.js';

const OPENSSL = '/usr/bin/openssl';

function openssl(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(OPENSSL, args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('ca', () => {
  let dir: string;
  let ca: CaMaterial;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jukinet-ca-'));
    ca = await createRootCa();
    writeFileSync(join(dir, 'ca.pem'), ca.certificatePem);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('createRootCa() makes a self-signed CA that OpenSSL reads as CA:TRUE with keyCertSign and cRLSign', () => {
    const text = execFileSync(OPENSSL, ['x509', '-in', join(dir, 'ca.pem'), '-noout', '-text'], {
      encoding: 'utf8',
    });
    expect(text).toContain('CN = Jukinet Network Root CA');
    expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
    expect(text).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(text).toContain('ecdsa-with-SHA256');
    expect(text).toContain('prime256v1');
    expect(openssl(['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'ca.pem')]).status).toBe(0);
  });

  it('issueNodeCertificate() names the node in CN, OU and SAN URI, and OpenSSL verifies it against the CA', async () => {
    const keys = generateNodeKeyPair();
    const pem = await issueNodeCertificate(ca, { nodeId: 'muni-131059', publicKeyPem: keys.publicKeyPem });
    writeFileSync(join(dir, 'muni.pem'), pem);
    const text = execFileSync(OPENSSL, ['x509', '-in', join(dir, 'muni.pem'), '-noout', '-text'], {
      encoding: 'utf8',
    });
    expect(text).toContain('Subject: O = Jukinet, OU = municipality, CN = muni-131059');
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature/);
    expect(text).toContain('TLS Web Server Authentication, TLS Web Client Authentication');
    expect(text).toContain(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, URI:urn:jukinet:node:muni-131059',
    );
    expect(text).toContain('X509v3 Subject Key Identifier');
    expect(text).toContain('X509v3 Authority Key Identifier');
    const verified = openssl([
      'verify',
      '-purpose',
      'sslclient',
      '-CAfile',
      join(dir, 'ca.pem'),
      join(dir, 'muni.pem'),
    ]);
    expect(verified.output).toContain(': OK');
    expect(verified.status).toBe(0);
  });

  it('issueNodeCertificate() uses the given serial number and validity, 90 days by default', async () => {
    const keys = generateNodeKeyPair();
    const validFrom = new Date('2025-04-01T00:00:00.500Z');
    const pem = await issueNodeCertificate(ca, {
      nodeId: 'pref-13',
      publicKeyPem: keys.publicKeyPem,
      serialNumber: '0A1B2C',
      validFrom,
    });
    const identity = readNodeIdentity(pem);
    expect(identity).toMatchObject({ nodeId: 'pref-13', role: 'prefecture', serialNumber: '0a1b2c' });
    expect(identity.notBefore.toISOString()).toBe('2025-04-01T00:00:00.000Z');
    expect(identity.notAfter.toISOString()).toBe('2025-06-30T00:00:00.000Z');
  });

  it('readNodeIdentity() returns the id, role, serial and the SHA-256 fingerprint OpenSSL computes', async () => {
    const keys = generateNodeKeyPair();
    const pem = await issueNodeCertificate(ca, { nodeId: 'agency-mhlw', publicKeyPem: keys.publicKeyPem });
    writeFileSync(join(dir, 'agency.pem'), pem);
    const identity = readNodeIdentity(pem);
    expect(identity.nodeId).toBe('agency-mhlw');
    expect(identity.role).toBe('agency');
    expect(identity.serialNumber).toMatch(/^[0-7][0-9a-f]{31}$/);
    const fingerprint = execFileSync(
      OPENSSL,
      ['x509', '-in', join(dir, 'agency.pem'), '-noout', '-fingerprint', '-sha256'],
      {
        encoding: 'utf8',
      },
    );
    const expected = fingerprint.split('=')[1]!.trim().replaceAll(':', '').toLowerCase();
    expect(identity.fingerprint).toBe(expected);
    expect(certificateFingerprint(pem)).toBe(expected);
  });

  it('issueNodeCertificate() refuses an invalid node id', async () => {
    const keys = generateNodeKeyPair();
    await expect(
      issueNodeCertificate(ca, { nodeId: 'muni-999999', publicKeyPem: keys.publicKeyPem }),
    ).rejects.toSatisfy((error) => isJukinetError(error, 'JUKI_ERR_NODE_ID'));
  });

  it('readNodeIdentity() refuses a certificate whose CN is not a node id', async () => {
    const { privateKey, publicKey } = await crypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' },
      true,
      ['sign', 'verify'],
    );
    const x509 = await import('@peculiar/x509');
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=example.com, OU=municipality, O=Jukinet',
      keys: { privateKey, publicKey },
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    });
    expect(() => readNodeIdentity(cert.toString('pem'))).toThrow(
      expect.objectContaining({ code: 'JUKI_ERR_CERT_NODE_IDENTITY' }) as Error,
    );
  });

  it('readNodeIdentity() refuses a certificate whose OU is not the role of its id, or whose SAN names another id', async () => {
    const x509 = await import('@peculiar/x509');
    const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const wrongRole = await x509.X509CertificateGenerator.createSelfSigned({
      name: [{ O: ['Jukinet'] }, { OU: ['national'] }, { CN: ['muni-131059'] }],
      keys,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [
        new x509.SubjectAlternativeNameExtension([{ type: 'url', value: 'urn:jukinet:node:muni-131059' }]),
      ],
    });
    const wrongUri = await x509.X509CertificateGenerator.createSelfSigned({
      name: [{ O: ['Jukinet'] }, { OU: ['municipality'] }, { CN: ['muni-131059'] }],
      keys,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [
        new x509.SubjectAlternativeNameExtension([{ type: 'url', value: 'urn:jukinet:node:national' }]),
      ],
    });
    const noUri = await x509.X509CertificateGenerator.createSelfSigned({
      name: [{ O: ['Jukinet'] }, { OU: ['municipality'] }, { CN: ['muni-131059'] }],
      keys,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    });
    for (const cert of [wrongRole, wrongUri, noUri]) {
      expect(() => readNodeIdentity(cert.toString('pem'))).toThrow(
        expect.objectContaining({ code: 'JUKI_ERR_CERT_NODE_IDENTITY' }) as Error,
      );
    }
  });

  it('createCrl() makes a CRL OpenSSL reads, and OpenSSL then reports the listed certificate as revoked', async () => {
    const good = generateNodeKeyPair();
    const bad = generateNodeKeyPair();
    const goodPem = await issueNodeCertificate(ca, {
      nodeId: 'muni-011002',
      publicKeyPem: good.publicKeyPem,
    });
    const badPem = await issueNodeCertificate(ca, { nodeId: 'muni-012025', publicKeyPem: bad.publicKeyPem });
    const badSerial = readNodeIdentity(badPem).serialNumber;
    const crl = await createCrl(ca, {
      revoked: [{ serialNumber: badSerial, revokedAt: new Date(), reason: 'keyCompromise' }],
      crlNumber: 7,
    });
    writeFileSync(join(dir, 'crl.pem'), crl);
    writeFileSync(join(dir, 'good.pem'), goodPem);
    writeFileSync(join(dir, 'bad.pem'), badPem);

    const text = openssl(['crl', '-in', join(dir, 'crl.pem'), '-noout', '-text']);
    expect(text.status).toBe(0);
    expect(text.output).toContain(`Serial Number: ${badSerial.toUpperCase()}`);
    expect(text.output).toContain('Key Compromise');
    expect(text.output).toMatch(/X509v3 CRL Number:\s+7/);
    expect(
      openssl(['crl', '-in', join(dir, 'crl.pem'), '-noout', '-CAfile', join(dir, 'ca.pem')]).output,
    ).toContain('verify OK');

    const crlCheck = [
      'verify',
      '-crl_check',
      '-CRLfile',
      join(dir, 'crl.pem'),
      '-CAfile',
      join(dir, 'ca.pem'),
    ];
    const revoked = openssl([...crlCheck, join(dir, 'bad.pem')]);
    expect(revoked.status).not.toBe(0);
    expect(revoked.output).toContain('certificate revoked');
    const fine = openssl([...crlCheck, join(dir, 'good.pem')]);
    expect(fine.output).toContain(': OK');
    expect(fine.status).toBe(0);
  });

  it('createCrl() with nothing revoked is still a valid CRL', async () => {
    const crl = await createCrl(ca, { revoked: [] });
    writeFileSync(join(dir, 'empty-crl.pem'), crl);
    const text = openssl([
      'crl',
      '-in',
      join(dir, 'empty-crl.pem'),
      '-noout',
      '-text',
      '-CAfile',
      join(dir, 'ca.pem'),
    ]);
    expect(text.status).toBe(0);
    expect(text.output).toContain('No Revoked Certificates');
  });
});

describe('node certificates over TLS', () => {
  it("Node's tls accepts test-PKI certificates on both ends of a TLS 1.3 link and not another CA's", async () => {
    const pki = await createTestPki();
    const server = await pki.issue('national');
    const client = await pki.issue('muni-131059');
    const foreign = await (await createTestPki({ commonName: 'Someone Else' })).issue('muni-131059');

    const tlsServer = createServer(
      {
        key: server.privateKeyPem,
        cert: server.certificatePem,
        ca: pki.ca.certificatePem,
        requestCert: true,
        // Let the handshake finish so the test can read Node's verdict on each client's chain.
        rejectUnauthorized: false,
        minVersion: 'TLSv1.3',
      },
      (socket) => {
        const peer = readNodeIdentity(socket.getPeerX509Certificate()!.toString());
        socket.end(
          socket.authorized ? `hello ${peer.nodeId}` : `refused: ${String(socket.authorizationError)}`,
        );
      },
    );
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    const { port } = tlsServer.address() as AddressInfo;

    function dial(node: { privateKeyPem: string; certificatePem: string }): Promise<string> {
      return new Promise((resolve) => {
        const socket: TLSSocket = connect({
          host: '127.0.0.1',
          port,
          servername: 'localhost',
          key: node.privateKeyPem,
          cert: node.certificatePem,
          ca: pki.ca.certificatePem,
          minVersion: 'TLSv1.3',
        });
        let data = '';
        socket.setEncoding('utf8');
        socket.on('secureConnect', () => {
          data += `${socket.getProtocol()} ${readNodeIdentity(socket.getPeerX509Certificate()!.toString()).nodeId}: `;
        });
        socket.on('data', (chunk: string) => (data += chunk));
        socket.on('end', () => resolve(data));
        socket.on('error', (error: Error) => resolve(`${data}error: ${error.message}`));
      });
    }

    try {
      expect(await dial(client)).toBe('TLSv1.3 national: hello muni-131059');
      expect(await dial(foreign)).toBe('TLSv1.3 national: refused: UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    } finally {
      await new Promise((resolve) => tlsServer.close(resolve));
    }
  });

  it('createTestPki().crl() revokes the given nodes', async () => {
    const pki = await createTestPki();
    const a = await pki.issue('pref-01');
    const b = await pki.issue('pref-02');
    const x509 = await import('@peculiar/x509');
    const crl = new x509.X509Crl(await pki.crl([a]));
    expect(crl.findRevoked(a.serialNumber)).not.toBeNull();
    expect(crl.findRevoked(b.serialNumber)).toBeNull();
    expect(new x509.X509Crl(await pki.crl()).entries).toHaveLength(0);
  });
});
