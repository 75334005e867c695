// The `notification` table (migration 0007_notifications): a 届出 entered, then decided once, read back as the view
// the terminal answers, with the display names of the operators who entered and decided it.

import type { Kysely, Transaction } from 'kysely';
import { toIsoTimestamp, type Database } from '../../../store/index.js';
import { createRegisterReader } from '../register/index.js';
import { residentSummaryOf, type ResidentSummary } from './register-routes.js';
import {
  notificationKindLabel,
  type NotificationInput,
  type NotificationKind,
  type NotificationStatus,
} from './notification.js';

type Db = Kysely<Database> | Transaction<Database>;

/** An operator as a notification names them. */
export interface NotificationOperator {
  readonly id: string;
  readonly displayName: string;
}

/** A notification as the terminal answers it (the contract's NotificationView). */
export interface NotificationView {
  readonly id: string;
  readonly kind: NotificationKind;
  readonly label: string;
  readonly status: NotificationStatus;
  readonly residentId: string | null;
  readonly householdId: string | null;
  /** The register request as entered, with 届出日 and 異動日 filled in. */
  readonly request: Readonly<Record<string, unknown>>;
  readonly late: boolean;
  readonly enteredBy: NotificationOperator;
  readonly enteredAt: string;
  readonly decidedBy: NotificationOperator | null;
  readonly decidedAt: string | null;
  /** Why it was rejected. */
  readonly reason: string | null;
  /** After confirmation: the records the action produced or changed; [] before. */
  readonly results: readonly ResidentSummary[];
  /**
   * Whom it concerns, as the register has them now: the record it acts on, or the head of the household it acts on;
   * null for a 届出 that opens a record (its person is in `request`) or a household that no longer has a head.
   */
  readonly subject: ResidentSummary | null;
}

/**
 * Who enters a notification without a terminal session: a resident online, authenticated by the resident card and
 * PIN (付記転出届 online, docs/special-move.md). Named in `entered_by` instead of an operator, shown by these names.
 */
export const SYSTEM_ENTERERS = {
  residentOnline: 'resident-online',
} as const;
export type SystemEnterer = (typeof SYSTEM_ENTERERS)[keyof typeof SYSTEM_ENTERERS];

const SYSTEM_ENTERER_NAMES: Readonly<Record<SystemEnterer, string>> = {
  'resident-online': '住民（オンライン申請）',
};

function entererName(id: string, displayName: string | null): string {
  return displayName ?? SYSTEM_ENTERER_NAMES[id as SystemEnterer] ?? id;
}

/** How many notifications a list answers at most. */
export const NOTIFICATION_LIST_LIMIT = 100;

/** Stores a new pending notification. */
export async function insertNotification(
  trx: Transaction<Database>,
  notification: {
    readonly id: string;
    readonly input: NotificationInput;
    readonly late: boolean;
    readonly enteredBy: string;
    readonly enteredAt: Date;
  },
): Promise<void> {
  const { input } = notification;
  await trx
    .insertInto('notification')
    .values({
      id: notification.id,
      kind: input.kind,
      status: 'pending',
      resident_id: input.residentId,
      household_id: input.householdId,
      request: JSON.stringify(input.request),
      late: notification.late ? 1 : 0,
      entered_by: notification.enteredBy,
      entered_at: toIsoTimestamp(notification.enteredAt),
      decided_by: null,
      decided_at: null,
      reason: null,
      results: '[]',
    })
    .execute();
}

function selectViews(db: Db) {
  return db
    .selectFrom('notification as n')
    .leftJoin('operator as entered', 'entered.id', 'n.entered_by')
    .leftJoin('operator as decided', 'decided.id', 'n.decided_by')
    .select([
      'n.id',
      'n.kind',
      'n.status',
      'n.resident_id',
      'n.household_id',
      'n.request',
      'n.late',
      'n.entered_by',
      'n.entered_at',
      'n.decided_by',
      'n.decided_at',
      'n.reason',
      'n.results',
      'entered.display_name as entered_name',
      'decided.display_name as decided_name',
    ]);
}

type ViewRow = Awaited<ReturnType<ReturnType<typeof selectViews>['executeTakeFirstOrThrow']>>;

async function viewOf(db: Db, row: ViewRow): Promise<NotificationView> {
  const kind = row.kind as NotificationKind;
  const reader = createRegisterReader(db);
  const subjectId =
    row.resident_id ??
    (row.household_id === null
      ? null
      : ((await reader.getHousehold(row.household_id))?.headResidentId ?? null));
  const subject = subjectId === null ? undefined : await reader.getResident(subjectId);
  return {
    id: row.id,
    kind,
    label: notificationKindLabel[kind],
    status: row.status as NotificationStatus,
    residentId: row.resident_id,
    householdId: row.household_id,
    request: JSON.parse(row.request) as Record<string, unknown>,
    late: Number(row.late) === 1,
    enteredBy: { id: row.entered_by, displayName: entererName(row.entered_by, row.entered_name) },
    enteredAt: row.entered_at,
    decidedBy: row.decided_by === null ? null : { id: row.decided_by, displayName: row.decided_name ?? '' },
    decidedAt: row.decided_at,
    reason: row.reason,
    results: JSON.parse(row.results) as ResidentSummary[],
    subject: subject === undefined ? null : residentSummaryOf(subject),
  };
}

/** The notification with this id, or undefined. */
export async function readNotification(db: Db, id: string): Promise<NotificationView | undefined> {
  const row = await selectViews(db).where('n.id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : await viewOf(db, row);
}

/** The kind of the notification with this id (it never changes), or undefined. */
export async function readNotificationKind(db: Db, id: string): Promise<NotificationKind | undefined> {
  const row = await db.selectFrom('notification').select('kind').where('id', '=', id).executeTakeFirst();
  return row?.kind as NotificationKind | undefined;
}

/** The newest notifications of the given kinds (and status, when given), at most NOTIFICATION_LIST_LIMIT. */
export async function listNotifications(
  db: Db,
  filter: { readonly kinds: readonly NotificationKind[]; readonly status?: NotificationStatus },
): Promise<NotificationView[]> {
  if (filter.kinds.length === 0) return [];
  let query = selectViews(db)
    .where('n.kind', 'in', [...filter.kinds])
    .orderBy('n.entered_at', 'desc')
    .orderBy('n.id', 'desc')
    .limit(NOTIFICATION_LIST_LIMIT);
  if (filter.status !== undefined) query = query.where('n.status', '=', filter.status);
  const views: NotificationView[] = [];
  for (const row of await query.execute()) views.push(await viewOf(db, row));
  return views;
}

/**
 * Decides a pending notification: applied (with the records it produced) or rejected (with the reason). Answers false
 * when it was no longer pending, so that two examiners deciding at once cannot both win.
 */
export async function decideNotification(
  trx: Transaction<Database>,
  id: string,
  decision: {
    readonly status: Exclude<NotificationStatus, 'pending'>;
    readonly decidedBy: string;
    readonly decidedAt: Date;
    readonly reason?: string;
    readonly results?: readonly ResidentSummary[];
  },
): Promise<boolean> {
  const result = await trx
    .updateTable('notification')
    .set({
      status: decision.status,
      decided_by: decision.decidedBy,
      decided_at: toIsoTimestamp(decision.decidedAt),
      reason: decision.reason ?? null,
      results: JSON.stringify(decision.results ?? []),
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
