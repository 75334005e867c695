// The wide-area copy's two tables (migration 0010_wide_area): the answers this municipality gave as the address
// municipality (wide_area_answer: who asked, when, which codes, never the items), and the copies it issued as the
// issuing one (wide_area_copy: when, who, the requester's identity check, the codes printed, its fee).

import type { Kysely, Selectable, Transaction } from 'kysely';
import type { LocalGovernmentCode, NodeId, ResidentCode } from '../../../domain/index.js';
import type { Database } from '../../../store/index.js';

type Db = Kysely<Database> | Transaction<Database>;

/** One answer this municipality gave, as logged. */
export interface WideAreaAnswerEntry {
  readonly id: string;
  readonly requestedByNode: NodeId;
  readonly requestedBy: LocalGovernmentCode;
  readonly answeredAt: Date;
  readonly residentCode: ResidentCode;
  readonly codesAnswered: readonly ResidentCode[];
  readonly wholeHousehold: boolean;
  /** OperatingAdmission.basis: why the common operating hours let it run. */
  readonly admissionBasis: string;
}

/** Logs one answer in `trx` (the same transaction that read the register for it). */
export async function recordWideAreaAnswer(
  trx: Transaction<Database>,
  entry: WideAreaAnswerEntry,
): Promise<void> {
  await trx
    .insertInto('wide_area_answer')
    .values({
      id: entry.id,
      requested_by_node: entry.requestedByNode,
      requested_by: entry.requestedBy,
      answered_at: entry.answeredAt.toISOString(),
      resident_code: entry.residentCode,
      codes_answered: JSON.stringify(entry.codesAnswered),
      whole_household: entry.wholeHousehold ? 1 : 0,
      admission_basis: entry.admissionBasis,
    })
    .execute();
}

/** The answers this municipality gave, oldest first. */
export async function listWideAreaAnswers(db: Db): Promise<WideAreaAnswerEntry[]> {
  const rows = await db
    .selectFrom('wide_area_answer')
    .selectAll()
    .orderBy('answered_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    requestedByNode: row.requested_by_node as NodeId,
    requestedBy: row.requested_by as LocalGovernmentCode,
    answeredAt: new Date(row.answered_at),
    residentCode: row.resident_code as ResidentCode,
    codesAnswered: JSON.parse(row.codes_answered) as ResidentCode[],
    wholeHousehold: Number(row.whole_household) === 1,
    admissionBasis: row.admission_basis,
  }));
}

/** How the requester proved who they are: a card confirmed at this counter, or a photo ID the clerk saw. */
export const RequesterMethod = { card: 'card', photoId: 'photo-id' } as const;
export type RequesterMethod = (typeof RequesterMethod)[keyof typeof RequesterMethod];

/** The document type recorded for a card confirmation. */
export const RESIDENT_CARD_DOCUMENT = 'resident-card';

/** One copy this municipality issued, as recorded and as the terminal lists it. */
export interface WideAreaCopyView {
  readonly id: string;
  readonly issuedAt: string;
  readonly operator: string;
  readonly requester: {
    readonly method: RequesterMethod;
    /** `resident-card`, or the photo ID's kind. */
    readonly documentType: string;
    /** The card id, or the photo ID's number. */
    readonly documentNumber: string;
    readonly cardConfirmationId: string | null;
  };
  readonly addressLgCode: LocalGovernmentCode;
  readonly residentCode: ResidentCode;
  readonly codesPrinted: readonly ResidentCode[];
  /** Yen. */
  readonly fee: number;
  readonly pages: number;
  readonly answerId: string;
  readonly admissionBasis: string;
}

/** Records one issued copy in `trx`, with the operation that issued it. */
export async function recordWideAreaCopy(trx: Transaction<Database>, copy: WideAreaCopyView): Promise<void> {
  await trx
    .insertInto('wide_area_copy')
    .values({
      id: copy.id,
      issued_at: copy.issuedAt,
      operator: copy.operator,
      requester_method: copy.requester.method,
      document_type: copy.requester.documentType,
      document_number: copy.requester.documentNumber,
      card_confirmation_id: copy.requester.cardConfirmationId,
      address_lg_code: copy.addressLgCode,
      resident_code: copy.residentCode,
      codes_printed: JSON.stringify(copy.codesPrinted),
      fee: copy.fee,
      pages: copy.pages,
      answer_id: copy.answerId,
      admission_basis: copy.admissionBasis,
    })
    .execute();
}

function copyViewOf(row: Selectable<Database['wide_area_copy']>): WideAreaCopyView {
  return {
    id: row.id,
    issuedAt: row.issued_at,
    operator: row.operator,
    requester: {
      method: row.requester_method as RequesterMethod,
      documentType: row.document_type,
      documentNumber: row.document_number,
      cardConfirmationId: row.card_confirmation_id,
    },
    addressLgCode: row.address_lg_code as LocalGovernmentCode,
    residentCode: row.resident_code as ResidentCode,
    codesPrinted: JSON.parse(row.codes_printed) as ResidentCode[],
    fee: Number(row.fee),
    pages: Number(row.pages),
    answerId: row.answer_id,
    admissionBasis: row.admission_basis,
  };
}

/** The most copies one list answers. */
export const WIDE_AREA_LIST_LIMIT = 1000;

/** The copies issued in [from, to), oldest first, at most `limit` (default WIDE_AREA_LIST_LIMIT). */
export async function listWideAreaCopies(
  db: Db,
  span: { readonly from: Date; readonly to: Date; readonly limit?: number },
): Promise<WideAreaCopyView[]> {
  const rows = await db
    .selectFrom('wide_area_copy')
    .selectAll()
    .where('issued_at', '>=', span.from.toISOString())
    .where('issued_at', '<', span.to.toISOString())
    .orderBy('issued_at')
    .orderBy('id')
    .limit(span.limit ?? WIDE_AREA_LIST_LIMIT)
    .execute();
  return rows.map(copyViewOf);
}
