// The prefectural server (pref-NN, 都道府県サーバ): keeps the identity history of its municipalities' residents,
// relays each change to the national server, and hands resident code blocks to its municipalities
// (docs/decisions/0004-servers.md, docs/protocol/identity.changed.md).

import { parseNodeId, prefectureNodeOf, type NodeId } from '../../domain/index.js';
import type { PeerIdentity } from '../../net/index.js';
import {
  identityChanged,
  nodePing,
  nodeRelay,
  type Envelope,
  type IdentityChangedBody,
} from '../../protocol/index.js';
import { assert } from '../../shared/assert.js';
import { JukinetError, isJukinetError, quote } from '../../shared/errors.js';
import { codeBlockRoutes, startCodeRefill, type CodeRefill } from '../common/code-holding.js';
import {
  checkIdentityAuthority,
  consistencyRoute,
  recordIdentityVersion,
} from '../common/identity-history.js';
import type { NodeContext, NodeModule } from '../common/node-module.js';
import { createSecurityEventLog, type SecurityEventLog } from '../common/security-event-log.js';

const NATIONAL = 'national' as NodeId;

/** A prefectural node's module: the runtime's contract plus its security event log, for tests and shutdown. */
export interface PrefectureModule extends NodeModule {
  readonly securityEvents: SecurityEventLog;
}

export interface PrefectureOptions {
  /** Refill the code holding from the national server when fewer codes than this remain. Default 1000. */
  readonly lowWater?: number;
  /** How many codes to ask the national server for at a time. Default 2000. */
  readonly blockSize?: number;
  /** How often the holding is looked at, in ms. Default 5000. */
  readonly refillIntervalMs?: number;
}

/**
 * Creates the prefectural module for `context` (a `pref-` node). It accepts identity.changed only from its own
 * municipalities, on their own link; applies each to its history and, in the same transaction, relays the original
 * signed envelope to the national server in a node.relay of its own. On the network port it answers the consistency
 * check and code block requests of its municipalities; once started it keeps its code holding refilled.
 */
export function prefectureModule(context: NodeContext, options: PrefectureOptions = {}): PrefectureModule {
  assert(
    parseNodeId(context.nodeId).role === 'prefecture',
    `A prefectural module runs on a pref- node, not ${quote(context.nodeId)}`,
  );
  const securityEvents = createSecurityEventLog(context.store, {
    clock: context.clock,
    logger: context.logger,
  });
  let refill: CodeRefill | undefined;

  function authorise(peer: PeerIdentity, envelope: Envelope): boolean {
    if (envelope.from !== peer.nodeId) return false;
    if (envelope.type === nodePing.type) return true;
    return (
      envelope.type === identityChanged.type &&
      peer.role === 'municipality' &&
      prefectureNodeOf(peer.nodeId) === context.nodeId
    );
  }

  return {
    role: 'prefecture',
    securityEvents,
    messages: [nodePing, identityChanged],
    authorise,
    async apply(trx, { envelope, body, outbox }) {
      if (envelope.type === nodePing.type) return;
      if (envelope.type !== identityChanged.type) {
        throw new JukinetError('JUKI_ERR_MESSAGE_TYPE_UNKNOWN', quote(envelope.type));
      }
      const { change, previousResidentCode } = body as IdentityChangedBody;
      const origin = envelope.from;
      const authority = await checkIdentityAuthority(trx, {
        origin,
        info: change,
        ...(previousResidentCode === undefined ? {} : { previousResidentCode }),
      });
      if (!authority.ok) {
        securityEvents.record({
          kind: 'identity-authority',
          peer: origin,
          detail: {
            id: envelope.id,
            seq: envelope.seq,
            residentCode: change.residentCode,
            reason: authority.reason,
          },
        });
        throw new JukinetError('JUKI_ERR_IDENTITY_AUTHORITY', authority.reason);
      }
      await recordIdentityVersion(trx, {
        info: change,
        origin,
        messageId: envelope.id,
        recordedAt: context.clock.now(),
        ...(previousResidentCode === undefined ? {} : { previousResidentCode }),
      });
      // The original, unchanged, so the national server can check the municipality's own signature (node.relay.md).
      await outbox.send({ to: NATIONAL, type: nodeRelay.type, body: { original: envelope } });
    },
    networkRoutes: () => [consistencyRoute({ store: context.store }), ...codeBlockRoutes(context)],
    async start() {
      refill = startCodeRefill(context, {
        upstream: NATIONAL,
        lowWater: options.lowWater ?? 1000,
        blockSize: options.blockSize ?? 2000,
        ...(options.refillIntervalMs === undefined ? {} : { intervalMs: options.refillIntervalMs }),
      });
      // Awaited so that the first record has a code. When the upstream is slow to answer (a whole country booting in
      // one process), the node starts anyway: the schedule keeps asking, and a record meanwhile gets
      // JUKI_ERR_CODE_POOL_EMPTY.
      await refill.refillNow().catch((error: unknown) => {
        if (!isJukinetError(error)) throw error;
        context.logger.warn({ err: error }, 'First code refill failed; refilling in the background');
      });
    },
    async stop() {
      await refill?.stop();
      refill = undefined;
      await securityEvents.flush();
    },
  };
}
