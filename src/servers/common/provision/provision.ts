// Provision of identity information to agencies (住基法第30条の9): the purpose check (the agency is registered for the
// affair it cites, under the registry in force), the look-up by code and the four-item search, current or as of a
// past date from the history, and the provision log every answer is written to before it leaves
// (docs/agencies.md, docs/protocol/agency-provision.md).

import { sql, type Kysely, type Transaction } from 'kysely';
import {
  FOUR_ITEM_RESULT_CAP,
  checkFourItemCriteria,
  japanDateOf,
  mayUseAffair,
  matchesFourItems,
  type AffairRegistry,
  type FourItemCriteria,
  type NodeId,
  type ResidentCode,
} from '../../../domain/index.js';
import type { ProvidedIdentity } from '../../../protocol/index.js';
import type { Clock } from '../../../shared/clock.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import { newUuidV7 } from '../../../shared/ids.js';
import type { Database, Store, StoreEngine } from '../../../store/index.js';
import {
  currentIdentity,
  currentVersionRows,
  identityVersionOf,
  type IdentityVersion,
} from '../identity-history.js';
import type { SecurityEventLog } from '../security-event-log.js';
import { currentAffairRegistry } from './affair-registry-store.js';
import { findAgency, type RegisteredAgency } from './agencies.js';

type Db = Kysely<Database> | Transaction<Database>;

/** How identity information left: online (電気通信回線) or on a recording medium (媒体). */
export const ProvisionMethod = { online: 'online', batch: 'batch' } as const;
export type ProvisionMethod = (typeof ProvisionMethod)[keyof typeof ProvisionMethod];

/** What the agency gave to find the person. */
export const ProvisionQuery = { code: 'code', fourItems: 'four-items' } as const;
export type ProvisionQuery = (typeof ProvisionQuery)[keyof typeof ProvisionQuery];

/** Security event kinds of refused provision. */
export const ProvisionSecurityEventKind = {
  /** A certificate names an agency that is not registered here. */
  notRegistered: 'agency-not-registered',
  /** The agency cited an affair it is not registered for, or that the registry no longer lists for its kind. */
  affairRefused: 'agency-affair-refused',
} as const;
export type ProvisionSecurityEventKind =
  (typeof ProvisionSecurityEventKind)[keyof typeof ProvisionSecurityEventKind];

/** One provision as logged. */
export interface ProvisionRecord {
  readonly id: string;
  readonly at: string;
  readonly agency: NodeId;
  readonly affair: string;
  readonly registryVersion: number;
  readonly method: ProvisionMethod;
  readonly query: ProvisionQuery;
  readonly asOf: string | null;
  readonly count: number;
  readonly truncated: boolean;
  readonly residentCodes: readonly ResidentCode[];
}

/** The agency and the registry in force, once the purpose check passed. */
export interface AuthorisedAffair {
  readonly agency: RegisteredAgency;
  readonly registry: AffairRegistry;
  readonly affair: string;
}

/**
 * The agency named by a certificate, registered here, and the registry in force. An unregistered agency (a
 * certificate issued outside `jukinet agency register`, or a registration withdrawn) is recorded in `securityEvents`
 * and refused with JUKI_ERR_AGENCY_NOT_REGISTERED.
 */
export async function registeredAgency(
  db: Db,
  request: { agency: NodeId; detail: Readonly<Record<string, unknown>> },
  options: { clock: Clock; securityEvents: SecurityEventLog },
): Promise<{ agency: RegisteredAgency; registry: AffairRegistry }> {
  const agency = await findAgency(db, request.agency);
  if (agency === undefined) {
    options.securityEvents.record({
      kind: ProvisionSecurityEventKind.notRegistered,
      peer: request.agency,
      detail: request.detail,
    });
    throw new JukinetError('JUKI_ERR_AGENCY_NOT_REGISTERED', quote(request.agency));
  }
  return { agency, registry: await currentAffairRegistry(db, options.clock.now()) };
}

/**
 * The purpose check (DESIGN.md §6 "Purpose limitation"): the agency must be registered, and registered for `affair`,
 * which the registry in force must list for the agency's kind. Each refusal is recorded in `securityEvents` and thrown
 * (JUKI_ERR_AGENCY_NOT_REGISTERED, JUKI_ERR_AGENCY_AFFAIR_FORBIDDEN: security errors, answered 403).
 */
export async function authoriseAffair(
  db: Db,
  request: { agency: NodeId; affair: string; method: ProvisionMethod; query: ProvisionQuery },
  options: { clock: Clock; securityEvents: SecurityEventLog },
): Promise<AuthorisedAffair> {
  const detail = { affair: request.affair, method: request.method, query: request.query };
  const { agency, registry } = await registeredAgency(db, { agency: request.agency, detail }, options);
  if (!mayUseAffair(registry, agency, request.affair)) {
    options.securityEvents.record({
      kind: ProvisionSecurityEventKind.affairRefused,
      peer: request.agency,
      detail: {
        ...detail,
        agencyKind: agency.kind,
        registeredAffairs: agency.affairs,
        registryVersion: registry.version,
      },
    });
    throw new JukinetError(
      'JUKI_ERR_AGENCY_AFFAIR_FORBIDDEN',
      `${quote(request.agency)} cited ${quote(request.affair)}`,
    );
  }
  return { agency, registry, affair: request.affair };
}

/** Refuses an `asOf` after today (Japan date): the history does not know the future. */
export function checkAsOf(asOf: string | undefined, now: Date): void {
  if (asOf !== undefined && asOf > japanDateOf(now)) {
    throw new JukinetError('JUKI_ERR_PROVISION_REQUEST_INVALID', `asOf ${quote(asOf)} is in the future`);
  }
}

/**
 * The version of `code` in effect at the end of `asOf`: among the versions this node recorded, the one with the latest
 * 異動年月日 on or before that date, the last recorded among equal dates. Undefined when the history has nothing for
 * the code by then (born later, or first recorded under this code later, e.g. after a code change).
 */
export async function identityAsOf(
  db: Db,
  code: ResidentCode,
  asOf: string,
): Promise<IdentityVersion | undefined> {
  const row = await db
    .selectFrom('identity_version')
    .select(['resident_code', 'version', 'info', 'recorded_at', 'origin', 'message_id', 'closed'])
    .where('resident_code', '=', code)
    .where('change_date', '<=', asOf)
    .orderBy('change_date', 'desc')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : identityVersionOf(row);
}

/** The identity information of `code` now, or at the end of `asOf`; undefined when there is none. */
export async function lookUpIdentity(
  db: Db,
  code: ResidentCode,
  asOf?: string,
): Promise<IdentityVersion | undefined> {
  return asOf === undefined ? currentIdentity(db, code) : identityAsOf(db, code, asOf);
}

/** The birth date inside the stored identity information, the same expression migration 0012 indexes. */
function birthDateOf(engine: StoreEngine) {
  return engine === 'sqlite'
    ? sql<string>`json_extract(info, '$.birthDate')`
    : sql<string>`((info::jsonb) ->> 'birthDate')`;
}

/** What a four-item search found: at most the cap, ordered by code, and how many matched in all. */
export interface FourItemMatches {
  readonly matches: readonly IdentityVersion[];
  readonly total: number;
}

/**
 * The four-item search (docs/agencies.md, "Matching rules"): candidates by the indexed birth date, then the rules of
 * `matchesFourItems` on each. Current information by default; with `asOf`, every code that ever had the birth date
 * is looked at as of that date. At most `cap` matches (by resident code), with the total.
 */
export async function searchFourItems(
  store: Store,
  criteria: FourItemCriteria,
  options: { asOf?: string; cap?: number } = {},
): Promise<FourItemMatches> {
  const cap = options.cap ?? FOUR_ITEM_RESULT_CAP;
  const birthDate = birthDateOf(store.engine);
  let versions: IdentityVersion[];
  if (options.asOf === undefined) {
    const rows = await currentVersionRows(store.db)
      .where('c.resident_code', 'in', (eb) =>
        eb.selectFrom('identity_current').select('resident_code').where(birthDate, '=', criteria.birthDate),
      )
      .execute();
    versions = rows.map(identityVersionOf);
  } else {
    const codes = await store.db
      .selectFrom('identity_version')
      .select('resident_code')
      .distinct()
      .where(birthDate, '=', criteria.birthDate)
      .execute();
    versions = [];
    for (const { resident_code: code } of codes) {
      const version = await identityAsOf(store.db, code as ResidentCode, options.asOf);
      if (version !== undefined) versions.push(version);
    }
  }
  const matching = versions
    .filter((version) => matchesFourItems(version.info, criteria))
    .sort((a, b) => (a.residentCode < b.residentCode ? -1 : a.residentCode > b.residentCode ? 1 : 0));
  return { matches: matching.slice(0, cap), total: matching.length };
}

/** Checks four-item criteria beyond their schema; JUKI_ERR_PROVISION_REQUEST_INVALID saying why. */
export function checkCriteria(criteria: FourItemCriteria): void {
  const problem = checkFourItemCriteria(criteria);
  if (problem === undefined) return;
  const why = {
    'no-name': 'give name or nameKana',
    'empty-name': 'a name or kana of spaces only',
    'empty-address': 'an address of spaces only',
  }[problem];
  throw new JukinetError('JUKI_ERR_PROVISION_REQUEST_INVALID', why);
}

/** A version as it is provided: 本人確認情報 only (docs/protocol/agency-provision.md, "Answer"). */
export function providedIdentityOf(version: IdentityVersion): ProvidedIdentity {
  const { info } = version;
  return {
    residentCode: info.residentCode,
    name: info.name,
    ...(info.nameKana === undefined ? {} : { nameKana: info.nameKana }),
    birthDate: info.birthDate,
    sex: info.sex,
    address: info.address,
    change: { reason: info.change.reason, date: info.change.date },
    status: version.closed ? 'closed' : 'registered',
  };
}

/**
 * Writes one provision to the log, with a row per resident code provided, in one transaction. Called before the
 * answer leaves: nothing is provided that is not logged.
 */
export async function recordProvision(
  store: Store,
  entry: Omit<ProvisionRecord, 'id' | 'at'>,
  options: { clock: Clock },
): Promise<ProvisionRecord> {
  const now = options.clock.now();
  const record: ProvisionRecord = { ...entry, id: newUuidV7(now.getTime()), at: now.toISOString() };
  await store.transaction(async (trx) => {
    await trx
      .insertInto('provision_log')
      .values({
        id: record.id,
        at: record.at,
        agency: record.agency,
        affair: record.affair,
        registry_version: record.registryVersion,
        method: record.method,
        query: record.query,
        as_of: record.asOf,
        count: record.count,
        truncated: record.truncated ? 1 : 0,
        resident_codes: JSON.stringify(record.residentCodes),
      })
      .execute();
    const codes = [...new Set(record.residentCodes)];
    if (codes.length > 0) {
      await trx
        .insertInto('provision_log_code')
        .values(codes.map((code) => ({ provision_id: record.id, resident_code: code })))
        .execute();
    }
  });
  return record;
}

/** The provision log, oldest first; with `agency` or `residentCode`, only the provisions to it or about them. */
export async function listProvisions(
  db: Db,
  filter: { agency?: string; residentCode?: string } = {},
): Promise<ProvisionRecord[]> {
  let query = db.selectFrom('provision_log').selectAll();
  if (filter.agency !== undefined) query = query.where('agency', '=', filter.agency);
  if (filter.residentCode !== undefined) {
    const code = filter.residentCode;
    query = query.where('id', 'in', (eb) =>
      eb.selectFrom('provision_log_code').select('provision_id').where('resident_code', '=', code),
    );
  }
  const rows = await query.orderBy('at').orderBy('id').execute();
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    agency: row.agency as NodeId,
    affair: row.affair,
    registryVersion: Number(row.registry_version),
    method: row.method as ProvisionMethod,
    query: row.query as ProvisionQuery,
    asOf: row.as_of,
    count: Number(row.count),
    truncated: Number(row.truncated) === 1,
    residentCodes: JSON.parse(row.resident_codes) as ResidentCode[],
  }));
}
