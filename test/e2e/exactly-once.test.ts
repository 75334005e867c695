// Exactly-once, in-order delivery between two real nodes over mTLS, each with its own database, while the receiving
// node is stopped (listener, sessions and database closed) and started again in the middle of the stream.

import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { createTestPki } from '../../src/crypto/testing/test-pki.js';
import { residentCodeCheckDigit } from '../../src/domain/resident-code.js';
import type { NodeId } from '../../src/domain/node-id.js';
import { createDispatcher } from '../../src/net/dispatcher.js';
import { signEnvelope } from '../../src/net/envelope-signing.js';
import { messagesRoute } from '../../src/net/messaging.js';
import { createNetworkServer, type NetworkServer } from '../../src/net/network-server.js';
import { enqueueMessage } from '../../src/net/outbox.js';
import { createAppliedLog, readAppliedLog, recordingApply } from '../../src/net/testing/delivery-log.js';
import { tlsMaterialOf } from '../../src/net/testing/tls-material.js';
import { createMessageRegistry, identityChanged, nodePing } from '../../src/protocol/index.js';
import type { Store } from '../../src/store/index.js';
import { describeEachEngine } from '../support/engines.js';
import { waitUntil } from '../support/wait.js';

const SENDER = 'muni-131059' as NodeId;
const RECEIVER = 'pref-13' as NodeId;
const TOTAL = 1_000;
const PER_TRANSACTION = 25;
const STOP_AFTER_APPLIED = 300;

/** A valid identity.changed body for the i-th resident. */
function identityChange(index: number): { change: Record<string, unknown> } {
  const body = String(1_000_000_000 + index);
  return {
    change: {
      residentCode: `${body}${residentCodeCheckDigit(body)}`,
      name: `試験 太郎${index}`,
      nameKana: 'シケン タロウ',
      birthDate: '1980-04-01',
      sex: 'male',
      address: `東京都文京区本郷一丁目${(index % 50) + 1}番1号`,
      lgCode: '131059',
      foreignResident: false,
      change: { reason: 'move-within', date: '2024-04-01' },
    },
  };
}

/** Polls `condition` every 20 ms until it holds; fails after `limitMs` so the test always stops by itself. */
async function withLimit<T>(what: string, promise: Promise<T>, limitMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out waiting until ${what}`)), limitMs);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

async function appliedCount(store: Store): Promise<number> {
  return (await readAppliedLog(store)).length;
}

describeEachEngine('exactly-once delivery across a receiver restart', ({ engine, openFresh, reopen }) => {
  it(`delivers ${TOTAL} identity.changed messages exactly once and in seq order while the receiver stops and restarts`, async () => {
    const started = performance.now();
    const pki = await createTestPki();
    const municipality = await pki.issue(SENDER);
    const prefecture = await pki.issue(RECEIVER);
    const registry = createMessageRegistry([nodePing, identityChanged]);

    const senderStore = await openFresh();
    let receiverStore = await openFresh();
    await createAppliedLog(receiverStore);

    let endpoint = '';
    async function startReceiver(store: Store): Promise<NetworkServer> {
      const server = createNetworkServer({
        tls: tlsMaterialOf(pki, prefecture),
        routes: [
          messagesRoute({
            store,
            self: RECEIVER,
            registry,
            apply: recordingApply(),
            senderCertificate: (nodeId) => (nodeId === SENDER ? municipality.certificatePem : undefined),
          }),
        ],
      });
      const { port } = await server.listen(0, '127.0.0.1');
      endpoint = `https://127.0.0.1:${port}`;
      return server;
    }
    let server = await startReceiver(receiverStore);

    const dispatcher = createDispatcher({
      store: senderStore,
      resolvePeer: () => ({ endpoint }),
      tls: tlsMaterialOf(pki, municipality),
      batchSize: 50,
      backoff: { initialMs: 20, maxMs: 400 },
      pollIntervalMs: 1_000,
      requestTimeoutMs: 5_000,
    });
    dispatcher.start();

    const enqueued: string[] = [];
    async function produce(): Promise<void> {
      for (let first = 0; first < TOTAL; first += PER_TRANSACTION) {
        const ids = await senderStore.transaction(async (trx) => {
          const batch: string[] = [];
          for (let index = first; index < first + PER_TRANSACTION; index++) {
            const envelope = await enqueueMessage(trx, {
              from: SENDER,
              to: RECEIVER,
              type: identityChanged.type,
              body: identityChange(index),
              sign: (unsigned) => signEnvelope(unsigned, municipality.privateKeyPem).sig,
            });
            batch.push(envelope.id);
          }
          return batch;
        });
        enqueued.push(...ids);
        dispatcher.kick(RECEIVER);
        await sleep(10);
      }
    }
    const producing = produce();

    try {
      // Stop the receiving node for real in the middle of the stream: listener and sessions, then its database.
      await waitUntil(
        `the receiver applied ${STOP_AFTER_APPLIED}`,
        async () => (await appliedCount(receiverStore)) >= STOP_AFTER_APPLIED,
        60_000,
      );
      await server.close();
      await receiverStore.close();
      const stoppedAt = performance.now();
      const retriesBeforeStop = dispatcher.stats()[RECEIVER]?.retries ?? 0;

      // The sender keeps enqueueing and retrying with backoff while the receiver is down.
      await sleep(500);
      await waitUntil(
        'the sender retried while the receiver was down',
        () => (dispatcher.stats()[RECEIVER]?.retries ?? 0) >= retriesBeforeStop + 2,
        30_000,
      );
      const retriesWhileDown = (dispatcher.stats()[RECEIVER]?.retries ?? 0) - retriesBeforeStop;

      receiverStore = await reopen(receiverStore);
      server = await startReceiver(receiverStore);
      const downMs = performance.now() - stoppedAt;

      await withLimit('every message was enqueued', producing, 60_000);
      await withLimit('the outbox drained', dispatcher.drained(RECEIVER), 120_000);
      const stats = dispatcher.stats()[RECEIVER];

      const applied = await readAppliedLog(receiverStore);
      expect(applied).toHaveLength(TOTAL);
      expect(new Set(applied.map((row) => row.id)).size).toBe(TOTAL);
      expect(applied.map((row) => row.id)).toEqual(enqueued);
      expect(applied.map((row) => row.seq)).toEqual(Array.from({ length: TOTAL }, (_, index) => index + 1));
      expect(applied.every((row) => row.from_node === SENDER && row.type === 'identity.changed')).toBe(true);

      const channel = await receiverStore.db
        .selectFrom('inbox_channel')
        .select('last_seq')
        .where('from_node', '=', SENDER)
        .executeTakeFirstOrThrow();
      expect(Number(channel.last_seq)).toBe(TOTAL);
      expect(await receiverStore.db.selectFrom('inbox_pending').selectAll().execute()).toEqual([]);
      const undelivered = await senderStore.db
        .selectFrom('outbox')
        .select('id')
        .where('delivered_at', 'is', null)
        .execute();
      expect(undelivered).toEqual([]);

      // Figures for the record, not assertions.
      console.info(
        `[exactly-once ${engine}] ${TOTAL} messages in ${Math.round(performance.now() - started)} ms; ` +
          `receiver down ${Math.round(downMs)} ms after ${STOP_AFTER_APPLIED}+ applied; ` +
          `retries while down ${retriesWhileDown}, retries in all ${stats?.retries}; delivered acks ${stats?.delivered} of which duplicates ${stats?.duplicates}`,
      );
    } finally {
      await dispatcher.stop();
      await producing.catch(() => undefined);
      await server.close();
    }
  }, 240_000);
});
