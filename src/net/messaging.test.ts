import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { createTestPki, type TestNode, type TestPki } from '../crypto/testing/test-pki.js';
import type { NodeId } from '../domain/node-id.js';
import {
  ALL_MESSAGES,
  createMessageRegistry,
  createUnsignedEnvelope,
  type Envelope,
} from '../protocol/index.js';
import type { Store } from '../store/index.js';
import type { PeerIdentity } from './peer-identity.js';
import {
  MESSAGES_PATH,
  messagesRoute,
  type MessagesResponse,
  type MessagesRouteOptions,
} from './messaging.js';
import { createNetworkServer, type NetworkServer } from './network-server.js';
import { createPeerClient, type PeerClient } from './peer-client.js';
import { createAppliedLog, readAppliedLog, recordingApply } from './testing/delivery-log.js';
import { signEnvelope } from './envelope-signing.js';
import { tlsMaterialOf } from './testing/tls-material.js';

const MUNICIPALITY = 'muni-131059' as NodeId;
const OTHER_MUNICIPALITY = 'muni-272175' as NodeId;
const PREFECTURE = 'pref-13' as NodeId;

let pki: TestPki;
let municipality: TestNode;
let otherMunicipality: TestNode;
let prefecture: TestNode;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  pki = await createTestPki();
  municipality = await pki.issue(MUNICIPALITY);
  otherMunicipality = await pki.issue(OTHER_MUNICIPALITY);
  prefecture = await pki.issue(PREFECTURE);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function envelope(seq: number, from: TestNode = municipality): Envelope {
  const unsigned = createUnsignedEnvelope({
    type: 'node.ping',
    from: from.nodeId,
    to: PREFECTURE,
    seq,
    body: { note: `message ${seq}` },
  });
  return signEnvelope(unsigned, from.privateKeyPem);
}

async function serve(store: Store, options?: Partial<MessagesRouteOptions>): Promise<NetworkServer> {
  await createAppliedLog(store);
  const certificates = new Map([
    [MUNICIPALITY, municipality.certificatePem],
    [OTHER_MUNICIPALITY, otherMunicipality.certificatePem],
  ]);
  const server = createNetworkServer({
    tls: tlsMaterialOf(pki, prefecture),
    routes: [
      messagesRoute({
        store,
        self: PREFECTURE,
        registry: createMessageRegistry(ALL_MESSAGES),
        apply: recordingApply(),
        senderCertificate: (nodeId) => certificates.get(nodeId),
        ...options,
      }),
    ],
  });
  await server.listen(0, '127.0.0.1');
  cleanups.push(() => server.close());
  return server;
}

function client(server: NetworkServer, node: TestNode): PeerClient {
  const peer = createPeerClient({
    tls: tlsMaterialOf(pki, node),
    endpoint: `https://127.0.0.1:${server.port}`,
    expectedNodeId: PREFECTURE,
  });
  cleanups.push(() => peer.close());
  return peer;
}

describeEachEngine('messagesRoute()', ({ openFresh }) => {
  it('messagesRoute() answers one ack per envelope over mTLS', async () => {
    const store = await openFresh();
    const server = await serve(store);
    const [one, two] = [envelope(1), envelope(2)];
    const answer = await client(server, municipality).request<MessagesResponse>('POST', MESSAGES_PATH, {
      envelopes: [two, one],
    });
    expect(answer).toEqual({
      acks: [
        { id: two.id, seq: 2, status: 'held' },
        { id: one.id, seq: 1, status: 'applied' },
      ],
    });
    expect((await readAppliedLog(store)).map((row) => row.seq)).toEqual([1, 2]);
  });

  it('messagesRoute() refuses a request that carries no envelopes', async () => {
    const store = await openFresh();
    const server = await serve(store);
    const peer = client(server, municipality);
    for (const body of [{}, { envelopes: [] }, { envelopes: 'x' }]) {
      await expect(peer.request('POST', MESSAGES_PATH, body)).rejects.toMatchObject({
        code: 'JUKI_ERR_REQUEST_INVALID',
      });
    }
  });

  it("messagesRoute() takes the sender from the client certificate: another node's envelope is refused", async () => {
    const store = await openFresh();
    const server = await serve(store);
    // A correctly signed envelope of MUNICIPALITY, replayed by OTHER_MUNICIPALITY over its own link.
    const answer = await client(server, otherMunicipality).request<MessagesResponse>('POST', MESSAGES_PATH, {
      envelopes: [envelope(1)],
    });
    expect(answer.acks).toMatchObject([
      { status: 'rejected', error: { code: 'JUKI_ERR_MESSAGE_SENDER_MISMATCH' } },
    ]);
    expect(await readAppliedLog(store)).toEqual([]);
  });

  it('messagesRoute() asks the authorise hook about each envelope with the peer identity', async () => {
    const store = await openFresh();
    const asked: [PeerIdentity, string][] = [];
    const server = await serve(store, {
      authorise: (peer, message) => {
        asked.push([peer, message.id]);
        return message.seq === 1;
      },
    });
    const [one, two] = [envelope(1), envelope(2)];
    const answer = await client(server, municipality).request<MessagesResponse>('POST', MESSAGES_PATH, {
      envelopes: [one, two],
    });
    expect(answer.acks).toMatchObject([
      { id: one.id, status: 'applied' },
      { id: two.id, status: 'rejected', error: { code: 'JUKI_ERR_PEER_FORBIDDEN' } },
    ]);
    expect(asked.map(([peer, id]) => [peer.nodeId, peer.role, id])).toEqual([
      [MUNICIPALITY, 'municipality', one.id],
      [MUNICIPALITY, 'municipality', two.id],
    ]);
    expect(await store.db.selectFrom('security_event').select('kind').execute()).toEqual([
      { kind: 'forbidden-message' },
    ]);
  });
});
