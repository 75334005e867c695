// The national centre's part in using a resident card anywhere (docs/card-issuance.md, "Any municipality's counter"):
// the card terminal CA, which certifies each municipality's counter terminal and card administrator (and the
// self-disclosure windows of the prefectures and the national centre) and which every card trusts, and the identity
// information of a card holder confirmed at a municipality that does not hold them.

import { join } from 'node:path';
import {
  cardTerminalIdOf,
  createCardTerminalCa,
  issueCardTerminalCertificate,
  readCardTerminalCertificate,
  type CaMaterial,
  type CardTerminalRole,
  type KeyStore,
} from '../../crypto/index.js';
import { parseNodeId, parseResidentCode } from '../../domain/index.js';
import { byRoles, type NetworkRoute } from '../../net/index.js';
import {
  CARD_TERMINAL_CA_PATH,
  CARD_TERMINAL_CERTIFICATES_PATH,
  cardTerminalCertificateRequestSchema,
  IDENTITY_CONFIRMATION_PATH,
  type CardTerminalCertificateRequest,
  identityConfirmationRequestSchema,
} from '../../protocol/index.js';
import type { Clock } from '../../shared/clock.js';
import { JukinetError, quote } from '../../shared/errors.js';
import type { Store } from '../../store/index.js';
import { currentIdentity } from '../common/identity-history.js';
import { loadOrCreateKeptCa } from '../common/kept-ca.js';
import { parseBody } from '../common/terminal-api/index.js';
import { refuseInactiveCard } from './card-status.js';

/** Where the national server keeps its card terminal CA: a directory for the certificate, the key in a key store. */
export interface CardTerminalCaSetup {
  readonly directory: string;
  readonly keyStore: KeyStore | (() => Promise<KeyStore>);
}

/** The key store alias of the card terminal CA's key. */
export const CARD_TERMINAL_CA_ALIAS = 'card-terminal-ca';

/** How long a municipality's terminal or administrator certificate lasts before it asks again. */
const TERMINAL_CERTIFICATE_DAYS = 365;

/** The national card terminal CA as the national server uses it: its certificate, and certificates for nodes. */
export interface NationalCardTerminalCa {
  /** The CA certificate every card trusts for terminals and administrators. */
  certificatePem(): Promise<string>;
  /**
   * Certifies `publicKeyPem` for `role` at node `nodeId`, named after the node: a municipality's counter terminal
   * (lg-<LG code>-counter) or card administrator (…-clerk), a prefecture's or the national centre's self-disclosure
   * window (pref-NN-counter, national-counter; terminals only). JUKI_ERR_REQUEST_INVALID for anything else.
   */
  certify(nodeId: string, request: CardTerminalCertificateRequest): Promise<string>;
}

/** The terminal id a certificate for `role` names at `nodeId`, or undefined when that node may not hold one. */
function terminalIdFor(nodeId: string, role: CardTerminalRole): string | undefined {
  const caller = parseNodeId(nodeId);
  switch (caller.role) {
    case 'municipality':
      return cardTerminalIdOf(caller.lgCode, role);
    case 'prefecture':
    case 'national':
      // A window that only reads cards (self-disclosure): never an administrator, which unlocks and takes back.
      return role === 'card-terminal' ? `${caller.id}-counter` : undefined;
    case 'agency':
      return undefined;
  }
}

/**
 * The national card terminal CA kept in `setup` (made on first use). Without `setup` the node has no CA: every use
 * answers JUKI_ERR_CARD_ISSUER_UNAVAILABLE.
 */
export function nationalCardTerminalCa(
  setup: CardTerminalCaSetup | undefined,
  options: { readonly clock: Clock },
): NationalCardTerminalCa {
  let ca: Promise<CaMaterial> | undefined;
  function terminalCa(): Promise<CaMaterial> {
    if (setup === undefined) {
      return Promise.reject(new JukinetError('JUKI_ERR_CARD_ISSUER_UNAVAILABLE', 'no card terminal CA here'));
    }
    if (ca === undefined) {
      ca = (async () =>
        loadOrCreateKeptCa(typeof setup.keyStore === 'function' ? await setup.keyStore() : setup.keyStore, {
          alias: CARD_TERMINAL_CA_ALIAS,
          certificatePath: join(setup.directory, `${CARD_TERMINAL_CA_ALIAS}.pem`),
          create: () => createCardTerminalCa({ validFrom: options.clock.now() }),
        }))();
      ca.catch(() => {
        ca = undefined;
      });
    }
    return ca;
  }

  return {
    async certificatePem() {
      return (await terminalCa()).certificatePem;
    },
    async certify(nodeId, request) {
      const terminalId = terminalIdFor(nodeId, request.role);
      if (terminalId === undefined) {
        throw new JukinetError('JUKI_ERR_REQUEST_INVALID', `no ${quote(request.role)} for ${quote(nodeId)}`);
      }
      const now = options.clock.now();
      let certificatePem: string;
      try {
        certificatePem = await issueCardTerminalCertificate(await terminalCa(), {
          terminalId,
          role: request.role,
          publicKeyPem: request.publicKeyPem,
          validFrom: now,
          validTo: new Date(now.getTime() + TERMINAL_CERTIFICATE_DAYS * 86_400_000),
        });
      } catch (error) {
        if (error instanceof JukinetError) throw error;
        throw new JukinetError('JUKI_ERR_REQUEST_INVALID', 'publicKeyPem: not a P-256 public key', {
          cause: error,
        });
      }
      readCardTerminalCertificate(certificatePem);
      return certificatePem;
    },
  };
}

/**
 * The card terminal CA routes: its certificate for any municipality or prefecture, and certificates for a node's own
 * keys, named after the node of the calling certificate (never a body field), so that no node can hold another's: a
 * municipality's counter terminal and card administrator, a prefecture's self-disclosure window. Without `setup` (and
 * without `options.ca`) the node has no CA and both answer JUKI_ERR_CARD_ISSUER_UNAVAILABLE.
 */
export function cardTerminalCaRoutes(
  setup: CardTerminalCaSetup | undefined,
  options: { readonly clock: Clock; readonly ca?: NationalCardTerminalCa },
): NetworkRoute[] {
  const ca = options.ca ?? nationalCardTerminalCa(setup, options);
  return [
    {
      method: 'GET',
      path: CARD_TERMINAL_CA_PATH,
      allow: byRoles('municipality', 'prefecture', 'national'),
      async handler() {
        return { body: { certificatePem: await ca.certificatePem() } };
      },
    },
    {
      method: 'POST',
      path: CARD_TERMINAL_CERTIFICATES_PATH,
      allow: byRoles('municipality', 'prefecture'),
      async handler({ peer, body }) {
        const request = parseBody(cardTerminalCertificateRequestSchema, body);
        return { body: { certificatePem: await ca.certify(peer.nodeId, request) } };
      },
    },
  ];
}

/**
 * The identity information of a card holder, for a municipality that confirmed the card, the terminal and the PIN.
 * Refused for a card the national record has as suspended or returned (JUKI_ERR_CARD_SUSPENDED), whatever the
 * municipality says, and for a code the national copy does not hold or holds as closed.
 */
export function identityConfirmationRoute(store: Store): NetworkRoute {
  return {
    method: 'POST',
    path: IDENTITY_CONFIRMATION_PATH,
    allow: byRoles('municipality'),
    async handler({ body }) {
      const request = parseBody(identityConfirmationRequestSchema, body);
      await refuseInactiveCard(store.db, request.cardId);
      const code = parseResidentCode(request.residentCode);
      const version = await currentIdentity(store.db, code);
      if (version === undefined) throw new JukinetError('JUKI_ERR_IDENTITY_NOT_FOUND', quote(code));
      return { body: version };
    },
  };
}
