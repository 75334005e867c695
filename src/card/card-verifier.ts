// The terminal's checks on a card (DESIGN.md §5 flow 4): the card certificate's chain to the card CAs the terminal
// trusts, the card's validity by the terminal's own clock, the network's suspension record, and the card's signature
// over a fresh challenge (internal authenticate). The terminal never believes the card's word for any of these.

import {
  readCardCertificate,
  verifyCanonical,
  verifyCertificateChain,
  type CardCertificateInfo,
} from '../crypto/index.js';
import { compareIsoDates, japanDateOf, type LocalGovernmentCode } from '../domain/index.js';
import { assert } from '../shared/assert.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { JukinetError, isJukinetError, quote } from '../shared/errors.js';
import { secureRandomBytes, type RandomBytes } from '../shared/random.js';
import { CardCommand, checkCommandAllowed } from './card-rules.js';
import {
  cardProofPayload,
  CardProofPurpose,
  type CardCertificates,
  type CardPublicInfo,
  type CardValidity,
  type FaceVersion,
  type ResidentCard,
} from './resident-card.js';

/** What a terminal trusts when it checks cards. */
export interface CardTrust {
  /** The CA certificates card certificates must chain to: the municipalities' card CAs, or a root above them. */
  readonly trustAnchorPems: readonly string[];
  /** The terminal's clock, for certificate and card validity. */
  readonly clock?: Clock;
  /**
   * The hook for suspension on loss or theft (一時停止): a record on the network, not on the card. True refuses the
   * card with JUKI_ERR_CARD_SUSPENDED. Without it no suspension is checked.
   */
  readonly isSuspended?: (certificate: CardCertificateInfo) => boolean | Promise<boolean>;
}

/** A card that proved it holds the key of a valid certificate from a trusted municipality. */
export interface VerifiedCard {
  readonly cardId: string;
  readonly issuerMunicipality: LocalGovernmentCode;
  readonly faceVersion: FaceVersion | null;
  readonly validity: CardValidity;
  readonly certificate: CardCertificateInfo;
}

const TERMINAL_CHALLENGE_BYTES = 32;

/**
 * Checks a card's certificates against what the card says of itself: the chain to a trust anchor at `at`, the card id
 * and municipality it names, and the card's validity on that date. Returns the parsed card certificate; throws
 * JUKI_ERR_CARD_CERTIFICATE or JUKI_ERR_CARD_EXPIRED.
 */
export function verifyCardCertificate(
  certificates: CardCertificates,
  info: CardPublicInfo,
  options: { trustAnchorPems: readonly string[]; at: Date },
): CardCertificateInfo {
  let certificate: CardCertificateInfo;
  try {
    certificate = readCardCertificate(certificates.certificatePem);
  } catch (error) {
    throw new JukinetError('JUKI_ERR_CARD_CERTIFICATE', 'cannot read the card certificate', { cause: error });
  }
  if (options.at < certificate.notBefore || options.at > certificate.notAfter) {
    throw new JukinetError(
      'JUKI_ERR_CARD_EXPIRED',
      `the certificate of card ${quote(certificate.cardId)} is valid ${quote(certificate.notBefore.toISOString())} to ${quote(certificate.notAfter.toISOString())}`,
    );
  }
  try {
    verifyCertificateChain(certificates.certificatePem, {
      intermediatePems: certificates.chainPems,
      trustAnchorPems: options.trustAnchorPems,
      at: options.at,
    });
  } catch (error) {
    if (!isJukinetError(error)) throw error;
    throw new JukinetError('JUKI_ERR_CARD_CERTIFICATE', error.detail ?? error.message, { cause: error });
  }
  if (certificate.cardId !== info.cardId || certificate.issuerMunicipality !== info.issuerMunicipality) {
    throw new JukinetError(
      'JUKI_ERR_CARD_CERTIFICATE',
      `issued for card ${quote(certificate.cardId)} of ${quote(certificate.issuerMunicipality)}, the card says ${quote(info.cardId)} of ${quote(info.issuerMunicipality)}`,
    );
  }
  const today = japanDateOf(options.at);
  if (
    info.validity === null ||
    compareIsoDates(today, info.validity.validFrom) < 0 ||
    compareIsoDates(info.validity.validUntil, today) < 0
  ) {
    throw new JukinetError(
      'JUKI_ERR_CARD_EXPIRED',
      `card ${quote(info.cardId)} is valid ${quote(info.validity?.validFrom ?? '?')} to ${quote(info.validity?.validUntil ?? '?')}, today is ${quote(today)}`,
    );
  }
  return certificate;
}

/** Throws JUKI_ERR_CARD_SIGNATURE unless `signature` is the card's internal authenticate answer to `challenge`. */
export function verifyInternalAuthentication(
  certificate: CardCertificateInfo,
  challenge: Uint8Array,
  signature: string,
): void {
  const payload = cardProofPayload(CardProofPurpose.internalAuthenticate, certificate.cardId, challenge);
  if (!verifyCanonical(payload, signature, certificate.publicKeyPem)) {
    throw new JukinetError(
      'JUKI_ERR_CARD_SIGNATURE',
      `card ${quote(certificate.cardId)} did not sign with its certified key`,
    );
  }
}

/**
 * The card proves itself to the terminal: its state, its certificate and validity, the suspension hook, then its
 * signature on a fresh random challenge. Returns what the card proved; throws a JUKI_ERR_CARD_* code otherwise.
 */
export async function authenticateCard(
  card: ResidentCard,
  trust: CardTrust,
  options?: { random?: RandomBytes },
): Promise<VerifiedCard> {
  const at = (trust.clock ?? systemClock).now();
  const info = await card.readPublicInfo();
  checkCommandAllowed(CardCommand.internalAuthenticate, info.state);
  const certificate = verifyCardCertificate(await card.readCertificate(), info, {
    trustAnchorPems: trust.trustAnchorPems,
    at,
  });
  if (trust.isSuspended !== undefined && (await trust.isSuspended(certificate))) {
    throw new JukinetError('JUKI_ERR_CARD_SUSPENDED', `card ${quote(certificate.cardId)}`);
  }
  const validity = info.validity;
  assert(validity !== null, 'verifyCardCertificate refuses a card without validity');
  const challenge = (options?.random ?? secureRandomBytes)(TERMINAL_CHALLENGE_BYTES);
  verifyInternalAuthentication(certificate, challenge, await card.internalAuthenticate(challenge));
  return {
    cardId: certificate.cardId,
    issuerMunicipality: certificate.issuerMunicipality,
    faceVersion: info.faceVersion,
    validity,
    certificate,
  };
}
