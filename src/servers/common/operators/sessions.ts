// Operator sessions: opened by a completed login, bound to the terminal, touched on every use, ended by logout, by
// inactivity (15 minutes by default) or by the operator being disabled (DESIGN.md §6, docs/operators.md, "Sessions").

import type { Transaction } from 'kysely';
import type { ErrorCode } from '../../../shared/errors.js';
import { err, ok, type Result } from '../../../shared/result.js';
import { fromIsoTimestamp, toIsoTimestamp, type Database } from '../../../store/index.js';
import {
  findOperatorRow,
  handleHash,
  newHandle,
  operatorOf,
  type Db,
  type Operator,
} from './operator-records.js';

/** Why a session ended. */
export const SessionEndReason = {
  logout: 'logout',
  idle: 'idle',
  operatorDisabled: 'operator-disabled',
  passwordReset: 'password-reset',
} as const;
export type SessionEndReason = (typeof SessionEndReason)[keyof typeof SessionEndReason];

/** What a terminal presents with each request: the session token it got at login and its own name. */
export interface Caller {
  readonly token: string;
  readonly terminal: string;
}

/** A session in use: who, at which terminal. */
export interface ActiveSession {
  /** The stored id: the token's hash, never the token. */
  readonly id: string;
  readonly operator: Operator;
  readonly terminal: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
}

/** Opens a session for `operatorId` at `terminal`; gives the token, which only the terminal keeps. */
export async function openSession(
  trx: Transaction<Database>,
  session: { readonly operatorId: string; readonly terminal: string; readonly now: Date },
): Promise<{ token: string; id: string }> {
  const token = newHandle();
  const id = handleHash(token);
  const now = toIsoTimestamp(session.now);
  await trx
    .insertInto('operator_session')
    .values({
      id,
      operator_id: session.operatorId,
      terminal: session.terminal,
      created_at: now,
      last_seen_at: now,
      ended_at: null,
      ended_reason: null,
    })
    .execute();
  return { token, id };
}

/** A refused session: the error to raise and, when the token named one, whose session it was. */
export interface SessionRefusal {
  readonly code: ErrorCode;
  readonly operatorId: string | null;
}

/**
 * Checks the caller's session and touches it: refused when unknown, ended, or from another terminal; ended and
 * refused when unused for `idleTimeoutMs` or longer, or when its operator is disabled.
 */
export async function useSession(
  trx: Transaction<Database>,
  caller: Caller,
  options: { readonly now: Date; readonly idleTimeoutMs: number },
): Promise<Result<ActiveSession, SessionRefusal>> {
  const row = await trx
    .selectFrom('operator_session')
    .selectAll()
    .where('id', '=', handleHash(caller.token))
    .executeTakeFirst();
  if (row === undefined) return err({ code: 'JUKI_ERR_SESSION_INVALID', operatorId: null });
  const refuse = (code: ErrorCode) => err({ code, operatorId: row.operator_id });
  if (row.ended_at !== null || row.terminal !== caller.terminal) return refuse('JUKI_ERR_SESSION_INVALID');
  const idleMs = options.now.getTime() - fromIsoTimestamp(row.last_seen_at).getTime();
  if (idleMs >= options.idleTimeoutMs) {
    await endSessionRow(trx, row.id, { reason: 'idle', now: options.now });
    return refuse('JUKI_ERR_SESSION_EXPIRED');
  }
  const operatorRow = await findOperatorRow(trx, { id: row.operator_id });
  if (operatorRow === undefined || operatorRow.disabled !== 0) {
    await endSessionRow(trx, row.id, { reason: 'operator-disabled', now: options.now });
    return refuse('JUKI_ERR_OPERATOR_DISABLED');
  }
  const lastSeenAt = toIsoTimestamp(options.now);
  await trx
    .updateTable('operator_session')
    .set({ last_seen_at: lastSeenAt })
    .where('id', '=', row.id)
    .execute();
  return ok({
    id: row.id,
    operator: operatorOf(operatorRow),
    terminal: row.terminal,
    createdAt: row.created_at,
    lastSeenAt,
  });
}

/** Ends one session (if still open). */
export async function endSessionRow(
  trx: Transaction<Database>,
  id: string,
  options: { readonly reason: SessionEndReason; readonly now: Date },
): Promise<void> {
  await trx
    .updateTable('operator_session')
    .set({ ended_at: toIsoTimestamp(options.now), ended_reason: options.reason })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .execute();
}

/** Ends every open session of an operator, e.g. when disabled. Gives how many ended. */
export async function endOperatorSessions(
  trx: Transaction<Database>,
  operatorId: string,
  options: { readonly reason: SessionEndReason; readonly now: Date },
): Promise<number> {
  const result = await trx
    .updateTable('operator_session')
    .set({ ended_at: toIsoTimestamp(options.now), ended_reason: options.reason })
    .where('operator_id', '=', operatorId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Ends every session idle for `idleTimeoutMs` or longer, for a periodic sweep (a session is also ended when next used
 * after that). Gives how many ended.
 */
export async function endIdleSessions(
  db: Db,
  options: { readonly now: Date; readonly idleTimeoutMs: number },
): Promise<number> {
  const cutoff = toIsoTimestamp(new Date(options.now.getTime() - options.idleTimeoutMs));
  const result = await db
    .updateTable('operator_session')
    .set({ ended_at: toIsoTimestamp(options.now), ended_reason: 'idle' })
    .where('ended_at', 'is', null)
    .where('last_seen_at', '<=', cutoff)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
