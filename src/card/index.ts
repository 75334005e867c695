// The card layer's public API: the resident card's commands and states, the software card, personalisation, and the
// terminal's side (checking a card, proving itself, identity confirmation). See docs/card.md.

export {
  CardProofPurpose,
  CardState,
  cardProofPayload,
  FaceVersion,
  type CardCertificates,
  type CardProof,
  type CardPublicInfo,
  type CardSession,
  type CardStatus,
  type CardValidity,
  type PinVerification,
  type ResidentCard,
} from './resident-card.js';
export {
  applyPinAttempt,
  CardCommand,
  checkCommandAllowed,
  checkPinFormat,
  COMMAND_STATES,
  DEFAULT_MAX_PIN_TRIES,
  effectiveState,
  MAX_PIN_TRIES_LIMIT,
  PIN_LENGTH,
  type PinCounter,
} from './card-rules.js';
export { chipPath, createSoftwareCard, openSoftwareCard, type SoftwareCardOptions } from './software-card.js';
export { personaliseCard, type CardPersonalisation } from './card-issuance.js';
export {
  authenticateCard,
  verifyCardCertificate,
  verifyInternalAuthentication,
  type CardTrust,
  type VerifiedCard,
} from './card-verifier.js';
export {
  activateCard,
  authenticateTerminal,
  confirmCardHolder,
  proveToCard,
  takeBackCard,
  unlockCard,
  type CardTerminalKey,
} from './card-terminal.js';
