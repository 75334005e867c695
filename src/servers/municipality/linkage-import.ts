// Feeding the CS linkage messages from outside our register (docs/linkage.md "Import"): each message in its own
// transaction through applyRegisterChange, once per register action id, with a per-message report.

import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { NodeId } from '../../domain/index.js';
import { isJukinetError, JukinetError, type ErrorCode } from '../../shared/errors.js';
import { isUniqueViolation, toIsoTimestamp, type Database } from '../../store/index.js';
import type { NodeContext, Outbox } from '../common/node-module.js';
import { applyRegisterChange, type CsOutcome } from './cs/index.js';
import { describeLinkageCsvError, parseLinkageCsv } from './linkage-csv.js';
import { parseRegisterChange, type RegisterChange } from './linkage.js';

/** Where a linkage message came from, as `linkage_applied.source` records it. */
export const LinkageSource = {
  /** Our own register, in the same process and transaction. */
  register: 'register',
  /** A CSV file (`jukinet linkage import`). */
  import: 'import',
  /** The JSON message API. */
  api: 'api',
} as const;
export type LinkageSource = (typeof LinkageSource)[keyof typeof LinkageSource];

/** What the import needs of a node: its id (the origin of identity.changed), its clock, and transactions with an outbox. */
export type LinkageContext = Pick<NodeContext, 'nodeId' | 'clock' | 'transaction'>;

/** The schema of one message's result, as the JSON message API answers it. */
export const linkageResultSchema = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('applied'),
    actionId: z.string(),
    residentCode: z.string(),
    /** The identity version the CS recorded for the code. */
    version: z.number().int().min(1),
    /** The id of the identity.changed message queued to the prefecture. */
    messageId: z.string(),
  }),
  z.strictObject({
    status: z.literal('duplicate'),
    actionId: z.string(),
    residentCode: z.string(),
  }),
  z.strictObject({
    status: z.literal('refused'),
    actionId: z.string().optional(),
    code: z.string(),
    message: z.string(),
  }),
]);

/** What became of one message: applied now, applied before (a duplicate, nothing changed), or refused (nothing changed). */
export type LinkageResult =
  | {
      readonly status: 'applied';
      readonly actionId: string;
      readonly residentCode: string;
      readonly version: number;
      readonly messageId: string;
    }
  | { readonly status: 'duplicate'; readonly actionId: string; readonly residentCode: string }
  | {
      readonly status: 'refused';
      readonly actionId?: string;
      readonly code: ErrorCode;
      readonly message: string;
    };

/** The results of a batch, in the order of its messages, with how many of each. */
export interface LinkageReport<R extends LinkageResult = LinkageResult> {
  readonly results: readonly R[];
  readonly applied: number;
  readonly duplicate: number;
  readonly refused: number;
}

/**
 * Applies a checked change through the CS (applyRegisterChange) and records its action id in `linkage_applied`, in the
 * caller's transaction. A second change with the same action id throws a unique violation there (rolling the
 * transaction back); `applyLinkageMessage` turns that into a duplicate. Our register's `link` calls it too, so that
 * an import of our own export finds every action already applied.
 */
export async function applyRegisterChangeOnce(
  trx: Transaction<Database>,
  change: RegisterChange,
  options: {
    readonly origin: NodeId;
    readonly outbox: Outbox;
    readonly source: LinkageSource;
    readonly at: Date;
  },
): Promise<CsOutcome> {
  await trx
    .insertInto('linkage_applied')
    .values({
      action_id: change.action.id,
      resident_code: change.resident.residentCode,
      applied_at: toIsoTimestamp(options.at),
      source: options.source,
    })
    .execute();
  return await applyRegisterChange(trx, change, options);
}

function actionIdOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const action = (input as { action?: unknown }).action;
  if (typeof action !== 'object' || action === null) return undefined;
  const id = (action as { id?: unknown }).id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** A refusal of the message itself (a bad field, a rule): not a failure of the store or of security, which is thrown. */
function isRefusal(error: unknown): error is JukinetError {
  return isJukinetError(error) && (error.category === 'validation' || error.category === 'business');
}

function refused(input: unknown, error: JukinetError): LinkageResult {
  const actionId = actionIdOf(input);
  return {
    status: 'refused',
    ...(actionId === undefined ? {} : { actionId }),
    code: error.code,
    message: error.message,
  };
}

/**
 * Applies one linkage message from outside in its own transaction: checks it, and unless its action id was applied
 * before (a duplicate: nothing changes), records the CS's identity version and queues identity.changed together. A
 * refusal (a validation or business JukinetError: a bad field, a change the identity history cannot take) changes
 * nothing and is returned; any other failure (the store itself) is thrown.
 */
export async function applyLinkageMessage(
  context: LinkageContext,
  input: unknown,
  options: { readonly source: LinkageSource },
): Promise<LinkageResult> {
  let change: RegisterChange;
  try {
    change = parseRegisterChange(input);
  } catch (error) {
    if (isRefusal(error)) return refused(input, error);
    throw error;
  }
  const actionId = change.action.id;
  const duplicate: LinkageResult = {
    status: 'duplicate',
    actionId,
    residentCode: change.resident.residentCode,
  };
  try {
    return await context.transaction(async (trx, outbox): Promise<LinkageResult> => {
      const before = await trx
        .selectFrom('linkage_applied')
        .select('resident_code')
        .where('action_id', '=', actionId)
        .executeTakeFirst();
      if (before !== undefined) return { ...duplicate, residentCode: before.resident_code };
      const outcome = await applyRegisterChangeOnce(trx, change, {
        origin: context.nodeId,
        outbox,
        source: options.source,
        at: context.clock.now(),
      });
      return {
        status: 'applied',
        actionId,
        residentCode: outcome.version.residentCode,
        version: outcome.version.version,
        messageId: outcome.messageId,
      };
    });
  } catch (error) {
    // Another writer applied the same action between our look and our insert.
    if (isUniqueViolation(error)) return duplicate;
    if (isRefusal(error)) return refused(input, error);
    throw error;
  }
}

function reportOf<R extends LinkageResult>(results: R[]): LinkageReport<R> {
  const count = (status: LinkageResult['status']): number =>
    results.filter((result) => result.status === status).length;
  return { results, applied: count('applied'), duplicate: count('duplicate'), refused: count('refused') };
}

/**
 * Applies the messages in order, each in its own transaction (applyLinkageMessage): a refused one changes nothing and
 * the next one is applied all the same. Returns one result per message, in order, with the counts.
 */
export async function importLinkageMessages(
  context: LinkageContext,
  messages: readonly unknown[],
  options: { readonly source?: LinkageSource } = {},
): Promise<LinkageReport> {
  const results: LinkageResult[] = [];
  for (const message of messages) {
    results.push(
      await applyLinkageMessage(context, message, { source: options.source ?? LinkageSource.import }),
    );
  }
  return reportOf(results);
}

/** The result of one CSV row: the line it starts on (the header is line 1) and what became of it. */
export type LinkageCsvResult = LinkageResult & { readonly line: number };

/**
 * Imports a linkage CSV (linkage-csv.ts) row by row, in file order, as importLinkageMessages does. A file that cannot
 * be read as a linkage CSV at all is refused before any row is applied (JUKI_ERR_LINKAGE_CSV_INVALID, naming the line
 * and column).
 */
export async function importLinkageCsv(
  context: LinkageContext,
  text: string,
): Promise<LinkageReport<LinkageCsvResult>> {
  const parsed = parseLinkageCsv(text);
  if (!parsed.ok)
    throw new JukinetError('JUKI_ERR_LINKAGE_CSV_INVALID', describeLinkageCsvError(parsed.reason));
  const results: LinkageCsvResult[] = [];
  for (const row of parsed.value) {
    const result = await applyLinkageMessage(context, row.message, { source: LinkageSource.import });
    results.push({ ...result, line: row.line });
  }
  return reportOf(results);
}

/** The report as text lines: one per row that was not applied, then the counts. */
export function formatLinkageReport(report: LinkageReport<LinkageCsvResult>): string[] {
  const lines: string[] = [];
  for (const result of report.results) {
    if (result.status === 'refused') {
      lines.push(
        `line ${result.line}: refused ${result.actionId ?? '(no action id)'}: ${result.code}: ${result.message}`,
      );
    } else if (result.status === 'duplicate') {
      lines.push(`line ${result.line}: duplicate ${result.actionId}: applied before, nothing changed`);
    }
  }
  lines.push(
    `${report.applied} applied, ${report.duplicate} duplicate, ${report.refused} refused` +
      (report.refused > 0
        ? ' (a refused row changed nothing; the rows after it were imported all the same)'
        : ''),
  );
  return lines;
}
