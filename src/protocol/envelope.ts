// The envelope every inter-node message travels in (docs/protocol/envelope.md): its schema, the exact fields the
// originator's signature covers, and the parser that turns untrusted input into an Envelope or a JukinetError.

import { z } from 'zod';
import { JukinetError } from '../shared/errors.js';
import { isUuidV7, newUuidV7 } from '../shared/ids.js';
import { isNodeId, type NodeId } from '../domain/node-id.js';
import { describeIssues } from './zod-issues.js';

/** The envelope format version this code writes and reads. */
export const ENVELOPE_VERSION = 1;

/** `<area>.<name>`, each lowercase kebab-case, optionally ending `-v<N>` for version N > 1 (docs/protocol/README.md). */
export const MESSAGE_TYPE_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*\.[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

const nodeIdSchema = z
  .string()
  .refine(isNodeId, { message: 'must be a node id (national, pref-NN, muni-NNNNNN or agency-<name>)' });

const MAX_BODY_DEPTH = 64;

/** True for what JSON can carry (and canonical JSON can sign): plain objects, arrays, strings, finite numbers, booleans, null. */
function isJsonValue(value: unknown, depth = 0): boolean {
  if (depth > MAX_BODY_DEPTH) return false;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      return Object.values(value).every((item) => isJsonValue(item, depth + 1));
    }
    case 'undefined':
    case 'bigint':
    case 'symbol':
    case 'function':
      return false;
  }
}

/** Zod schema of a signed envelope; strict, so that no field travels without being covered by the signature. */
export const envelopeSchema = z.strictObject({
  v: z.literal(ENVELOPE_VERSION, { error: `must be ${ENVELOPE_VERSION}` }),
  id: z.string({ error: 'must be a string' }).refine(isUuidV7, { message: 'must be a lowercase UUIDv7' }),
  type: z
    .string({ error: 'must be a string' })
    .max(100, { error: 'must be at most 100 characters' })
    .regex(MESSAGE_TYPE_PATTERN, { error: 'must be "<area>.<name>" in lowercase kebab-case' }),
  from: z.string({ error: 'must be a string' }).pipe(nodeIdSchema),
  to: z.string({ error: 'must be a string' }).pipe(nodeIdSchema),
  at: z.iso.datetime({ error: 'must be an ISO-8601 UTC timestamp ending in Z' }),
  seq: z.int({ error: 'must be a positive integer' }).positive({ error: 'must be a positive integer' }),
  body: z
    .unknown()
    .refine(isJsonValue, { error: 'must be a JSON value (no undefined, NaN, Infinity or class instances)' }),
  sig: z.base64url({ error: 'must be base64url' }).min(1, { error: 'must not be empty' }),
});

/** A signed message between two nodes; `B` is the body type once the message registry has parsed it. */
export interface Envelope<B = unknown> {
  readonly v: typeof ENVELOPE_VERSION;
  /** UUIDv7, unique per originator; the receiver's inbox deduplicates on (from, id). */
  readonly id: string;
  readonly type: string;
  readonly from: NodeId;
  readonly to: NodeId;
  /** When the originator created the message, ISO-8601 UTC. */
  readonly at: string;
  /** Position on the from→to channel, from 1, without gaps. */
  readonly seq: number;
  readonly body: B;
  /** The originator's signature, base64url, over the canonical JSON of `signingInput(envelope)`. */
  readonly sig: string;
}

/** An envelope before it is signed: exactly what the signature covers. */
export type UnsignedEnvelope<B = unknown> = Omit<Envelope<B>, 'sig'>;

/**
 * The object the signature covers: every envelope field except `sig`, copied field by field so that a stray property
 * on the input can never slip into (or out of) what is signed.
 */
export function signingInput<B>(envelope: UnsignedEnvelope<B> | Envelope<B>): UnsignedEnvelope<B> {
  return {
    v: envelope.v,
    id: envelope.id,
    type: envelope.type,
    from: envelope.from,
    to: envelope.to,
    at: envelope.at,
    seq: envelope.seq,
    body: envelope.body,
  };
}

/** Validates untrusted input as an envelope; throws JUKI_ERR_ENVELOPE_INVALID naming each bad field. */
export function parseEnvelope(input: unknown): Envelope {
  const result = envelopeSchema.safeParse(input);
  if (!result.success) {
    throw new JukinetError('JUKI_ERR_ENVELOPE_INVALID', describeIssues(result.error.issues, 'envelope'));
  }
  return result.data;
}

export interface CreateEnvelopeOptions<B> {
  readonly type: string;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly seq: number;
  readonly body: B;
  /** Defaults to a new UUIDv7 at `at`. */
  readonly id?: string;
  /** Defaults to now. */
  readonly at?: Date;
}

/**
 * Builds an unsigned envelope with a fresh id and timestamp, ready to be signed (net's `signEnvelope`). Throws
 * JUKI_ERR_ENVELOPE_INVALID when a field would not pass `parseEnvelope`, so a bad envelope is caught at the sender.
 */
export function createUnsignedEnvelope<B>(options: CreateEnvelopeOptions<B>): UnsignedEnvelope<B> {
  const at = options.at ?? new Date();
  const unsigned: UnsignedEnvelope<B> = {
    v: ENVELOPE_VERSION,
    id: options.id ?? newUuidV7(at.getTime()),
    type: options.type,
    from: options.from,
    to: options.to,
    at: at.toISOString(),
    seq: options.seq,
    body: options.body,
  };
  const result = envelopeSchema.omit({ sig: true }).safeParse(unsigned);
  if (!result.success) {
    throw new JukinetError('JUKI_ERR_ENVELOPE_INVALID', describeIssues(result.error.issues, 'envelope'));
  }
  return unsigned;
}

/**
 * The body of a relayed message: the originator's complete signed envelope, unchanged, so the final receiver can
 * verify the originator's signature and not merely the relay's (docs/protocol/envelope.md, "Relaying").
 */
export const relayBodySchema = z.strictObject({
  original: envelopeSchema.refine((original) => original.type !== 'node.relay', {
    error: 'must not itself be a relay',
    path: ['type'],
  }),
});
export interface RelayBody {
  readonly original: Envelope;
}
