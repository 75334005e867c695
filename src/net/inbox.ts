// The receiving side of delivery (docs/protocol/delivery.md): checks each envelope (addressee, sender, signature,
// body), then applies the batch exactly once and in sequence order, recording each (from, id) in the inbox in the same
// transaction as its effect.

import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import type { NodeId } from '../domain/node-id.js';
import { parseEnvelope, type Envelope, type MessageRegistry } from '../protocol/index.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { JukinetError, isJukinetError, quote, type ErrorCode } from '../shared/errors.js';
import { isUniqueViolation, type Database, type Store } from '../store/index.js';
import { verifyEnvelopeSignature } from './envelope-signing.js';

/** What the receiver did with an envelope; the sender counts applied, duplicate and held as delivered. */
export const AckStatus = {
  /** Applied now, in this request. */
  applied: 'applied',
  /** Applied before (its (from, id) is in the inbox); nothing was applied again. */
  duplicate: 'duplicate',
  /** Stored durably behind a gap in the sequence; it is applied when the missing messages arrive. */
  held: 'held',
  /** Refused; nothing was applied or stored, and the envelopes after it in the request were not looked at. */
  rejected: 'rejected',
} as const;
export type AckStatus = (typeof AckStatus)[keyof typeof AckStatus];

/** The statuses that end the sender's responsibility for a message. */
export const DELIVERED_STATUSES: readonly AckStatus[] = ['applied', 'duplicate', 'held'];

/** The receiver's answer for one envelope, in the order of the request (docs/protocol/delivery.md, "Acks"). */
export type Ack =
  | { readonly id: string; readonly seq: number; readonly status: 'applied' | 'duplicate' | 'held' }
  | {
      readonly id: string | null;
      readonly seq: number | null;
      readonly status: 'rejected';
      readonly error: { readonly code: ErrorCode; readonly message: string };
    };

/** Kinds of security event the inbox records in `security_event`. */
export const InboxSecurityEventKind = {
  badSignature: 'bad-signature',
  senderMismatch: 'sender-mismatch',
  forbiddenMessage: 'forbidden-message',
} as const;
export type InboxSecurityEventKind = (typeof InboxSecurityEventKind)[keyof typeof InboxSecurityEventKind];

export interface InboxSecurityEvent {
  readonly kind: InboxSecurityEventKind;
  /** The authenticated peer that presented the envelope. */
  readonly peer: NodeId;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** Applies one message's effect in the inbox's transaction; throw a JukinetError to refuse it (nothing commits). */
export type ApplyMessage = (trx: Transaction<Database>, envelope: Envelope, body: unknown) => Promise<void>;

export interface ReceiveOptions {
  /** This node's id: every envelope must be addressed to it. */
  readonly self: NodeId;
  /** The request's envelopes, untrusted, in the sender's sequence order. */
  readonly envelopes: readonly unknown[];
  /** The node id from the peer's client certificate; on one hop the originator is always the peer. */
  readonly authenticatedPeer: NodeId;
  /** The originator's certificate (PEM), to verify the envelope signature; undefined when none is known. */
  readonly senderCertificate: (nodeId: NodeId) => Promise<string | undefined> | string | undefined;
  readonly registry: MessageRegistry;
  readonly apply: ApplyMessage;
  /** Per-type authorisation ("only muni-X may send identity changes for X"); refusal is JUKI_ERR_PEER_FORBIDDEN. */
  readonly authorise?: (peer: NodeId, envelope: Envelope) => boolean | Promise<boolean>;
  /** Called after a security event was recorded in `security_event`. */
  readonly onSecurityEvent?: (event: InboxSecurityEvent) => void;
  /** For `received_at` and security event times; defaults to the system clock. */
  readonly clock?: Clock;
}

/**
 * Receives a batch of envelopes from one authenticated peer and returns one ack per envelope, in order, only after
 * the transaction that applied them committed (durable before acknowledged). Each envelope is checked first
 * (addressee, sender, signature, authorisation, body); those that pass are applied in order in one transaction, so a
 * batch costs one durable commit, not one per envelope. Processing stops at the first refused envelope, whose ack says
 * why; the envelopes before it are applied and the sender retries the rest later. A failure that is not a
 * JukinetError (a bug in `apply`, a database outage) is thrown and nothing of the batch commits: the sender retries it.
 */
export async function receiveEnvelopes(store: Store, options: ReceiveOptions): Promise<Ack[]> {
  const checked: CheckedEnvelope[] = [];
  let refusal: Ack | undefined;
  for (const raw of options.envelopes) {
    try {
      checked.push(await checkOne(store, raw, options));
    } catch (error) {
      if (!isJukinetError(error)) throw error;
      refusal = rejectedAck(peekIdAndSeq(raw), error);
      break;
    }
  }
  let applying = checked;
  for (;;) {
    if (applying.length === 0) return refusal === undefined ? [] : [refusal];
    try {
      const acks = await commitWithRetry(store, applying, options);
      return refusal === undefined ? acks : [...acks, refusal];
    } catch (error) {
      if (!(error instanceof EnvelopeRefused)) throw error;
      // Nothing of the batch committed: apply the envelopes before the refused one again, without it.
      refusal = rejectedAck(applying[error.index]!.envelope, error.cause);
      applying = applying.slice(0, error.index);
    }
  }
}

interface CheckedEnvelope {
  readonly envelope: Envelope;
  readonly body: unknown;
}

/** Thrown out of the batch transaction (rolling it back) when applying the envelope at `index` was refused. */
class EnvelopeRefused extends Error {
  constructor(
    readonly index: number,
    override readonly cause: JukinetError,
  ) {
    super(cause.message);
  }
}

function rejectedAck(at: { id: string | null; seq: number | null }, error: JukinetError): Ack {
  return {
    id: at.id,
    seq: at.seq,
    status: 'rejected',
    error: { code: error.code, message: error.message },
  };
}

async function checkOne(store: Store, raw: unknown, options: ReceiveOptions): Promise<CheckedEnvelope> {
  const envelope = parseEnvelope(raw);
  if (envelope.to !== options.self) {
    throw new JukinetError(
      'JUKI_ERR_MESSAGE_NOT_FOR_US',
      `${quote(envelope.to)}, this node is ${quote(options.self)}`,
    );
  }
  if (envelope.from !== options.authenticatedPeer) {
    await recordSecurityEvent(store, options, {
      kind: 'sender-mismatch',
      peer: options.authenticatedPeer,
      detail: { id: envelope.id, from: envelope.from, type: envelope.type, seq: envelope.seq },
    });
    throw new JukinetError(
      'JUKI_ERR_MESSAGE_SENDER_MISMATCH',
      `envelope from ${quote(envelope.from)}, peer ${quote(options.authenticatedPeer)}`,
    );
  }
  const reason = await checkSignature(envelope, options);
  if (reason !== undefined) {
    await recordSecurityEvent(store, options, {
      kind: 'bad-signature',
      peer: options.authenticatedPeer,
      detail: { id: envelope.id, from: envelope.from, type: envelope.type, seq: envelope.seq, reason },
    });
    throw new JukinetError(
      'JUKI_ERR_SIGNATURE_INVALID',
      `message ${quote(envelope.id)} from ${quote(envelope.from)}: ${reason}`,
    );
  }
  if (options.authorise !== undefined && !(await options.authorise(options.authenticatedPeer, envelope))) {
    await recordSecurityEvent(store, options, {
      kind: 'forbidden-message',
      peer: options.authenticatedPeer,
      detail: { id: envelope.id, type: envelope.type, seq: envelope.seq },
    });
    throw new JukinetError(
      'JUKI_ERR_PEER_FORBIDDEN',
      `${quote(options.authenticatedPeer)} may not send ${quote(envelope.type)}`,
    );
  }
  return { envelope, body: options.registry.parseBody(envelope.type, envelope.body) };
}

/** Undefined when the signature verifies with the originator's certificate, else why not. */
async function checkSignature(envelope: Envelope, options: ReceiveOptions): Promise<string | undefined> {
  const certificate = await options.senderCertificate(envelope.from);
  if (certificate === undefined) return `no certificate known for ${quote(envelope.from)}`;
  return verifyEnvelopeSignature(envelope, certificate) ? undefined : 'signature does not verify';
}

/**
 * Runs the batch's apply transaction. Two requests carrying the same envelope can race (a sender retrying after a
 * timeout while the first request still runs): the channel row lock serialises them on PostgreSQL, and should one
 * still lose on a unique key, the retry finds the winner's inbox rows and answers duplicate.
 */
async function commitWithRetry(
  store: Store,
  batch: readonly CheckedEnvelope[],
  options: ReceiveOptions,
): Promise<Ack[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.transaction(async (trx) => {
        const acks: Ack[] = [];
        for (const [index, { envelope, body }] of batch.entries()) {
          try {
            acks.push(await applyInOrder(trx, envelope, body, options));
          } catch (error) {
            if (isJukinetError(error)) throw new EnvelopeRefused(index, error);
            throw error;
          }
        }
        return acks;
      });
    } catch (error) {
      if (attempt >= 3 || !isUniqueViolation(error)) throw error;
    }
  }
}

async function applyInOrder(
  trx: Transaction<Database>,
  envelope: Envelope,
  body: unknown,
  options: ReceiveOptions,
): Promise<Ack> {
  const from = envelope.from;
  const ack = { id: envelope.id, seq: envelope.seq } as const;
  // The upsert takes the channel's row lock for the rest of the transaction (docs/protocol/delivery.md, "Receive").
  const channel = await trx
    .insertInto('inbox_channel')
    .values({ from_node: from, last_seq: 0 })
    .onConflict((conflict) =>
      conflict.column('from_node').doUpdateSet({ last_seq: sql<number>`inbox_channel.last_seq` }),
    )
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  const lastSeq = Number(channel.last_seq);

  const seen = await trx
    .selectFrom('inbox')
    .select('seq')
    .where('from_node', '=', from)
    .where('id', '=', envelope.id)
    .executeTakeFirst();
  if (seen !== undefined) {
    if (Number(seen.seq) !== envelope.seq) throw seqConflict(envelope, `it was applied at seq ${seen.seq}`);
    return { ...ack, status: 'duplicate' };
  }
  if (envelope.seq <= lastSeq) throw seqConflict(envelope, `seq ${lastSeq} was already applied`);

  const pendingAtSeq = await trx
    .selectFrom('inbox_pending')
    .select('id')
    .where('from_node', '=', from)
    .where('seq', '=', envelope.seq)
    .executeTakeFirst();
  if (pendingAtSeq !== undefined && pendingAtSeq.id !== envelope.id) {
    throw seqConflict(envelope, `message ${quote(pendingAtSeq.id)} is held at this seq`);
  }
  const receivedAt = (options.clock ?? systemClock).now().toISOString();

  if (envelope.seq > lastSeq + 1) {
    if (pendingAtSeq === undefined) {
      await trx
        .insertInto('inbox_pending')
        .values({
          from_node: from,
          seq: envelope.seq,
          id: envelope.id,
          envelope: JSON.stringify(envelope),
          received_at: receivedAt,
        })
        .execute();
    }
    return { ...ack, status: 'held' };
  }

  if (pendingAtSeq !== undefined) {
    await trx
      .deleteFrom('inbox_pending')
      .where('from_node', '=', from)
      .where('seq', '=', envelope.seq)
      .execute();
  }
  await applyOne(trx, envelope, body, receivedAt, options);
  let applied = envelope.seq;
  // Held messages that the gap was hiding now follow, in order, in this same transaction.
  for (;;) {
    const next = await trx
      .selectFrom('inbox_pending')
      .selectAll()
      .where('from_node', '=', from)
      .where('seq', '=', applied + 1)
      .executeTakeFirst();
    if (next === undefined) break;
    const held = parseEnvelope(JSON.parse(next.envelope));
    await trx.deleteFrom('inbox_pending').where('from_node', '=', from).where('seq', '=', next.seq).execute();
    await applyOne(trx, held, options.registry.parseBody(held.type, held.body), receivedAt, options);
    applied += 1;
  }
  await trx.updateTable('inbox_channel').set({ last_seq: applied }).where('from_node', '=', from).execute();
  return { ...ack, status: 'applied' };
}

async function applyOne(
  trx: Transaction<Database>,
  envelope: Envelope,
  body: unknown,
  receivedAt: string,
  options: ReceiveOptions,
): Promise<void> {
  await options.apply(trx, envelope, body);
  await trx
    .insertInto('inbox')
    .values({
      from_node: envelope.from,
      id: envelope.id,
      seq: envelope.seq,
      type: envelope.type,
      received_at: receivedAt,
    })
    .execute();
}

function seqConflict(envelope: Envelope, why: string): JukinetError {
  return new JukinetError(
    'JUKI_ERR_MESSAGE_SEQ_CONFLICT',
    `message ${quote(envelope.id)} from ${quote(envelope.from)} at seq ${envelope.seq}: ${why}`,
  );
}

async function recordSecurityEvent(
  store: Store,
  options: ReceiveOptions,
  event: InboxSecurityEvent,
): Promise<void> {
  await store.db
    .insertInto('security_event')
    .values({
      at: (options.clock ?? systemClock).now().toISOString(),
      kind: event.kind,
      peer: event.peer,
      detail: JSON.stringify(event.detail),
    })
    .execute();
  options.onSecurityEvent?.(event);
}

/** The id and seq of an envelope that failed to parse, when they are there, for the rejected ack. */
function peekIdAndSeq(raw: unknown): { id: string | null; seq: number | null } {
  if (typeof raw !== 'object' || raw === null) return { id: null, seq: null };
  const { id, seq } = raw as { id?: unknown; seq?: unknown };
  return {
    id: typeof id === 'string' ? id.slice(0, 100) : null,
    seq: typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : null,
  };
}
