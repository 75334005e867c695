// The rules a resident card enforces, as pure functions: which command runs in which state, the PIN format and the
// wrong-PIN counter, and when a card reads as expired. The software card applies them; a test checks them as properties.

import { compareIsoDates } from '../domain/index.js';
import { assert } from '../shared/assert.js';
import { JukinetError, quote } from '../shared/errors.js';
import { CardState, type CardValidity } from './resident-card.js';

/** Every command of `ResidentCard`, by name. */
export const CardCommand = {
  readStatus: 'readStatus',
  readPublicInfo: 'readPublicInfo',
  reset: 'reset',
  setTransportKey: 'setTransportKey',
  removeTransportKey: 'removeTransportKey',
  writeResidentCode: 'writeResidentCode',
  generateKeyPair: 'generateKeyPair',
  installCertificate: 'installCertificate',
  setValidity: 'setValidity',
  setFaceVersion: 'setFaceVersion',
  writeIssuerMunicipality: 'writeIssuerMunicipality',
  writeTrustAnchor: 'writeTrustAnchor',
  completePersonalisation: 'completePersonalisation',
  readCertificate: 'readCertificate',
  getChallenge: 'getChallenge',
  externalAuthenticate: 'externalAuthenticate',
  internalAuthenticate: 'internalAuthenticate',
  setPin: 'setPin',
  verifyPin: 'verifyPin',
  changePin: 'changePin',
  readResidentCode: 'readResidentCode',
  unlock: 'unlock',
  markReturned: 'markReturned',
} as const;
export type CardCommand = (typeof CardCommand)[keyof typeof CardCommand];

const ANY: readonly CardState[] = Object.values(CardState);
const PERSONALISING: readonly CardState[] = [CardState.personalising];
const IN_USE: readonly CardState[] = [CardState.active];

/** The states in which each command runs (docs/card.md, "Commands"); anything else is refused. */
export const COMMAND_STATES: { readonly [C in CardCommand]: readonly CardState[] } = {
  readStatus: ANY,
  readPublicInfo: ANY,
  reset: ANY,
  setTransportKey: [CardState.blank],
  removeTransportKey: [CardState.transportProtected],
  writeResidentCode: PERSONALISING,
  generateKeyPair: PERSONALISING,
  installCertificate: PERSONALISING,
  setValidity: PERSONALISING,
  setFaceVersion: PERSONALISING,
  writeIssuerMunicipality: PERSONALISING,
  writeTrustAnchor: PERSONALISING,
  completePersonalisation: PERSONALISING,
  readCertificate: [CardState.personalised, CardState.active, CardState.locked, CardState.expired],
  getChallenge: [CardState.personalised, CardState.active, CardState.locked, CardState.expired],
  externalAuthenticate: [CardState.personalised, CardState.active],
  internalAuthenticate: IN_USE,
  setPin: [CardState.personalised],
  verifyPin: IN_USE,
  changePin: IN_USE,
  readResidentCode: IN_USE,
  unlock: [CardState.active, CardState.locked],
  markReturned: [CardState.personalised, CardState.active, CardState.locked, CardState.expired],
};

/**
 * Throws unless `command` runs in `state`: JUKI_ERR_CARD_LOCKED or JUKI_ERR_CARD_EXPIRED when that is why, so a
 * terminal can tell the resident, and JUKI_ERR_CARD_STATE otherwise.
 */
export function checkCommandAllowed(command: CardCommand, state: CardState): void {
  if (COMMAND_STATES[command].includes(state)) return;
  const detail = `${quote(command)} in state ${quote(state)}`;
  if (state === CardState.locked) throw new JukinetError('JUKI_ERR_CARD_LOCKED', detail);
  if (state === CardState.expired) throw new JukinetError('JUKI_ERR_CARD_EXPIRED', detail);
  throw new JukinetError('JUKI_ERR_CARD_STATE', detail);
}

/** The stored states; `expired` is derived from the date. */
export type StoredCardState = Exclude<CardState, 'expired'>;

/** The state a card answers with on `today` (ISO date, Japan time): expired outside its validity once personalised. */
export function effectiveState(
  stored: StoredCardState,
  validity: CardValidity | null,
  today: string,
): CardState {
  const dated =
    stored === CardState.personalised || stored === CardState.active || stored === CardState.locked;
  if (!dated || validity === null) return stored;
  const inside =
    compareIsoDates(validity.validFrom, today) <= 0 && compareIsoDates(today, validity.validUntil) <= 0;
  return inside ? stored : CardState.expired;
}

/**
 * The PIN is four digits. Our reading of the municipal guidance for the 住基カード (暗証番号は数字4桁); the card's own
 * limit, not a terminal's.
 */
export const PIN_LENGTH = 4;
/** Wrong PINs in a row before the card locks: DOMAIN.md sets 3 by default, configurable per card at manufacture. */
export const DEFAULT_MAX_PIN_TRIES = 3;
/** A card counter is small: 1 to 15 tries (a 4-bit counter, as on common smart cards). */
export const MAX_PIN_TRIES_LIMIT = 15;

/** Throws JUKI_ERR_CARD_PIN_FORMAT unless `pin` is exactly four ASCII digits. */
export function checkPinFormat(pin: string): void {
  if (!/^[0-9]{4}$/.test(pin)) throw new JukinetError('JUKI_ERR_CARD_PIN_FORMAT', `${pin.length} characters`);
}

/** The wrong-PIN counter: tries left out of `max`; zero means locked. */
export interface PinCounter {
  readonly remaining: number;
  readonly max: number;
}

/** The counter after one PIN attempt on an unlocked card: full again after a right PIN, one less after a wrong one. */
export function applyPinAttempt(counter: PinCounter, correct: boolean): PinCounter {
  assert(counter.remaining > 0 && counter.remaining <= counter.max, 'PIN attempt on a locked card');
  return { max: counter.max, remaining: correct ? counter.max : counter.remaining - 1 };
}

/** Throws JUKI_ERR_CARD_INPUT unless `max` is a whole number of tries the card can count. */
export function checkMaxPinTries(max: number): void {
  if (!Number.isInteger(max) || max < 1 || max > MAX_PIN_TRIES_LIMIT) {
    throw new JukinetError(
      'JUKI_ERR_CARD_INPUT',
      `wrong-PIN limit ${quote(max)} must be from 1 to ${MAX_PIN_TRIES_LIMIT}`,
    );
  }
}
