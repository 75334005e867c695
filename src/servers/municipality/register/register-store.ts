// The register's tables (migration 0004_register): reading records and households, appending an action and writing
// the record's projection in the same transaction.

import { sql, type Kysely, type Transaction } from 'kysely';
import type { ResidentCode } from '../../../domain/index.js';
import type { Database } from '../../../store/index.js';
import type { ActionPayload, ResidentAction, ResidentRecord } from './resident-record.js';

/** The store's connection or a transaction on it. */
export type Db = Kysely<Database> | Transaction<Database>;

/** A household (世帯) as the register keeps it: its address and its head (世帯主). */
export interface Household {
  readonly id: string;
  readonly address: string;
  /** Null once the household has no current member (it is closed); otherwise one of its members. */
  readonly headResidentId: string | null;
}

export async function readRecord(db: Db, id: string): Promise<ResidentRecord | undefined> {
  const row = await db.selectFrom('resident').select('state').where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : (JSON.parse(row.state) as ResidentRecord);
}

/** The open record holding `code`, or undefined. */
export async function readOpenRecordByCode(db: Db, code: ResidentCode): Promise<ResidentRecord | undefined> {
  const row = await db
    .selectFrom('resident')
    .select('state')
    .where('resident_code', '=', code)
    .where('closed', '=', 0)
    .executeTakeFirst();
  return row === undefined ? undefined : (JSON.parse(row.state) as ResidentRecord);
}

/** Every record that holds or held `code`, newest first (a 除票 and a later record of the same person). */
export async function readRecordsByCode(db: Db, code: ResidentCode): Promise<ResidentRecord[]> {
  const rows = await db
    .selectFrom('resident')
    .select('state')
    .where('resident_code', '=', code)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((row) => JSON.parse(row.state) as ResidentRecord);
}

export async function readActions(db: Db, residentId: string): Promise<ResidentAction[]> {
  const rows = await db
    .selectFrom('resident_action')
    .selectAll()
    .where('resident_id', '=', residentId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    residentId: row.resident_id,
    seq: Number(row.seq),
    payload: JSON.parse(row.payload) as ActionPayload,
    filedOn: row.filed_on,
    effectiveOn: row.effective_on,
    recordedAt: row.recorded_at,
    operator: row.operator,
  }));
}

/** Appends the action and writes the record it produced as the projection, both in `trx`. */
export async function writeAction(
  trx: Transaction<Database>,
  change: { action: ResidentAction; record: ResidentRecord },
): Promise<void> {
  const { action, record } = change;
  await trx
    .insertInto('resident_action')
    .values({
      id: action.id,
      resident_id: action.residentId,
      seq: action.seq,
      kind: action.payload.kind,
      payload: JSON.stringify(action.payload),
      filed_on: action.filedOn,
      effective_on: action.effectiveOn,
      recorded_at: action.recordedAt,
      operator: action.operator,
    })
    .execute();
  const projection = {
    resident_code: record.residentCode,
    household_id: record.householdId,
    state: JSON.stringify(record),
    version: record.version,
    closed: record.closed ? 1 : 0,
    updated_at: action.recordedAt,
  };
  if (action.seq === 1) {
    await trx
      .insertInto('resident')
      .values({ id: record.id, created_at: action.recordedAt, ...projection })
      .execute();
  } else {
    await trx.updateTable('resident').set(projection).where('id', '=', record.id).execute();
  }
}

export async function readHousehold(db: Db, id: string): Promise<Household | undefined> {
  const row = await db.selectFrom('household').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined
    ? undefined
    : { id: row.id, address: row.address, headResidentId: row.head_resident_id };
}

export async function insertHousehold(
  trx: Transaction<Database>,
  household: Household & { createdAt: string },
): Promise<void> {
  await trx
    .insertInto('household')
    .values({
      id: household.id,
      address: household.address,
      head_resident_id: household.headResidentId,
      created_at: household.createdAt,
    })
    .execute();
}

export async function updateHousehold(
  trx: Transaction<Database>,
  id: string,
  changes: { address?: string; headResidentId?: string | null },
): Promise<void> {
  await trx
    .updateTable('household')
    .set({
      ...(changes.address === undefined ? {} : { address: changes.address }),
      ...(changes.headResidentId === undefined ? {} : { head_resident_id: changes.headResidentId }),
    })
    .where('id', '=', id)
    .execute();
}

/** The ids of the household's current (open) members, by when their records were opened, then by id. */
export async function readMemberIds(db: Db, householdId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('resident')
    .select('id')
    .where('household_id', '=', householdId)
    .where('closed', '=', 0)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

/** A LIKE pattern (with ESCAPE '!') for the JSON member `"key":"value"` as JSON.stringify writes it into `state`. */
export function memberPattern(key: string, value: string): string {
  return `%${escapeLike(`"${key}":${JSON.stringify(value)}`)}%`;
}

/** A LIKE pattern (with ESCAPE '!') for the JSON member `"key"` whose string value starts with `prefix`. */
export function prefixPattern(key: string, prefix: string): string {
  return `%${escapeLike(`"${key}":${JSON.stringify(prefix).slice(0, -1)}`)}%`;
}

/** A LIKE pattern (with ESCAPE '!') for the JSON string `value` anywhere in `state`. */
export function valuePattern(value: string): string {
  return `%${escapeLike(JSON.stringify(value))}%`;
}

function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, '!$&');
}

/**
 * Records whose JSON `state` matches every LIKE pattern, by when they were opened: a pre-filter (no index; the
 * caller checks the parsed records exactly, since SQLite's LIKE ignores ASCII case).
 */
export async function readRecordsMatching(
  db: Db,
  options: { patterns: readonly string[]; includeClosed: boolean; limit?: number },
): Promise<ResidentRecord[]> {
  let query = db.selectFrom('resident').select('state').orderBy('created_at').orderBy('id');
  for (const pattern of options.patterns) query = query.where(sql<boolean>`state like ${pattern} escape '!'`);
  if (!options.includeClosed) query = query.where('closed', '=', 0);
  if (options.limit !== undefined) query = query.limit(options.limit);
  const rows = await query.execute();
  return rows.map((row) => JSON.parse(row.state) as ResidentRecord);
}
