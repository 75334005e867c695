// Authenticating a resident card presented at any counter of the network, whoever issued it: the issuer's card CA
// comes from the issuing municipality over mTLS (or the counter's own issuer), and whether the card is suspended from
// the national server (docs/protocol/card.status-changed.md). Municipal counters and the national and prefectural
// windows of self-disclosure share it.

import { X509Certificate } from 'node:crypto';
import {
  authenticateCard,
  type CardTrust,
  type ResidentCard,
  type VerifiedCard,
} from '../../../card/index.js';
import type { NodeId } from '../../../domain/index.js';
import { CARD_STATUS_PATH, cardStatusAnswerSchema } from '../../../protocol/index.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import type { NodeContext } from '../node-module.js';

/** The path on a municipality's network port that answers its card CA certificate. */
export const CARD_ISSUER_CA_PATH = '/v1/cards/issuer-ca';

const NATIONAL = 'national' as NodeId;

/** A counter's own card issuer, whose CA it reads without asking the network. */
export interface OwnCardIssuer {
  readonly lgCode: string;
  ca(): Promise<{ readonly certificatePem: string }>;
}

/** Asks the national server whether card `cardId` is suspended; a failed call fails the check (closed). */
export async function isCardSuspended(context: Pick<NodeContext, 'call'>, cardId: string): Promise<boolean> {
  const answer = cardStatusAnswerSchema.parse(
    await context.call(NATIONAL, { method: 'GET', path: CARD_STATUS_PATH.replace(':cardId', cardId) }),
  );
  return answer.state === 'suspended';
}

/**
 * Authenticates a card presented at this node's counter, whoever issued it: the issuer's card CA comes from
 * `ownIssuer` or, over mTLS, from the issuing municipality (which must name its code in the CA), and the suspension
 * from the national server (or `isSuspended`, on the national server itself). Throws JUKI_ERR_CARD_SUSPENDED for a
 * suspended card, as authenticateCard does.
 */
export async function authenticateNetworkCard(
  card: ResidentCard,
  options: {
    context: Pick<NodeContext, 'call' | 'clock'>;
    ownIssuer?: OwnCardIssuer;
    isSuspended?: (cardId: string) => Promise<boolean>;
  },
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
  const suspended = options.isSuspended ?? ((cardId: string) => isCardSuspended(options.context, cardId));
  const trust: CardTrust = {
    trustAnchorPems: [anchor],
    clock: options.context.clock,
    isSuspended: (certificate) => suspended(certificate.cardId),
  };
  return authenticateCard(card, trust);
}
