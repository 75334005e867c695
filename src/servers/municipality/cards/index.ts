// Resident card issuance at the municipality (issue 5, docs/card-issuance.md): the card issuer, the workflow and its
// records, the 交付通知書, the terminal routes, and suspensions seen across the network.

export {
  CardIssuerKeyAlias,
  createCardIssuer,
  type CardIssuer,
  type CardIssuerSetup,
} from './card-issuer.js';
export {
  authenticateNetworkCard,
  CARD_ISSUER_CA_PATH,
  cardIssuerCaRoute,
  isCardSuspended,
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
