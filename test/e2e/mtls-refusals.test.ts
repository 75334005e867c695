// Who the network port refuses, and how: each refusal driven by a real client (curl, openssl s_client, or our peer
// client) against a real mTLS server on 127.0.0.1 with throwaway certificates (docs/decisions/0003-transport.md).

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JukinetError } from '../../src/shared/errors.js';
import { createTestPki, type TestNode, type TestPki } from '../../src/crypto/testing/test-pki.js';
import { createNetworkServer, type NetworkServer, type SecurityEvent } from '../../src/net/network-server.js';
import { createPeerClient } from '../../src/net/peer-client.js';
import { byRoles, type NetworkRequest } from '../../src/net/routes.js';
import { tlsMaterialOf } from '../../src/net/testing/tls-material.js';

let pki: TestPki;
let otherPki: TestPki;
let prefecture: TestNode;
let municipality: TestNode;
let neighbour: TestNode;
let agency: TestNode;
let expired: TestNode;
let revoked: TestNode;
let foreign: TestNode;
let server: NetworkServer;
let port: number;
let dir: string;
const seen: NetworkRequest[] = [];
const events: SecurityEvent[] = [];
const waiters: { match: (event: SecurityEvent) => boolean; resolve: (event: SecurityEvent) => void }[] = [];

/** Resolves with the first security event (already reported or still to come) that matches. */
function securityEvent(match: (event: SecurityEvent) => boolean): Promise<SecurityEvent> {
  const found = events.find(match);
  if (found !== undefined) return Promise.resolve(found);
  return new Promise((resolve) => waiters.push({ match, resolve }));
}

function handshakeRefused(reason: string): Promise<SecurityEvent> {
  return securityEvent((event) => event.kind === 'handshake-refused' && event.detail.reason === reason);
}

interface Run {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs an external program without blocking the event loop (the server under test lives in this process). */
function run(command: string, args: readonly string[], input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
    child.stdin.end(input);
  });
}

async function pemFiles(node: TestNode): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${node.nodeId}-${node.serialNumber}.crt`);
  const key = join(dir, `${node.nodeId}-${node.serialNumber}.key`);
  await writeFile(cert, node.certificatePem);
  await writeFile(key, node.privateKeyPem, { mode: 0o600 });
  return { cert, key };
}

/** curl over HTTP/2 and TLS 1.3 trusting our CA; `status` is the HTTP status, 0 when no answer came. */
async function curl(
  path: string,
  options: { node?: TestNode; extra?: readonly string[] } = {},
): Promise<Run & { status: number; body: string }> {
  const args = ['--silent', '--show-error', '--http2', '--tlsv1.3', '--cacert', join(dir, 'ca.pem')];
  if (options.node !== undefined) {
    const { cert, key } = await pemFiles(options.node);
    args.push('--cert', cert, '--key', key);
  }
  args.push(...(options.extra ?? []));
  args.push('--request', 'POST', '--data', '{"note":"from curl"}', '--write-out', '\n%{http_code}');
  args.push(`https://127.0.0.1:${port}${path}`);
  const result = await run('curl', args);
  const cut = result.stdout.lastIndexOf('\n');
  return { ...result, status: Number(result.stdout.slice(cut + 1)), body: result.stdout.slice(0, cut) };
}

async function refusal(promise: Promise<unknown>): Promise<JukinetError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof JukinetError) return error;
    throw error;
  }
  throw new Error('expected the request to be refused');
}

function clientFor(node: TestNode, tlsPki: TestPki = pki) {
  return createPeerClient({
    tls: tlsMaterialOf(tlsPki, node),
    endpoint: `https://127.0.0.1:${port}`,
    expectedNodeId: prefecture.nodeId,
  });
}

beforeAll(async () => {
  pki = await createTestPki();
  otherPki = await createTestPki({ commonName: 'Impostor Root CA' });
  const lastYear = new Date(Date.now() - 365 * 24 * 3600 * 1000);
  [prefecture, municipality, neighbour, agency, expired, revoked, foreign] = await Promise.all([
    pki.issue('pref-13'),
    pki.issue('muni-131059'),
    pki.issue('muni-131016'),
    pki.issue('agency-mhlw'),
    pki.issue('muni-132012', {
      validFrom: lastYear,
      validTo: new Date(lastYear.getTime() + 30 * 24 * 3600 * 1000),
    }),
    pki.issue('muni-131130'),
    otherPki.issue('muni-131059'),
  ]);
  server = createNetworkServer({
    tls: tlsMaterialOf(pki, prefecture, await pki.crl([revoked])),
    routes: [
      {
        method: 'POST',
        path: '/v1/identity-changes',
        allow: byRoles('municipality'),
        handler: (request) => {
          seen.push(request);
          return { body: { acceptedFrom: request.peer.nodeId, role: request.peer.role } };
        },
      },
    ],
    onSecurityEvent: (event) => {
      events.push(event);
      for (const waiter of waiters.filter((candidate) => candidate.match(event))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    },
  });
  ({ port } = await server.listen());
  dir = await mkdtemp(join(tmpdir(), 'jukinet-mtls-'));
  await writeFile(join(dir, 'ca.pem'), pki.ca.certificatePem);
});

afterAll(async () => {
  await server?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('the network port accepts a node certificate from the network CA', () => {
  it('answers curl presenting a municipality certificate, with the identity read from that certificate', async () => {
    const answer = await curl('/v1/identity-changes', { node: municipality });
    expect(answer.exitCode).toBe(0);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ acceptedFrom: 'muni-131059', role: 'municipality' });
    expect(seen.at(-1)?.peer).toMatchObject({
      nodeId: 'muni-131059',
      serialNumber: municipality.serialNumber,
    });
  });

  it('answers our peer client the same way', async () => {
    const client = clientFor(municipality);
    try {
      expect(await client.request('POST', '/v1/identity-changes', {})).toEqual({
        acceptedFrom: 'muni-131059',
        role: 'municipality',
      });
    } finally {
      await client.close();
    }
  });
});

describe('the network port refuses', () => {
  it('a client without a certificate (curl), before any HTTP exchange', async () => {
    const handled = seen.length;
    const answer = await curl('/v1/identity-changes');
    expect(answer.exitCode).not.toBe(0);
    expect(answer.status).toBe(0);
    expect(seen.length).toBe(handled);
    const event = await handshakeRefused('ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
    expect(event.detail.remoteAddress).toBe('127.0.0.1');
  });

  it('a client without a certificate (openssl s_client), with the TLS 1.3 "certificate required" alert', async () => {
    const result = await run(
      'openssl',
      [
        's_client',
        '-ign_eof',
        '-connect',
        `127.0.0.1:${port}`,
        '-tls1_3',
        '-alpn',
        'h2',
        '-CAfile',
        join(dir, 'ca.pem'),
      ],
      '',
    );
    // The server's own certificate verifies: the refusal is ours, not a client-side trust problem.
    expect(result.stdout).toContain('Verify return code: 0 (ok)');
    expect(result.stdout).toContain('TLSv1.3');
    expect(`${result.stdout}\n${result.stderr}`).toMatch(/alert certificate required|SSL alert number 116/);
  });

  it('a certificate from another CA (curl), even one naming a real node id', async () => {
    const answer = await curl('/v1/identity-changes', { node: foreign });
    expect(answer.exitCode).not.toBe(0);
    expect(answer.status).toBe(0);
    await handshakeRefused('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('a certificate from another CA (peer client) with JUKI_ERR_PEER_UNREACHABLE', async () => {
    const client = clientFor(foreign, otherPki);
    try {
      const error = await refusal(client.request('POST', '/v1/identity-changes', {}));
      // The client trusts only the impostor CA here, so it refuses our server as well: nothing gets through.
      expect(error.code).toBe('JUKI_ERR_PEER_UNREACHABLE');
    } finally {
      await client.close();
    }
  });

  it('an expired certificate', async () => {
    const client = clientFor(expired);
    try {
      const error = await refusal(client.request('POST', '/v1/identity-changes', {}));
      expect(error.code).toBe('JUKI_ERR_PEER_UNREACHABLE');
      await handshakeRefused('CERT_HAS_EXPIRED');
      const answer = await curl('/v1/identity-changes', { node: expired });
      expect(answer.status).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('a certificate the CRL it started with lists', async () => {
    const client = clientFor(revoked);
    try {
      const error = await refusal(client.request('POST', '/v1/identity-changes', {}));
      expect(error.code).toBe('JUKI_ERR_PEER_UNREACHABLE');
      await handshakeRefused('CERT_REVOKED');
      const answer = await curl('/v1/identity-changes', { node: revoked });
      expect(answer.exitCode).not.toBe(0);
      expect(answer.status).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('a live peer once updateTls() installs a CRL revoking it, while other peers go on', async () => {
    const revokedLater = clientFor(neighbour);
    const unaffected = clientFor(municipality);
    try {
      expect(await revokedLater.request('POST', '/v1/identity-changes', {})).toMatchObject({
        acceptedFrom: 'muni-131016',
      });
      expect(await unaffected.request('POST', '/v1/identity-changes', {})).toMatchObject({
        acceptedFrom: 'muni-131059',
      });
      const eventsBefore = events.length;

      server.updateTls({ crlPem: await pki.crl([revoked, neighbour]) });

      const error = await refusal(revokedLater.request('POST', '/v1/identity-changes', {}));
      expect(error.code).toBe('JUKI_ERR_PEER_UNREACHABLE');
      await securityEvent(
        (event) => event.detail.reason === 'CERT_REVOKED' && events.indexOf(event) >= eventsBefore,
      );
      expect(await unaffected.request('POST', '/v1/identity-changes', {})).toMatchObject({
        acceptedFrom: 'muni-131059',
      });
    } finally {
      await revokedLater.close();
      await unaffected.close();
    }
  });

  it('a role the route does not allow: 403 JUKI_ERR_PEER_FORBIDDEN, reported as a security event', async () => {
    const client = clientFor(agency);
    try {
      const error = await refusal(
        client.request('POST', '/v1/identity-changes', { resident: '12345678901' }),
      );
      expect(error.code).toBe('JUKI_ERR_PEER_FORBIDDEN');
      expect((error.cause as { status: number }).status).toBe(403);
      const event = await securityEvent((candidate) => candidate.kind === 'forbidden');
      expect(event).toMatchObject({
        peer: 'agency-mhlw',
        detail: { code: 'JUKI_ERR_PEER_FORBIDDEN', status: 403, path: '/v1/identity-changes' },
      });
    } finally {
      await client.close();
    }
    const answer = await curl('/v1/identity-changes', { node: agency });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({
      error: {
        code: 'JUKI_ERR_PEER_FORBIDDEN',
        origin: 'network',
        category: 'security',
        message: 'Peer is not allowed on this route: "agency-mhlw" (agency) on POST "/v1/identity-changes"',
      },
    });
    expect(seen.some((request) => request.peer.nodeId === 'agency-mhlw')).toBe(false);
  });

  it('to resume a TLS session, so that every connection is checked against the current CRL', async () => {
    const handshake = (session?: Buffer): Promise<{ resumed: boolean; session: Buffer | undefined }> =>
      new Promise((resolve, reject) => {
        let ticket: Buffer | undefined;
        const socket = tlsConnect({
          host: '127.0.0.1',
          port,
          ca: pki.ca.certificatePem,
          cert: municipality.certificatePem,
          key: municipality.privateKeyPem,
          ALPNProtocols: ['h2'],
          checkServerIdentity: () => undefined,
          ...(session === undefined ? {} : { session }),
        });
        socket.on('session', (received: Buffer) => (ticket = received));
        socket.on('error', reject);
        socket.on('secureConnect', () => {
          // TLS 1.3 tickets arrive after the handshake: wait for the server's first HTTP/2 frame before looking.
          socket.once('data', () => {
            resolve({ resumed: socket.isSessionReused(), session: ticket });
            socket.destroy();
          });
        });
      });
    const first = await handshake();
    expect(first.resumed).toBe(false);
    const second = await handshake(first.session);
    expect(second.resumed).toBe(false);
  });

  it('TLS 1.2, even with a good certificate', async () => {
    const answer = await curl('/v1/identity-changes', {
      node: municipality,
      extra: ['--tlsv1.2', '--tls-max', '1.2'],
    });
    expect(answer.exitCode).not.toBe(0);
    expect(answer.status).toBe(0);
  });

  it('HTTP/1.1, even with a good certificate', async () => {
    const answer = await curl('/v1/identity-changes', { node: municipality, extra: ['--http1.1'] });
    expect(answer.status).not.toBe(200);
  });
});
