// node.ping: the link check every node answers (docs/protocol/node.ping.md).

import { z } from 'zod';
import { defineMessage } from '../message-types.js';

/** A link check: proves the peer is up, authenticates us, and verifies our signature. */
export const nodePing = defineMessage({
  type: 'node.ping',
  version: 1,
  body: z.strictObject({
    note: z.string().max(200, { error: 'must be at most 200 characters' }).optional(),
  }),
  description: 'Link check between two nodes; the receiver applies nothing and answers that it received it',
});
