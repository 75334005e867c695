// Test helper: an identity confirmation with a card as POST /api/cards/confirm records it, for route tests that need a
// confirmed card holder without a card (the card's own side is tested in test/e2e/card-at-any-counter.test.ts).

import type { Transaction } from 'kysely';
import type { LocalGovernmentCode, ResidentCode } from '../../../domain/index.js';
import type { Database } from '../../../store/index.js';
import { recordCardConfirmation, type CardConfirmation } from '../cards/card-confirmation.js';

/** Records that the holder of card `cardId`, issued by `issuerMunicipality`, was confirmed now as `residentCode`. */
export function recordTestCardConfirmation(
  trx: Transaction<Database>,
  card: { residentCode: ResidentCode; cardId: string; issuerMunicipality: string },
  now: Date,
): Promise<CardConfirmation> {
  return recordCardConfirmation(
    trx,
    {
      residentCode: card.residentCode,
      cardId: card.cardId,
      issuerMunicipality: card.issuerMunicipality as LocalGovernmentCode,
      fingerprint: 'f'.repeat(64),
      faceVersion: 'A',
      validity: { validFrom: '2026-01-05', validUntil: '2036-01-04' },
      operator: 'op-1',
    },
    { now },
  );
}
