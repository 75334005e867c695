// Personalisation at the issuing municipality (DESIGN.md §5 flow 5): remove the transport key, write the card's
// contents, have the card generate its key pair, and certify the public key with the municipality's card CA.

import { issueCardCertificate, type CaMaterial } from '../crypto/index.js';
import { addDays, utcMidnightOf, type LocalGovernmentCode, type ResidentCode } from '../domain/index.js';
import type { CardValidity, FaceVersion, ResidentCard } from './resident-card.js';

const JST_OFFSET_MS = 9 * 3_600_000;

/** What the municipality writes on a card. */
export interface CardPersonalisation {
  readonly transportKey: Uint8Array;
  readonly residentCode: ResidentCode;
  readonly issuerMunicipality: LocalGovernmentCode;
  readonly faceVersion: FaceVersion;
  readonly validity: CardValidity;
  /** The municipality's card CA, which certifies the card's key. */
  readonly issuer: CaMaterial;
  /** CA certificates between the issuer and the terminals' trust anchor, if the issuer is not itself an anchor. */
  readonly chainPems?: readonly string[];
  /** The CA whose terminal and administrator certificates the card will accept. */
  readonly terminalTrustAnchorPem: string;
}

/**
 * Personalises a transport-protected card and leaves it `personalised`, waiting for the resident's PIN. The
 * certificate covers the card's validity, from midnight of its first day to the end of its last, Japan time.
 * Returns the card certificate.
 */
export async function personaliseCard(card: ResidentCard, contents: CardPersonalisation): Promise<string> {
  await card.removeTransportKey(contents.transportKey);
  const { cardId } = await card.readPublicInfo();
  await card.writeResidentCode(contents.residentCode);
  await card.writeIssuerMunicipality(contents.issuerMunicipality);
  await card.setFaceVersion(contents.faceVersion);
  await card.setValidity(contents.validity);
  await card.writeTrustAnchor(contents.terminalTrustAnchorPem);
  const { publicKeyPem } = await card.generateKeyPair();
  const certificatePem = await issueCardCertificate(contents.issuer, {
    cardId,
    issuerMunicipality: contents.issuerMunicipality,
    publicKeyPem,
    validFrom: japanMidnight(contents.validity.validFrom),
    validTo: new Date(japanMidnight(addDays(contents.validity.validUntil, 1)).getTime() - 1000),
  });
  await card.installCertificate({ certificatePem, chainPems: contents.chainPems ?? [] });
  await card.completePersonalisation();
  return certificatePem;
}

function japanMidnight(isoDate: string): Date {
  return new Date(utcMidnightOf(isoDate).getTime() - JST_OFFSET_MS);
}
