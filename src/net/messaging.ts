// The `POST /v1/messages` route: the network port's entrance for outbox deliveries, wiring the inbox into the
// transport server (docs/protocol/delivery.md, "The request").

import { z } from 'zod';
import type { NodeId } from '../domain/node-id.js';
import type { Envelope, MessageRegistry } from '../protocol/index.js';
import type { Clock } from '../shared/clock.js';
import { JukinetError } from '../shared/errors.js';
import type { Store } from '../store/index.js';
import { receiveEnvelopes, type Ack, type ApplyMessage, type InboxSecurityEvent } from './inbox.js';
import type { PeerIdentity } from './peer-identity.js';
import { anyPeer, type NetworkRoute } from './routes.js';

/** The path the dispatcher posts to and the messages route answers on. */
export const MESSAGES_PATH = '/v1/messages';

/** The most envelopes one request may carry. */
export const MAX_ENVELOPES_PER_REQUEST = 500;

/** The request body of `POST /v1/messages`. */
export interface MessagesRequest {
  readonly envelopes: readonly unknown[];
}

/** The answer of `POST /v1/messages`: one ack per envelope looked at, in request order. */
export interface MessagesResponse {
  readonly acks: readonly Ack[];
}

export interface MessagesRouteOptions {
  readonly store: Store;
  /** This node's id. */
  readonly self: NodeId;
  readonly registry: MessageRegistry;
  /** Applies a message's effect inside the inbox transaction. */
  readonly apply: ApplyMessage;
  /** The originator's certificate, usually from the directory. */
  readonly senderCertificate: (nodeId: NodeId) => Promise<string | undefined> | string | undefined;
  /**
   * Per-type authorisation on top of the certificate ("only muni-X may send identity changes for X", a later issue).
   * Every authenticated node may post messages; this hook decides per envelope.
   */
  readonly authorise?: (peer: PeerIdentity, envelope: Envelope) => boolean | Promise<boolean>;
  readonly onSecurityEvent?: (event: InboxSecurityEvent) => void;
  readonly clock?: Clock;
}

const requestSchema = z.object({
  envelopes: z.array(z.unknown()).min(1).max(MAX_ENVELOPES_PER_REQUEST),
});

/** The `POST /v1/messages` route for `createNetworkServer`: receives a batch of envelopes and answers their acks. */
export function messagesRoute(options: MessagesRouteOptions): NetworkRoute {
  return {
    method: 'POST',
    path: MESSAGES_PATH,
    allow: anyPeer(),
    async handler({ peer, body }) {
      const parsed = requestSchema.safeParse(body);
      if (!parsed.success) {
        throw new JukinetError(
          'JUKI_ERR_REQUEST_INVALID',
          `expected { envelopes: [1-${MAX_ENVELOPES_PER_REQUEST} envelopes] }`,
        );
      }
      const { authorise } = options;
      const acks = await receiveEnvelopes(options.store, {
        self: options.self,
        envelopes: parsed.data.envelopes,
        authenticatedPeer: peer.nodeId,
        senderCertificate: options.senderCertificate,
        registry: options.registry,
        apply: options.apply,
        ...(authorise === undefined ? {} : { authorise: (_peer, envelope) => authorise(peer, envelope) }),
        ...(options.onSecurityEvent === undefined ? {} : { onSecurityEvent: options.onSecurityEvent }),
        ...(options.clock === undefined ? {} : { clock: options.clock }),
      });
      const response: MessagesResponse = { acks };
      return { body: response };
    },
  };
}
