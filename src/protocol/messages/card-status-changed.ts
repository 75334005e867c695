// card.status-changed: a resident card's network status (一時停止, its lifting, 返納), sent by the issuing municipality
// straight to the national server, which any municipality then asks (docs/protocol/card.status-changed.md).

import { z } from 'zod';
import { defineMessage } from '../message-types.js';

/** The network states of a card: what every terminal in the country must know about it. */
export const CardNetworkState = {
  /** In use (issued, or a suspension lifted). */
  active: 'active',
  /** 一時停止 on loss or theft: every terminal refuses it. */
  suspended: 'suspended',
  /** 返納: taken back by the issuing municipality, for good. */
  returned: 'returned',
} as const;
export type CardNetworkState = (typeof CardNetworkState)[keyof typeof CardNetworkState];

/**
 * A card's new network status: its id, its certificate's fingerprint and the issuing municipality, nothing about the
 * holder. The national server keeps the latest per card.
 */
export const cardStatusChanged = defineMessage({
  type: 'card.status-changed',
  version: 1,
  body: z.strictObject({
    cardId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
    fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
    issuerMunicipality: z.string().regex(/^[0-9]{6}$/),
    state: z.enum(CardNetworkState),
    changedAt: z.iso.datetime(),
  }),
  description: "A resident card's suspension, lifting or return, for every municipality to see",
});

/** The body of card.status-changed. */
export type CardStatusChangedBody = z.output<typeof cardStatusChanged.body>;

/** The path of the national server's card status query (docs/protocol/card.status-changed.md). */
export const CARD_STATUS_PATH = '/v1/cards/:cardId/status';

/** The national server's answer to a card status query. */
export const cardStatusAnswerSchema = z.strictObject({
  cardId: z.string(),
  /** `unknown` when no municipality ever reported the card. */
  state: z.enum(['active', 'suspended', 'returned', 'unknown']),
  fingerprint: z.string().nullable(),
  changedAt: z.string().nullable(),
});
export type CardStatusAnswer = z.output<typeof cardStatusAnswerSchema>;
