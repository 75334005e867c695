// The card reader at a municipality's counter (docs/card-issuance.md, "The card reader"): the servers' common reader
// (src/servers/common/cards/card-reader.ts), which also reads the cards this municipality issued and still keeps.

export { createCardReader, type CardReader } from '../../common/cards/card-reader.js';
