// Every inter-node message type Jukinet defines, one file each; add a new type here and in docs/protocol/.

import type { MessageDefinition } from '../message-types.js';
import { identityChanged } from './identity-changed.js';
import { nodePing } from './node-ping.js';
import { nodeRelay } from './node-relay.js';

export { identityChanged, type IdentityChangedBody } from './identity-changed.js';
export { nodePing } from './node-ping.js';
export { nodeRelay } from './node-relay.js';

/** All defined message types, for `createMessageRegistry(ALL_MESSAGES)`. */
export const ALL_MESSAGES: readonly MessageDefinition[] = [nodePing, nodeRelay, identityChanged];
