// The 届出 vocabulary of the terminal: each kind's Japanese label, the terminal function it belongs to, what it acts on
// (nothing, a record or a household), and the shapes POST /api/notifications takes and answers
// (docs/terminal-api.md; the request schemas are requestSchemas in the municipal register).

import { functionOfKind, type NotificationKind, type NotificationStatus } from '../../domain/index.js';
import type { OperatorView } from './api.js';

export {
  NOTIFICATION_KINDS,
  functionOfKind,
  notificationKindLabel,
  subjectOf,
  type NotificationKind,
  type NotificationStatus,
  type NotificationSubject,
} from '../../domain/index.js';

/** True when the operator may enter a notification of this kind. */
export function mayEnter(operator: OperatorView, kind: NotificationKind): boolean {
  return operator.rights[functionOfKind(kind)].includes('write');
}

/** True when the operator may confirm or reject a notification of this kind. */
export function mayDecide(operator: OperatorView, kind: NotificationKind): boolean {
  return operator.rights[functionOfKind(kind)].includes('execute');
}

/** True when the operator may see the examination list at all. */
export function mayExamine(operator: OperatorView): boolean {
  return (
    operator.rights.notification.includes('execute') || operator.rights['official-action'].includes('execute')
  );
}

/** A record as lists show it (search results, household members, a confirmed notification's results). */
export interface ResidentSummary {
  readonly id: string;
  readonly residentCode: string;
  readonly name: string;
  readonly nameKana?: string;
  readonly birthDate: string;
  readonly sex: string;
  readonly address: string;
  readonly relationship?: string;
  readonly householdId?: string;
  readonly closed: boolean;
}

/** The household of a record as GET /api/residents/:id shows it. */
export interface HouseholdView {
  readonly id: string;
  readonly address: string;
  readonly headResidentId: string | null;
  readonly members: readonly ResidentSummary[];
}

/** A whole record as GET /api/residents/:id shows it (the register's record). */
export interface ResidentRecordView extends ResidentSummary {
  readonly commonName?: string;
  readonly foreignResident?: boolean;
  readonly domicile?: { readonly place: string; readonly head: string };
  readonly residentSince: string;
  readonly addressSince?: string;
  readonly addressNotifiedOn?: string;
  readonly previousAddress?: string;
  readonly foreign?: {
    readonly nationality: string;
    readonly category: string;
    readonly residenceStatus?: string;
    readonly periodOfStay?: string;
    readonly periodExpiresOn?: string;
    readonly residenceCardNumber?: string;
  };
  readonly closure?: { readonly reason: string; readonly date: string; readonly destination?: string };
  /** 特例転出予定: a confirmed 付記転出届 waiting for the new municipality's 転入通知 (docs/special-move.md). */
  readonly plannedMoveOut?: {
    readonly destination: { readonly lgCode: string; readonly address: string };
    readonly plannedDate: string;
    readonly filedOn: string;
  };
}

/** GET /api/residents/:id: the record, its household and its actions. */
export interface ResidentDetail {
  readonly resident: ResidentRecordView;
  readonly household: (HouseholdView & { readonly closed?: boolean }) | null;
  readonly history: readonly {
    readonly seq: number;
    readonly effectiveOn: string;
    readonly filedOn: string;
    readonly payload: { readonly kind: string };
  }[];
}

/** The body of POST /api/notifications and /check. */
export interface NotificationInput {
  readonly kind: NotificationKind;
  readonly residentId?: string;
  readonly householdId?: string;
  readonly request: Readonly<Record<string, unknown>>;
}

export const notificationStatusLabel: Readonly<Record<NotificationStatus, string>> = {
  pending: '審査待ち',
  applied: '決裁済み',
  rejected: '却下',
};

/** A notification as the API shows it. */
export interface NotificationView {
  readonly id: string;
  readonly kind: NotificationKind;
  readonly label: string;
  readonly status: NotificationStatus;
  readonly residentId: string | null;
  readonly householdId: string | null;
  readonly request: Readonly<Record<string, unknown>>;
  readonly late: boolean;
  readonly enteredBy: { readonly id: string; readonly displayName: string };
  readonly enteredAt: string;
  readonly decidedBy: { readonly id: string; readonly displayName: string } | null;
  readonly decidedAt: string | null;
  readonly reason: string | null;
  readonly results: readonly ResidentSummary[];
  /** Whom it concerns as the register has them now: the record, or the household's head; null for a new record. */
  readonly subject: ResidentSummary | null;
}

/** What POST /api/notifications/check answers when the register would take the notification. */
export interface CheckAnswer {
  readonly ok: true;
  readonly late: boolean;
  readonly deadline: string | null;
}

/** A likely duplicate's candidate, as JUKI_ERR_RESIDENT_LIKELY_DUPLICATE lists it. */
export interface DuplicateCandidate {
  readonly id: string;
  readonly residentCode: string;
  readonly name: string;
  readonly address: string;
}

/** The candidates carried by a likely-duplicate refusal's error body, or none. */
export function candidatesOf(body: Readonly<Record<string, unknown>>): readonly DuplicateCandidate[] {
  const candidates = body['candidates'];
  if (!Array.isArray(candidates)) return [];
  return candidates.filter(
    (candidate): candidate is DuplicateCandidate =>
      typeof candidate === 'object' &&
      candidate !== null &&
      typeof (candidate as Record<string, unknown>)['id'] === 'string' &&
      typeof (candidate as Record<string, unknown>)['name'] === 'string',
  );
}

/** The Japanese labels of the request's fields, for the detail view of a notification. */
export const REQUEST_FIELD_LABELS: Readonly<Record<string, string>> = {
  name: '氏名',
  nameKana: 'フリガナ',
  commonName: '通称',
  birthDate: '生年月日',
  sex: '性別',
  foreignResident: '外国人住民',
  address: '住所',
  household: '世帯',
  relationship: '続柄',
  domicile: '本籍・筆頭者',
  foreign: '外国人住民の記載事項',
  benefits: '国保・年金等',
  acknowledgeDuplicate: '別人であることを確認',
  filedOn: '届出日',
  date: '異動日',
  residentCode: '住民票コード',
  previousAddress: '従前の住所',
  residentSince: '住民となった年月日',
  destination: '転出先',
  abroad: '国外への転出',
  withHousehold: '世帯全員で転居',
  newHead: '新しい世帯主',
  ground: '消除の理由',
  corrections: '修正する事項',
  note: '備考',
  members: '分離する世帯員',
  householdId: '新しい世帯の番号',
  relationships: '続柄の変更',
  into: '合併先の世帯',
  plannedDate: '転出予定年月日',
  outInfoId: '転出証明書情報',
};
