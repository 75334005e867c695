// The national server (national, 全国サーバ): checks each identity change its prefectures relay (the originating
// municipality's signature, that the municipality may speak for the person, that it was not applied before), keeps
// everyone's identity history, answers look-ups by code, and generates resident codes (docs/decisions/0004-servers.md).

import { dirname, join } from 'node:path';
import type { Transaction } from 'kysely';
import { isNodeId, parseResidentCode, prefectureNodeOf, roleOf } from '../../domain/index.js';
import { byRoles, verifyEnvelopeSignature, type NetworkRoute, type PeerIdentity } from '../../net/index.js';
import {
  cardStatusChanged,
  cardTransferred,
  identityChanged,
  nodePing,
  nodeRelay,
  parseMessageBody,
  type CardStatusChangedBody,
  type CardTransferredBody,
  type Envelope,
  type IdentityChangedBody,
  type RelayBody,
} from '../../protocol/index.js';
import { assert } from '../../shared/assert.js';
import { JukinetError, quote, type ErrorCode } from '../../shared/errors.js';
import type { Database } from '../../store/index.js';
import {
  checkIdentityAuthority,
  consistencyRoute,
  currentIdentity,
  recordIdentityVersion,
} from '../common/identity-history.js';
import type { NodeConfig } from '../common/config.js';
import { NODE_KEY_ALIAS, openNodeCredentials } from '../common/node-credentials.js';
import type { NodeContext, NodeModule } from '../common/node-module.js';
import { agencyRoutes } from '../common/provision/index.js';
import {
  createDisclosureWindow,
  disclosureProvisionsRoute,
  registerDisclosureRoutes,
  type DisclosureWindowSetup,
} from '../common/disclosure/index.js';
import { createSecurityEventLog, type SecurityEventLog } from '../common/security-event-log.js';
import {
  applyCardStatusChange,
  applyCardTransfer,
  cardStatusRoute,
  mayChangeCardStatus,
} from './card-status.js';
import {
  cardTerminalCaRoutes,
  identityConfirmationRoute,
  nationalCardTerminalCa,
  type CardTerminalCaSetup,
} from './card-terminals.js';
import {
  disclosureSubjectOf,
  disclosureSubjectRoute,
  isCardSuspendedAtNational,
} from './disclosure-subject.js';
import { nationalCodeBlockRoutes } from './code-pool.js';
import { fileDeliveryRoutes } from './file-delivery.js';
import { municipalityLocateRoute } from './municipality-locate.js';
import { createBatchWorker, type BatchCredentials } from './provision-batch.js';
import { provisionBatchRoutes } from './provision-batch-routes.js';

/** The path of the national look-up by resident code. */
export const IDENTITY_LOOKUP_PATH = '/v1/identity/:code';

/** Security event kinds the national server records when it refuses a relayed change. */
export const RelaySecurityEventKind = {
  origin: 'relay-origin',
  badSignature: 'relay-bad-signature',
  replayed: 'relay-replayed',
  authority: 'identity-authority',
} as const;
export type RelaySecurityEventKind = (typeof RelaySecurityEventKind)[keyof typeof RelaySecurityEventKind];

export { CARD_TERMINAL_CA_ALIAS, type CardTerminalCaSetup } from './card-terminals.js';
export {
  FILE_REFUSED_EVENT,
  deliveredFiles,
  fileDeliveryReports,
  type FileDeliveryReport,
} from './file-delivery.js';
export {
  AGENCY_API_VERSION,
  ProvisionMethod,
  ProvisionQuery,
  ProvisionSecurityEventKind,
  agencyOpenApiDocument,
  currentAffairRegistry,
  findAgency,
  heldAffairRegistries,
  listAgencies,
  listProvisions,
  loadSignedAffairRegistry,
  registerAgency,
  searchFourItems,
  signAffairRegistry,
  verifySignedAffairRegistry,
  type HeldRegistry,
  type ProvisionRecord,
  type RegisteredAgency,
  type SignedAffairRegistry,
} from '../common/provision/index.js';

export interface NationalOptions {
  /**
   * Where the card terminal CA is kept (docs/card-issuance.md). Without it municipalities cannot get terminal
   * certificates from this node, and so cannot personalise cards for the network.
   */
  readonly cardTerminalCa?: CardTerminalCaSetup;
  /**
   * The self-disclosure window (docs/self-disclosure.md): its card reader and its terminal key, certified by this
   * node's card terminal CA. Without it 本人確認情報開示 answers JUKI_ERR_DISCLOSURE_UNAVAILABLE.
   */
  readonly disclosure?: DisclosureWindowSetup;
  /**
   * The node's own key and certificate for batch provision (docs/protocol/agency-batch.md): uploads are sealed to it
   * and results signed with it. Without it the batch routes and worker are not set up.
   */
  readonly batch?: NationalBatchSetup;
}

/** What batch provision needs beyond the node context. */
export interface NationalBatchSetup {
  readonly credentials: () => Promise<BatchCredentials>;
  /** Query lines per transaction (1,000 unless told). */
  readonly linesPerChunk?: number;
  /** How often an idle worker looks for queued batches, in milliseconds (1,000 unless told). */
  readonly pollIntervalMs?: number;
}

/** What a national node's configuration gives its module: the card terminal CA in `cards/` beside its key store. */
export function nationalOptionsFor(config: NodeConfig): NationalOptions {
  return {
    cardTerminalCa: {
      directory: join(dirname(config.pki.keyStore), 'cards'),
      keyStore: async () => (await openNodeCredentials(config)).keyStore,
    },
    disclosure: {
      cardReader: join(dirname(config.pki.keyStore), 'card-reader'),
      terminal: {
        directory: join(dirname(config.pki.keyStore), 'cards', 'window'),
        keyStore: async () => (await openNodeCredentials(config)).keyStore,
      },
    },
    batch: {
      credentials: async () => {
        const credentials = await openNodeCredentials(config);
        return {
          keyStore: credentials.keyStore,
          keyAlias: NODE_KEY_ALIAS,
          certificatePem: credentials.certificatePem,
        };
      },
    },
  };
}

/** The national module: the runtime's contract plus its security event log, for tests and shutdown. */
export interface NationalModule extends NodeModule {
  readonly securityEvents: SecurityEventLog;
}

/**
 * Creates the national module for `context` (the `national` node). It accepts node.relay only from prefectures on
 * their own link, and applies a relayed identity.changed after the checks of docs/decisions/0004-servers.md,
 * "Identity changes", each refusal with its own code. On the network port: the consistency check, the look-up by code
 * (`GET /v1/identity/:code`, prefectures and national for now), the municipality holding a code for the wide-area
 * copy (`GET /v1/identity/:code/municipality`, municipalities), code blocks for prefectures, and the agency API
 * (`/v1/agency/…`, registered agencies only, for the affairs they are registered for: docs/agencies.md).
 */
export function nationalModule(context: NodeContext, options: NationalOptions = {}): NationalModule {
  assert(
    context.nodeId === 'national',
    `The national module runs on "national", not ${quote(context.nodeId)}`,
  );
  const securityEvents = createSecurityEventLog(context.store, {
    clock: context.clock,
    logger: context.logger,
  });

  function refuse(
    code: ErrorCode,
    detail: string,
    event: { kind: RelaySecurityEventKind; relay: Envelope; original: Envelope },
  ): never {
    securityEvents.record({
      kind: event.kind,
      peer: event.relay.from,
      detail: {
        relayId: event.relay.id,
        relaySeq: event.relay.seq,
        originalFrom: event.original.from,
        originalId: event.original.id,
        originalType: event.original.type,
        reason: detail,
      },
    });
    throw new JukinetError(code, detail);
  }

  async function applyRelay(trx: Transaction<Database>, relay: Envelope, body: RelayBody): Promise<void> {
    const { original } = body;
    const prefecture = relay.from;
    const event = { relay, original };
    if (original.to !== prefecture) {
      refuse(
        'JUKI_ERR_RELAY_ORIGIN',
        `${quote(prefecture)} relayed a message addressed to ${quote(original.to)}`,
        {
          ...event,
          kind: RelaySecurityEventKind.origin,
        },
      );
    }
    if (
      !isNodeId(original.from) ||
      roleOf(original.from) !== 'municipality' ||
      prefectureNodeOf(original.from) !== prefecture
    ) {
      refuse('JUKI_ERR_RELAY_ORIGIN', `${quote(prefecture)} relayed a message of ${quote(original.from)}`, {
        ...event,
        kind: RelaySecurityEventKind.origin,
      });
    }
    if (original.type !== identityChanged.type) {
      throw new JukinetError(
        'JUKI_ERR_RELAY_TYPE',
        `${quote(original.type)} relayed by ${quote(prefecture)}`,
      );
    }
    const certificate = context.certificateOf(original.from);
    if (certificate === undefined || !verifyEnvelopeSignature(original, certificate)) {
      const why = certificate === undefined ? 'no certificate known for it' : 'the signature does not verify';
      refuse('JUKI_ERR_RELAY_SIGNATURE', `message ${quote(original.id)} of ${quote(original.from)}: ${why}`, {
        ...event,
        kind: RelaySecurityEventKind.badSignature,
      });
    }
    const seen = await trx
      .selectFrom('relay_seen')
      .select('relayed_by')
      .where('original_from', '=', original.from)
      .where('original_id', '=', original.id)
      .executeTakeFirst();
    if (seen !== undefined) {
      refuse(
        'JUKI_ERR_RELAY_REPLAYED',
        `message ${quote(original.id)} of ${quote(original.from)}, first relayed by ${quote(seen.relayed_by)}`,
        { ...event, kind: RelaySecurityEventKind.replayed },
      );
    }
    const now = context.clock.now();
    await trx
      .insertInto('relay_seen')
      .values({
        original_from: original.from,
        original_id: original.id,
        relayed_by: prefecture,
        seen_at: now.toISOString(),
      })
      .execute();

    const { change, previousResidentCode } = parseMessageBody(
      identityChanged,
      original.body,
    ) as IdentityChangedBody;
    const origin = original.from;
    const authority = await checkIdentityAuthority(trx, {
      origin,
      info: change,
      ...(previousResidentCode === undefined ? {} : { previousResidentCode }),
    });
    if (!authority.ok) {
      refuse('JUKI_ERR_IDENTITY_AUTHORITY', authority.reason, {
        ...event,
        kind: RelaySecurityEventKind.authority,
      });
    }
    await recordIdentityVersion(trx, {
      info: change,
      origin,
      messageId: original.id,
      recordedAt: now,
      ...(previousResidentCode === undefined ? {} : { previousResidentCode }),
    });
  }

  const batchSetup = options.batch;
  let batchCredentials: Promise<BatchCredentials> | undefined;
  const batch =
    batchSetup === undefined
      ? undefined
      : {
          store: context.store,
          clock: context.clock,
          securityEvents,
          credentials: () => (batchCredentials ??= batchSetup.credentials()),
        };
  const batchWorker =
    batch === undefined
      ? undefined
      : createBatchWorker({
          ...batch,
          logger: context.logger,
          ...(batchSetup?.linesPerChunk === undefined ? {} : { linesPerChunk: batchSetup.linesPerChunk }),
          ...(batchSetup?.pollIntervalMs === undefined ? {} : { pollIntervalMs: batchSetup.pollIntervalMs }),
        });

  // The card terminal CA, shared by its routes and this node's own self-disclosure window.
  const cardTerminalCa = nationalCardTerminalCa(options.cardTerminalCa, { clock: context.clock });
  const disclosureWindow =
    options.disclosure === undefined
      ? undefined
      : createDisclosureWindow(context, options.disclosure, {
          certify: (publicKeyPem) =>
            cardTerminalCa.certify(context.nodeId, { role: 'card-terminal', publicKeyPem }),
          isSuspended: (trx, cardId) => isCardSuspendedAtNational(trx, cardId),
        });

  const lookupRoute: NetworkRoute = {
    method: 'GET',
    path: IDENTITY_LOOKUP_PATH,
    allow: byRoles('prefecture', 'national'),
    async handler({ params }) {
      const code = parseResidentCode(params['code'] ?? '');
      const version = await currentIdentity(context.store.db, code);
      if (version === undefined) throw new JukinetError('JUKI_ERR_IDENTITY_NOT_FOUND', quote(code));
      return { body: version };
    },
  };

  return {
    role: 'national',
    securityEvents,
    messages: [nodePing, nodeRelay, cardStatusChanged, cardTransferred],
    authorise(peer: PeerIdentity, envelope: Envelope): boolean {
      if (envelope.from !== peer.nodeId) return false;
      if (envelope.type === nodePing.type) return true;
      if (envelope.type === cardStatusChanged.type || envelope.type === cardTransferred.type) {
        return mayChangeCardStatus(peer, envelope);
      }
      return envelope.type === nodeRelay.type && peer.role === 'prefecture';
    },
    async apply(trx, { envelope, body }) {
      if (envelope.type === nodePing.type) return;
      if (envelope.type === cardStatusChanged.type) {
        await applyCardStatusChange(trx, envelope, body as CardStatusChangedBody, { clock: context.clock });
        return;
      }
      if (envelope.type === cardTransferred.type) {
        await applyCardTransfer(trx, envelope, body as CardTransferredBody, { clock: context.clock });
        return;
      }
      if (envelope.type !== nodeRelay.type) {
        throw new JukinetError('JUKI_ERR_MESSAGE_TYPE_UNKNOWN', quote(envelope.type));
      }
      await applyRelay(trx, envelope, body as RelayBody);
    },
    networkRoutes: () => [
      consistencyRoute({ store: context.store }),
      lookupRoute,
      municipalityLocateRoute(context.store),
      cardStatusRoute(context.store),
      ...cardTerminalCaRoutes(options.cardTerminalCa, { clock: context.clock, ca: cardTerminalCa }),
      identityConfirmationRoute(context.store),
      ...nationalCodeBlockRoutes(context),
      ...agencyRoutes({ store: context.store, clock: context.clock, securityEvents }),
      ...(batch === undefined
        ? []
        : provisionBatchRoutes({ ...batch, onSubmitted: () => batchWorker?.wake() })),
      ...fileDeliveryRoutes({ store: context.store, clock: context.clock, securityEvents }),
      disclosureSubjectRoute(context.store),
      disclosureProvisionsRoute({ nodeId: context.nodeId, store: context.store, clock: context.clock }),
    ],
    terminalRoutes(app, terminal) {
      registerDisclosureRoutes(app, terminal, {
        nodeId: context.nodeId,
        clock: context.clock,
        call: (peer, request) => context.call(peer, request),
        window: disclosureWindow,
        subject: (trx, request) => disclosureSubjectOf(trx, request),
      });
    },
    start() {
      batchWorker?.start();
      return Promise.resolve();
    },
    async stop() {
      await batchWorker?.stop();
      await securityEvents.flush();
    },
  };
}
