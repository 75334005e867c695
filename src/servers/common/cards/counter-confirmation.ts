// The card check at a counter (本人確認, DESIGN.md §5 flow 4), as every node's window runs it: the card proves itself
// (chain to its issuer, not suspended), the counter's terminal proves itself to the card, the card checks the PIN,
// and gives up the resident code. A municipality's 本人確認 and the national and prefectural self-disclosure share it.

import {
  authenticateTerminal,
  type CardTerminalKey,
  type ResidentCard,
  type VerifiedCard,
} from '../../../card/index.js';
import type { ResidentCode } from '../../../domain/index.js';
import { JukinetError } from '../../../shared/errors.js';
import { err, ok, type Result } from '../../../shared/result.js';

/** A card holder confirmed at the counter: what the card proved of itself and the code it gave. */
export interface CounterConfirmedCard {
  readonly verified: VerifiedCard;
  readonly residentCode: ResidentCode;
}

/**
 * Runs the counter's card check on `card`. A wrong PIN is an answer, not a throw, so that the operation that asked
 * commits its log: JUKI_ERR_CARD_PIN_WRONG with the tries left, or JUKI_ERR_CARD_LOCKED when this PIN locked the
 * card. Anything the card or the network refuses throws its JUKI_ERR_CARD_* code (a locked card: JUKI_ERR_CARD_LOCKED
 * before any PIN is tried).
 */
export async function confirmCardAtCounter(
  card: ResidentCard,
  options: {
    /** Authenticates the card whoever issued it (authenticateNetworkCard). */
    readonly authenticate: (card: ResidentCard) => Promise<VerifiedCard>;
    /** The counter terminal's key, asked for only once the card proved itself. */
    readonly terminalKey: () => Promise<CardTerminalKey>;
    readonly pin: string;
  },
): Promise<Result<CounterConfirmedCard, JukinetError>> {
  const verified = await options.authenticate(card);
  await authenticateTerminal(card, await options.terminalKey());
  const pin = await card.verifyPin(options.pin);
  if (!pin.ok) {
    const { remainingTries, locked } = pin.reason;
    return err(
      locked
        ? new JukinetError('JUKI_ERR_CARD_LOCKED', 'locked by this wrong PIN: a clerk must unlock it')
        : new JukinetError('JUKI_ERR_CARD_PIN_WRONG', `${remainingTries} tries left`),
    );
  }
  return ok({ verified, residentCode: await card.readResidentCode() });
}
