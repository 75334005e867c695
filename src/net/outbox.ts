// The transactional outbox (docs/protocol/delivery.md): a message is enqueued in the caller's transaction, with the
// next sequence number of its channel, so the state change and the message commit together or not at all.

import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import type { NodeId } from '../domain/node-id.js';
import { createUnsignedEnvelope, type Envelope, type UnsignedEnvelope } from '../protocol/index.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { Database } from '../store/index.js';

/** Signs an unsigned envelope and returns its base64url signature (usually `signEnvelope` with the node's key). */
export type EnvelopeSigner = (unsigned: UnsignedEnvelope) => string | Promise<string>;

export interface EnqueueOptions {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly type: string;
  readonly body: unknown;
  readonly sign: EnvelopeSigner;
  /** The envelope's `at` and the row's `created_at`; defaults to the system clock. */
  readonly clock?: Clock;
}

/**
 * Enqueues one message for `to` inside the caller's transaction and returns the signed envelope. The channel's next
 * sequence number is taken by an upsert on `outbox_channel`, which row-locks the channel until the transaction ends:
 * concurrent senders on one channel get contiguous numbers in commit order, and a rolled-back transaction consumes
 * none (docs/protocol/delivery.md, "Enqueue").
 */
export async function enqueueMessage(trx: Transaction<Database>, options: EnqueueOptions): Promise<Envelope> {
  const now = (options.clock ?? systemClock).now();
  const seq = await allocateSeq(trx, options.to);
  const unsigned = createUnsignedEnvelope({
    type: options.type,
    from: options.from,
    to: options.to,
    seq,
    body: options.body,
    at: now,
  });
  const sig = await options.sign(unsigned);
  const envelope: Envelope = { ...unsigned, sig };
  await trx
    .insertInto('outbox')
    .values({
      id: envelope.id,
      peer: options.to,
      seq,
      type: envelope.type,
      envelope: JSON.stringify(envelope),
      created_at: now.toISOString(),
      attempts: 0,
      next_attempt_at: null,
      last_error: null,
      delivered_at: null,
    })
    .execute();
  return envelope;
}

/** Takes the next sequence number of the channel to `peer`; `next_seq` is the number the next message will carry. */
async function allocateSeq(trx: Transaction<Database>, peer: NodeId): Promise<number> {
  const row = await trx
    .insertInto('outbox_channel')
    .values({ peer, next_seq: 2 })
    .onConflict((conflict) =>
      conflict.column('peer').doUpdateSet({ next_seq: sql<number>`outbox_channel.next_seq + 1` }),
    )
    .returning('next_seq')
    .executeTakeFirstOrThrow();
  return Number(row.next_seq) - 1;
}
