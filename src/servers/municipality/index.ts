// The municipal server (muni-<LG code>): the register (既存住基) and its CS as two modules joined by the linkage
// interface (docs/linkage.md), run as one node by the runtime (docs/decisions/0004-servers.md).

import type { Transaction } from 'kysely';
import type { ResidentCard, VerifiedCard } from '../../card/index.js';
import {
  createOperatingCalendar,
  parseNodeId,
  prefectureNodeOf,
  type OperatingCalendar,
  type ResidentCode,
} from '../../domain/index.js';
import { nodePing, moveInNotice, type MoveInNoticeBody } from '../../protocol/index.js';
import { assert } from '../../shared/assert.js';
import { JukinetError, isJukinetError, quote } from '../../shared/errors.js';
import type { Database } from '../../store/index.js';
import { startCodeRefill, takeCode, type CodeRefill } from '../common/code-holding.js';
import { consistencyRoute } from '../common/identity-history.js';
import { dirname, join } from 'node:path';
import { SPECIAL_MOVE_LIMIT_DAYS, type NodeConfig } from '../common/config.js';
import { openNodeCredentials } from '../common/node-credentials.js';
import type { NodeContext, NodeModule, Outbox } from '../common/node-module.js';
import {
  authenticateNetworkCard,
  cardIssuerCaRoute,
  createCardIssuer,
  createCardReader,
  nationalCardTerminalAuthority,
  registerCardRoutes,
  registerCardUseRoutes,
  type CardIssuer,
  type CardIssuerSetup,
  type CardReader,
} from './cards/index.js';
import { createOperatingGate, registerOperatingHoursRoutes, type OperatingGate } from './cross/index.js';
import { applyRegisterChangeOnce, LinkageSource } from './linkage-import.js';
import { createRegister, type Register, type RegisterOptions } from './register/index.js';
import {
  applySpecialMoveMovedIn,
  createSpecialMoveNotifications,
  mayNotifyMovedIn,
  registerSpecialMoveRoutes,
  specialMoveOutInfoRoute,
} from './special-move/index.js';
import { registerMunicipalTerminalRoutes } from './terminal/index.js';
import {
  registerWideAreaRoutes,
  wideAreaNetworkRoute,
  wideAreaSettingsOf,
  type WideAreaSettings,
} from './wide-area/index.js';

export * from './register/index.js';
export * from './cards/index.js';
export * from './cross/index.js';
export { applyRegisterChange, type CsOutcome } from './cs/index.js';
export * from './terminal/index.js';
export * from './wide-area/index.js';
export * from './special-move/index.js';
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
  /** The cards presented at this municipality's counter (MunicipalityOptions.cardReader). */
  readonly cardReader: CardReader;
  /** The common operating hours at this municipality's edge, for services that cross to another (docs/operating-hours.md). */
  readonly operatingGate: OperatingGate;
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
  /**
   * Who certifies the card issuer's terminal and administrator keys, and so which terminals the cards issued here
   * accept: `national` (default), the national card terminal CA, so the cards work at every municipality; `own`, the
   * municipality's card CA, for a municipality on its own (route tests).
   */
  readonly cardTerminals?: 'national' | 'own';
  /** The directory standing for the counter's card reader: a card is presented by putting its files there. */
  readonly cardReader?: string;
  /** The common operating hours (the configuration's `operatingHours`); default: the default calendar. */
  readonly operatingCalendar?: OperatingCalendar;
  /** The wide-area copy (the configuration's `municipality.wideArea`); default: participating, 300 yen per copy. */
  readonly wideArea?: Partial<WideAreaSettings>;
  /**
   * The one-visit move (the configuration's `municipality.specialMove`, docs/special-move.md): days after the planned
   * move-out date it stays open. Default SPECIAL_MOVE_LIMIT_DAYS.
   */
  readonly specialMove?: { readonly limitDays?: number };
}

/** The certifier's name a municipality prints until it configures one. */
export const CERTIFIER_NAME_UNSET = '（氏名未設定）';

/** The module options a municipal node's configuration gives (its `municipality` section). */
export function municipalityOptionsOf(
  config: Partial<Pick<NodeConfig, 'municipality' | 'operatingHours'>>,
): MunicipalityOptions {
  const certifierName = config.municipality?.certifierName;
  const wideArea = config.municipality?.wideArea;
  const specialMove = config.municipality?.specialMove;
  return {
    ...(certifierName === undefined ? {} : { certifierName }),
    ...(wideArea === undefined ? {} : { wideArea }),
    ...(specialMove === undefined ? {} : { specialMove }),
    ...(config.operatingHours === undefined
      ? {}
      : { operatingCalendar: createOperatingCalendar(config.operatingHours) }),
  };
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
    cardReader: join(dirname(config.pki.keyStore), 'card-reader'),
  };
}

/**
 * Creates the municipal module for `context` (a `muni-` node). Inbound it accepts node.ping and the 転入通知 of the
 * one-visit move (special-move.moved-in); on the network port it answers the consistency check and the
 * 転出証明書情報 among others; once started it keeps its code holding refilled from its prefecture, refilling first so
 * the first record has a code.
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
  const specialMoveLimitDays = options.specialMove?.limitDays ?? SPECIAL_MOVE_LIMIT_DAYS;
  const registerOptions: RegisterOptions = {
    lgCode: parsed.lgCode,
    specialMove: { limitDays: specialMoveLimitDays },
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
      : createCardIssuer(options.cards, {
          lgCode: parsed.lgCode,
          clock: context.clock,
          ...(options.cardTerminals === 'own'
            ? {}
            : { terminalAuthority: nationalCardTerminalAuthority(context) }),
        });
  const cardReader = createCardReader({
    ...(options.cardReader === undefined ? {} : { directory: options.cardReader }),
    issuer: cardIssuer,
    clock: context.clock,
  });
  const operatingCalendar = options.operatingCalendar ?? createOperatingCalendar({});
  const operatingGate = createOperatingGate({
    own: parsed.lgCode,
    calendar: operatingCalendar,
    db: context.store.db,
    clock: context.clock,
  });
  const authenticateCard = (card: ResidentCard): Promise<VerifiedCard> =>
    authenticateNetworkCard(card, {
      context,
      ...(cardIssuer === undefined ? {} : { ownIssuer: cardIssuer }),
    });
  const wideArea = wideAreaSettingsOf(options.wideArea);
  /** The register with its writes inside a transaction the caller holds (a terminal operation, an inbound message). */
  const registerWithin = (trx: Transaction<Database>, outbox: Outbox): Register =>
    createRegister({ ...registerOptions, reads: trx, transaction: (fn) => fn(trx, outbox) });
  /** The one-visit move's 届出 inside a terminal operation's transaction (docs/special-move.md). */
  const specialMoveWithin = (
    trx: Transaction<Database>,
    outbox: Outbox,
    operation: { readonly operator: string },
  ) =>
    createSpecialMoveNotifications(trx, outbox, {
      lgCode: parsed.lgCode,
      limitDays: specialMoveLimitDays,
      clock: context.clock,
      operator: operation.operator,
    });
  let refill: CodeRefill | undefined;

  return {
    role: 'municipality',
    register,
    cardIssuer,
    cardReader,
    operatingGate,
    authenticateCard,
    messages: [nodePing, moveInNotice],
    authorise(peer, envelope) {
      // 転入通知: only a municipality about itself; that it is the one the notice names is checked on apply.
      if (envelope.type === moveInNotice.type) return mayNotifyMovedIn(peer, envelope, context.nodeId);
      return true;
    },
    apply(trx, message) {
      if (message.envelope.type === nodePing.type) return Promise.resolve();
      if (message.envelope.type === moveInNotice.type) {
        return applySpecialMoveMovedIn(
          trx,
          { envelope: message.envelope, body: message.body as MoveInNoticeBody },
          { register: registerWithin(trx, message.outbox), clock: context.clock },
        );
      }
      // The registry refuses unknown types before apply; reaching here is a message this module listed but ignores.
      return Promise.reject(new JukinetError('JUKI_ERR_MESSAGE_TYPE_UNKNOWN', quote(message.envelope.type)));
    },
    networkRoutes: () => [
      consistencyRoute({ store: context.store }),
      ...(cardIssuer === undefined ? [] : [cardIssuerCaRoute(() => cardIssuer)]),
      wideAreaNetworkRoute({
        lgCode: parsed.lgCode,
        store: context.store,
        clock: context.clock,
        settings: wideArea,
        gate: operatingGate,
      }),
      specialMoveOutInfoRoute({
        lgCode: parsed.lgCode,
        store: context.store,
        clock: context.clock,
        gate: operatingGate,
        limitDays: specialMoveLimitDays,
      }),
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
        registerWithin,
        specialMoveWithin,
      });
      registerSpecialMoveRoutes(app, terminal, {
        lgCode: parsed.lgCode,
        store: context.store,
        clock: context.clock,
        transaction: (fn) => context.transaction(fn),
        call: (peer, request) => context.call(peer, request),
        gate: operatingGate,
        registerWithin,
        specialMoveWithin,
        issuer: cardIssuer,
        reader: cardReader,
        authenticateCard,
      });
      registerCardRoutes(app, terminal, {
        lgCode: parsed.lgCode,
        certifierName: options.certifierName ?? CERTIFIER_NAME_UNSET,
        clock: context.clock,
        transaction: (fn) => context.transaction(fn),
        issuer: cardIssuer,
        reader: cardReader,
      });
      registerCardUseRoutes(app, terminal, {
        lgCode: parsed.lgCode,
        clock: context.clock,
        transaction: (fn) => context.transaction(fn),
        call: (peer, request) => context.call(peer, request),
        reader: cardReader,
        issuer: cardIssuer,
        gate: operatingGate,
        authenticateCard,
      });
      registerOperatingHoursRoutes(app, terminal, {
        lgCode: parsed.lgCode,
        calendar: operatingCalendar,
        clock: context.clock,
        transaction: (fn) => context.transaction(fn),
      });
      registerWideAreaRoutes(app, terminal, {
        lgCode: parsed.lgCode,
        certifierName: options.certifierName ?? CERTIFIER_NAME_UNSET,
        clock: context.clock,
        transaction: (fn) => context.transaction(fn),
        call: (peer, request) => context.call(peer, request),
        settings: wideArea,
        gate: operatingGate,
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
