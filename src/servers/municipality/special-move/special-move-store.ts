// The one-visit move's own tables (migration 0011_special_move): the 転出証明書情報 received at the new municipality,
// used once by a move-in, and the log of every step either municipality took (docs/special-move.md, "What each side
// stores and logs").

import type { Kysely, Transaction } from 'kysely';
import type { LocalGovernmentCode, ResidentCode } from '../../../domain/index.js';
import { moveOutCertificateInfoSchema, type MoveOutCertificateInfo } from '../../../protocol/index.js';
import type { ErrorCode } from '../../../shared/errors.js';
import { newUuidV7 } from '../../../shared/ids.js';
import { toIsoTimestamp, type Database } from '../../../store/index.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The steps either municipality logs. */
export const SpecialMoveEventKind = {
  /** At the old municipality: the 転出証明書情報 was answered to the new one. */
  outInfoAnswered: 'out-info-answered',
  /** At the old municipality: a request for it was refused (no notice names the caller, the limit passed, hours). */
  outInfoRefused: 'out-info-refused',
  /** At the new municipality: the 転出証明書情報 was received and kept. */
  outInfoReceived: 'out-info-received',
  /** At the new municipality: the move-in was recorded and the 転入通知 queued. */
  movedInSent: 'moved-in-sent',
  /** At the old municipality: the 転入通知 closed the records (除票). */
  movedInApplied: 'moved-in-applied',
} as const;
export type SpecialMoveEventKind = (typeof SpecialMoveEventKind)[keyof typeof SpecialMoveEventKind];

/** One logged step. */
export interface SpecialMoveEvent {
  readonly id: string;
  readonly at: string;
  readonly kind: SpecialMoveEventKind;
  readonly noticeId: string | null;
  /** The other municipality. */
  readonly peer: LocalGovernmentCode;
  readonly residentCodes: readonly string[];
  readonly operator: string | null;
  readonly outcome: 'ok' | 'refused';
  readonly errorCode: ErrorCode | null;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** Appends a step to the log. */
export async function recordSpecialMoveEvent(
  db: Db,
  event: Omit<SpecialMoveEvent, 'id' | 'at' | 'operator' | 'outcome' | 'errorCode' | 'detail'> & {
    readonly at: Date;
    readonly operator?: string | null;
    readonly errorCode?: ErrorCode | null;
    readonly detail?: Readonly<Record<string, unknown>>;
  },
): Promise<void> {
  await db
    .insertInto('special_move_event')
    .values({
      id: newUuidV7(event.at.getTime()),
      at: toIsoTimestamp(event.at),
      kind: event.kind,
      notice_id: event.noticeId,
      peer: event.peer,
      resident_codes: JSON.stringify(event.residentCodes),
      operator: event.operator ?? null,
      outcome: event.errorCode == null ? 'ok' : 'refused',
      error_code: event.errorCode ?? null,
      detail: JSON.stringify(event.detail ?? {}),
    })
    .execute();
}

/** The logged steps, oldest first; of one notice when `noticeId` is given. */
export async function listSpecialMoveEvents(
  db: Db,
  filter: { readonly noticeId?: string } = {},
): Promise<SpecialMoveEvent[]> {
  let query = db.selectFrom('special_move_event').selectAll().orderBy('at').orderBy('id');
  if (filter.noticeId !== undefined) query = query.where('notice_id', '=', filter.noticeId);
  return (await query.execute()).map((row) => ({
    id: row.id,
    at: row.at,
    kind: row.kind as SpecialMoveEventKind,
    noticeId: row.notice_id,
    peer: row.peer as LocalGovernmentCode,
    residentCodes: JSON.parse(row.resident_codes) as string[],
    operator: row.operator,
    outcome: row.outcome as 'ok' | 'refused',
    errorCode: row.error_code as ErrorCode | null,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  }));
}

/** 転出証明書情報 as received and kept at the new municipality. */
export interface ReceivedOutInfo {
  /** This municipality's id of what it received; a 特例転入届 names it (`outInfoId`). */
  readonly id: string;
  readonly info: MoveOutCertificateInfo;
  readonly confirmationId: string;
  readonly cardId: string;
  readonly receivedBy: string;
  readonly receivedAt: string;
  /** When a confirmed move-in used it, and the card holder's record it opened; null until then. */
  readonly usedAt: string | null;
  readonly usedBy: string | null;
}

/** Keeps what the old municipality answered; answers it with its new id. */
export async function insertReceivedOutInfo(
  trx: Transaction<Database>,
  received: {
    readonly info: MoveOutCertificateInfo;
    readonly residentCode: ResidentCode;
    readonly confirmationId: string;
    readonly cardId: string;
    readonly receivedBy: string;
    readonly at: Date;
  },
): Promise<ReceivedOutInfo> {
  const id = newUuidV7(received.at.getTime());
  const receivedAt = toIsoTimestamp(received.at);
  await trx
    .insertInto('special_move_out_info')
    .values({
      id,
      notice_id: received.info.noticeId,
      source_lg_code: received.info.sourceLgCode,
      resident_code: received.residentCode,
      confirmation_id: received.confirmationId,
      card_id: received.cardId,
      planned_date: received.info.plannedDate,
      info: JSON.stringify(received.info),
      received_by: received.receivedBy,
      received_at: receivedAt,
      used_at: null,
      used_by: null,
    })
    .execute();
  return {
    id,
    info: received.info,
    confirmationId: received.confirmationId,
    cardId: received.cardId,
    receivedBy: received.receivedBy,
    receivedAt,
    usedAt: null,
    usedBy: null,
  };
}

/** The 転出証明書情報 received here with this id, or undefined. */
export async function readReceivedOutInfo(db: Db, id: string): Promise<ReceivedOutInfo | undefined> {
  const row = await db
    .selectFrom('special_move_out_info')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    id: row.id,
    // Checked when it was received; read back as it was kept.
    info: moveOutCertificateInfoSchema.parse(JSON.parse(row.info)),
    confirmationId: row.confirmation_id,
    cardId: row.card_id,
    receivedBy: row.received_by,
    receivedAt: row.received_at,
    usedAt: row.used_at,
    usedBy: row.used_by,
  };
}

/** Marks it used by a move-in; false when another move-in used it first. */
export async function markOutInfoUsed(
  trx: Transaction<Database>,
  id: string,
  use: { readonly at: Date; readonly usedBy: string },
): Promise<boolean> {
  const result = await trx
    .updateTable('special_move_out_info')
    .set({ used_at: toIsoTimestamp(use.at), used_by: use.usedBy })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
