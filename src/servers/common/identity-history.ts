// The identity history (本人確認情報 with history) that municipal CSs, prefectures and the national server keep: one
// version per change in arrival order, the projection of the version in effect, who may speak for a person, and the
// per-municipality consistency digest (docs/decisions/0004-servers.md, docs/protocol/consistency.md).

import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { canonicalJson } from '../../crypto/index.js';
import {
  ChangeReason,
  isClosingReason,
  parseIdentityInfo,
  parseLocalGovernmentCode,
  parseNodeId,
  type IdentityInfo,
  type LocalGovernmentCode,
  type NodeId,
  type ResidentCode,
} from '../../domain/index.js';
import { byRoles, type NetworkRoute } from '../../net/index.js';
import { JukinetError, quote } from '../../shared/errors.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { Database, Store } from '../../store/index.js';

/** One version of a resident's identity information, as recorded by this node. */
export interface IdentityVersion {
  residentCode: ResidentCode;
  /** 1 for the first version this node recorded for the code, then 2, 3, … in arrival order. */
  version: number;
  lgCode: LocalGovernmentCode;
  info: IdentityInfo;
  reason: ChangeReason;
  /** 異動年月日, an ISO date. */
  changeDate: string;
  /** When this node recorded it, ISO-8601 UTC. */
  recordedAt: string;
  /** The node whose change it is: the originating municipality. */
  origin: NodeId;
  /** The id of the message that carried it; null for a change made on this node. */
  messageId: string | null;
  /** The version takes the person off the municipality's register (転出, 死亡, …, or the old code of a code change). */
  closed: boolean;
}

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Reasons that put a person on a municipality's register. A change for that reason from a municipality other than the
 * one the record is at moves the record there, even while it is still open where the person came from: the move-out
 * from the old municipality may travel another route and arrive later.
 */
const OPENING: ReadonlySet<ChangeReason> = new Set<ChangeReason>([
  ChangeReason.birth,
  ChangeReason.moveIn,
  ChangeReason.entryFromAbroad,
  ChangeReason.officialEntry,
]);

/** What a new version does to the record's projection (see `effectOf`). */
const Effect = {
  /** It becomes the version in effect. */
  current: 'current',
  /** It is kept in the history but another municipality now holds the person (a late change from a previous one). */
  historyOnly: 'history-only',
} as const;
type Effect = (typeof Effect)[keyof typeof Effect];

/** The part of the version in effect that decides what a new change does to it. */
interface ProjectionState {
  readonly lgCode: string;
  readonly reason: string;
  readonly closed: boolean;
}

/**
 * True when the record is closed for good: after a death, or for the old code of a code change. A move-out or a move
 * abroad closes it only until a move-in (or entry) reopens it, since this node keeps one record per code across moves.
 */
function isClosedForGood(state: ProjectionState): boolean {
  return state.closed && (state.reason === ChangeReason.death || state.reason === ChangeReason.codeChange);
}

/**
 * The projection rule, applied to each version in arrival order. The municipality the record is at speaks for it; a
 * change that puts the person on another municipality's register moves it there; any other change from another
 * municipality is a late one from where the person lived before (a move-out that arrives after the move-in elsewhere)
 * and only joins the history. Refuses what cannot follow: any change but a reopening one to a record closed at the
 * same municipality, and a change from the record's municipality, or a reopening one, after the record closed for good.
 */
function effectOf(state: ProjectionState | undefined, info: IdentityInfo): Result<Effect, string> {
  if (state === undefined) return ok(Effect.current);
  const sameMunicipality = info.lgCode === state.lgCode;
  const opening = OPENING.has(info.change.reason);
  if (isClosedForGood(state)) {
    return sameMunicipality || opening
      ? err(`the record was closed by ${quote(state.reason)}`)
      : ok(Effect.historyOnly);
  }
  if (opening) return ok(Effect.current);
  if (!sameMunicipality) return ok(Effect.historyOnly);
  if (state.closed) return err(`the record was closed by ${quote(state.reason)} at ${quote(state.lgCode)}`);
  return ok(Effect.current);
}

/**
 * Appends a version for `info.residentCode` (version = the code's last version + 1) and, unless it is a late change
 * from a municipality the person has left, makes it the code's current version. With `previousResidentCode` (a code
 * change, 住民票コード変更) it first closes the old code's record with reason code-change; the old history stays.
 * Throws JUKI_ERR_IDENTITY_CLOSED for a change the record cannot take (see the projection rule in
 * docs/protocol/consistency.md) and JUKI_ERR_IDENTITY_CODE_IN_USE when a code change names a code already recorded.
 */
export async function recordIdentityVersion(
  trx: Transaction<Database>,
  options: {
    info: IdentityInfo;
    origin: NodeId;
    messageId?: string;
    recordedAt: Date;
    previousResidentCode?: ResidentCode;
  },
): Promise<IdentityVersion> {
  const { info, previousResidentCode } = options;
  const code = info.residentCode;
  if (previousResidentCode !== undefined) {
    if (previousResidentCode === code || (await lastVersion(trx, code)) > 0) {
      throw new JukinetError(
        'JUKI_ERR_IDENTITY_CODE_IN_USE',
        `${quote(code)} replacing ${quote(previousResidentCode)}`,
      );
    }
    const old = await projectionState(trx, previousResidentCode);
    if (old !== undefined) {
      if (isClosedForGood(old)) {
        throw new JukinetError(
          'JUKI_ERR_IDENTITY_CLOSED',
          `cannot change the code ${quote(previousResidentCode)}: it was closed by ${quote(old.reason)}`,
        );
      }
      const closing: IdentityInfo = {
        ...info,
        residentCode: previousResidentCode,
        change: { reason: ChangeReason.codeChange, date: info.change.date },
      };
      await appendVersion(trx, { ...options, info: closing }, { closed: true, effect: Effect.current });
    }
    return appendVersion(trx, options, { closed: false, effect: Effect.current });
  }
  const effect = effectOf(await projectionState(trx, code), info);
  if (!effect.ok) {
    throw new JukinetError(
      'JUKI_ERR_IDENTITY_CLOSED',
      `${quote(info.change.reason)} for ${quote(code)} from ${quote(info.lgCode)}: ${effect.reason}`,
    );
  }
  return appendVersion(trx, options, { closed: isClosingReason(info.change.reason), effect: effect.value });
}

async function appendVersion(
  trx: Transaction<Database>,
  options: { info: IdentityInfo; origin: NodeId; messageId?: string; recordedAt: Date },
  how: { closed: boolean; effect: Effect },
): Promise<IdentityVersion> {
  const { info } = options;
  const version = (await lastVersion(trx, info.residentCode)) + 1;
  const text = canonicalJson(info);
  const row = {
    resident_code: info.residentCode,
    version,
    lg_code: info.lgCode,
    info: text,
    reason: info.change.reason,
    change_date: info.change.date,
    closed: how.closed ? 1 : 0,
  };
  await trx
    .insertInto('identity_version')
    .values({
      ...row,
      recorded_at: options.recordedAt.toISOString(),
      origin: options.origin,
      message_id: options.messageId ?? null,
    })
    .execute();
  if (how.effect === Effect.current) {
    const { resident_code: _code, ...update } = row;
    await trx
      .insertInto('identity_current')
      .values(row)
      .onConflict((conflict) => conflict.column('resident_code').doUpdateSet(update))
      .execute();
  }
  return {
    residentCode: info.residentCode,
    version,
    lgCode: info.lgCode,
    info,
    reason: info.change.reason,
    changeDate: info.change.date,
    recordedAt: options.recordedAt.toISOString(),
    origin: options.origin,
    messageId: options.messageId ?? null,
    closed: how.closed,
  };
}

async function lastVersion(db: Db, code: string): Promise<number> {
  const row = await db
    .selectFrom('identity_version')
    .select((eb) => eb.fn.max('version').as('last'))
    .where('resident_code', '=', code)
    .executeTakeFirst();
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last);
}

async function projectionState(db: Db, code: string): Promise<ProjectionState | undefined> {
  const row = await db
    .selectFrom('identity_current')
    .select(['lg_code', 'reason', 'closed'])
    .where('resident_code', '=', code)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : { lgCode: row.lg_code, reason: row.reason, closed: Number(row.closed) === 1 };
}

/** The columns of an identity_version row that make an IdentityVersion. */
export interface IdentityVersionRow {
  resident_code: string;
  version: number;
  info: string;
  recorded_at: string;
  origin: string;
  message_id: string | null;
  closed: number;
}

/** An identity_version row as an IdentityVersion (its info parsed and checked). */
export function identityVersionOf(row: IdentityVersionRow): IdentityVersion {
  const info = parseIdentityInfo(JSON.parse(row.info));
  return {
    residentCode: info.residentCode,
    version: Number(row.version),
    lgCode: info.lgCode,
    info,
    reason: info.change.reason,
    changeDate: info.change.date,
    recordedAt: row.recorded_at,
    origin: row.origin as NodeId,
    messageId: row.message_id,
    closed: Number(row.closed) === 1,
  };
}

/**
 * The versions in effect (the projection joined to the history), as rows `identityVersionOf` reads; the caller adds
 * its condition on `c.resident_code` or on the stored information.
 */
export function currentVersionRows(db: Db) {
  return db
    .selectFrom('identity_current as c')
    .innerJoin('identity_version as v', (join) =>
      join.onRef('v.resident_code', '=', 'c.resident_code').onRef('v.version', '=', 'c.version'),
    )
    .select([
      'v.resident_code',
      'v.version',
      'v.info',
      'v.recorded_at',
      'v.origin',
      'v.message_id',
      'v.closed',
    ]);
}

/** The version in effect for `code` (the projection), or undefined when this node has never recorded the code. */
export async function currentIdentity(db: Db, code: ResidentCode): Promise<IdentityVersion | undefined> {
  const row = await currentVersionRows(db).where('c.resident_code', '=', code).executeTakeFirst();
  return row === undefined ? undefined : identityVersionOf(row);
}

/** Every version this node recorded for `code`, oldest first; empty when it has none. */
export async function identityHistory(db: Db, code: ResidentCode): Promise<IdentityVersion[]> {
  const rows = await db
    .selectFrom('identity_version')
    .select(['resident_code', 'version', 'info', 'recorded_at', 'origin', 'message_id', 'closed'])
    .where('resident_code', '=', code)
    .orderBy('version')
    .execute();
  return rows.map(identityVersionOf);
}

/**
 * Rebuilds `identity_current` for `code` from its history with the projection rule (the consistency repair) and
 * returns the version now in effect. A history the rule refuses somewhere keeps the last version it accepted.
 */
export async function rebuildCurrentIdentity(
  trx: Transaction<Database>,
  code: ResidentCode,
): Promise<IdentityVersion | undefined> {
  const history = await identityHistory(trx, code);
  let current: IdentityVersion | undefined;
  for (const version of history) {
    // The old code's closing version of a code change is always in effect: nothing follows it but late changes.
    const closesOldCode = version.closed && version.reason === ChangeReason.codeChange;
    const effect = closesOldCode ? ok(Effect.current) : effectOf(current, version.info);
    if (effect.ok && effect.value === Effect.current) current = version;
  }
  await trx.deleteFrom('identity_current').where('resident_code', '=', code).execute();
  if (current !== undefined) {
    await trx
      .insertInto('identity_current')
      .values({
        resident_code: current.residentCode,
        version: current.version,
        lg_code: current.lgCode,
        info: canonicalJson(current.info),
        reason: current.reason,
        change_date: current.changeDate,
        closed: current.closed ? 1 : 0,
      })
      .execute();
  }
  return current;
}

/**
 * Whether the municipality `origin` may speak for the person in `info` (docs/decisions/0004-servers.md, "Identity
 * changes"): it speaks only of its own register (`info.lgCode`), and for a new person, the person's current
 * municipality, the municipality the person moves into, or a municipality the person lived in before. A code change
 * must come from the municipality that holds the old code, for a code not recorded yet.
 */
export async function checkIdentityAuthority(
  db: Db,
  options: { origin: NodeId; info: IdentityInfo; previousResidentCode?: ResidentCode },
): Promise<Result<void, string>> {
  const { origin, info, previousResidentCode } = options;
  const parsed = parseNodeId(origin);
  if (parsed.role !== 'municipality') return err(`${quote(origin)} is not a municipality`);
  if (info.lgCode !== parsed.lgCode) {
    return err(`${quote(origin)} sent the record of ${quote(info.lgCode)}, another municipality`);
  }
  if (previousResidentCode !== undefined) {
    const old = await projectionState(db, previousResidentCode);
    if (old === undefined || old.lgCode !== parsed.lgCode || old.closed) {
      return err(`${quote(origin)} does not hold the open record of ${quote(previousResidentCode)}`);
    }
    return ok(undefined);
  }
  const state = await projectionState(db, info.residentCode);
  if (state === undefined || state.lgCode === parsed.lgCode || OPENING.has(info.change.reason))
    return ok(undefined);
  const before = await db
    .selectFrom('identity_version')
    .select('version')
    .where('resident_code', '=', info.residentCode)
    .where('lg_code', '=', parsed.lgCode)
    .limit(1)
    .executeTakeFirst();
  if (before !== undefined) return ok(undefined);
  return err(
    `${quote(origin)} is neither the current (${quote(state.lgCode)}) nor a previous municipality of ${quote(info.residentCode)}`,
  );
}

/** The consistency digest of one municipality's residents on this node (docs/protocol/consistency.md). */
export interface ConsistencyDigest {
  lgCode: LocalGovernmentCode;
  /** How many open records this node holds for the municipality. */
  count: number;
  /** SHA-256 hex over the lines `<code> <entry hash>\n` of `entries`, in order. */
  digest: string;
  /** Per resident code, sorted by code: SHA-256 hex of the canonical JSON of the current identity information. */
  entries: [ResidentCode, string][];
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The digest of the open current records whose municipality is `lgCode`: equal on two nodes exactly when they hold
 * the same residents with the same identity information, and the entries say which codes differ when it is not.
 */
export async function consistencyDigest(db: Db, lgCode: LocalGovernmentCode): Promise<ConsistencyDigest> {
  const rows = await db
    .selectFrom('identity_current')
    .select(['resident_code', 'info'])
    .where('lg_code', '=', lgCode)
    .where('closed', '=', 0)
    .execute();
  // Stored info is already canonical JSON (appendVersion writes canonicalJson(info)).
  const entries = rows
    .map((row): [ResidentCode, string] => [row.resident_code as ResidentCode, sha256Hex(row.info)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const digest = sha256Hex(entries.map(([code, hash]) => `${code} ${hash}\n`).join(''));
  return { lgCode, count: entries.length, digest, entries };
}

/** The path of the consistency route. */
export const CONSISTENCY_PATH = '/v1/consistency/:lgCode';

/** `GET /v1/consistency/:lgCode` on the network port: this node's digest for one municipality, for national callers. */
export function consistencyRoute(options: { store: Store }): NetworkRoute {
  return {
    method: 'GET',
    path: CONSISTENCY_PATH,
    allow: byRoles('national'),
    async handler({ params }) {
      // A malformed code is refused with its validation error (400).
      const lgCode = parseLocalGovernmentCode(params['lgCode'] ?? '');
      return { body: await consistencyDigest(options.store.db, lgCode) };
    },
  };
}

/**
 * The resident codes on which two digests of the same municipality disagree: held by one and not the other, or held
 * by both with different identity information. Sorted; empty when the digests are equal.
 */
export function differingCodes(a: ConsistencyDigest, b: ConsistencyDigest): ResidentCode[] {
  if (a.digest === b.digest) return [];
  const other = new Map(b.entries);
  const differing = new Set<ResidentCode>();
  for (const [code, hash] of a.entries) {
    if (other.get(code) !== hash) differing.add(code);
    other.delete(code);
  }
  for (const code of other.keys()) differing.add(code);
  return [...differing].sort();
}
