// Every inter-node message type Jukinet defines, one file each; add a new type here and in docs/protocol/.

import type { MessageDefinition } from '../message-types.js';
import { cardStatusChanged } from './card-status-changed.js';
import { identityChanged } from './identity-changed.js';
import { nodePing } from './node-ping.js';
import { nodeRelay } from './node-relay.js';

export {
  CARD_STATUS_PATH,
  CardNetworkState,
  cardStatusAnswerSchema,
  cardStatusChanged,
  type CardStatusAnswer,
  type CardStatusChangedBody,
} from './card-status-changed.js';
export { identityChanged, type IdentityChangedBody } from './identity-changed.js';
export { nodePing } from './node-ping.js';
export { nodeRelay } from './node-relay.js';

/** All defined message types, for `createMessageRegistry(ALL_MESSAGES)`. */
export const ALL_MESSAGES: readonly MessageDefinition[] = [
  nodePing,
  nodeRelay,
  identityChanged,
  cardStatusChanged,
];
