// Cards across the network: a municipality hands its card CA certificate to the other municipalities over mTLS (so
// a card issued anywhere can be checked anywhere), reports suspensions to the national server, and asks it on every
// card it authenticates whether the card is suspended (docs/protocol/card.status-changed.md).

import type { NodeId } from '../../../domain/index.js';
import { byRoles, type NetworkRoute } from '../../../net/index.js';
import {
  CARD_TERMINAL_CA_PATH,
  CARD_TERMINAL_CERTIFICATES_PATH,
  cardStatusChanged,
  cardTerminalCaAnswerSchema,
  cardTerminalCertificateAnswerSchema,
  type CardNetworkState,
} from '../../../protocol/index.js';
import { CARD_ISSUER_CA_PATH } from '../../common/cards/index.js';
import type { NodeContext, Outbox } from '../../common/node-module.js';
import type { CardIssuer, CardTerminalAuthority } from './card-issuer.js';

// Authenticating a card whoever issued it is shared with the national and prefectural windows (self-disclosure).
export { authenticateNetworkCard, CARD_ISSUER_CA_PATH, isCardSuspended } from '../../common/cards/index.js';

const NATIONAL = 'national' as NodeId;

/** The route answering this municipality's card CA certificate to any other counter that checks its cards. */
export function cardIssuerCaRoute(issuer: () => CardIssuer): NetworkRoute {
  return {
    method: 'GET',
    path: CARD_ISSUER_CA_PATH,
    // Every counter that checks cards: municipalities, and the national and prefectural self-disclosure windows.
    allow: byRoles('municipality', 'prefecture', 'national'),
    async handler() {
      return { body: { certificatePem: (await issuer().ca()).certificatePem } };
    },
  };
}

/**
 * The national card terminal CA as this municipality's card issuer sees it: the anchor written on each card (read
 * once, then kept), and certificates for the counter terminal and the card administrator.
 */
export function nationalCardTerminalAuthority(context: Pick<NodeContext, 'call'>): CardTerminalAuthority {
  let anchor: Promise<string> | undefined;
  return {
    anchorPem() {
      anchor ??= context
        .call(NATIONAL, { method: 'GET', path: CARD_TERMINAL_CA_PATH })
        .then((answer) => cardTerminalCaAnswerSchema.parse(answer).certificatePem);
      anchor.catch(() => {
        anchor = undefined;
      });
      return anchor;
    },
    async certify(role, publicKeyPem) {
      const answer = await context.call(NATIONAL, {
        method: 'POST',
        path: CARD_TERMINAL_CERTIFICATES_PATH,
        body: { role, publicKeyPem },
      });
      return cardTerminalCertificateAnswerSchema.parse(answer).certificatePem;
    },
  };
}

/** Queues card.status-changed for the national server in the caller's transaction. */
export async function reportCardStatus(
  outbox: Outbox,
  card: {
    cardId: string;
    fingerprint: string;
    issuerMunicipality: string;
    state: CardNetworkState;
    at: Date;
  },
): Promise<void> {
  await outbox.send({
    to: NATIONAL,
    type: cardStatusChanged.type,
    body: {
      cardId: card.cardId,
      fingerprint: card.fingerprint,
      issuerMunicipality: card.issuerMunicipality,
      state: card.state,
      changedAt: card.at.toISOString(),
    },
  });
}
