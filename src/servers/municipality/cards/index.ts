// Resident cards at the municipality (issue 5, docs/card-issuance.md): the card issuer, the issuance workflow and its
// records, the 交付通知書, the card reader, identity confirmation and unlocking at the counter, the terminal routes,
// and suspensions seen across the network.

export {
  CardIssuerKeyAlias,
  createCardIssuer,
  type CardIssuer,
  type CardIssuerSetup,
  type CardTerminalAuthority,
} from './card-issuer.js';
export {
  CARD_CONFIRMATION_MINUTES,
  readCardConfirmation,
  recordCardConfirmation,
  requireCardConfirmation,
  type CardConfirmation,
} from './card-confirmation.js';
export { createCardReader, type CardReader } from './card-reader.js';
export { releaseMovedCards, takeOverMovedCard } from './card-transfer.js';
export {
  registerCardUseRoutes,
  type CardUseRouteOptions,
  type IdentityConfirmationView,
} from './card-use-routes.js';
export type { ReaderCardView } from '../../common/cards/index.js';
export {
  authenticateNetworkCard,
  CARD_ISSUER_CA_PATH,
  cardIssuerCaRoute,
  isCardSuspended,
  nationalCardTerminalAuthority,
  reportCardStatus,
} from './card-network.js';
export { cardNoticeLines, renderCardNotice, type CardNotice } from './card-notice.js';
export { registerCardRoutes, type CardRouteOptions } from './card-routes.js';
export {
  identityCheckSchema,
  type CardApplicationView,
  type CardEventView,
  type IdentityCheck,
} from './card-store.js';
export {
  CardEventKind,
  CardIssuanceState,
  cardValidityFrom,
  checkStep,
  COLLECTION_DAYS,
  stateOf,
} from './card-workflow.js';
