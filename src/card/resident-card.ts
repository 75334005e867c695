// The resident card (住基カード) as a terminal sees it: typed, asynchronous commands in the manner of a smart card's
// APDUs, its lifecycle states, and the messages a card and a terminal sign to prove themselves (docs/card.md).

import type { LocalGovernmentCode, ResidentCode } from '../domain/index.js';
import type { Result } from '../shared/result.js';

/**
 * Where a card is in its life. `expired` is never stored: a card in `personalised`, `active` or `locked` reads as
 * expired when today (Japan time) is outside its validity period. Suspension on loss (一時停止) is not a card state:
 * it is a record on the network, which the terminal consults (see `CardTrust.isSuspended`).
 */
export const CardState = {
  /** As manufactured: no transport key yet. */
  blank: 'blank',
  /** A transport key protects the card on its way to the municipality. */
  transportProtected: 'transport-protected',
  /** The transport key was presented and removed: the municipality writes the card's contents. */
  personalising: 'personalising',
  /** Contents written and locked in; waits for the resident to set a PIN at handover. */
  personalised: 'personalised',
  /** The resident's PIN is set: the card is in use. */
  active: 'active',
  /** Too many wrong PINs in a row: only a clerk's unlock with a new PIN reopens it. */
  locked: 'locked',
  /** Outside the validity period (derived from the date, never stored). */
  expired: 'expired',
  /** Handed back to the municipality (返納): its key and code are wiped, and nothing works any more. */
  returned: 'returned',
} as const;
export type CardState = (typeof CardState)[keyof typeof CardState];

/** The face printed on the card, chosen by the resident: A (氏名, 有効期限, 交付地市町村名) or B (also 住所, 生年月日, 性別, photo). */
export const FaceVersion = { a: 'A', b: 'B' } as const;
export type FaceVersion = (typeof FaceVersion)[keyof typeof FaceVersion];

/** The card's validity, as ISO civil dates, both days included (10 years from issuance, DOMAIN.md). */
export interface CardValidity {
  readonly validFrom: string;
  readonly validUntil: string;
}

/** What any terminal may read from a card, before any authentication. Fields not yet written are null. */
export interface CardPublicInfo {
  readonly cardId: string;
  readonly state: CardState;
  readonly faceVersion: FaceVersion | null;
  readonly validity: CardValidity | null;
  readonly issuerMunicipality: LocalGovernmentCode | null;
}

/** The card's state with its PIN counter and what the current session has proved. */
export interface CardStatus {
  readonly cardId: string;
  readonly state: CardState;
  readonly maxPinTries: number;
  readonly pinTriesRemaining: number;
  readonly session: CardSession;
}

/** What has been proved since the card was last reset (inserted): a card forgets it on reset. */
export interface CardSession {
  /** A genuine terminal proved itself (external authenticate). */
  readonly terminalAuthenticated: boolean;
  /** The card signed a terminal's challenge (internal authenticate). */
  readonly cardAuthenticated: boolean;
  /** The resident's PIN was verified. */
  readonly pinVerified: boolean;
}

/** The card certificate issued by the municipality and the CA certificates between it and the trust anchor. */
export interface CardCertificates {
  readonly certificatePem: string;
  readonly chainPems: readonly string[];
}

/**
 * A terminal's or clerk's proof for one card challenge: its certificate (issued by the CA the card trusts) and a
 * signature with its key over `cardProofPayload(purpose, cardId, challenge)`.
 */
export interface CardProof {
  readonly certificatePem: string;
  readonly signature: string;
}

/** The answer to a PIN check: the tries left after a right PIN, or after a wrong one and whether it locked the card. */
export type PinVerification = Result<
  { readonly remainingTries: number },
  { readonly remainingTries: number; readonly locked: boolean }
>;

/**
 * The commands of a resident card. Every command the card refuses throws a JukinetError with a JUKI_ERR_CARD_* code
 * (the state, a missing authentication, a bad proof); a wrong PIN is an answer, not a refusal.
 */
export interface ResidentCard {
  // Any state.
  readStatus(): Promise<CardStatus>;
  readPublicInfo(): Promise<CardPublicInfo>;
  /** Ends the session, as removing the card from the reader does: authentications and the PIN are forgotten. */
  reset(): Promise<void>;

  // Manufacture and personalisation (issuance, DESIGN.md §5 flow 5).
  /** blank → transport-protected: the manufacturer locks the card with a transport key of 16 to 32 bytes. */
  setTransportKey(transportKey: Uint8Array): Promise<void>;
  /** transport-protected → personalising, when `transportKey` matches; refused with JUKI_ERR_CARD_TRANSPORT_KEY. */
  removeTransportKey(transportKey: Uint8Array): Promise<void>;
  writeResidentCode(code: ResidentCode): Promise<void>;
  /** Generates the card's P-256 key pair on the card, once; only the public key ever leaves it. */
  generateKeyPair(): Promise<{ readonly publicKeyPem: string }>;
  /** Installs the municipality's certificate for the card's key; refused unless it names this card and its key. */
  installCertificate(certificates: CardCertificates): Promise<void>;
  setValidity(validity: CardValidity): Promise<void>;
  setFaceVersion(faceVersion: FaceVersion): Promise<void>;
  writeIssuerMunicipality(code: LocalGovernmentCode): Promise<void>;
  /** The CA whose terminal and administrator certificates this card will accept. */
  writeTrustAnchor(certificatePem: string): Promise<void>;
  /** personalising → personalised, once every item above is written and consistent. */
  completePersonalisation(): Promise<void>;

  /** The card certificate and its chain, public once the card is personalised. */
  readCertificate(): Promise<CardCertificates>;

  // Use (identity confirmation, DESIGN.md §5 flow 4).
  /** A fresh random challenge for the next external authenticate, unlock or return; each challenge is used once. */
  getChallenge(): Promise<Uint8Array>;
  /** The terminal proves itself: a `card-terminal` certificate and a signature over the card's challenge. */
  externalAuthenticate(proof: CardProof): Promise<void>;
  /** The card proves itself: it signs the terminal's challenge (16 to 64 bytes) with its key, answering base64url. */
  internalAuthenticate(challenge: Uint8Array): Promise<string>;
  /** personalised → active: the resident sets the first PIN at a terminal that authenticated itself. */
  setPin(pin: string): Promise<void>;
  /** Checks the PIN; the wrong-PIN counter resets on a right PIN and locks the card when it reaches zero. */
  verifyPin(pin: string): Promise<PinVerification>;
  /** Changes the PIN when `currentPin` is right (a wrong one counts as a wrong PIN). */
  changePin(currentPin: string, newPin: string): Promise<PinVerification>;
  /** The resident code, only after external and internal authenticate and a verified PIN in this session. */
  readResidentCode(): Promise<ResidentCode>;

  // Administration by the issuing municipality (a clerk's `card-administrator` certificate).
  /** locked or active → active with a new PIN and a full counter, after the clerk checked the holder's identity. */
  unlock(proof: CardProof, newPin: string): Promise<void>;
  /** → returned (返納): wipes the key, the code and the PIN; the card never works again. */
  markReturned(proof: CardProof): Promise<void>;
}

/** What each signature on a card challenge is for, so that a proof for one purpose never serves another. */
export const CardProofPurpose = {
  internalAuthenticate: 'jukinet-card-internal-authenticate/1',
  externalAuthenticate: 'jukinet-card-external-authenticate/1',
  unlock: 'jukinet-card-unlock/1',
  markReturned: 'jukinet-card-return/1',
} as const;
export type CardProofPurpose = (typeof CardProofPurpose)[keyof typeof CardProofPurpose];

/** The value signed (as canonical JSON, with signCanonical) for a purpose, a card and a challenge. */
export function cardProofPayload(
  purpose: CardProofPurpose,
  cardId: string,
  challenge: Uint8Array,
): { purpose: CardProofPurpose; cardId: string; challenge: string } {
  return { purpose, cardId, challenge: Buffer.from(challenge).toString('base64url') };
}
