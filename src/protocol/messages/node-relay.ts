// node.relay: a message passed on by a node that is not its originator, carrying the originator's signed envelope
// unchanged (docs/protocol/node.relay.md and envelope.md, "Relaying").

import { defineMessage } from '../message-types.js';
import { relayBodySchema } from '../envelope.js';

/**
 * Wraps the originator's envelope so the final receiver can check both who handed it over (the outer envelope, the
 * relay) and who wrote it (the inner one, e.g. a municipality's identity.changed relayed by its prefecture).
 */
export const nodeRelay = defineMessage({
  type: 'node.relay',
  version: 1,
  body: relayBodySchema,
  description: "Passes on another node's signed message unchanged, inside the relay's own envelope",
});
