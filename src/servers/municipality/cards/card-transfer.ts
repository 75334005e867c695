// A card that moves with its holder (DOMAIN.md: since 2012-07-09 a card stays valid after a move; DESIGN.md §5 flow 3):
// the new municipality takes it over in the transaction that records the move-in, telling the national server
// (card.transferred), so that it speaks for the card from then on; the old municipality marks its own record of the
// card as transferred when the 転入通知 closes its record (docs/card-issuance.md, "After a move").

import type { Transaction } from 'kysely';
import type { LocalGovernmentCode, NodeId } from '../../../domain/index.js';
import { cardTransferred } from '../../../protocol/index.js';
import { newUuidV7 } from '../../../shared/ids.js';
import type { Database } from '../../../store/index.js';
import type { Outbox } from '../../common/node-module.js';
import type { CardConfirmation } from './card-confirmation.js';
import { appendCardEvent, listCardApplications } from './card-store.js';
import { HELD_STATES } from './card-workflow.js';

/**
 * Takes over the card of `confirmation` (the holder confirmed at this counter with it) for the holder, who moved in
 * and has record `residentId` here now: a `transfer` application, active from now, with the card's issuer, face
 * version, validity and certificate fingerprint as the card showed them, and card.transferred to the national server
 * in the same transaction. Answers the application id. Idempotent: a card already taken over here stays as it is.
 */
export async function takeOverMovedCard(
  trx: Transaction<Database>,
  confirmation: CardConfirmation,
  options: {
    readonly residentId: string;
    readonly outbox: Outbox;
    readonly operator: string;
    readonly now: Date;
  },
): Promise<string> {
  const existing = await trx
    .selectFrom('card_application')
    .select('id')
    .where('card_id', '=', confirmation.cardId)
    .where('kind', '=', 'transfer')
    .executeTakeFirst();
  if (existing !== undefined) return existing.id;
  const id = newUuidV7();
  await trx
    .insertInto('card_application')
    .values({
      id,
      resident_id: options.residentId,
      kind: 'transfer',
      replaces_card_id: null,
      face_version: confirmation.faceVersion,
      identity_check: JSON.stringify({ method: 'card', confirmationId: confirmation.id }),
      card_id: confirmation.cardId,
      transport_key: null,
      certificate_fingerprint: confirmation.fingerprint,
      valid_from: confirmation.validity.validFrom,
      valid_until: confirmation.validity.validUntil,
      notice_number: null,
      collect_until: null,
      applied_by: options.operator,
      applied_at: options.now.toISOString(),
      issuer_municipality: confirmation.issuerMunicipality,
    })
    .execute();
  await appendCardEvent(trx, id, {
    kind: 'transferred-in',
    operator: options.operator,
    at: options.now,
    detail: { issuerMunicipality: confirmation.issuerMunicipality, confirmationId: confirmation.id },
  });
  await options.outbox.send({
    to: 'national' as NodeId,
    type: cardTransferred.type,
    body: {
      cardId: confirmation.cardId,
      fingerprint: confirmation.fingerprint,
      issuerMunicipality: confirmation.issuerMunicipality,
      residentCode: confirmation.residentCode,
      transferredAt: options.now.toISOString(),
    },
  });
  return id;
}

/**
 * Marks the held cards of record `residentId` as transferred to `to`, the municipality the holder moved to (which
 * took them over): they leave this municipality's care, and its clerks can no longer suspend or return them.
 */
export async function releaseMovedCards(
  trx: Transaction<Database>,
  residentId: string,
  options: { readonly to: LocalGovernmentCode; readonly operator: string; readonly now: Date },
): Promise<string[]> {
  const released: string[] = [];
  for (const record of await listCardApplications(trx, residentId)) {
    if (!HELD_STATES.includes(record.state)) continue;
    await appendCardEvent(trx, record.row.id, {
      kind: 'transferred-out',
      operator: options.operator,
      at: options.now,
      detail: { to: options.to },
    });
    released.push(record.row.id);
  }
  return released;
}
