// The operation log (操作履歴): who did what, when, from which terminal, on which records, with what outcome. Each row
// is hash-chained to the one before, so a changed or removed row is found by `verifyOperationLog()` (DESIGN.md §6,
// docs/operators.md, "The operation log").

import { createHash } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { canonicalJson } from '../../../crypto/index.js';
import {
  isAccessKind,
  isTerminalFunction,
  type AccessKind,
  type TerminalFunction,
} from '../../../domain/index.js';
import { isJukinetError, type ErrorCode } from '../../../shared/errors.js';
import { err, ok, type Result } from '../../../shared/result.js';
import { toIsoTimestamp, type Database, type OperationLogTable } from '../../../store/index.js';

/** What a log row is about: a terminal function, or the session itself (login, logout). */
export const SessionFunction = {
  /** Login step 1, the password. */
  loginPassword: 'login-password',
  /** Login step 2, the security key; ok means a session was opened. */
  login: 'login',
  logout: 'logout',
} as const;
export type SessionFunction = (typeof SessionFunction)[keyof typeof SessionFunction];
export type OperationFunction = TerminalFunction | SessionFunction;

/** How an operation ended: done, refused (a rule, a right, bad input), or failed (the system). */
export const OperationOutcome = { ok: 'ok', refused: 'refused', failed: 'failed' } as const;
export type OperationOutcome = (typeof OperationOutcome)[keyof typeof OperationOutcome];

/** One operation, as the caller reports it. */
export interface OperationEntry {
  readonly at: Date;
  /** Null when nobody was identified (a login with an unknown name, an unknown session). */
  readonly operatorId: string | null;
  readonly terminal: string;
  readonly fn: OperationFunction;
  readonly access: AccessKind;
  /** The ids and codes of the records touched (resident codes, operator ids, credential ids). */
  readonly records: readonly string[];
  readonly outcome: OperationOutcome;
  /** The error code of a refusal or failure; null when the outcome is ok. */
  readonly errorCode: ErrorCode | null;
}

/** One row of the log as stored, with its place in the chain. */
export interface OperationRecord extends OperationEntry {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

/** The previous hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Appends one row to the log in `trx`, after the current last row. Call it in the transaction of the operation it
 * records, so both commit or neither; concurrent appends serialise on the `seq` key (a retried transaction on
 * PostgreSQL, one writer at a time on SQLite).
 */
export async function recordOperation(
  trx: Transaction<Database>,
  entry: OperationEntry,
): Promise<OperationRecord> {
  const last = await trx
    .selectFrom('operation_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const record: OperationRecord = {
    ...entry,
    records: [...entry.records],
    seq,
    prevHash,
    hash: chainHash({ ...entry, seq, prevHash }),
  };
  await trx.insertInto('operation_log').values(toRow(record)).execute();
  return record;
}

/** The outcome and error code to log for an operation that threw `error`. */
export function outcomeOfError(error: unknown): { outcome: OperationOutcome; errorCode: ErrorCode } {
  if (isJukinetError(error)) {
    return { outcome: error.category === 'system' ? 'failed' : 'refused', errorCode: error.code };
  }
  return { outcome: 'failed', errorCode: 'JUKI_ERR_INTERNAL' };
}

/** What is wrong with the log, at the first row where it goes wrong. */
export interface OperationLogDefect {
  /** The sequence number where the chain breaks. */
  readonly seq: number;
  readonly problem:
    | 'missing-row' // a row was removed (or the numbering changed)
    | 'chain-broken' // prev_hash is not the hash of the row before
    | 'hash-mismatch' // the row's content changed after it was written
    | 'malformed' // a stored value cannot be read back
    | 'anchor-mismatch'; // the row an earlier check saw (the anchor) is missing or differs
}

/** Where a verified log ends; keep it and pass it back as the `anchor` of the next check to detect a cut tail. */
export interface OperationLogHead {
  readonly count: number;
  readonly seq: number;
  readonly hash: string;
}

/**
 * Walks the whole log in order and recomputes the chain. Finds a changed row (its hash), a removed row (a gap, or a
 * broken link when the rest was renumbered), and, given the head of an earlier check as `anchor`, a removed tail.
 * A rewrite of the whole chain from some row on is found only against an anchor kept elsewhere: signed checkpoints
 * are the next step (DESIGN.md §6).
 */
export async function verifyOperationLog(
  db: Kysely<Database> | Transaction<Database>,
  options: {
    readonly anchor?: { readonly seq: number; readonly hash: string };
    readonly pageSize?: number;
  } = {},
): Promise<Result<OperationLogHead, OperationLogDefect>> {
  const pageSize = options.pageSize ?? 1000;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let anchorSeen = false;
  for (;;) {
    const rows = await db
      .selectFrom('operation_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const row of rows) {
      if (row.seq !== expectedSeq) return err({ seq: expectedSeq, problem: 'missing-row' });
      const record = fromRow(row);
      if (record === undefined) return err({ seq: row.seq, problem: 'malformed' });
      if (record.prevHash !== prevHash) return err({ seq: row.seq, problem: 'chain-broken' });
      if (chainHash(record) !== record.hash) return err({ seq: row.seq, problem: 'hash-mismatch' });
      if (options.anchor?.seq === row.seq) {
        if (options.anchor.hash !== row.hash) return err({ seq: row.seq, problem: 'anchor-mismatch' });
        anchorSeen = true;
      }
      prevHash = record.hash;
      expectedSeq += 1;
    }
    if (rows.length < pageSize) break;
  }
  if (options.anchor !== undefined && !anchorSeen) {
    return err({ seq: options.anchor.seq, problem: 'anchor-mismatch' });
  }
  return ok({ count: expectedSeq - 1, seq: expectedSeq - 1, hash: prevHash });
}

/** Reads log rows in order, optionally one operator's only, after `afterSeq`, at most `limit` (100, at most 1000). */
export async function readOperationRecords(
  db: Kysely<Database> | Transaction<Database>,
  options: { readonly operatorId?: string; readonly afterSeq?: number; readonly limit?: number } = {},
): Promise<OperationRecord[]> {
  let query = db
    .selectFrom('operation_log')
    .selectAll()
    .where('seq', '>', options.afterSeq ?? 0)
    .orderBy('seq')
    .limit(Math.max(1, Math.min(options.limit ?? 100, 1000)));
  if (options.operatorId !== undefined) query = query.where('operator_id', '=', options.operatorId);
  const rows = await query.execute();
  return rows.flatMap((row) => fromRow(row) ?? []);
}

/** SHA-256 (hex) of the canonical JSON of the row's content and the previous hash. */
function chainHash(entry: OperationEntry & { readonly seq: number; readonly prevHash: string }): string {
  const content = {
    seq: entry.seq,
    at: toIsoTimestamp(entry.at),
    operatorId: entry.operatorId,
    terminal: entry.terminal,
    function: entry.fn,
    access: entry.access,
    records: entry.records,
    outcome: entry.outcome,
    errorCode: entry.errorCode,
    prevHash: entry.prevHash,
  };
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

function toRow(record: OperationRecord): OperationLogTable {
  return {
    seq: record.seq,
    at: toIsoTimestamp(record.at),
    operator_id: record.operatorId,
    terminal: record.terminal,
    function: record.fn,
    access: record.access,
    records: JSON.stringify(record.records),
    outcome: record.outcome,
    error_code: record.errorCode,
    prev_hash: record.prevHash,
    hash: record.hash,
  };
}

/** The stored row read back, or undefined when a value is not one the writer could have written. */
function fromRow(row: Selectable<OperationLogTable>): OperationRecord | undefined {
  let records: unknown;
  try {
    records = JSON.parse(row.records);
  } catch {
    return undefined;
  }
  const at = new Date(row.at);
  if (
    !Array.isArray(records) ||
    !records.every((item) => typeof item === 'string') ||
    Number.isNaN(at.getTime()) ||
    toIsoTimestamp(at) !== row.at ||
    !isOperationFunction(row.function) ||
    !isAccessKind(row.access) ||
    !isOutcome(row.outcome)
  ) {
    return undefined;
  }
  return {
    seq: row.seq,
    at,
    operatorId: row.operator_id,
    terminal: row.terminal,
    fn: row.function,
    access: row.access,
    records,
    outcome: row.outcome,
    // A catalogue code when written; codes are never withdrawn, so it is not checked against today's catalogue.
    errorCode: row.error_code as ErrorCode | null,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function isOperationFunction(value: string): value is OperationFunction {
  return isTerminalFunction(value) || (Object.values(SessionFunction) as string[]).includes(value);
}

function isOutcome(value: string): value is OperationOutcome {
  return value === 'ok' || value === 'refused' || value === 'failed';
}
