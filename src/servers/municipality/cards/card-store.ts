// The municipality's card records (migration 0008_cards): each application with the card it became and its ordered
// events, the audit trail its state is derived from (card-workflow.ts, docs/card-issuance.md).

import type { Kysely, Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../../store/index.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import { stateOf, type CardEventKind, type CardIssuanceState } from './card-workflow.js';

type Db = Kysely<Database> | Transaction<Database>;

/** How the holder's identity was checked (本人確認): at application, handover and the lifting of a suspension. */
export const identityCheckSchema = z.strictObject({
  /** photo-id: one photo identity document; documents: two documents; inquiry-reply: the 照会書 answered by the holder. */
  method: z.enum(['photo-id', 'documents', 'inquiry-reply']),
  /** The document shown, as the clerk names it (運転免許証, 旅券, …). */
  documentType: z.string().trim().min(1).max(40),
  /** Its number, as printed. */
  documentNumber: z.string().trim().min(1).max(40),
});
export type IdentityCheck = z.output<typeof identityCheckSchema>;

/** One event of an application as the terminal shows it. */
export interface CardEventView {
  readonly seq: number;
  readonly kind: CardEventKind;
  readonly operator: string;
  readonly at: string;
  readonly detail: Record<string, unknown>;
}

/**
 * An application and its card as the terminal shows it. The notice number is not shown: the resident brings it back
 * on the 交付通知書, and handover checks it against the record.
 */
export interface CardApplicationView {
  readonly id: string;
  readonly residentId: string;
  readonly kind: 'new' | 'reissue' | 'transfer';
  /** For a card taken over after a move, its issuing municipality; null for one issued here. */
  readonly issuerMunicipality: string | null;
  readonly replacesCardId: string | null;
  readonly faceVersion: 'A' | 'B';
  readonly state: CardIssuanceState;
  readonly cardId: string | null;
  readonly certificateFingerprint: string | null;
  readonly validity: { readonly validFrom: string; readonly validUntil: string } | null;
  readonly noticeIssued: boolean;
  readonly collectUntil: string | null;
  readonly appliedBy: string;
  readonly appliedAt: string;
  readonly events: readonly CardEventView[];
}

/** The stored application with its events, for the routes' own checks. */
export interface CardApplicationRecord {
  readonly row: Selectable<Database['card_application']>;
  readonly events: readonly CardEventView[];
  readonly state: CardIssuanceState;
}

/** Reads application `id` with its events; undefined when there is none. */
export async function readCardApplication(db: Db, id: string): Promise<CardApplicationRecord | undefined> {
  const row = await db.selectFrom('card_application').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) return undefined;
  const events = (
    await db.selectFrom('card_event').selectAll().where('application_id', '=', id).orderBy('seq').execute()
  ).map((event): CardEventView => ({
    seq: event.seq,
    kind: event.kind as CardEventKind,
    operator: event.operator,
    at: event.at,
    detail: JSON.parse(event.detail) as Record<string, unknown>,
  }));
  return { row, events, state: stateOf(events) };
}

/** Reads application `id`, or refuses with JUKI_ERR_CARD_APPLICATION_NOT_FOUND. */
export async function requireCardApplication(db: Db, id: string): Promise<CardApplicationRecord> {
  const record = await readCardApplication(db, id);
  if (record === undefined) throw new JukinetError('JUKI_ERR_CARD_APPLICATION_NOT_FOUND', quote(id));
  return record;
}

/** Every application of a resident, newest first. */
export async function listCardApplications(db: Db, residentId: string): Promise<CardApplicationRecord[]> {
  const rows = await db
    .selectFrom('card_application')
    .select('id')
    .where('resident_id', '=', residentId)
    .orderBy('applied_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const records: CardApplicationRecord[] = [];
  for (const { id } of rows) {
    const record = await readCardApplication(db, id);
    if (record !== undefined) records.push(record);
  }
  return records;
}

/** Appends an event after the application's last one. */
export async function appendCardEvent(
  trx: Transaction<Database>,
  applicationId: string,
  event: { kind: CardEventKind; operator: string; at: Date; detail?: Record<string, unknown> },
): Promise<void> {
  const last = await trx
    .selectFrom('card_event')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('application_id', '=', applicationId)
    .executeTakeFirst();
  await trx
    .insertInto('card_event')
    .values({
      application_id: applicationId,
      seq: Number(last?.seq ?? 0) + 1,
      kind: event.kind,
      operator: event.operator,
      at: event.at.toISOString(),
      detail: JSON.stringify(event.detail ?? {}),
    })
    .execute();
}

/** The terminal's view of a record. */
export function cardApplicationView(record: CardApplicationRecord): CardApplicationView {
  const { row } = record;
  return {
    id: row.id,
    residentId: row.resident_id,
    kind: row.kind as CardApplicationView['kind'],
    issuerMunicipality: row.issuer_municipality,
    replacesCardId: row.replaces_card_id,
    faceVersion: row.face_version as 'A' | 'B',
    state: record.state,
    cardId: row.card_id,
    certificateFingerprint: row.certificate_fingerprint,
    validity:
      row.valid_from === null || row.valid_until === null
        ? null
        : { validFrom: row.valid_from, validUntil: row.valid_until },
    noticeIssued: row.notice_number !== null,
    collectUntil: row.collect_until,
    appliedBy: row.applied_by,
    appliedAt: row.applied_at,
    events: record.events,
  };
}
