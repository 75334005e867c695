// Resident cards at any node's window (municipal counters, and the national and prefectural self-disclosure windows):
// the card reader, authenticating a card over the network, the counter's card check, and a window's terminal key.

export {
  createCardReader,
  presentedCardViews,
  type CardReader,
  type KeptCards,
  type ReaderCardView,
} from './card-reader.js';
export {
  authenticateNetworkCard,
  CARD_ISSUER_CA_PATH,
  isCardSuspended,
  type OwnCardIssuer,
} from './card-authentication.js';
export { confirmCardAtCounter, type CounterConfirmedCard } from './counter-confirmation.js';
export {
  COUNTER_TERMINAL_KEY_ALIAS,
  counterTerminalKey,
  type CounterTerminalSetup,
} from './counter-terminal-key.js';
