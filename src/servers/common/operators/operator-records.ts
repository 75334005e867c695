// Operators as the rest of the code sees them (never with their password hash), read from their rows, and the
// random handles (session tokens, challenge handles) whose hashes the database keeps.

import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import {
  checkRightsOverrides,
  effectiveRights,
  isOperatorRole,
  type OperatorRole,
  type Rights,
  type RightsOverrides,
} from '../../../domain/index.js';
import { assert } from '../../../shared/assert.js';
import type { Database, OperatorCredentialTable, OperatorTable } from '../../../store/index.js';

export type Db = Kysely<Database> | Transaction<Database>;

/** An operator (操作者) of the terminal. */
export interface Operator {
  readonly id: string;
  readonly loginName: string;
  readonly displayName: string;
  readonly role: OperatorRole;
  /** What the administrator changed from the role's defaults. */
  readonly overrides: RightsOverrides;
  /** The rights in effect: the role's defaults with the overrides applied. */
  readonly rights: Rights;
  readonly disabled: boolean;
  readonly failedLogins: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** An operator's security key (the operator IC card), without its public key. */
export interface OperatorCredential {
  readonly id: string;
  readonly operatorId: string;
  readonly transports: readonly string[];
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

/** The operator of a row; a row the service could not have written is a bug. */
export function operatorOf(row: Selectable<OperatorTable>): Operator {
  assert(isOperatorRole(row.role), `Operator ${row.id} has an unknown role`);
  const overrides = checkRightsOverrides(row.role, JSON.parse(row.rights_overrides));
  assert(overrides.ok, `Operator ${row.id} has invalid rights overrides`);
  return {
    id: row.id,
    loginName: row.login_name,
    displayName: row.display_name,
    role: row.role,
    overrides: overrides.value,
    rights: effectiveRights(row.role, overrides.value),
    disabled: row.disabled !== 0,
    failedLogins: row.failed_logins,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function credentialOf(row: Selectable<OperatorCredentialTable>): OperatorCredential {
  return {
    id: row.id,
    operatorId: row.operator_id,
    transports: JSON.parse(row.transports) as string[],
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

export async function findOperatorRow(
  db: Db,
  by: { readonly id: string } | { readonly loginName: string },
): Promise<Selectable<OperatorTable> | undefined> {
  const query = db.selectFrom('operator').selectAll();
  return 'id' in by
    ? query.where('id', '=', by.id).executeTakeFirst()
    : query.where('login_name', '=', by.loginName).executeTakeFirst();
}

export async function listCredentialRows(
  db: Db,
  operatorId: string,
): Promise<Selectable<OperatorCredentialTable>[]> {
  return db
    .selectFrom('operator_credential')
    .selectAll()
    .where('operator_id', '=', operatorId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** A new random handle for a terminal to hold (256 bits, base64url). */
export function newHandle(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a handle: its SHA-256, so a copy of the database gives no usable token. */
export function handleHash(handle: string): string {
  return createHash('sha256').update(handle, 'utf8').digest('hex');
}
