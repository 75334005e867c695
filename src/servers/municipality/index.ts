// The municipal server (muni-<LG code>): the register (既存住基) and its CS as two modules joined by the linkage
// interface (docs/linkage.md), run as one node by the runtime (docs/decisions/0004-servers.md).

import type { Transaction } from 'kysely';
import type { ResidentCard, VerifiedCard } from '../../card/index.js';
import { parseNodeId, prefectureNodeOf, type ResidentCode } from '../../domain/index.js';
import { nodePing } from '../../protocol/index.js';
import { assert } from '../../shared/assert.js';
import { JukinetError, isJukinetError, quote } from '../../shared/errors.js';
import type { Database } from '../../store/index.js';
import { startCodeRefill, takeCode, type CodeRefill } from '../common/code-holding.js';
import { consistencyRoute } from '../common/identity-history.js';
import { dirname, join } from 'node:path';
import type { NodeConfig } from '../common/config.js';
import { openNodeCredentials } from '../common/node-credentials.js';
import type { NodeContext, NodeModule } from '../common/node-module.js';
import {
  authenticateNetworkCard,
  cardIssuerCaRoute,
  createCardIssuer,
  registerCardRoutes,
  type CardIssuer,
  type CardIssuerSetup,
} from './cards/index.js';
import { applyRegisterChangeOnce, LinkageSource } from './linkage-import.js';
import { createRegister, type Register, type RegisterOptions } from './register/index.js';
import { registerMunicipalTerminalRoutes } from './terminal/index.js';

export * from './register/index.js';
export * from './cards/index.js';
export { applyRegisterChange, type CsOutcome } from './cs/index.js';
export * from './terminal/index.js';
export {
  LINKAGE_BATCH_MAX,
  linkageRequestSchema,
  linkageResponseSchema,
  receiveLinkageMessages,
  type LinkageRequest,
  type LinkageResponse,
} from './linkage-api.js';
export {
  describeLinkageCsvError,
  formatLinkageCsv,
  LINKAGE_CSV_COLUMNS,
  parseLinkageCsv,
  type LinkageCsvError,
  type LinkageCsvRow,
} from './linkage-csv.js';
export { exportLinkageCsv, exportLinkageMessages } from './linkage-export.js';
export {
  applyLinkageMessage,
  applyRegisterChangeOnce,
  formatLinkageReport,
  importLinkageCsv,
  importLinkageMessages,
  LinkageSource,
  linkageResultSchema,
  type LinkageContext,
  type LinkageCsvResult,
  type LinkageReport,
  type LinkageResult,
} from './linkage-import.js';
export {
  identityInfoOf,
  LINKAGE_VERSION,
  parseRegisterChange,
  LINKED_ACTION_KINDS,
  RegisterActionKind,
  registerChangeSchema,
  type LinkageAction,
  type LinkageResident,
  type LinkedActionKind,
  type RegisterChange,
} from './linkage.js';

/** A municipal node's module: the runtime's contract plus the register the terminal, the CLI and the tests use. */
export interface MunicipalityModule extends NodeModule {
  readonly register: Register;
  /** The card issuer, when the node has one (MunicipalityOptions.cards). */
  readonly cardIssuer: CardIssuer | undefined;
  /**
   * Authenticates a card presented at this municipality, whoever issued it, asking the national server whether it
   * is suspended (JUKI_ERR_CARD_SUSPENDED); see docs/card-issuance.md.
   */
  authenticateCard(card: ResidentCard): Promise<VerifiedCard>;
}

export interface MunicipalityOptions {
  /** Refill the code holding when fewer codes than this remain. Default 100. */
  readonly lowWater?: number;
  /** How many codes to ask the prefecture for at a time. Default 500. */
  readonly blockSize?: number;
  /**
   * The certifier's name printed on certificates after the title (東京都文京区長, 本郷 和子): the configuration's
   * `municipality.certifierName`. Default CERTIFIER_NAME_UNSET.
   */
  readonly certifierName?: string;
  /**
   * Where the card issuer keeps its keys, certificates and software cards (docs/card-issuance.md). Without it the
   * card routes answer JUKI_ERR_CARD_ISSUER_UNAVAILABLE; authenticating other municipalities' cards still works.
   */
  readonly cards?: CardIssuerSetup;
}

/** The certifier's name a municipality prints until it configures one. */
export const CERTIFIER_NAME_UNSET = '（氏名未設定）';

/** The module options a municipal node's configuration gives (its `municipality` section). */
export function municipalityOptionsOf(config: Pick<NodeConfig, 'municipality'>): MunicipalityOptions {
  const certifierName = config.municipality?.certifierName;
  return certifierName === undefined ? {} : { certifierName };
}

/**
 * Everything a municipal node's configuration gives its module: the certifier's name, and the card issuer, which keeps
 * its files in `cards/` beside the node's key store and its keys in that key store (opened when first needed).
 */
export function municipalityOptionsFor(config: NodeConfig): MunicipalityOptions {
  return {
    ...municipalityOptionsOf(config),
    cards: {
      directory: join(dirname(config.pki.keyStore), 'cards'),
      keyStore: async () => (await openNodeCredentials(config)).keyStore,
    },
  };
}

/**
 * Creates the municipal module for `context` (a `muni-` node). Inbound it accepts only node.ping for now (move-in
 * notices come in issue 5); on the network port it answers the consistency check; once started it keeps its code
 * holding refilled from its prefecture, refilling first so the first record has a code.
 */
export function municipalityModule(
  context: NodeContext,
  options: MunicipalityOptions = {},
): MunicipalityModule {
  const parsed = parseNodeId(context.nodeId);
  assert(
    parsed.role === 'municipality',
    `A municipal module runs on a muni- node, not ${quote(context.nodeId)}`,
  );
  const prefecture = prefectureNodeOf(context.nodeId);
  assert(prefecture !== undefined, 'A municipality belongs to a prefecture');
  const registerOptions: RegisterOptions = {
    lgCode: parsed.lgCode,
    store: context.store,
    clock: context.clock,
    transaction: (fn) => context.transaction(fn),
    takeCode: (trx: Transaction<Database>): Promise<ResidentCode> =>
      takeCode(trx, { takenAt: context.clock.now() }),
    link: async (trx, change, outbox) => {
      await applyRegisterChangeOnce(trx, change, {
        origin: context.nodeId,
        outbox,
        source: LinkageSource.register,
        at: context.clock.now(),
      });
    },
  };
  const register = createRegister(registerOptions);
  const cardIssuer =
    options.cards === undefined
      ? undefined
      : createCardIssuer(options.cards, { lgCode: parsed.lgCode, clock: context.clock });
  let refill: CodeRefill | undefined;

  return {
    role: 'municipality',
    register,
    cardIssuer,
    authenticateCard: (card) =>
      authenticateNetworkCard(card, {
        context,
        ...(cardIssuer === undefined ? {} : { ownIssuer: cardIssuer }),
      }),
    messages: [nodePing],
    apply(_trx, message) {
      if (message.envelope.type === nodePing.type) return Promise.resolve();
      // The registry refuses unknown types before apply; reaching here is a message this module listed but ignores.
      return Promise.reject(new JukinetError('JUKI_ERR_MESSAGE_TYPE_UNKNOWN', quote(message.envelope.type)));
    },
    networkRoutes: () => [
      consistencyRoute({ store: context.store }),
      ...(cardIssuer === undefined ? [] : [cardIssuerCaRoute(() => cardIssuer)]),
    ],
    terminalRoutes(app, terminal) {
      registerMunicipalTerminalRoutes(app, terminal, {
        lgCode: parsed.lgCode,
        certifierName: options.certifierName ?? CERTIFIER_NAME_UNSET,
        nodeId: context.nodeId,
        store: context.store,
        clock: context.clock,
        transaction: (fn) => context.transaction(fn),
        // The register's writes inside a terminal operation's transaction, logged with it (notification-routes.ts).
        registerWithin: (trx, outbox) =>
          createRegister({ ...registerOptions, reads: trx, transaction: (fn) => fn(trx, outbox) }),
      });
      registerCardRoutes(app, terminal, {
        lgCode: parsed.lgCode,
        certifierName: options.certifierName ?? CERTIFIER_NAME_UNSET,
        clock: context.clock,
        transaction: (fn) => context.transaction(fn),
        issuer: cardIssuer,
      });
    },
    async start() {
      refill = startCodeRefill(context, {
        upstream: prefecture,
        lowWater: options.lowWater ?? 100,
        blockSize: options.blockSize ?? 500,
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
    },
  };
}
