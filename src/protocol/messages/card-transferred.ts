// card.transferred: the municipality a card holder moved to takes the card over (DOMAIN.md: since 2012-07-09 a card
// stays valid after a move), so that from then on it, not the issuing municipality, speaks for the card's status to the
// national server (docs/protocol/card.transferred.md).

import { z } from 'zod';
import { isResidentCode } from '../../domain/index.js';
import { defineMessage } from '../message-types.js';

/**
 * The card, its certificate's fingerprint and its issuing municipality, and the holder's resident code, which the
 * national server checks against its identity copy (the holder must now live at the sender) and does not keep.
 */
export const cardTransferred = defineMessage({
  type: 'card.transferred',
  version: 1,
  body: z.strictObject({
    cardId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
    fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
    issuerMunicipality: z.string().regex(/^[0-9]{6}$/),
    residentCode: z.string().refine(isResidentCode, { message: 'not a resident code' }),
    transferredAt: z.iso.datetime(),
  }),
  description: 'A resident card taken over by the municipality its holder moved to',
});

/** The body of card.transferred. */
export type CardTransferredBody = z.output<typeof cardTransferred.body>;
