// The outbox dispatcher (docs/protocol/delivery.md): one loop per peer sends undelivered messages in sequence order,
// marks them delivered only from the receiver's ack, and backs off with full jitter while the peer fails.

import { z } from 'zod';
import type { NodeId } from '../domain/node-id.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { JukinetError, isJukinetError, quote } from '../shared/errors.js';
import type { Store } from '../store/index.js';
import { DELIVERED_STATUSES } from './inbox.js';
import { MESSAGES_PATH } from './messaging.js';
import { createPeerClient, type PeerClient } from './peer-client.js';
import type { NodeTlsMaterial } from './tls-config.js';

/** Where a peer listens now; asked again after every failed attempt, so a moved peer is found. */
export type ResolvePeer = (nodeId: NodeId) => Promise<{ endpoint: string }> | { endpoint: string };

/** What the dispatcher logs. A pino logger fits. */
export interface DispatcherLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface DispatcherOptions {
  readonly store: Store;
  readonly resolvePeer: ResolvePeer;
  /** This node's client certificate, key and trust anchors for the mTLS links. */
  readonly tls: NodeTlsMaterial;
  /** Most envelopes per request. Default 100. */
  readonly batchSize?: number;
  /** Delay ceiling after the n-th consecutive failure: min(maxMs, initialMs × 2^(n−1)); the delay is uniform below it. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Safety net for messages enqueued without a `kick()`: how often an idle loop looks again. Default 5000 ms. */
  readonly pollIntervalMs?: number;
  /** Per-request timeout. Default 30,000 ms. */
  readonly requestTimeoutMs?: number;
  /** Uniform in [0, 1), for the jitter. Default Math.random. */
  readonly random?: () => number;
  readonly logger?: DispatcherLogger;
  /** For `delivered_at` and `next_attempt_at`. Waiting itself uses real timers. */
  readonly clock?: Clock;
}

/** Delivery state of one channel, for the monitor. */
export interface PeerDeliveryStats {
  /** Undelivered messages the last time the loop looked. */
  readonly queued: number;
  /** Messages acknowledged since start(). */
  readonly delivered: number;
  /** Of those, how many the receiver had already applied (a retry after a lost ack). */
  readonly duplicates: number;
  /** Consecutive failed attempts; 0 after a success. */
  readonly attempts: number;
  /** Failed attempts since start(). */
  readonly retries: number;
  readonly lastError: string | null;
  readonly lastErrorAt: string | null;
  readonly state: 'idle' | 'sending' | 'backing-off';
}

export interface Dispatcher {
  /** Starts a loop for every peer with a channel, and the safety-net poll. */
  start(): void;
  /** Stops every loop, waiting for requests in flight to finish (their acks are recorded). */
  stop(): Promise<void>;
  /**
   * Wakes the loop of `peer` (of every peer when omitted): call after committing an enqueue. Never cuts a backoff
   * short; ignored before start(), which finds every waiting message itself.
   */
  kick(peer?: NodeId): void;
  /** Resolves when no undelivered message remains (for `peer`, or at all); rejects when the dispatcher stops first. */
  drained(peer?: NodeId): Promise<void>;
  stats(): Record<string, PeerDeliveryStats>;
}

const ackSchema = z.object({
  id: z.string().nullable(),
  seq: z.number().nullable(),
  status: z.enum(['applied', 'duplicate', 'held', 'rejected']),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
const responseSchema = z.object({ acks: z.array(ackSchema) });

interface OutboxRow {
  readonly id: string;
  readonly seq: number;
  readonly envelope: string;
  readonly next_attempt_at: string | null;
}

interface PeerLoop {
  readonly peer: NodeId;
  /** The highest seq known delivered; undelivered rows are looked for above it. */
  cursor: number;
  kicked: boolean;
  /** Resolves the current wait early; `wakeOnKick` says whether a kick may. */
  wake: (() => void) | undefined;
  wakeOnKick: boolean;
  /** Not before this (performance.now()) may the next attempt start. */
  notBefore: number;
  firstFetch: boolean;
  client: { endpoint: string; client: PeerClient } | undefined;
  stats: { -readonly [K in keyof PeerDeliveryStats]: PeerDeliveryStats[K] };
  done: Promise<void>;
}

/** Creates the dispatcher of one node's outbox. Nothing runs until start(). */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { store } = options;
  const batchSize = options.batchSize ?? 100;
  const backoff = options.backoff ?? { initialMs: 250, maxMs: 60_000 };
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const random = options.random ?? Math.random;
  const clock = options.clock ?? systemClock;
  const loops = new Map<NodeId, PeerLoop>();
  const progressWaiters = new Set<() => void>();
  let running = false;
  let pollTimer: ReturnType<typeof setInterval> | undefined;

  function notifyProgress(): void {
    for (const wake of [...progressWaiters]) wake();
  }

  function ensureLoop(peer: NodeId): PeerLoop {
    const existing = loops.get(peer);
    if (existing !== undefined) return existing;
    const loop: PeerLoop = {
      peer,
      cursor: 0,
      kicked: true,
      wake: undefined,
      wakeOnKick: false,
      notBefore: 0,
      firstFetch: true,
      client: undefined,
      stats: {
        queued: 0,
        delivered: 0,
        duplicates: 0,
        attempts: 0,
        retries: 0,
        lastError: null,
        lastErrorAt: null,
        state: 'idle',
      },
      done: Promise.resolve(),
    };
    loops.set(peer, loop);
    loop.done = runLoop(loop);
    return loop;
  }

  async function discoverPeers(): Promise<void> {
    try {
      const channels = await store.db.selectFrom('outbox_channel').select('peer').execute();
      if (!running) return;
      for (const { peer } of channels) wakeLoop(ensureLoop(peer as NodeId), true);
    } catch (error) {
      options.logger?.warn({ err: error }, 'Outbox dispatcher could not list its channels');
    }
  }

  function wakeLoop(loop: PeerLoop, byKick: boolean): void {
    if (byKick) loop.kicked = true;
    if (loop.wake !== undefined && (!byKick || loop.wakeOnKick)) loop.wake();
  }

  /** Waits `ms` or until woken (by stop, or by a kick when `wakeOnKick`). */
  function pause(loop: PeerLoop, ms: number, wakeOnKick: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        loop.wake = undefined;
        resolve();
      }
      loop.wake = done;
      loop.wakeOnKick = wakeOnKick;
    });
  }

  async function runLoop(loop: PeerLoop): Promise<void> {
    await Promise.resolve();
    while (running) {
      loop.kicked = false;
      let rows: OutboxRow[];
      try {
        rows = await fetchBatch(loop);
      } catch (error) {
        options.logger?.warn({ err: error, peer: loop.peer }, 'Outbox dispatcher could not read the outbox');
        await pause(loop, Math.min(backoff.maxMs, pollIntervalMs), false);
        continue;
      }
      if (!running) break;
      if (rows.length === 0) {
        loop.stats.queued = 0;
        loop.stats.state = 'idle';
        notifyProgress();
        if (!loop.kicked) await pause(loop, pollIntervalMs, true);
        continue;
      }
      const head = rows[0]!;
      if (loop.firstFetch && head.next_attempt_at !== null) {
        // A backoff decided before a restart still holds, but never for longer than the ceiling.
        const left = Date.parse(head.next_attempt_at) - clock.now().getTime();
        loop.notBefore = performance.now() + Math.max(0, Math.min(left, backoff.maxMs));
      }
      loop.firstFetch = false;
      const wait = loop.notBefore - performance.now();
      if (wait > 0) {
        loop.stats.state = 'backing-off';
        await pause(loop, wait, false);
        continue;
      }
      loop.stats.state = 'sending';
      await sendBatch(loop, rows);
    }
    loop.stats.state = 'idle';
  }

  async function fetchBatch(loop: PeerLoop): Promise<OutboxRow[]> {
    const rows = await store.db
      .selectFrom('outbox')
      .select(['id', 'seq', 'envelope', 'next_attempt_at'])
      .where('peer', '=', loop.peer)
      .where('seq', '>', loop.cursor)
      .where('delivered_at', 'is', null)
      .orderBy('seq')
      .limit(batchSize)
      .execute();
    const head = rows[0];
    if (head !== undefined) {
      const channel = await store.db
        .selectFrom('outbox_channel')
        .select('next_seq')
        .where('peer', '=', loop.peer)
        .executeTakeFirst();
      loop.stats.queued = channel === undefined ? rows.length : Number(channel.next_seq) - Number(head.seq);
    }
    return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
  }

  async function clientFor(loop: PeerLoop): Promise<PeerClient> {
    const { endpoint } = await options.resolvePeer(loop.peer);
    if (loop.client !== undefined && loop.client.endpoint === endpoint) return loop.client.client;
    await dropClient(loop);
    const client = createPeerClient({
      tls: options.tls,
      endpoint,
      expectedNodeId: loop.peer,
      ...(options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs }),
    });
    loop.client = { endpoint, client };
    return client;
  }

  async function dropClient(loop: PeerLoop): Promise<void> {
    const current = loop.client;
    loop.client = undefined;
    if (current === undefined) return;
    try {
      await current.client.close();
    } catch {
      // The session is going away anyway.
    }
  }

  async function sendBatch(loop: PeerLoop, rows: readonly OutboxRow[]): Promise<void> {
    let acks: z.infer<typeof ackSchema>[];
    try {
      const client = await clientFor(loop);
      const response = await client.request('POST', MESSAGES_PATH, {
        envelopes: rows.map((row) => JSON.parse(row.envelope) as unknown),
      });
      const parsed = responseSchema.safeParse(response);
      if (!parsed.success)
        throw new JukinetError('JUKI_ERR_PEER_ERROR', `${quote(loop.peer)}: malformed acks`);
      acks = parsed.data.acks;
    } catch (error) {
      await dropClient(loop);
      await recordFailure(loop, rows, describeError(error));
      return;
    }

    const delivered: OutboxRow[] = [];
    let refusal: string | undefined;
    for (const [index, row] of rows.entries()) {
      const ack = acks[index];
      if (ack === undefined) break;
      if (ack.id !== row.id || ack.seq !== row.seq) {
        refusal = `JUKI_ERR_PEER_ERROR: ack ${index} is for ${quote(ack.id)}, sent ${quote(row.id)}`;
        break;
      }
      if (!DELIVERED_STATUSES.includes(ack.status)) {
        refusal = `${ack.error?.code ?? 'JUKI_ERR_PEER_ERROR'}: ${ack.error?.message ?? 'refused'}`;
        break;
      }
      if (ack.status === 'duplicate') loop.stats.duplicates += 1;
      delivered.push(row);
    }
    try {
      if (delivered.length > 0) await markDelivered(loop, delivered);
      if (refusal !== undefined) await recordFailure(loop, rows.slice(delivered.length), refusal);
    } catch (error) {
      // The acks are not recorded; the messages go again and come back as duplicates.
      options.logger?.warn({ err: error, peer: loop.peer }, 'Outbox dispatcher could not record acks');
      loop.notBefore = performance.now() + Math.min(backoff.maxMs, pollIntervalMs);
    }
  }

  async function markDelivered(loop: PeerLoop, rows: readonly OutboxRow[]): Promise<void> {
    await store.db
      .updateTable('outbox')
      .set({ delivered_at: clock.now().toISOString(), next_attempt_at: null })
      .where(
        'id',
        'in',
        rows.map((row) => row.id),
      )
      .execute();
    loop.cursor = rows[rows.length - 1]!.seq;
    loop.stats.delivered += rows.length;
    loop.stats.queued = Math.max(0, loop.stats.queued - rows.length);
    loop.stats.attempts = 0;
    loop.notBefore = 0;
    notifyProgress();
  }

  async function recordFailure(loop: PeerLoop, rows: readonly OutboxRow[], message: string): Promise<void> {
    loop.stats.attempts += 1;
    loop.stats.retries += 1;
    const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(loop.stats.attempts - 1, 30));
    const delay = Math.floor(random() * ceiling);
    const now = clock.now();
    loop.notBefore = performance.now() + delay;
    loop.stats.lastError = message;
    loop.stats.lastErrorAt = now.toISOString();
    options.logger?.warn(
      { peer: loop.peer, seq: rows[0]?.seq, attempts: loop.stats.attempts, retryInMs: delay, error: message },
      'Outbox delivery failed; retrying',
    );
    try {
      await store.db
        .updateTable('outbox')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          last_error: message.slice(0, 1000),
          next_attempt_at: new Date(now.getTime() + delay).toISOString(),
        }))
        .where(
          'id',
          'in',
          rows.map((row) => row.id),
        )
        .execute();
    } catch (error) {
      options.logger?.warn({ err: error, peer: loop.peer }, 'Outbox dispatcher could not record a failure');
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      void discoverPeers();
      pollTimer = setInterval(() => void discoverPeers(), pollIntervalMs);
      pollTimer.unref();
    },

    async stop() {
      if (!running) {
        await Promise.all([...loops.values()].map((loop) => loop.done));
        return;
      }
      running = false;
      clearInterval(pollTimer);
      pollTimer = undefined;
      for (const loop of loops.values()) loop.wake?.();
      const all = [...loops.values()];
      await Promise.all(all.map((loop) => loop.done));
      await Promise.all(all.map((loop) => dropClient(loop)));
      loops.clear();
      notifyProgress();
    },

    kick(peer) {
      if (!running) return;
      if (peer === undefined) void discoverPeers();
      else wakeLoop(ensureLoop(peer), true);
    },

    async drained(peer) {
      for (;;) {
        let query = store.db.selectFrom('outbox').select('id').where('delivered_at', 'is', null);
        if (peer !== undefined) query = query.where('peer', '=', peer);
        if ((await query.limit(1).executeTakeFirst()) === undefined) return;
        if (!running)
          throw new JukinetError('JUKI_ERR_DISPATCHER_STOPPED', peer === undefined ? undefined : quote(peer));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, pollIntervalMs);
          function done(): void {
            clearTimeout(timer);
            progressWaiters.delete(done);
            resolve();
          }
          progressWaiters.add(done);
        });
      }
    },

    stats() {
      const result: Record<string, PeerDeliveryStats> = {};
      for (const [peer, loop] of loops) result[peer] = { ...loop.stats };
      return result;
    },
  };
}

function describeError(error: unknown): string {
  if (isJukinetError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
