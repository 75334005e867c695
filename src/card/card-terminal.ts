// What a terminal does with a card: prove itself (external authenticate), confirm the holder's identity (DESIGN.md §5
// flow 4: mutual authentication, PIN, code), activate a card at handover, and a clerk's unlock and return (返納).

import type { KeyObject } from 'node:crypto';
import { signCanonical } from '../crypto/index.js';
import type { ResidentCode } from '../domain/index.js';
import { err, ok, type Result } from '../shared/result.js';
import { authenticateCard, type CardTrust, type VerifiedCard } from './card-verifier.js';
import { cardProofPayload, CardProofPurpose, type CardProof, type ResidentCard } from './resident-card.js';

/** A terminal's or clerk's certificate (from the CA the card trusts) and its private key. */
export interface CardTerminalKey {
  readonly certificatePem: string;
  readonly privateKey: KeyObject | string;
}

/** Signs a fresh challenge of `card` for `purpose`: the proof a card asks of a terminal or a clerk. */
export async function proveToCard(
  card: ResidentCard,
  key: CardTerminalKey,
  purpose: Exclude<CardProofPurpose, 'jukinet-card-internal-authenticate/1'>,
): Promise<CardProof> {
  const { cardId } = await card.readPublicInfo();
  const challenge = await card.getChallenge();
  return {
    certificatePem: key.certificatePem,
    signature: signCanonical(cardProofPayload(purpose, cardId, challenge), key.privateKey),
  };
}

/** The terminal proves to the card that it is a genuine terminal (external authenticate). */
export async function authenticateTerminal(card: ResidentCard, terminal: CardTerminalKey): Promise<void> {
  await card.externalAuthenticate(await proveToCard(card, terminal, CardProofPurpose.externalAuthenticate));
}

/** Handover (flow 5, last step): the terminal proves itself and the resident's first PIN activates the card. */
export async function activateCard(
  card: ResidentCard,
  terminal: CardTerminalKey,
  pin: string,
): Promise<void> {
  await authenticateTerminal(card, terminal);
  await card.setPin(pin);
}

/**
 * Identity confirmation (本人確認, flow 4): the card proves itself to the terminal, the terminal to the card, the
 * resident enters the PIN, and the card gives up the resident code. A wrong PIN is an answer (with the tries left);
 * anything the card or the terminal refuses throws a JUKI_ERR_CARD_* error.
 */
export async function confirmCardHolder(
  card: ResidentCard,
  options: { pin: string; terminal: CardTerminalKey; trust: CardTrust },
): Promise<
  Result<
    { readonly card: VerifiedCard; readonly residentCode: ResidentCode },
    { readonly remainingTries: number; readonly locked: boolean }
  >
> {
  const verified = await authenticateCard(card, options.trust);
  await authenticateTerminal(card, options.terminal);
  const pin = await card.verifyPin(options.pin);
  if (!pin.ok) return err(pin.reason);
  return ok({ card: verified, residentCode: await card.readResidentCode() });
}

/**
 * A clerk unlocks the card with the resident's new PIN, after checking the holder's identity at the counter (the
 * check is the clerk's, off the card). Needs a `card-administrator` certificate.
 */
export async function unlockCard(
  card: ResidentCard,
  administrator: CardTerminalKey,
  newPin: string,
): Promise<void> {
  await card.unlock(await proveToCard(card, administrator, CardProofPurpose.unlock), newPin);
}

/** A clerk takes the card back (返納): the card wipes its key and code for good. */
export async function takeBackCard(card: ResidentCard, administrator: CardTerminalKey): Promise<void> {
  await card.markReturned(await proveToCard(card, administrator, CardProofPurpose.markReturned));
}
