// Look-ups of many resident codes at once, for batch provision (docs/protocol/agency-batch.md): one query per set of
// codes instead of one per code, `IN (…)` on SQLite and `= ANY($1)` with one array parameter on PostgreSQL, in chunks.

import { sql, type Kysely, type Transaction } from 'kysely';
import type { ResidentCode } from '../../../domain/index.js';
import type { Database, StoreEngine } from '../../../store/index.js';
import {
  currentVersionRows,
  identityVersionOf,
  type IdentityVersion,
  type IdentityVersionRow,
} from '../identity-history.js';

/** Codes per statement: under SQLite's default limit of bound parameters (32,766), and a moderate PostgreSQL array. */
export const LOOKUP_CHUNK_SIZE = 5000;

/** A store's database, or an open transaction of it, with its engine. */
export interface LookupSource {
  readonly engine: StoreEngine;
  readonly db: Kysely<Database> | Transaction<Database>;
}

/**
 * The identity information of each of `codes` now, or at the end of `asOf` (the rule of `lookUpIdentity`: the
 * version with the latest 異動年月日 on or before that date, the last recorded among equal dates). Codes with
 * nothing are absent from the map; duplicates are looked up once.
 */
export async function lookUpIdentities(
  store: LookupSource,
  codes: readonly ResidentCode[],
  asOf?: string,
): Promise<Map<ResidentCode, IdentityVersion>> {
  const unique = [...new Set(codes)];
  const found = new Map<ResidentCode, IdentityVersion>();
  for (let start = 0; start < unique.length; start += LOOKUP_CHUNK_SIZE) {
    const chunk = unique.slice(start, start + LOOKUP_CHUNK_SIZE);
    const rows = asOf === undefined ? await currentRows(store, chunk) : await asOfRows(store, chunk, asOf);
    for (const row of rows) {
      const code = row.resident_code as ResidentCode;
      // asOfRows come newest first per code: the first seen is the one in effect.
      if (!found.has(code)) found.set(code, identityVersionOf(row));
    }
  }
  return found;
}

function codeIn(engine: StoreEngine, column: string, codes: readonly string[]) {
  return engine === 'postgres'
    ? sql<boolean>`${sql.ref(column)} = any(${codes}::text[])`
    : sql<boolean>`${sql.ref(column)} in (${sql.join(codes)})`;
}

function currentRows(store: LookupSource, codes: readonly string[]): Promise<IdentityVersionRow[]> {
  return currentVersionRows(store.db)
    .where(codeIn(store.engine, 'c.resident_code', codes))
    .execute();
}

function asOfRows(
  store: LookupSource,
  codes: readonly string[],
  asOf: string,
): Promise<IdentityVersionRow[]> {
  return store.db
    .selectFrom('identity_version')
    .select(['resident_code', 'version', 'info', 'recorded_at', 'origin', 'message_id', 'closed'])
    .where(codeIn(store.engine, 'resident_code', codes))
    .where('change_date', '<=', asOf)
    .orderBy('resident_code')
    .orderBy('change_date', 'desc')
    .orderBy('version', 'desc')
    .execute();
}
