// Identity confirmations (本人確認) made with a resident card at this municipality's counter: the card proved itself,
// the terminal proved itself to the card, the PIN was right and the card gave its code. A request that needs the
// holder confirmed (a wide-area copy, the one-visit move) names the confirmation by its id while it lasts.

import type { Transaction } from 'kysely';
import type { LocalGovernmentCode, ResidentCode } from '../../../domain/index.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import { newUuidV7 } from '../../../shared/ids.js';
import type { Database } from '../../../store/index.js';

/** How long a confirmation serves requests: the resident is still at the counter. */
export const CARD_CONFIRMATION_MINUTES = 30;

/** One confirmation, as a request that needs the holder confirmed reads it. */
export interface CardConfirmation {
  readonly id: string;
  readonly residentCode: ResidentCode;
  readonly cardId: string;
  readonly issuerMunicipality: LocalGovernmentCode;
  /** What the card showed of itself: its certificate's fingerprint, its face version and its validity. */
  readonly fingerprint: string;
  readonly faceVersion: 'A' | 'B';
  readonly validity: { readonly validFrom: string; readonly validUntil: string };
  readonly operator: string;
  readonly confirmedAt: string;
  readonly expiresAt: string;
}

/** Records a confirmation made now by `operator`; it lasts CARD_CONFIRMATION_MINUTES. */
export async function recordCardConfirmation(
  trx: Transaction<Database>,
  confirmation: Omit<CardConfirmation, 'id' | 'confirmedAt' | 'expiresAt'>,
  options: { readonly now: Date },
): Promise<CardConfirmation> {
  const recorded: CardConfirmation = {
    ...confirmation,
    id: newUuidV7(),
    confirmedAt: options.now.toISOString(),
    expiresAt: new Date(options.now.getTime() + CARD_CONFIRMATION_MINUTES * 60_000).toISOString(),
  };
  await trx
    .insertInto('card_confirmation')
    .values({
      id: recorded.id,
      card_id: recorded.cardId,
      issuer_municipality: recorded.issuerMunicipality,
      resident_code: recorded.residentCode,
      fingerprint: recorded.fingerprint,
      face_version: recorded.faceVersion,
      valid_from: recorded.validity.validFrom,
      valid_until: recorded.validity.validUntil,
      operator: recorded.operator,
      confirmed_at: recorded.confirmedAt,
      expires_at: recorded.expiresAt,
    })
    .execute();
  return recorded;
}

/**
 * The confirmation `id` while it lasts: JUKI_ERR_CARD_CONFIRMATION_NOT_FOUND for an unknown id,
 * JUKI_ERR_CARD_CONFIRMATION_EXPIRED once CARD_CONFIRMATION_MINUTES have passed.
 */
export async function requireCardConfirmation(
  trx: Transaction<Database>,
  id: string,
  options: { readonly now: Date },
): Promise<CardConfirmation> {
  const confirmation = await readCardConfirmation(trx, id);
  if (confirmation === undefined) throw new JukinetError('JUKI_ERR_CARD_CONFIRMATION_NOT_FOUND', quote(id));
  if (confirmation.expiresAt <= options.now.toISOString()) {
    throw new JukinetError('JUKI_ERR_CARD_CONFIRMATION_EXPIRED', `confirmed at ${confirmation.confirmedAt}`);
  }
  return confirmation;
}

/** The confirmation `id` as recorded, expired or not (what was confirmed stays true); undefined for an unknown id. */
export async function readCardConfirmation(
  trx: Transaction<Database>,
  id: string,
): Promise<CardConfirmation | undefined> {
  const row = await trx.selectFrom('card_confirmation').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    id: row.id,
    residentCode: row.resident_code as ResidentCode,
    cardId: row.card_id,
    issuerMunicipality: row.issuer_municipality as LocalGovernmentCode,
    fingerprint: row.fingerprint,
    faceVersion: row.face_version as 'A' | 'B',
    validity: { validFrom: row.valid_from, validUntil: row.valid_until },
    operator: row.operator,
    confirmedAt: row.confirmed_at,
    expiresAt: row.expires_at,
  };
}
