// A 届出 as the terminal takes it (docs/terminal-api.md): its kinds and their labels, the terminal function each needs,
// the subject each names, the checked input with its dates filled in, the filing period, and the one mapping from a
// kind and its request onto the register's calls.

import { z } from 'zod';
import {
  NOTIFICATION_KINDS,
  NotificationStatus,
  addDays,
  compareIsoDates,
  functionOfKind,
  notificationKindLabel,
  subjectOf,
  type NotificationKind,
  type NotificationSubject,
} from '../../../domain/index.js';
import { describeIssues } from '../../../protocol/index.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import {
  FILING_PERIOD_DAYS,
  hasFilingPeriod,
  requestSchemas,
  type BirthRequest,
  type EntryFromAbroadRequest,
  type HouseholdHeadChangeRequest,
  type HouseholdMergeRequest,
  type HouseholdSplitRequest,
  type MoveInRequest,
  type MoveOutRequest,
  type MoveWithinRequest,
  type NameChangeRequest,
  type OfficialCorrectionRequest,
  type OfficialDeletionRequest,
  type OfficialEntryRequest,
  type Register,
  type ResidentRecord,
  type SpecialMoveInRequest,
  type SpecialMoveOutRequest,
} from '../register/index.js';

export {
  NOTIFICATION_KINDS,
  NotificationStatus,
  functionOfKind,
  notificationKindLabel,
  subjectOf,
  type NotificationKind,
  type NotificationSubject,
};

// The register takes a request of every kind the terminal lists, and no other.
type SameKeys<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : never;
const requestKindsMatch: SameKeys<keyof typeof requestSchemas, NotificationKind> = true;
void requestKindsMatch;

const id = z.string().trim().min(1).max(64);

/** The body of an entry or a check: the kind, its subject, and the register request without `operator`. */
export const notificationInputSchema = z.strictObject({
  kind: z.enum(NOTIFICATION_KINDS),
  residentId: id.optional(),
  householdId: id.optional(),
  request: z.record(z.string(), z.unknown()),
});

/** A checked input: the request fits its kind's schema and has its 届出日 and 異動日 filled in. */
export interface NotificationInput {
  readonly kind: NotificationKind;
  readonly residentId: string | null;
  readonly householdId: string | null;
  /** The register request, without `operator`, with `filedOn` and (for every kind but 出生) `date` set. */
  readonly request: Readonly<Record<string, unknown>>;
}

/**
 * Checks an entry's body (JUKI_ERR_REQUEST_INVALID for its shape or a subject the kind does not name or misses,
 * JUKI_ERR_REGISTER_REQUEST_INVALID for a request that does not fit its kind) and fills in `filedOn` and `date` with
 * `today`, so that the confirmation, on another day, records the dates that were checked.
 */
export function parseNotificationInput(
  body: unknown,
  options: { readonly today: string },
): NotificationInput {
  const parsed = notificationInputSchema.safeParse(body ?? {});
  if (!parsed.success) {
    throw new JukinetError('JUKI_ERR_REQUEST_INVALID', describeIssues(parsed.error.issues, 'body'));
  }
  const { kind, residentId, householdId, request } = parsed.data;
  const subject = subjectOf(kind);
  const problems = [
    subject === 'resident' && residentId === undefined ? 'residentId: required for this kind' : undefined,
    subject !== 'resident' && residentId !== undefined ? 'residentId: not taken by this kind' : undefined,
    subject === 'household' && householdId === undefined ? 'householdId: required for this kind' : undefined,
    subject !== 'household' && householdId !== undefined ? 'householdId: not taken by this kind' : undefined,
  ].filter((problem) => problem !== undefined);
  if (problems.length > 0) {
    throw new JukinetError('JUKI_ERR_REQUEST_INVALID', `${quote(kind)}: ${problems.join('; ')}`);
  }
  const checked = requestSchemas[kind].safeParse(request);
  const issues = [
    // The operator comes from the session, never from the body.
    ...('operator' in request ? ['request.operator: set by the terminal from the session'] : []),
    ...(checked.success ? [] : [describeIssues(checked.error.issues, 'request')]),
  ];
  if (issues.length > 0) {
    throw new JukinetError('JUKI_ERR_REGISTER_REQUEST_INVALID', `${kind}: ${issues.join('; ')}`);
  }
  const dated = 'date' in requestSchemas[kind].shape;
  return {
    kind,
    residentId: residentId ?? null,
    householdId: householdId ?? null,
    request: {
      ...request,
      filedOn: typeof request['filedOn'] === 'string' ? request['filedOn'] : options.today,
      ...(dated ? { date: typeof request['date'] === 'string' ? request['date'] : options.today } : {}),
    },
  };
}

/** The filing period of a 届出: the last day it is due, and whether it was filed after it. */
export interface FilingPeriod {
  /** Filed after the 14-day period: accepted and flagged. */
  readonly late: boolean;
  /** The last day of the period; null for the kinds without one (出生, 死亡, 氏名変更 and the 職権 acts). */
  readonly deadline: string | null;
}

/**
 * The filing period of a checked input (住民基本台帳法第22条〜第25条), as the register flags it. A 付記転出届 counts it
 * from its planned date, as a 転出届 (第24条); a 特例転入届 from its 異動日, as a 転入届 (第22条).
 */
export function filingPeriodOf(input: NotificationInput): FilingPeriod {
  const { filedOn } = input.request;
  const date = input.kind === 'special-move-out' ? input.request['plannedDate'] : input.request['date'];
  const kind = input.kind === 'special-move-in' ? 'move-in' : input.kind;
  if (!hasFilingPeriod(kind) || typeof date !== 'string' || typeof filedOn !== 'string') {
    return { late: false, deadline: null };
  }
  const deadline = addDays(date, FILING_PERIOD_DAYS);
  return { late: compareIsoDates(filedOn, deadline) > 0, deadline };
}

function residentOf(input: NotificationInput): string {
  if (input.residentId === null) throw new JukinetError('JUKI_ERR_REQUEST_INVALID', 'residentId: required');
  return input.residentId;
}

function householdOf(input: NotificationInput): string {
  if (input.householdId === null) throw new JukinetError('JUKI_ERR_REQUEST_INVALID', 'householdId: required');
  return input.householdId;
}

/**
 * The one-visit move's two 届出, which need more than the register: the card records (付記転出届), the 転出証明書情報
 * received from the old municipality and the outbox for the 転入通知 (特例転入届). Bound to the operation's transaction
 * (docs/special-move.md).
 */
export interface SpecialMoveNotifications {
  /** 付記転出届: checks the card holder's card and records the planned move-out; the card holder's record first. */
  moveOut(register: Register, residentId: string, request: SpecialMoveOutRequest): Promise<ResidentRecord[]>;
  /** 特例転入届: records the move-in of every person of the 転出証明書情報 and queues the 転入通知. */
  moveIn(register: Register, request: SpecialMoveInRequest): Promise<ResidentRecord[]>;
}

function specialMoveOf(options: {
  readonly specialMove?: SpecialMoveNotifications;
}): SpecialMoveNotifications {
  if (options.specialMove === undefined) {
    throw new JukinetError(
      'JUKI_ERR_REQUEST_INVALID',
      'the one-visit move is not available at this terminal',
    );
  }
  return options.specialMove;
}

/**
 * Records a checked input on the register as `operator` and returns the records it produced or changed (the new or
 * changed record; for a 世帯 change, each record whose household or 続柄 changed; for the one-visit move, each
 * person's). The register checks the request and its rules again, so the casts below only name the shape its schema
 * already checked.
 */
export async function applyNotification(
  register: Register,
  input: NotificationInput,
  options: { readonly operator: string; readonly specialMove?: SpecialMoveNotifications },
): Promise<ResidentRecord[]> {
  const request = { ...input.request, operator: options.operator };
  switch (input.kind) {
    case 'birth':
      return [await register.recordBirth(request as unknown as BirthRequest)];
    case 'entry-from-abroad':
      return [await register.recordEntryFromAbroad(request as unknown as EntryFromAbroadRequest)];
    case 'move-in':
      return [await register.recordMoveIn(request as unknown as MoveInRequest)];
    case 'official-entry':
      return [await register.recordOfficialEntry(request as unknown as OfficialEntryRequest)];
    case 'move-within': {
      const moved = await register.recordMoveWithin(
        residentOf(input),
        request as unknown as MoveWithinRequest,
      );
      if (input.request['withHousehold'] !== true) return [moved];
      // The household moved with the person: every member's record changed.
      const household = await register.getHousehold(moved.householdId);
      const members: ResidentRecord[] = [];
      for (const id of household?.memberIds ?? []) {
        const member = await register.getResident(id);
        if (member !== undefined) members.push(member);
      }
      return members;
    }
    case 'move-out':
      return [await register.recordMoveOut(residentOf(input), request as unknown as MoveOutRequest)];
    case 'special-move-out':
      return specialMoveOf(options).moveOut(
        register,
        residentOf(input),
        request as unknown as SpecialMoveOutRequest,
      );
    case 'special-move-in':
      return specialMoveOf(options).moveIn(register, request as unknown as SpecialMoveInRequest);
    case 'death':
      return [await register.recordDeath(residentOf(input), request)];
    case 'name-change':
      return [await register.recordNameChange(residentOf(input), request as unknown as NameChangeRequest)];
    case 'code-change':
      return [await register.requestCodeChange(residentOf(input), request)];
    case 'official-deletion':
      return [
        await register.recordOfficialDeletion(
          residentOf(input),
          request as unknown as OfficialDeletionRequest,
        ),
      ];
    case 'official-correction':
      return [
        await register.recordOfficialCorrection(
          residentOf(input),
          request as unknown as OfficialCorrectionRequest,
        ),
      ];
    case 'household-head-change':
      return register.recordHouseholdHeadChange(
        householdOf(input),
        request as unknown as HouseholdHeadChangeRequest,
      );
    case 'household-split':
      return register.recordHouseholdSplit(householdOf(input), request as unknown as HouseholdSplitRequest);
    case 'household-merge':
      return register.recordHouseholdMerge(householdOf(input), request as unknown as HouseholdMergeRequest);
  }
}
