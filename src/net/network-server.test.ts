import { connect } from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JukinetError, isJukinetError } from '../shared/errors.js';
import type { NodeId } from '../domain/node-id.js';
import { createTestPki, type TestNode, type TestPki } from '../crypto/testing/test-pki.js';
import { createNetworkServer, type NetworkServer, type SecurityEvent } from './network-server.js';
import { createPeerClient, type PeerClient } from './peer-client.js';
import { anyPeer, byNodes, byRoles, type NetworkRequest, type NetworkRoute } from './routes.js';
import { tlsMaterialOf } from './testing/tls-material.js';

let pki: TestPki;
let prefecture: TestNode;
let municipality: TestNode;
let national: TestNode;
let server: NetworkServer;
let endpoint: string;
const events: SecurityEvent[] = [];
const seen: NetworkRequest[] = [];
let releaseSlowHandler: () => void = () => undefined;

async function caught(promise: Promise<unknown>): Promise<JukinetError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof JukinetError) return error;
    throw error;
  }
  throw new Error('expected a JukinetError');
}

function clientFor(node: TestNode, options?: { expectedNodeId?: NodeId; timeoutMs?: number }): PeerClient {
  return createPeerClient({
    tls: tlsMaterialOf(pki, node),
    endpoint,
    expectedNodeId: options?.expectedNodeId ?? prefecture.nodeId,
    ...(options?.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}

const MUNICIPALITY = 'muni-131059' as NodeId;

const routes: NetworkRoute[] = [
  {
    method: 'POST',
    path: '/v1/echo',
    allow: anyPeer(),
    handler: (request) => {
      seen.push(request);
      return { body: { from: request.peer.nodeId, role: request.peer.role, received: request.body } };
    },
  },
  {
    method: 'GET',
    path: '/v1/things/:name',
    allow: byRoles('municipality'),
    handler: (request) => ({ body: { name: request.params.name, limit: request.query.get('limit') } }),
  },
  {
    method: 'POST',
    path: '/v1/nothing',
    allow: byNodes(MUNICIPALITY),
    handler: () => ({}),
  },
  {
    method: 'POST',
    path: '/v1/refuse',
    allow: anyPeer(),
    handler: (request) => {
      const { code } = request.body as {
        code: 'JUKI_ERR_LG_NOT_FOUND' | 'JUKI_ERR_STORE_UNAVAILABLE' | 'JUKI_ERR_MESSAGE_SENDER_MISMATCH';
      };
      throw new JukinetError(code, '"detail kept"');
    },
  },
  {
    method: 'POST',
    path: '/v1/crash',
    allow: anyPeer(),
    handler: () => {
      throw new Error('secret internals: password=hunter2');
    },
  },
  {
    method: 'POST',
    path: '/v1/slow',
    allow: anyPeer(),
    handler: () =>
      new Promise((resolve) => {
        releaseSlowHandler = () => resolve({ body: 'late' });
      }),
  },
];

beforeAll(async () => {
  pki = await createTestPki();
  [prefecture, municipality, national] = await Promise.all([
    pki.issue('pref-13'),
    pki.issue(MUNICIPALITY),
    pki.issue('national'),
  ]);
  server = createNetworkServer({
    tls: tlsMaterialOf(pki, prefecture),
    routes,
    onSecurityEvent: (event) => {
      events.push(event);
    },
  });
  const { port } = await server.listen();
  endpoint = `https://127.0.0.1:${port}`;
});

afterAll(async () => {
  await server.close();
});

describe('createNetworkServer() with a good peer', () => {
  it('answers, and the handler sees the node id and role from the client certificate', async () => {
    const client = clientFor(municipality);
    try {
      const answer = await client.request('POST', '/v1/echo', { hello: 'pref' });
      expect(answer).toEqual({ from: 'muni-131059', role: 'municipality', received: { hello: 'pref' } });
      const request = seen.at(-1)!;
      expect(request.peer.serialNumber).toBe(municipality.serialNumber);
      expect(request.peer.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await client.close();
    }
  });

  it('passes path parameters and the query, and answers 204 with no body as undefined', async () => {
    const client = clientFor(municipality);
    try {
      expect(await client.request('GET', '/v1/things/caf%C3%A9?limit=3')).toEqual({
        name: 'café',
        limit: '3',
      });
      expect(await client.request('POST', '/v1/nothing')).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('keeps one connection for many requests', async () => {
    const client = clientFor(municipality);
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, index) => client.request('POST', '/v1/echo', { index })),
      );
      expect(answers.map((answer) => (answer as { received: { index: number } }).received.index)).toEqual(
        Array.from({ length: 20 }, (_, index) => index),
      );
    } finally {
      await client.close();
    }
  });
});

describe('createNetworkServer() refusals at the edge', () => {
  it('answers 404 JUKI_ERR_ROUTE_NOT_FOUND for an unknown path and reports it', async () => {
    const client = clientFor(municipality);
    try {
      const error = await caught(client.request('POST', '/v1/nowhere', {}));
      expect(error.code).toBe('JUKI_ERR_ROUTE_NOT_FOUND');
      expect(error.detail).toBe('POST "/v1/nowhere"');
      expect(events).toContainEqual(
        expect.objectContaining({ kind: 'route-not-found', peer: 'muni-131059' }),
      );
    } finally {
      await client.close();
    }
  });

  it('refuses the wrong method on a known path', async () => {
    const client = clientFor(municipality);
    try {
      const error = await caught(client.request('GET', '/v1/echo'));
      expect(error.code).toBe('JUKI_ERR_ROUTE_NOT_FOUND');
      expect(error.detail).toContain('method not allowed');
    } finally {
      await client.close();
    }
  });

  it('refuses a peer a route does not allow by node id with 403 JUKI_ERR_PEER_FORBIDDEN', async () => {
    const client = clientFor(national);
    try {
      const error = await caught(client.request('POST', '/v1/nothing'));
      expect(error.code).toBe('JUKI_ERR_PEER_FORBIDDEN');
      expect(error.detail).toContain('"national"');
    } finally {
      await client.close();
    }
  });

  it('refuses a body that is not JSON, and one over the size limit', async () => {
    const small = createNetworkServer({ tls: tlsMaterialOf(pki, prefecture), routes, maxBodyBytes: 1024 });
    const { port } = await small.listen();
    const client = createPeerClient({
      tls: tlsMaterialOf(pki, municipality),
      endpoint: `https://127.0.0.1:${port}`,
      expectedNodeId: prefecture.nodeId,
    });
    try {
      const tooLarge = await caught(client.request('POST', '/v1/echo', { text: 'x'.repeat(2000) }));
      expect(tooLarge.code).toBe('JUKI_ERR_REQUEST_INVALID');
      expect(tooLarge.detail).toBe('body larger than 1024 bytes');
      expect(await client.request('POST', '/v1/echo', { text: 'fits' })).toMatchObject({
        received: { text: 'fits' },
      });
      // Without a content-length the server counts as the body arrives, and still answers 413.
      const session = connect(`https://127.0.0.1:${port}`, {
        ca: pki.ca.certificatePem,
        cert: municipality.certificatePem,
        key: municipality.privateKeyPem,
        checkServerIdentity: () => undefined,
      });
      try {
        const stream = session.request({ ':method': 'POST', ':path': '/v1/echo' });
        const status = new Promise<number>((resolve) => {
          stream.on('response', (headers) => resolve(Number(headers[':status'])));
        });
        stream.on('error', () => undefined);
        stream.write('"' + 'x'.repeat(800));
        stream.write('x'.repeat(800));
        expect(await status).toBe(413);
      } finally {
        session.destroy();
      }
    } finally {
      await client.close();
      await small.close();
    }
  });

  it('maps a handler error to the peer as the same code with its detail', async () => {
    const client = clientFor(municipality);
    try {
      const business = await caught(client.request('POST', '/v1/refuse', { code: 'JUKI_ERR_LG_NOT_FOUND' }));
      expect(business.code).toBe('JUKI_ERR_LG_NOT_FOUND');
      expect(business.detail).toBe('"detail kept"');
      expect((business.cause as { status: number }).status).toBe(422);
      const system = await caught(
        client.request('POST', '/v1/refuse', { code: 'JUKI_ERR_STORE_UNAVAILABLE' }),
      );
      expect((system.cause as { status: number }).status).toBe(503);
      const security = await caught(
        client.request('POST', '/v1/refuse', { code: 'JUKI_ERR_MESSAGE_SENDER_MISMATCH' }),
      );
      expect((security.cause as { status: number }).status).toBe(403);
      expect(events).toContainEqual(
        expect.objectContaining({ kind: 'handler-refused', peer: 'muni-131059' }),
      );
    } finally {
      await client.close();
    }
  });

  it('answers 500 JUKI_ERR_INTERNAL for a crash without leaking its message', async () => {
    const client = clientFor(municipality);
    try {
      const error = await caught(client.request('POST', '/v1/crash', {}));
      expect(error.code).toBe('JUKI_ERR_INTERNAL');
      expect(error.message).toBe('Internal error');
      expect(JSON.stringify((error.cause as { error: unknown }).error)).not.toContain('hunter2');
    } finally {
      await client.close();
    }
  });
});

describe('createPeerClient()', () => {
  it('refuses a server whose certificate names another node id', async () => {
    const client = clientFor(municipality, { expectedNodeId: 'national' as NodeId });
    const handled = seen.length;
    try {
      const error = await caught(client.request('POST', '/v1/echo', {}));
      expect(error.code).toBe('JUKI_ERR_PEER_IDENTITY_MISMATCH');
      expect(error.detail).toContain('the certificate names "pref-13"');
      expect(seen.length).toBe(handled);
    } finally {
      await client.close();
    }
  });

  it('refuses a server whose certificate comes from another CA', async () => {
    const otherPki = await createTestPki({ commonName: 'Impostor Root CA' });
    const impostor = await otherPki.issue('pref-13');
    const fake = createNetworkServer({ tls: tlsMaterialOf(otherPki, impostor), routes });
    const { port } = await fake.listen();
    const client = createPeerClient({
      tls: tlsMaterialOf(pki, municipality),
      endpoint: `https://127.0.0.1:${port}`,
      expectedNodeId: prefecture.nodeId,
    });
    try {
      const error = await caught(client.request('POST', '/v1/echo', {}));
      expect(error.code).toBe('JUKI_ERR_PEER_UNREACHABLE');
      expect(error.detail).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|certificate/i);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  it('reports JUKI_ERR_PEER_UNREACHABLE when nothing listens', async () => {
    const idle = createNetworkServer({ tls: tlsMaterialOf(pki, prefecture), routes: [] });
    const { port } = await idle.listen();
    await idle.close();
    const client = createPeerClient({
      tls: tlsMaterialOf(pki, municipality),
      endpoint: `https://127.0.0.1:${port}`,
      expectedNodeId: prefecture.nodeId,
    });
    const error = await caught(client.request('POST', '/v1/echo', {}));
    expect(error.code).toBe('JUKI_ERR_PEER_UNREACHABLE');
    expect(error.detail).toContain('ECONNREFUSED');
    await client.close();
  });

  it('gives up with JUKI_ERR_PEER_TIMEOUT when the peer does not answer in time', async () => {
    const client = clientFor(municipality, { timeoutMs: 300 });
    try {
      const error = await caught(client.request('POST', '/v1/slow', {}));
      expect(error.code).toBe('JUKI_ERR_PEER_TIMEOUT');
      releaseSlowHandler();
      expect(await client.request('POST', '/v1/echo', { after: 'timeout' })).toMatchObject({
        received: { after: 'timeout' },
      });
    } finally {
      await client.close();
    }
  });

  it('reconnects after the peer restarts on the same port', async () => {
    const restarting = createNetworkServer({ tls: tlsMaterialOf(pki, prefecture), routes });
    const { port } = await restarting.listen();
    const client = createPeerClient({
      tls: tlsMaterialOf(pki, municipality),
      endpoint: `https://127.0.0.1:${port}`,
      expectedNodeId: prefecture.nodeId,
    });
    try {
      expect(await client.request('POST', '/v1/echo', { n: 1 })).toMatchObject({ received: { n: 1 } });
      await restarting.close();
      const down = await caught(client.request('POST', '/v1/echo', { n: 2 }));
      expect(isJukinetError(down, 'JUKI_ERR_PEER_UNREACHABLE')).toBe(true);
      const again = createNetworkServer({ tls: tlsMaterialOf(pki, prefecture), routes });
      await again.listen(port);
      try {
        expect(await client.request('POST', '/v1/echo', { n: 3 })).toMatchObject({ received: { n: 3 } });
      } finally {
        await again.close();
      }
    } finally {
      await client.close();
    }
  });
});
