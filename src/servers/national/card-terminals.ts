// The national centre's part in using a resident card anywhere (docs/card-issuance.md, "Any municipality's counter"):
// the card terminal CA, which certifies each municipality's counter terminal and card administrator and which every
// card trusts, and the identity information of a card holder confirmed at a municipality that does not hold them.

import { join } from 'node:path';
import {
  cardTerminalIdOf,
  createCardTerminalCa,
  issueCardTerminalCertificate,
  readCardTerminalCertificate,
  type CaMaterial,
  type KeyStore,
} from '../../crypto/index.js';
import { parseNodeId, parseResidentCode } from '../../domain/index.js';
import { byRoles, type NetworkRoute } from '../../net/index.js';
import {
  CARD_TERMINAL_CA_PATH,
  CARD_TERMINAL_CERTIFICATES_PATH,
  cardTerminalCertificateRequestSchema,
  IDENTITY_CONFIRMATION_PATH,
  identityConfirmationRequestSchema,
} from '../../protocol/index.js';
import type { Clock } from '../../shared/clock.js';
import { JukinetError, quote } from '../../shared/errors.js';
import type { Store } from '../../store/index.js';
import { currentIdentity } from '../common/identity-history.js';
import { loadOrCreateKeptCa } from '../common/kept-ca.js';
import { parseBody } from '../common/terminal-api/index.js';

/** Where the national server keeps its card terminal CA: a directory for the certificate, the key in a key store. */
export interface CardTerminalCaSetup {
  readonly directory: string;
  readonly keyStore: KeyStore | (() => Promise<KeyStore>);
}

/** The key store alias of the card terminal CA's key. */
export const CARD_TERMINAL_CA_ALIAS = 'card-terminal-ca';

/** How long a municipality's terminal or administrator certificate lasts before it asks again. */
const TERMINAL_CERTIFICATE_DAYS = 365;

/**
 * The card terminal CA routes: its certificate for any municipality, and certificates for a municipality's own
 * counter terminal and card administrator keys, named after the municipality of the calling node (never a body
 * field), so that no municipality can hold another's. Without `setup` the node has no CA and both answer
 * JUKI_ERR_CARD_ISSUER_UNAVAILABLE.
 */
export function cardTerminalCaRoutes(
  setup: CardTerminalCaSetup | undefined,
  options: { readonly clock: Clock },
): NetworkRoute[] {
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

  return [
    {
      method: 'GET',
      path: CARD_TERMINAL_CA_PATH,
      allow: byRoles('municipality', 'national'),
      async handler() {
        return { body: { certificatePem: (await terminalCa()).certificatePem } };
      },
    },
    {
      method: 'POST',
      path: CARD_TERMINAL_CERTIFICATES_PATH,
      allow: byRoles('municipality'),
      async handler({ peer, body }) {
        const request = parseBody(cardTerminalCertificateRequestSchema, body);
        const caller = parseNodeId(peer.nodeId);
        if (caller.role !== 'municipality')
          throw new JukinetError('JUKI_ERR_REQUEST_INVALID', 'not a municipality');
        const now = options.clock.now();
        let certificatePem: string;
        try {
          certificatePem = await issueCardTerminalCertificate(await terminalCa(), {
            terminalId: cardTerminalIdOf(caller.lgCode, request.role),
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
        return { body: { certificatePem } };
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
      const status = await store.db
        .selectFrom('card_status')
        .select('state')
        .where('card_id', '=', request.cardId)
        .executeTakeFirst();
      if (status !== undefined && status.state !== 'active') {
        throw new JukinetError(
          status.state === 'suspended' ? 'JUKI_ERR_CARD_SUSPENDED' : 'JUKI_ERR_CARD_STATE',
          `card ${quote(request.cardId)} is ${status.state}`,
        );
      }
      const code = parseResidentCode(request.residentCode);
      const version = await currentIdentity(store.db, code);
      if (version === undefined) throw new JukinetError('JUKI_ERR_IDENTITY_NOT_FOUND', quote(code));
      return { body: version };
    },
  };
}
