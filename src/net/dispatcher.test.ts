import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { createTestPki, type TestNode, type TestPki } from '../crypto/testing/test-pki.js';
import type { NodeId } from '../domain/node-id.js';
import { ALL_MESSAGES, createMessageRegistry } from '../protocol/index.js';
import { createFixedClock } from '../shared/clock.js';
import type { Store } from '../store/index.js';
import { createDispatcher, type Dispatcher, type DispatcherOptions } from './dispatcher.js';
import type { ApplyMessage } from './inbox.js';
import { messagesRoute } from './messaging.js';
import { createNetworkServer, type NetworkServer } from './network-server.js';
import { enqueueMessage } from './outbox.js';
import { createAppliedLog, readAppliedLog, recordingApply } from './testing/delivery-log.js';
import { signEnvelope } from './envelope-signing.js';
import { tlsMaterialOf } from './testing/tls-material.js';
import { waitUntil } from '../../test/support/wait.js';

const MUNICIPALITY = 'muni-131059' as NodeId;
const PREFECTURE = 'pref-13' as NodeId;

let pki: TestPki;
let sender: TestNode;
let receiver: TestNode;
let stranger: TestNode;
const registry = createMessageRegistry(ALL_MESSAGES);
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  pki = await createTestPki();
  sender = await pki.issue(MUNICIPALITY);
  receiver = await pki.issue(PREFECTURE);
  stranger = await pki.issue('muni-272175');
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startReceiver(store: Store, apply: ApplyMessage = recordingApply()): Promise<NetworkServer> {
  await createAppliedLog(store);
  const server = createNetworkServer({
    tls: tlsMaterialOf(pki, receiver),
    routes: [
      messagesRoute({
        store,
        self: PREFECTURE,
        registry,
        apply,
        senderCertificate: (nodeId) => (nodeId === MUNICIPALITY ? sender.certificatePem : undefined),
      }),
    ],
  });
  await server.listen(0, '127.0.0.1');
  cleanups.push(() => server.close());
  return server;
}

function endpointOf(server: NetworkServer): string {
  return `https://127.0.0.1:${server.port}`;
}

function startDispatcher(
  store: Store,
  endpoint: () => string,
  options?: Partial<DispatcherOptions>,
): Dispatcher {
  const dispatcher = createDispatcher({
    store,
    resolvePeer: () => ({ endpoint: endpoint() }),
    tls: tlsMaterialOf(pki, sender),
    backoff: { initialMs: 20, maxMs: 200 },
    ...options,
  });
  dispatcher.start();
  cleanups.push(() => dispatcher.stop());
  return dispatcher;
}

async function enqueue(store: Store, count: number, key = sender.privateKeyPem): Promise<string[]> {
  return store.transaction(async (trx) => {
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      const envelope = await enqueueMessage(trx, {
        from: MUNICIPALITY,
        to: PREFECTURE,
        type: 'node.ping',
        body: { note: `message ${index}` },
        sign: (unsigned) => signEnvelope(unsigned, key).sig,
      });
      ids.push(envelope.id);
    }
    return ids;
  });
}

async function outboxRows(store: Store) {
  const rows = await store.db.selectFrom('outbox').selectAll().orderBy('seq').execute();
  return rows.map((row) => ({ ...row, seq: Number(row.seq), attempts: Number(row.attempts) }));
}

describeEachEngine('createDispatcher()', ({ openFresh }) => {
  it('createDispatcher() delivers in seq order, marks rows delivered from the acks, and drained() resolves', async () => {
    const senderStore = await openFresh();
    const receiverStore = await openFresh();
    const server = await startReceiver(receiverStore);
    const dispatcher = startDispatcher(senderStore, () => endpointOf(server), { batchSize: 7 });

    const ids = [...(await enqueue(senderStore, 30)), ...(await enqueue(senderStore, 12))];
    dispatcher.kick(PREFECTURE);
    await dispatcher.drained(PREFECTURE);

    expect((await readAppliedLog(receiverStore)).map((row) => row.id)).toEqual(ids);
    const rows = await outboxRows(senderStore);
    expect(rows.every((row) => row.delivered_at !== null && row.attempts === 0)).toBe(true);
    expect(dispatcher.stats()[PREFECTURE]).toMatchObject({
      queued: 0,
      delivered: 42,
      attempts: 0,
      retries: 0,
    });
  });

  it('createDispatcher() retries with jittered backoff while the peer is down and delivers once it listens', async () => {
    const senderStore = await openFresh();
    const receiverStore = await openFresh();
    const server = await startReceiver(receiverStore);
    const port = server.port;
    await server.close();
    const clock = createFixedClock(new Date('2024-04-01T09:30:00.000Z'));
    const dispatcher = startDispatcher(senderStore, () => `https://127.0.0.1:${port}`, {
      backoff: { initialMs: 100, maxMs: 200 },
      random: () => 0.5,
      clock,
    });

    const ids = await enqueue(senderStore, 3);
    dispatcher.kick(PREFECTURE);
    await waitUntil('two attempts failed', () => (dispatcher.stats()[PREFECTURE]?.attempts ?? 0) >= 2);

    const rows = await outboxRows(senderStore);
    expect(rows.every((row) => row.delivered_at === null && row.attempts >= 1)).toBe(true);
    expect(rows[0]!.last_error).toContain('JUKI_ERR_PEER_UNREACHABLE');
    // Half of the ceiling min(200, 100 × 2^(n−1)): 50 ms after the first failure, then 100 ms.
    expect(['2024-04-01T09:30:00.050Z', '2024-04-01T09:30:00.100Z']).toContain(rows[0]!.next_attempt_at);
    expect(dispatcher.stats()[PREFECTURE]).toMatchObject({ queued: 3, delivered: 0 });
    expect(dispatcher.stats()[PREFECTURE]?.lastError).toContain('JUKI_ERR_PEER_UNREACHABLE');

    await server.listen(port, '127.0.0.1');
    await dispatcher.drained(PREFECTURE);
    expect((await readAppliedLog(receiverStore)).map((row) => row.id)).toEqual(ids);
    expect((await outboxRows(senderStore)).every((row) => row.next_attempt_at === null)).toBe(true);
    expect(dispatcher.stats()[PREFECTURE]).toMatchObject({ attempts: 0, delivered: 3 });
  });

  it('createDispatcher() never sends past a refused message: the later ones wait and the reason is recorded', async () => {
    const senderStore = await openFresh();
    const receiverStore = await openFresh();
    const server = await startReceiver(receiverStore);
    const dispatcher = startDispatcher(senderStore, () => endpointOf(server));

    const [first] = await enqueue(senderStore, 1);
    const [forged] = await enqueue(senderStore, 1, stranger.privateKeyPem);
    await enqueue(senderStore, 2);
    dispatcher.kick(PREFECTURE);
    await waitUntil(
      'the forged message was refused twice',
      () => (dispatcher.stats()[PREFECTURE]?.retries ?? 0) >= 2,
    );

    expect((await readAppliedLog(receiverStore)).map((row) => row.id)).toEqual([first]);
    const rows = await outboxRows(senderStore);
    expect(rows.map((row) => row.delivered_at !== null)).toEqual([true, false, false, false]);
    expect(rows[1]).toMatchObject({ id: forged });
    expect(rows[1]!.last_error).toContain('JUKI_ERR_SIGNATURE_INVALID');
    expect(dispatcher.stats()[PREFECTURE]?.lastError).toContain('JUKI_ERR_SIGNATURE_INVALID');
    expect(await receiverStore.db.selectFrom('inbox_pending').selectAll().execute()).toEqual([]);
    const events = await receiverStore.db.selectFrom('security_event').select('kind').execute();
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(new Set(events.map((event) => event.kind))).toEqual(new Set(['bad-signature']));
  });

  it('createDispatcher() stop() waits for the request in flight and records its ack', async () => {
    const senderStore = await openFresh();
    const receiverStore = await openFresh();
    let entered!: () => void;
    const applying = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const record = recordingApply();
    const server = await startReceiver(receiverStore, async (trx, envelope, body) => {
      entered();
      await gate;
      await record(trx, envelope, body);
    });
    const dispatcher = startDispatcher(senderStore, () => endpointOf(server));

    const [id] = await enqueue(senderStore, 1);
    dispatcher.kick(PREFECTURE);
    await applying;
    let stopped = false;
    const stopping = dispatcher.stop().then(() => (stopped = true));
    await sleep(50);
    expect(stopped).toBe(false);
    release();
    await stopping;

    expect((await outboxRows(senderStore))[0]).toMatchObject({ id, attempts: 0 });
    expect((await outboxRows(senderStore))[0]!.delivered_at).not.toBeNull();
    await expect(dispatcher.drained()).resolves.toBeUndefined();
  });

  it('createDispatcher() start() finds messages enqueued while it was stopped, and drained() rejects after stop()', async () => {
    const senderStore = await openFresh();
    const receiverStore = await openFresh();
    const server = await startReceiver(receiverStore);
    const ids = await enqueue(senderStore, 5);
    const dispatcher = startDispatcher(senderStore, () => endpointOf(server));
    await dispatcher.drained();
    expect((await readAppliedLog(receiverStore)).map((row) => row.id)).toEqual(ids);

    await server.close();
    await enqueue(senderStore, 1);
    dispatcher.kick(PREFECTURE);
    const draining = dispatcher.drained(PREFECTURE);
    await dispatcher.stop();
    await expect(draining).rejects.toMatchObject({ code: 'JUKI_ERR_DISPATCHER_STOPPED' });
  });
});
