// The prefectural server (pref-NN, 都道府県サーバ): keeps the identity history of its municipalities' residents,
// relays each change to the national server, hands resident code blocks to its municipalities, provides identity
// information to the prefecture's own organs under the affair registry delivered to it, and answers residents'
// self-disclosure requests at its window (docs/decisions/0004-servers.md, docs/agencies.md, docs/file-delivery.md,
// docs/self-disclosure.md).

import { dirname, join } from 'node:path';
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
import { agencyRoutes } from '../common/provision/index.js';
import type { NodeConfig } from '../common/config.js';
import {
  certifyAtNational,
  createDisclosureWindow,
  disclosureProvisionsRoute,
  nationalDisclosureSubject,
  registerDisclosureRoutes,
  type DisclosureWindowSetup,
} from '../common/disclosure/index.js';
import { openNodeCredentials } from '../common/node-credentials.js';
import { createSecurityEventLog, type SecurityEventLog } from '../common/security-event-log.js';
import { startFileDelivery, type FileDelivery, type FileSyncOutcome } from './file-delivery.js';

export type { FileSyncOutcome } from './file-delivery.js';

const NATIONAL = 'national' as NodeId;

/** A prefectural node's module: the runtime's contract plus its security event log, for tests and shutdown. */
export interface PrefectureModule extends NodeModule {
  readonly securityEvents: SecurityEventLog;
  /**
   * Runs a file delivery round now (docs/file-delivery.md): fetches, verifies and keeps each affair registry version
   * the national server delivers that this node does not hold, and reports each. Only once started.
   */
  syncFiles(): Promise<FileSyncOutcome>;
}

export interface PrefectureOptions {
  /** Refill the code holding from the national server when fewer codes than this remain. Default 1000. */
  readonly lowWater?: number;
  /** How many codes to ask the national server for at a time. Default 2000. */
  readonly blockSize?: number;
  /** How often the holding is looked at, in ms. Default 5000. */
  readonly refillIntervalMs?: number;
  /** How often the national server is asked for delivered files, in ms. Default 300000 (5 minutes). */
  readonly fileDeliveryIntervalMs?: number;
  /**
   * The self-disclosure window (docs/self-disclosure.md): its card reader and its terminal key, certified by the
   * national card terminal CA. Without it 本人確認情報開示 answers JUKI_ERR_DISCLOSURE_UNAVAILABLE.
   */
  readonly disclosure?: DisclosureWindowSetup;
}

/**
 * What a prefectural node's configuration gives its module: the self-disclosure window, its card reader in
 * `card-reader/` and its terminal certificate in `cards/window/` beside the node's key store, its key in that store.
 */
export function prefectureOptionsFor(config: NodeConfig): PrefectureOptions {
  return {
    disclosure: {
      cardReader: join(dirname(config.pki.keyStore), 'card-reader'),
      terminal: {
        directory: join(dirname(config.pki.keyStore), 'cards', 'window'),
        keyStore: async () => (await openNodeCredentials(config)).keyStore,
      },
    },
  };
}

/**
 * Creates the prefectural module for `context` (a `pref-` node). It accepts identity.changed only from its own
 * municipalities, on their own link; applies each to its history and, in the same transaction, relays the original
 * signed envelope to the national server in a node.relay of its own. On the network port it answers the consistency
 * check, code block requests of its municipalities, its registered agencies and other windows' disclosure requests;
 * once started it keeps its code holding refilled and fetches delivered files on a schedule.
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
  let delivery: FileDelivery | undefined;
  const disclosureWindow =
    options.disclosure === undefined
      ? undefined
      : createDisclosureWindow(context, options.disclosure, { certify: certifyAtNational(context) });
  const disclosureSubject = nationalDisclosureSubject(context);

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
    networkRoutes: () => [
      consistencyRoute({ store: context.store }),
      ...codeBlockRoutes(context),
      ...agencyRoutes({ store: context.store, clock: context.clock, securityEvents }),
      disclosureProvisionsRoute({ nodeId: context.nodeId, store: context.store, clock: context.clock }),
    ],
    terminalRoutes(app, terminal) {
      registerDisclosureRoutes(app, terminal, {
        nodeId: context.nodeId,
        clock: context.clock,
        call: (peer, request) => context.call(peer, request),
        window: disclosureWindow,
        subject: (_trx, request) => disclosureSubject(request),
      });
    },
    syncFiles() {
      if (delivery === undefined) {
        return Promise.reject(
          new JukinetError('JUKI_ERR_UPSTREAM_UNAVAILABLE', 'file delivery has not started'),
        );
      }
      return delivery.syncNow();
    },
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
      delivery = startFileDelivery(context, {
        securityEvents,
        intervalMs: options.fileDeliveryIntervalMs ?? 300_000,
      });
    },
    async stop() {
      await delivery?.stop();
      delivery = undefined;
      await refill?.stop();
      refill = undefined;
      await securityEvents.flush();
    },
  };
}
