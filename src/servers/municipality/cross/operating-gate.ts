// The common operating hours at a municipality's edge (docs/operating-hours.md): every service that crosses to another
// local government asks the gate first, at both ends, and the gate answers from the node's calendar and the exceptions
// this municipality has recorded with the others (共通運用時間帯の例外). Work inside one municipality never asks.

import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import {
  checkOperatingException,
  checkOperatingHours,
  formatJapanIsoInstant,
  checkLocalGovernmentCode,
  type LocalGovernmentCode,
  type OperatingAdmission,
  type OperatingCalendar,
  type OperatingException,
} from '../../../domain/index.js';
import type { Clock } from '../../../shared/clock.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import { newUuidV7 } from '../../../shared/ids.js';
import type { Database } from '../../../store/index.js';

/** The services that cross municipalities, each gated on its own (an exception names the one it opens). */
export const CrossService = {
  /** 住民票の写しの広域交付 (住基法第12条の4). */
  wideAreaCopy: 'wide-area-copy',
  /** 転入転出の特例: the 転出証明書情報 asked of the old municipality (住基法第24条の2). */
  specialMove: 'special-move',
  /** 本人確認 of a card holder who is not this municipality's resident, answered by the network. */
  identityConfirmation: 'identity-confirmation',
} as const;
export type CrossService = (typeof CrossService)[keyof typeof CrossService];

export const CROSS_SERVICES: readonly CrossService[] = Object.values(CrossService);

export const crossServiceLabel: Readonly<Record<CrossService, string>> = {
  'wide-area-copy': '広域交付',
  'special-move': '転入転出の特例',
  'identity-confirmation': '本人確認',
};

/** What a route asks before a cross-municipality step. */
export interface OperatingGate {
  /**
   * May `service` between this municipality and `peer` run now? Answers why (inside the window, or under a recorded
   * exception naming both and this service); throws JUKI_ERR_OUTSIDE_OPERATING_HOURS saying when the window opens.
   * Inside a transaction of the node's store, pass its `trx`: the exceptions are read through it.
   */
  admit(
    service: CrossService,
    peer: LocalGovernmentCode,
    trx?: Transaction<Database>,
  ): Promise<OperatingAdmission>;
}

/** An exception as recorded: the domain's arrangement, for one service, with who recorded and withdrew it. */
export interface RecordedException extends OperatingException {
  readonly id: string;
  readonly service: CrossService;
  readonly recordedBy: string;
  readonly recordedAt: string;
  readonly withdrawnAt: string | null;
}

/** The request to record an exception (the terminal's body). */
export const operatingExceptionRequestSchema = z.strictObject({
  service: z.enum(CROSS_SERVICES as [CrossService, ...CrossService[]]),
  /** The other local governments of the arrangement; this municipality is added. */
  with: z
    .array(
      z
        .string()
        .refine((code) => checkLocalGovernmentCode(code).ok, { message: 'not a local government code' }),
    )
    .min(1)
    .max(50),
  start: z.iso.datetime({ offset: true }),
  end: z.iso.datetime({ offset: true }),
  reason: z.string().trim().min(1).max(200),
  arrangedBy: z.string().trim().min(1).max(200),
});
export type OperatingExceptionRequest = z.infer<typeof operatingExceptionRequestSchema>;

type Reads = Kysely<Database> | Transaction<Database>;

/** The exceptions not withdrawn that cover some instant of [from, to) (all of them without bounds), oldest first. */
export async function listOperatingExceptions(
  db: Reads,
  span: { readonly from?: Date; readonly to?: Date; readonly withWithdrawn?: boolean } = {},
): Promise<RecordedException[]> {
  let query = db.selectFrom('operating_exception').selectAll();
  if (span.withWithdrawn !== true) query = query.where('withdrawn_at', 'is', null);
  if (span.from !== undefined) query = query.where('ends_at', '>', span.from.toISOString());
  if (span.to !== undefined) query = query.where('starts_at', '<', span.to.toISOString());
  const rows = await query.orderBy('starts_at').orderBy('id').execute();
  return rows.map((row) => ({
    id: row.id,
    service: row.service as CrossService,
    municipalities: JSON.parse(row.municipalities) as LocalGovernmentCode[],
    start: new Date(row.starts_at),
    end: new Date(row.ends_at),
    reason: row.reason,
    arrangedBy: row.arranged_by,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
    withdrawnAt: row.withdrawn_at,
  }));
}

/**
 * Records an exception arranged between `own` and the others of the request, checked by the domain's rules (at
 * least two parties, a non-empty span, a reason, who arranged it); JUKI_ERR_OPERATING_EXCEPTION_INVALID otherwise.
 * The other side records the same arrangement at its own terminal: each end gates on its own record.
 */
export async function recordOperatingException(
  trx: Transaction<Database>,
  request: OperatingExceptionRequest,
  options: { readonly own: LocalGovernmentCode; readonly operator: string; readonly now: Date },
): Promise<RecordedException> {
  const municipalities = [...new Set([options.own, ...request.with])].sort() as LocalGovernmentCode[];
  const exception: OperatingException = {
    municipalities,
    start: new Date(request.start),
    end: new Date(request.end),
    reason: request.reason,
    arrangedBy: request.arrangedBy,
  };
  const checked = checkOperatingException(exception);
  if (!checked.ok) throw new JukinetError('JUKI_ERR_OPERATING_EXCEPTION_INVALID', checked.reason);
  if (exception.end.getTime() <= options.now.getTime()) {
    throw new JukinetError(
      'JUKI_ERR_OPERATING_EXCEPTION_INVALID',
      `end: ${quote(formatJapanIsoInstant(exception.end))} has passed`,
    );
  }
  const id = newUuidV7();
  const recordedAt = options.now.toISOString();
  await trx
    .insertInto('operating_exception')
    .values({
      id,
      service: request.service,
      municipalities: JSON.stringify(municipalities),
      starts_at: exception.start.toISOString(),
      ends_at: exception.end.toISOString(),
      reason: exception.reason,
      arranged_by: exception.arrangedBy,
      recorded_by: options.operator,
      recorded_at: recordedAt,
      withdrawn_by: null,
      withdrawn_at: null,
    })
    .execute();
  return {
    ...exception,
    id,
    service: request.service,
    arrangedBy: request.arrangedBy,
    recordedBy: options.operator,
    recordedAt,
    withdrawnAt: null,
  };
}

/** Withdraws a recorded exception from now on; JUKI_ERR_OPERATING_EXCEPTION_NOT_FOUND when none is in force. */
export async function withdrawOperatingException(
  trx: Transaction<Database>,
  id: string,
  options: { readonly operator: string; readonly now: Date },
): Promise<void> {
  const result = await trx
    .updateTable('operating_exception')
    .set({ withdrawn_by: options.operator, withdrawn_at: options.now.toISOString() })
    .where('id', '=', id)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n)
    throw new JukinetError('JUKI_ERR_OPERATING_EXCEPTION_NOT_FOUND', quote(id));
}

/** The gate of municipality `own`: its calendar, and the exceptions recorded in its store for the service asked. */
export function createOperatingGate(options: {
  readonly own: LocalGovernmentCode;
  readonly calendar: OperatingCalendar;
  readonly db: Kysely<Database>;
  readonly clock: Clock;
}): OperatingGate {
  return {
    async admit(service, peer, trx) {
      const at = options.clock.now();
      const request = { at, municipalities: [options.own, peer] };
      // Inside the window (or with itself) no exception is read.
      const admission = options.calendar.admissionFor(at, request);
      if (admission !== undefined) return admission;
      const exceptions = (
        await listOperatingExceptions(trx ?? options.db, { from: at, to: new Date(at.getTime() + 1) })
      ).filter((exception) => exception.service === service);
      return checkOperatingHours(options.calendar, { ...request, exceptions });
    },
  };
}
