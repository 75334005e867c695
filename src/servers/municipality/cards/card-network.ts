// Cards across the network: a municipality hands its card CA certificate to the other municipalities over mTLS (so
// a card issued anywhere can be checked anywhere), reports suspensions to the national server, and asks it on every
// card it authenticates whether the card is suspended (docs/protocol/card.status-changed.md).

import { X509Certificate } from 'node:crypto';
import {
  authenticateCard,
  type CardTrust,
  type ResidentCard,
  type VerifiedCard,
} from '../../../card/index.js';
import type { NodeId } from '../../../domain/index.js';
import { byRoles, type NetworkRoute } from '../../../net/index.js';
import {
  CARD_STATUS_PATH,
  CARD_TERMINAL_CA_PATH,
  CARD_TERMINAL_CERTIFICATES_PATH,
  cardStatusAnswerSchema,
  cardStatusChanged,
  cardTerminalCaAnswerSchema,
  cardTerminalCertificateAnswerSchema,
  type CardNetworkState,
} from '../../../protocol/index.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import type { NodeContext, Outbox } from '../../common/node-module.js';
import type { CardIssuer, CardTerminalAuthority } from './card-issuer.js';

/** The path on a municipality's network port that answers its card CA certificate. */
export const CARD_ISSUER_CA_PATH = '/v1/cards/issuer-ca';

const NATIONAL = 'national' as NodeId;

/** The route answering this municipality's card CA certificate to any other municipality. */
export function cardIssuerCaRoute(issuer: () => CardIssuer): NetworkRoute {
  return {
    method: 'GET',
    path: CARD_ISSUER_CA_PATH,
    allow: byRoles('municipality'),
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

/** Asks the national server whether card `cardId` is suspended; a failed call fails the check (closed). */
export async function isCardSuspended(context: Pick<NodeContext, 'call'>, cardId: string): Promise<boolean> {
  const answer = cardStatusAnswerSchema.parse(
    await context.call(NATIONAL, { method: 'GET', path: CARD_STATUS_PATH.replace(':cardId', cardId) }),
  );
  return answer.state === 'suspended';
}

/**
 * Authenticates a card presented at this municipality's terminal, whoever issued it: the issuer's card CA comes from
 * this node's own issuer or, over mTLS, from the issuing municipality (which must name its code in the CA), and the
 * suspension from the national server. Throws JUKI_ERR_CARD_SUSPENDED for a suspended card, as authenticateCard does.
 */
export async function authenticateNetworkCard(
  card: ResidentCard,
  options: { context: Pick<NodeContext, 'call' | 'clock'>; ownIssuer?: CardIssuer },
): Promise<VerifiedCard> {
  const { issuerMunicipality } = await card.readPublicInfo();
  if (issuerMunicipality === null) {
    throw new JukinetError('JUKI_ERR_CARD_CERTIFICATE', 'the card names no issuing municipality');
  }
  let anchor: string;
  if (options.ownIssuer?.lgCode === issuerMunicipality) {
    anchor = (await options.ownIssuer.ca()).certificatePem;
  } else {
    const answer = await options.context.call<{ certificatePem?: unknown }>(
      `muni-${issuerMunicipality}` as NodeId,
      { method: 'GET', path: CARD_ISSUER_CA_PATH },
    );
    if (typeof answer.certificatePem !== 'string') {
      throw new JukinetError('JUKI_ERR_CARD_CERTIFICATE', `no card CA from ${quote(issuerMunicipality)}`);
    }
    const names = new X509Certificate(answer.certificatePem).subjectAltName ?? '';
    if (!names.includes(`urn:jukinet:lg:${issuerMunicipality}`)) {
      throw new JukinetError(
        'JUKI_ERR_CARD_CERTIFICATE',
        `the card CA does not name ${quote(issuerMunicipality)}`,
      );
    }
    anchor = answer.certificatePem;
  }
  const trust: CardTrust = {
    trustAnchorPems: [anchor],
    clock: options.context.clock,
    isSuspended: (certificate) => isCardSuspended(options.context, certificate.cardId),
  };
  return authenticateCard(card, trust);
}
