// The municipal register (既存住基): records each 届出 or official act as an action, checks the rules first, keeps the
// record as the fold of its actions, and hands each change to the linkage (the CS) in the same transaction.

import type { Transaction } from 'kysely';
import {
  compareIsoDates,
  checkResidentCode,
  isIsoDate,
  japanDateOf,
  parseResidentCode,
  validateIdentityInfo,
  type LocalGovernmentCode,
  type ResidentCode,
} from '../../../domain/index.js';
import type { Clock } from '../../../shared/clock.js';
import { assert } from '../../../shared/assert.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import { newUuidV7 } from '../../../shared/ids.js';
import type { Database, Store } from '../../../store/index.js';
import { SPECIAL_MOVE_LIMIT_DAYS } from '../../common/config.js';
import type { NodeContext, Outbox } from '../../common/node-module.js';
import { identityInfoOf, LINKAGE_VERSION, type LinkedActionKind, type RegisterChange } from '../linkage.js';
import {
  checkHeadChange,
  checkMember,
  checkMerge,
  headAfterLeaving,
  planSplit,
  type HouseholdState,
} from './household.js';
import {
  insertHousehold,
  memberPattern,
  prefixPattern,
  readActions,
  readHousehold,
  readMemberIds,
  readOpenRecordByCode,
  readRecord,
  readRecordsByCode,
  readRecordsMatching,
  updateHousehold,
  valuePattern,
  writeAction,
  type Db,
  type Household,
} from './register-store.js';
import {
  checkRecordItems,
  checkRelationship,
  checkRequest,
  type BirthRequest,
  type CodeChangeRequest,
  type DeathRequest,
  type EntryFromAbroadRequest,
  type HouseholdChoice,
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
  type PersonRequest,
  type Relationships,
  type SpecialMoveOutRequest,
} from './requests.js';
import {
  applyAction,
  changeReasonOf,
  daysLate,
  HEAD_RELATIONSHIP,
  type ActionBody,
  type ActionPayload,
  type BenefitItems,
  type LateFiling,
  type OpeningPayload,
  type PlannedMoveOut,
  type ResidentAction,
  type ResidentRecord,
} from './resident-record.js';
import { checkAdvanceMoveOutDates, isPlannedMoveOutOpen } from './special-move-rules.js';

/** Receives the linkage message of each action inside the action's transaction: the CS, in this process. */
export type LinkageSink = (
  trx: Transaction<Database>,
  change: RegisterChange,
  outbox: Outbox,
) => Promise<void>;

export interface RegisterOptions {
  /** The municipality whose register this is. */
  readonly lgCode: LocalGovernmentCode;
  /** For reads outside a transaction. */
  readonly store: Store;
  /**
   * Where the reads go instead of `store.db`: a register whose writes run in a transaction the caller holds (a
   * terminal operation) reads in that transaction too, and sees its own writes.
   */
  readonly reads?: Db;
  /** "Today" for the date rules is the Japan date of this clock. */
  readonly clock: Clock;
  /** Runs one write with its outbox (NodeContext.transaction). */
  readonly transaction: NodeContext['transaction'];
  /** Takes an unused code from the municipality's holding (code-holding.ts `takeCode`). */
  readonly takeCode: (trx: Transaction<Database>) => Promise<ResidentCode>;
  readonly link: LinkageSink;
  /**
   * The one-visit move (docs/special-move.md): days after the planned move-out date it stays open. Default
   * SPECIAL_MOVE_LIMIT_DAYS (the configuration's `municipality.specialMove.limitDays`).
   */
  readonly specialMove?: { readonly limitDays: number };
}

/** A household with its current members; `closed` once none is left. */
export interface HouseholdView extends Household {
  readonly memberIds: readonly string[];
  readonly closed: boolean;
}

/** How many records a search returns at most, and by default. */
export const SEARCH_LIMIT = { max: 100, default: 20 } as const;

/** What the search functions take besides their criteria. */
export interface SearchOptions {
  /** At most SEARCH_LIMIT.max; SEARCH_LIMIT.default when left out. */
  readonly limit?: number;
  /** Include 除票. Default false. */
  readonly includeClosed?: boolean;
}

/** A person-search: a prefix of the name or of its reading (or both), optionally with the birth date. */
export interface NameSearch extends SearchOptions {
  readonly name?: string;
  readonly nameKana?: string;
  readonly birthDate?: string;
}

/** The filing period of 届出 under 住民基本台帳法第22条〜第25条, in days after the change. */
export const FILING_PERIOD_DAYS = 14;

/** The 届出 that have a filing period (第22条 転入, 第23条 転居, 第24条 転出, 第25条 世帯変更); official acts have none. */
const FILED_WITHIN_PERIOD: ReadonlySet<ActionBody['kind']> = new Set<ActionBody['kind']>([
  'move-in',
  'entry-from-abroad',
  'move-within',
  'move-out',
  'special-move-out',
  'household-head-change',
  'household-split',
  'household-merge',
]);

/** True for the kinds with a filing period of FILING_PERIOD_DAYS (第22条〜第25条): a late one is accepted and flagged. */
export function hasFilingPeriod(kind: ActionBody['kind']): boolean {
  return FILED_WITHIN_PERIOD.has(kind);
}

/**
 * The register's operations. Each write is one transaction holding the actions, the records' new projections, the
 * household changes, and whatever the linkage does (the CS's identity version and its identity.changed message); a
 * refused action throws a JukinetError saying why and changes nothing.
 */
export interface Register {
  /** 出生: opens a record dated on the birth date and assigns a new code. */
  recordBirth(request: BirthRequest): Promise<ResidentRecord>;
  /** 国外からの転入: opens a record; a new code unless `residentCode` (a code the person already had) is given. */
  recordEntryFromAbroad(request: EntryFromAbroadRequest): Promise<ResidentRecord>;
  /** 職権記載: opens the record of an existing resident with a new code (seeding). */
  recordOfficialEntry(request: OfficialEntryRequest): Promise<ResidentRecord>;
  /** Several 職権記載 in one transaction (seeding a population): all are recorded, or none. */
  recordOfficialEntries(requests: readonly OfficialEntryRequest[]): Promise<ResidentRecord[]>;
  /** 転入 from another municipality: opens a record under the person's existing code. */
  recordMoveIn(request: MoveInRequest): Promise<ResidentRecord>;
  /** 転居: a new address within the municipality. */
  recordMoveWithin(residentId: string, request: MoveWithinRequest): Promise<ResidentRecord>;
  /** 転出 (or 国外転出 with `abroad`): closes the record as a 除票. */
  recordMoveOut(residentId: string, request: MoveOutRequest): Promise<ResidentRecord>;
  /**
   * 付記転出届 (住基法第24条の2): records the planned move-out on the card holder's record and on each member's moving
   * along, all with the same PlannedMoveOut; closes nothing and changes no 本人確認情報. Returns the card holder's
   * record first, then the members' in the order given. Whether the card holder holds a valid card is the caller's
   * check (the card records are not the register's).
   */
  recordSpecialMoveOut(residentId: string, request: SpecialMoveOutRequest): Promise<ResidentRecord[]>;
  /** 死亡: closes the record as a 除票. */
  recordDeath(residentId: string, request?: DeathRequest): Promise<ResidentRecord>;
  /** 氏名変更. */
  recordNameChange(residentId: string, request: NameChangeRequest): Promise<ResidentRecord>;
  /** 住民票コード変更請求: a new code from the holding; the old one stays in `previousResidentCodes`. */
  requestCodeChange(residentId: string, request?: CodeChangeRequest): Promise<ResidentRecord>;
  /** 職権消除: closes the record as a 除票 on the given ground. */
  recordOfficialDeletion(residentId: string, request: OfficialDeletionRequest): Promise<ResidentRecord>;
  /** 職権修正: corrects items; an identity change (official-correction) only when 本人確認情報 items change. */
  recordOfficialCorrection(residentId: string, request: OfficialCorrectionRequest): Promise<ResidentRecord>;
  /** 世帯主変更: returns the records whose 続柄 changed, the new head first. */
  recordHouseholdHeadChange(
    householdId: string,
    request: HouseholdHeadChangeRequest,
  ): Promise<ResidentRecord[]>;
  /** 世帯分離: returns the records of the members who left, in the order given (the first heads the new household). */
  recordHouseholdSplit(householdId: string, request: HouseholdSplitRequest): Promise<ResidentRecord[]>;
  /** 世帯合併: returns the records of the members who joined `into`. */
  recordHouseholdMerge(householdId: string, request: HouseholdMergeRequest): Promise<ResidentRecord[]>;
  /** The record (open or 除票) with this id. */
  getResident(id: string): Promise<ResidentRecord | undefined>;
  /**
   * The current record holding this code, or else the latest 除票 that held it, or else the record that held it
   * before a 住民票コード変更; undefined for an unknown or invalid code.
   */
  findByCode(code: string): Promise<ResidentRecord | undefined>;
  /** Records whose name or reading starts with the given text, with the birth date when given (capped). */
  searchByName(search: NameSearch): Promise<ResidentRecord[]>;
  /** Records whose address starts with `prefix` (capped). */
  searchByAddress(prefix: string, options?: SearchOptions): Promise<ResidentRecord[]>;
  /** The record's actions, oldest first (a 除票's too). */
  residentHistory(id: string): Promise<ResidentAction[]>;
  getHousehold(id: string): Promise<HouseholdView | undefined>;
  /** How many current residents (and 除票 too with `includeClosed`). */
  countResidents(options?: { includeClosed?: boolean }): Promise<number>;
  /** Records in a stable order for paging: by when they were opened, then by id (within one millisecond). */
  listResidents(options: {
    limit: number;
    offset?: number;
    includeClosed?: boolean;
  }): Promise<ResidentRecord[]>;
}

/** The candidates of a likely duplicate, as JUKI_ERR_RESIDENT_LIKELY_DUPLICATE carries them. */
export interface DuplicateCandidate {
  readonly id: string;
  readonly residentCode: ResidentCode;
  readonly name: string;
  readonly address: string;
}

/** JUKI_ERR_RESIDENT_LIKELY_DUPLICATE with the open records that look like the same person. */
export class LikelyDuplicateError extends JukinetError {
  readonly candidates: readonly DuplicateCandidate[];

  constructor(candidates: readonly DuplicateCandidate[]) {
    super(
      'JUKI_ERR_RESIDENT_LIKELY_DUPLICATE',
      candidates.map((c) => `${quote(c.id)} (${quote(c.residentCode)}, ${quote(c.address)})`).join(', '),
    );
    this.candidates = candidates;
  }

  /** The wire form with the candidates, so that the terminal can list them for the clerk to check. */
  override toJSON(): ReturnType<JukinetError['toJSON']> & { candidates: readonly DuplicateCandidate[] } {
    return { ...super.toJSON(), candidates: this.candidates };
  }
}

type OpeningKind = 'birth' | 'entry-from-abroad' | 'official-entry' | 'move-in';

/** What an opening action needs besides the person: where its code comes from and its own extra items. */
interface OpeningPlan {
  /** A code the person already has, or undefined to take a new one from the holding. */
  readonly code: string | undefined;
  readonly date: string | undefined;
  readonly residentSince?: string;
  readonly previousAddress?: string;
}

/** The dates and the operator of one filing, shared by every action it records. */
interface Filing {
  readonly effectiveOn: string;
  readonly filedOn: string;
  readonly operator: string | null;
}

/** The 本人確認情報 part of a linkage message, as the record gives it. */
function linkageResidentOf(record: ResidentRecord): RegisterChange['resident'] {
  return {
    id: record.id,
    residentCode: record.residentCode,
    name: record.name,
    ...(record.nameKana === undefined ? {} : { nameKana: record.nameKana }),
    ...(record.commonName === undefined ? {} : { commonName: record.commonName }),
    birthDate: record.birthDate,
    sex: record.sex,
    address: record.address,
    lgCode: record.lgCode,
    foreignResident: record.foreignResident,
    closed: record.closed,
  };
}

/**
 * The linkage message (docs/linkage.md) of `action`, given the record as it stands after it and, for a code change,
 * the code before; undefined for an action that changes no 本人確認情報 (it sends none). The register sends it when it
 * records the action; the export (../linkage-export.ts) rebuilds it from the stored history.
 */
export function linkageMessageOf(
  record: ResidentRecord,
  action: ResidentAction,
  previousResidentCode?: ResidentCode,
): RegisterChange | undefined {
  const reason = changeReasonOf(action.payload);
  if (reason === undefined) return undefined;
  return {
    v: LINKAGE_VERSION,
    kind: action.payload.kind as LinkedActionKind,
    resident: linkageResidentOf(record),
    action: {
      id: action.id,
      seq: action.seq,
      reason,
      effectiveOn: action.effectiveOn,
      filedOn: action.filedOn,
      recordedAt: action.recordedAt,
      ...(previousResidentCode === undefined ? {} : { previousResidentCode }),
    },
  };
}

/** The dates in the insurance and benefit items, named for error details. */
function benefitDates(benefits: BenefitItems | null | undefined): [string, string][] {
  if (benefits == null) return [];
  const named: [string, string][] = [];
  for (const item of [
    'nationalHealthInsurance',
    'lateStageMedicalCare',
    'longTermCare',
    'nationalPension',
    'childAllowance',
  ] as const) {
    const since = benefits[item]?.since;
    if (since !== undefined) named.push([`benefits.${item}.since`, since]);
  }
  return named;
}

/** Creates the register of one municipality over its node's store and transactions. */
export function createRegister(options: RegisterOptions): Register {
  const { lgCode, store, clock } = options;
  const reads = options.reads ?? store.db;
  const today = (): string => japanDateOf(clock.now());

  /**
   * Checks the dates of an action against today, the birth date and, for an existing record, its latest change;
   * a 届出 is not filed before its change, except a 転出, which is filed in advance (第24条).
   */
  function checkDates(dates: {
    kind: ActionBody['kind'];
    effectiveOn: string;
    filedOn: string;
    birthDate: string;
    residentSince?: string;
    lastChange?: string;
    others?: readonly [string, string][];
  }): void {
    const now = today();
    const named: [string, string | undefined][] = [
      ['date', dates.effectiveOn],
      ['filedOn', dates.filedOn],
      ['residentSince', dates.residentSince],
      ...(dates.others ?? []),
    ];
    for (const [label, date] of named) {
      if (date === undefined) continue;
      if (compareIsoDates(date, now) > 0) {
        throw new JukinetError(
          'JUKI_ERR_REGISTER_DATE_IN_FUTURE',
          `${label} ${quote(date)} is after today ${quote(now)}`,
        );
      }
      if (compareIsoDates(date, dates.birthDate) < 0) {
        throw new JukinetError(
          'JUKI_ERR_REGISTER_DATE_BEFORE_BIRTH',
          `${label} ${quote(date)} is before the birth date ${quote(dates.birthDate)}`,
        );
      }
    }
    if (dates.residentSince !== undefined && compareIsoDates(dates.residentSince, dates.effectiveOn) > 0) {
      throw new JukinetError(
        'JUKI_ERR_REGISTER_REQUEST_INVALID',
        `residentSince ${quote(dates.residentSince)} is after the date ${quote(dates.effectiveOn)}`,
      );
    }
    if (dates.kind !== 'move-out' && compareIsoDates(dates.filedOn, dates.effectiveOn) < 0) {
      throw new JukinetError(
        'JUKI_ERR_REGISTER_FILED_BEFORE_DATE',
        `filedOn ${quote(dates.filedOn)} is before the date ${quote(dates.effectiveOn)}`,
      );
    }
    if (dates.lastChange !== undefined && compareIsoDates(dates.effectiveOn, dates.lastChange) < 0) {
      throw new JukinetError(
        'JUKI_ERR_REGISTER_DATE_BEFORE_LAST_CHANGE',
        `date ${quote(dates.effectiveOn)} is before ${quote(dates.lastChange)}`,
      );
    }
  }

  /** The late-filing flag of a 届出 with a filing period (accepted, flagged: 第22条〜第25条). */
  function lateFilingOf(kind: ActionBody['kind'], filing: Filing): { lateFiling?: LateFiling } {
    if (!FILED_WITHIN_PERIOD.has(kind)) return {};
    const days = daysLate(filing, FILING_PERIOD_DAYS);
    return days > 0 ? { lateFiling: { daysLate: days } } : {};
  }

  /** Refuses a record whose identity information would be invalid (empty name, kana not katakana, 通称 of a citizen). */
  function checkIdentity(change: RegisterChange): void {
    const result = validateIdentityInfo(identityInfoOf(change));
    if (!result.ok) throw new JukinetError('JUKI_ERR_REGISTER_REQUEST_INVALID', result.reason.join('; '));
  }

  async function readHouseholdState(trx: Transaction<Database>, id: string): Promise<HouseholdState> {
    const household = await readHousehold(trx, id);
    if (household === undefined) throw new JukinetError('JUKI_ERR_HOUSEHOLD_NOT_FOUND', quote(id));
    return {
      id,
      address: household.address,
      headId: household.headResidentId,
      memberIds: await readMemberIds(trx, id),
    };
  }

  async function readOpenRecord(trx: Transaction<Database>, residentId: string): Promise<ResidentRecord> {
    const record = await readRecord(trx, residentId);
    if (record === undefined) throw new JukinetError('JUKI_ERR_RESIDENT_NOT_FOUND', quote(residentId));
    if (record.closed) {
      throw new JukinetError(
        'JUKI_ERR_RESIDENT_CLOSED',
        `${quote(residentId)} was closed by ${record.closure?.reason ?? 'an action'} on ${record.closure?.date ?? '?'}`,
      );
    }
    return record;
  }

  /**
   * Places a person in a household for an action at `address`: joins it (heading it when it has no current member),
   * or founds one as its head. Returns the household's id and the person's 続柄.
   */
  async function placeInHousehold(
    trx: Transaction<Database>,
    placement: {
      residentId: string;
      address: string;
      choice: HouseholdChoice | undefined;
      relationship: string | undefined;
      at: string;
    },
  ): Promise<{ householdId: string; relationship?: string }> {
    const { residentId, address, choice, relationship, at } = placement;
    if (choice !== undefined && 'join' in choice) {
      const household = await readHousehold(trx, choice.join);
      if (household === undefined) throw new JukinetError('JUKI_ERR_HOUSEHOLD_NOT_FOUND', quote(choice.join));
      if (household.address !== address) {
        throw new JukinetError(
          'JUKI_ERR_HOUSEHOLD_ADDRESS_MISMATCH',
          `${quote(address)} is not ${quote(household.address)}`,
        );
      }
      // A household with no current member (closed) is taken up again by the person who joins it, as its head.
      const heads = household.headResidentId === null;
      checkRelationship({ relationship, heads });
      if (heads) {
        await updateHousehold(trx, household.id, { headResidentId: residentId });
        return { householdId: household.id, relationship: HEAD_RELATIONSHIP };
      }
      return { householdId: household.id, ...(relationship === undefined ? {} : { relationship }) };
    }
    checkRelationship({ relationship, heads: true });
    const id = choice?.create ?? newUuidV7(clock.now().getTime());
    if ((await readHousehold(trx, id)) !== undefined)
      throw new JukinetError('JUKI_ERR_HOUSEHOLD_EXISTS', quote(id));
    await insertHousehold(trx, { id, address, headResidentId: residentId, createdAt: at });
    return { householdId: id, relationship: HEAD_RELATIONSHIP };
  }

  /** Stores one action on `record` (undefined for an opening one) and tells the linkage when it changes identity. */
  async function append(
    trx: Transaction<Database>,
    outbox: Outbox,
    step: {
      residentId: string;
      record: ResidentRecord | undefined;
      payload: ActionPayload;
      filing: Filing;
      previousResidentCode?: ResidentCode;
    },
  ): Promise<ResidentRecord> {
    const { residentId, record, payload, filing, previousResidentCode } = step;
    const now = clock.now();
    const action: ResidentAction = {
      id: newUuidV7(now.getTime()),
      residentId,
      seq: (record?.version ?? 0) + 1,
      payload,
      filedOn: filing.filedOn,
      effectiveOn: filing.effectiveOn,
      recordedAt: now.toISOString(),
      operator: filing.operator,
    };
    const next = applyAction(record, action);
    const change = linkageMessageOf(next, action, previousResidentCode);
    if (change === undefined) {
      await writeAction(trx, { action, record: next });
      return next;
    }
    checkIdentity(change);
    await writeAction(trx, { action, record: next });
    await options.link(trx, change, outbox);
    return next;
  }

  /** Appends a household-only action (世帯変更) to an open record, dated by `filing`. */
  async function appendHouseholdChange(
    trx: Transaction<Database>,
    outbox: Outbox,
    step: {
      residentId: string;
      kind: 'household-head-change' | 'household-split' | 'household-merge';
      householdId: string;
      relationship: string | undefined;
      filing: Filing;
      late: { lateFiling?: LateFiling };
    },
  ): Promise<ResidentRecord> {
    const { residentId, kind, householdId, relationship, filing, late } = step;
    const record = await readOpenRecord(trx, residentId);
    checkDates({
      kind,
      effectiveOn: filing.effectiveOn,
      filedOn: filing.filedOn,
      birthDate: record.birthDate,
      lastChange: record.lastChange.date,
    });
    return append(trx, outbox, {
      residentId,
      record,
      payload: { kind, householdId, ...(relationship === undefined ? {} : { relationship }), ...late },
      filing,
    });
  }

  /**
   * Takes `residentId` out of its household for an action dated by `filing` (the rules: household.ts
   * `headAfterLeaving`): when the head leaves, the successor becomes 世帯主 by a household-head-change action.
   */
  async function leaveHousehold(
    trx: Transaction<Database>,
    outbox: Outbox,
    leaving: { residentId: string; householdId: string; newHead: string | undefined; filing: Filing },
  ): Promise<void> {
    const { residentId, householdId, newHead, filing } = leaving;
    const state = await readHouseholdState(trx, householdId);
    const head = headAfterLeaving(state, [residentId], newHead);
    if (head === state.headId) return;
    await updateHousehold(trx, householdId, { headResidentId: head });
    if (head === null) return;
    await appendHouseholdChange(trx, outbox, {
      residentId: head,
      kind: 'household-head-change',
      householdId,
      relationship: HEAD_RELATIONSHIP,
      filing,
      late: {},
    });
  }

  /** Refuses a new record for a person who looks like a current resident, unless the request acknowledges it. */
  async function checkDuplicate(trx: Transaction<Database>, request: PersonRequest): Promise<void> {
    if (request.acknowledgeDuplicate === true) return;
    const candidates = (
      await readRecordsMatching(trx, {
        patterns: [memberPattern('birthDate', request.birthDate), memberPattern('name', request.name)],
        includeClosed: false,
      })
    ).filter(
      (record) =>
        record.name === request.name &&
        record.nameKana === request.nameKana &&
        record.birthDate === request.birthDate,
    );
    if (candidates.length > 0) {
      throw new LikelyDuplicateError(
        candidates.map(({ id, residentCode, name, address }) => ({ id, residentCode, name, address })),
      );
    }
  }

  /** Records an action that opens a record (出生, 国外からの転入, 職権記載, 転入). */
  async function open(
    trx: Transaction<Database>,
    outbox: Outbox,
    opening: { kind: OpeningKind; request: PersonRequest; plan: OpeningPlan },
  ): Promise<ResidentRecord> {
    const { kind, request, plan } = opening;
    checkRequest(kind, request);
    const foreignResident = request.foreignResident ?? false;
    checkRecordItems({ ...request, foreignResident });
    const filing: Filing = {
      effectiveOn: kind === 'birth' ? request.birthDate : (plan.date ?? today()),
      filedOn: request.filedOn ?? today(),
      operator: request.operator ?? null,
    };
    checkDates({
      kind,
      effectiveOn: filing.effectiveOn,
      filedOn: filing.filedOn,
      birthDate: request.birthDate,
      ...(plan.residentSince === undefined ? {} : { residentSince: plan.residentSince }),
      others: benefitDates(request.benefits),
    });
    let residentCode: ResidentCode | undefined;
    if (plan.code !== undefined) {
      residentCode = parseResidentCode(plan.code);
      const holder = await readOpenRecordByCode(trx, residentCode);
      if (holder !== undefined) {
        throw new JukinetError(
          'JUKI_ERR_RESIDENT_CODE_IN_USE',
          `${quote(residentCode)} is the code of record ${quote(holder.id)}`,
        );
      }
    }
    await checkDuplicate(trx, request);
    residentCode ??= await options.takeCode(trx);
    const now = clock.now();
    const residentId = newUuidV7(now.getTime());
    const placed = await placeInHousehold(trx, {
      residentId,
      address: request.address,
      choice: request.household,
      relationship: request.relationship,
      at: now.toISOString(),
    });
    const person: OpeningPayload = {
      residentCode,
      name: request.name,
      ...(request.nameKana === undefined ? {} : { nameKana: request.nameKana }),
      ...(request.commonName === undefined ? {} : { commonName: request.commonName }),
      birthDate: request.birthDate,
      sex: request.sex,
      foreignResident,
      address: request.address,
      lgCode,
      householdId: placed.householdId,
      ...(placed.relationship === undefined ? {} : { relationship: placed.relationship }),
      ...(request.domicile === undefined ? {} : { domicile: request.domicile }),
      ...(request.foreign === undefined ? {} : { foreign: request.foreign }),
      ...(request.benefits === undefined ? {} : { benefits: request.benefits }),
      ...(plan.residentSince === undefined ? {} : { residentSince: plan.residentSince }),
      ...(plan.previousAddress === undefined ? {} : { previousAddress: plan.previousAddress }),
    };
    return append(trx, outbox, {
      residentId,
      record: undefined,
      payload: { kind, ...person, ...lateFilingOf(kind, filing) },
      filing,
    });
  }

  /** The filing of a request on an existing record, checked against the record. */
  function filingOf(
    kind: ActionBody['kind'],
    record: ResidentRecord,
    request: { date?: string; filedOn?: string; operator?: string },
    others?: readonly [string, string][],
  ): Filing {
    const filing: Filing = {
      effectiveOn: request.date ?? today(),
      filedOn: request.filedOn ?? today(),
      operator: request.operator ?? null,
    };
    checkDates({
      kind,
      effectiveOn: filing.effectiveOn,
      filedOn: filing.filedOn,
      birthDate: record.birthDate,
      lastChange: record.lastChange.date,
      ...(others === undefined ? {} : { others }),
    });
    return filing;
  }

  /**
   * Records an action on an existing, open record. `build` makes the payload once the record is read and its dates
   * checked (and does any household work); a closing action first takes the person out of the household.
   */
  async function amend(
    residentId: string,
    step: {
      kind: Exclude<ActionBody['kind'], OpeningKind>;
      request: { date?: string; filedOn?: string; operator?: string; newHead?: string };
      build: (
        trx: Transaction<Database>,
        outbox: Outbox,
        context: { record: ResidentRecord; filing: Filing; at: string },
      ) => Promise<ActionBody>;
      closes?: boolean;
    },
  ): Promise<ResidentRecord> {
    const { kind, request, build } = step;
    checkRequest(kind, request);
    return await options.transaction(async (trx, outbox) => {
      const record = await readOpenRecord(trx, residentId);
      const filing = filingOf(kind, record, request);
      if (step.closes === true) {
        await leaveHousehold(trx, outbox, {
          residentId,
          householdId: record.householdId,
          newHead: request.newHead,
          filing,
        });
      }
      const body = await build(trx, outbox, { record, filing, at: clock.now().toISOString() });
      return append(trx, outbox, {
        residentId,
        record,
        payload: { ...body, ...lateFilingOf(kind, filing) },
        filing,
        ...(body.kind === 'code-change' ? { previousResidentCode: record.residentCode } : {}),
      });
    });
  }

  /**
   * 転居 of a whole household: the household's address changes and every current member gets a move-within action to
   * it (each an identity change 転居), keeping the household's id, head and 続柄. Returns the person's record.
   */
  async function moveWithHousehold(residentId: string, request: MoveWithinRequest): Promise<ResidentRecord> {
    checkRequest('move-within', request);
    return await options.transaction(async (trx, outbox) => {
      const record = await readOpenRecord(trx, residentId);
      await updateHousehold(trx, record.householdId, { address: request.address });
      let moved: ResidentRecord | undefined;
      for (const memberId of await readMemberIds(trx, record.householdId)) {
        const member = memberId === residentId ? record : await readOpenRecord(trx, memberId);
        const filing = filingOf('move-within', member, request);
        const result = await append(trx, outbox, {
          residentId: memberId,
          record: member,
          payload: {
            kind: 'move-within',
            address: request.address,
            householdId: member.householdId,
            ...(member.relationship === undefined ? {} : { relationship: member.relationship }),
            ...lateFilingOf('move-within', filing),
          },
          filing,
        });
        if (memberId === residentId) moved = result;
      }
      assert(moved !== undefined, 'A person is a current member of their own household');
      return moved;
    });
  }

  /** Checks that each id with a 続柄 in `relationships` is one of `allowed`, and none but `head` is 世帯主. */
  function checkRelationships(
    relationships: Relationships | undefined,
    household: HouseholdState,
    allowed: readonly string[],
  ): void {
    for (const [id, relationship] of Object.entries(relationships ?? {})) {
      if (!allowed.includes(id)) {
        throw new JukinetError(
          'JUKI_ERR_HOUSEHOLD_MEMBER_INVALID',
          `relationships: ${quote(id)} is not a member this change concerns in ${quote(household.id)}`,
        );
      }
      checkRelationship({ relationship, heads: false });
    }
  }

  return {
    recordBirth: (request) =>
      options.transaction((trx, outbox) =>
        open(trx, outbox, { kind: 'birth', request, plan: { code: undefined, date: undefined } }),
      ),

    recordEntryFromAbroad: (request) =>
      options.transaction((trx, outbox) =>
        open(trx, outbox, {
          kind: 'entry-from-abroad',
          request,
          plan: { code: request.residentCode, date: request.date },
        }),
      ),

    recordOfficialEntry: (request) =>
      options.transaction((trx, outbox) => open(trx, outbox, officialEntry(request))),

    recordOfficialEntries: (requests) =>
      options.transaction(async (trx, outbox) => {
        const records: ResidentRecord[] = [];
        for (const request of requests) records.push(await open(trx, outbox, officialEntry(request)));
        return records;
      }),

    recordMoveIn: (request) =>
      options.transaction((trx, outbox) =>
        open(trx, outbox, {
          kind: 'move-in',
          request,
          plan: {
            code: request.residentCode,
            date: request.date,
            ...(request.previousAddress === undefined ? {} : { previousAddress: request.previousAddress }),
          },
        }),
      ),

    recordMoveWithin: (residentId, request) =>
      request.withHousehold === true
        ? moveWithHousehold(residentId, request)
        : amend(residentId, {
            kind: 'move-within',
            request,
            build: async (trx, outbox, { record, filing, at }) => {
              const choice = request.household;
              if (choice === undefined) {
                const members = await readMemberIds(trx, record.householdId);
                if (members.length === 1 && members[0] === residentId) {
                  // The person lives alone: the household moves with them.
                  if (request.newHead !== undefined) {
                    throw new JukinetError(
                      'JUKI_ERR_HOUSEHOLD_MEMBER_INVALID',
                      `newHead ${quote(request.newHead)}: ${quote(residentId)} lives alone`,
                    );
                  }
                  checkRelationship({ relationship: request.relationship, heads: true });
                  await updateHousehold(trx, record.householdId, { address: request.address });
                  return {
                    kind: 'move-within',
                    address: request.address,
                    householdId: record.householdId,
                    relationship: HEAD_RELATIONSHIP,
                  };
                }
              }
              await leaveHousehold(trx, outbox, {
                residentId,
                householdId: record.householdId,
                newHead: request.newHead,
                filing,
              });
              const placed = await placeInHousehold(trx, {
                residentId,
                address: request.address,
                choice,
                relationship: request.relationship,
                at,
              });
              return {
                kind: 'move-within',
                address: request.address,
                householdId: placed.householdId,
                ...(placed.relationship === undefined ? {} : { relationship: placed.relationship }),
              };
            },
          }),

    recordMoveOut: (residentId, request) =>
      amend(residentId, {
        kind: 'move-out',
        request,
        closes: true,
        build: () =>
          Promise.resolve({
            kind: 'move-out',
            destination: request.destination,
            abroad: request.abroad ?? false,
          }),
      }),

    recordSpecialMoveOut: async (residentId, request) => {
      checkRequest('special-move-out', request);
      return await options.transaction(async (trx, outbox) => {
        const record = await readOpenRecord(trx, residentId);
        const now = today();
        const limitDays = options.specialMove?.limitDays ?? SPECIAL_MOVE_LIMIT_DAYS;
        const filedOn = request.filedOn ?? now;
        const { daysLate: late } = checkAdvanceMoveOutDates({
          plannedDate: request.plannedDate,
          filedOn,
          today: now,
          birthDate: record.birthDate,
          lastChange: record.lastChange.date,
          limitDays,
          filingPeriodDays: FILING_PERIOD_DAYS,
        });
        if (request.destination.lgCode === lgCode) {
          throw new JukinetError(
            'JUKI_ERR_REGISTER_REQUEST_INVALID',
            `destination.lgCode ${quote(lgCode)} is this municipality: a move within it is a 転居`,
          );
        }
        const memberIds = request.members ?? [];
        if (new Set([residentId, ...memberIds]).size !== memberIds.length + 1) {
          throw new JukinetError(
            'JUKI_ERR_REGISTER_REQUEST_INVALID',
            'members must name each member once, and not the card holder',
          );
        }
        const household = await readHouseholdState(trx, record.householdId);
        for (const id of memberIds) checkMember(household, id);
        const movers = [residentId, ...memberIds];
        // The household left behind must have a head, as for a 転出 (第25条).
        headAfterLeaving(household, movers, request.newHead);
        const records = [record];
        for (const id of memberIds) records.push(await readOpenRecord(trx, id));
        for (const mover of records) {
          if (isPlannedMoveOutOpen(mover.plannedMoveOut, { today: now, limitDays })) {
            throw new JukinetError(
              'JUKI_ERR_SPECIAL_MOVE_ALREADY_PLANNED',
              `${quote(mover.id)} to ${quote(mover.plannedMoveOut.destination.lgCode)} on ${quote(mover.plannedMoveOut.plannedDate)}`,
            );
          }
        }
        const plannedMoveOut: PlannedMoveOut = {
          noticeId: newUuidV7(clock.now().getTime()),
          destination: {
            lgCode: request.destination.lgCode as LocalGovernmentCode,
            address: request.destination.address,
          },
          plannedDate: request.plannedDate,
          filedOn,
          principalId: residentId,
          memberIds,
          ...(request.newHead === undefined ? {} : { newHead: request.newHead }),
        };
        // The notice is no change yet: its action is dated the day it was filed, the planned date is in the payload.
        const filing: Filing = { effectiveOn: filedOn, filedOn, operator: request.operator ?? null };
        const planned: ResidentRecord[] = [];
        for (const mover of records) {
          planned.push(
            await append(trx, outbox, {
              residentId: mover.id,
              record: mover,
              payload: {
                kind: 'special-move-out',
                plannedMoveOut,
                ...(late > 0 ? { lateFiling: { daysLate: late } } : {}),
              },
              filing,
            }),
          );
        }
        return planned;
      });
    },

    recordDeath: (residentId, request = {}) =>
      amend(residentId, {
        kind: 'death',
        request,
        closes: true,
        build: () => Promise.resolve({ kind: 'death' }),
      }),

    recordNameChange: (residentId, request) =>
      amend(residentId, {
        kind: 'name-change',
        request,
        build: () =>
          Promise.resolve({
            kind: 'name-change',
            name: request.name,
            ...(request.nameKana === undefined ? {} : { nameKana: request.nameKana }),
            ...(request.commonName === undefined ? {} : { commonName: request.commonName }),
          }),
      }),

    requestCodeChange: (residentId, request = {}) =>
      amend(residentId, {
        kind: 'code-change',
        request,
        build: async (trx) => ({ kind: 'code-change', residentCode: await options.takeCode(trx) }),
      }),

    recordOfficialDeletion: (residentId, request) =>
      amend(residentId, {
        kind: 'official-deletion',
        request,
        closes: true,
        build: () => Promise.resolve({ kind: 'official-deletion', ground: request.ground }),
      }),

    recordOfficialCorrection: (residentId, request) =>
      amend(residentId, {
        kind: 'official-correction',
        request,
        build: async (trx, _outbox, { record, filing }) => {
          const { corrections } = request;
          const merged = { ...record, ...corrections };
          checkRecordItems({ ...merged, foreignResident: record.foreignResident });
          const birthDate = corrections.birthDate ?? record.birthDate;
          checkDates({
            kind: 'official-correction',
            effectiveOn: filing.effectiveOn,
            filedOn: filing.filedOn,
            birthDate,
            residentSince: corrections.residentSince ?? record.residentSince,
            others: benefitDates(corrections.benefits),
          });
          if (corrections.relationship !== undefined) {
            const household = await readHousehold(trx, record.householdId);
            const heads = household?.headResidentId === residentId;
            if (corrections.relationship === null && heads) {
              throw new JukinetError(
                'JUKI_ERR_REGISTER_REQUEST_INVALID',
                `relationship: the head's 続柄 is ${HEAD_RELATIONSHIP}`,
              );
            }
            checkRelationship({ relationship: corrections.relationship ?? undefined, heads });
          }
          return {
            kind: 'official-correction',
            corrections,
            ...(request.note === undefined ? {} : { note: request.note }),
          };
        },
      }),

    recordHouseholdHeadChange: async (householdId, request) => {
      checkRequest('household-head-change', request);
      return await options.transaction(async (trx, outbox) => {
        const household = await readHouseholdState(trx, householdId);
        checkHeadChange(household, request.newHead);
        const { relationships = {} } = request;
        const formerHead = household.headId;
        checkRelationships(
          relationships,
          household,
          household.memberIds.filter((id) => id !== request.newHead),
        );
        if (formerHead !== null && relationships[formerHead] === undefined) {
          throw new JukinetError(
            'JUKI_ERR_REGISTER_REQUEST_INVALID',
            `relationships: the former head ${quote(formerHead)} needs a 続柄`,
          );
        }
        const head = await readOpenRecord(trx, request.newHead);
        const filing = filingOf('household-head-change', head, request);
        const late = lateFilingOf('household-head-change', filing);
        await updateHousehold(trx, householdId, { headResidentId: request.newHead });
        const changed = [
          await appendHouseholdChange(trx, outbox, {
            residentId: request.newHead,
            kind: 'household-head-change',
            householdId,
            relationship: HEAD_RELATIONSHIP,
            filing,
            late,
          }),
        ];
        for (const [id, relationship] of Object.entries(relationships)) {
          changed.push(
            await appendHouseholdChange(trx, outbox, {
              residentId: id,
              kind: 'household-head-change',
              householdId,
              relationship,
              filing,
              late,
            }),
          );
        }
        return changed;
      });
    },

    recordHouseholdSplit: async (householdId, request) => {
      checkRequest('household-split', request);
      return await options.transaction(async (trx, outbox) => {
        const household = await readHouseholdState(trx, householdId);
        const remainingHead = planSplit(household, request.members, request.newHead);
        const [founder, ...others] = request.members;
        assert(founder !== undefined, 'The schema requires a member');
        checkRelationships(request.relationships, household, others);
        const first = await readOpenRecord(trx, founder);
        const filing = filingOf('household-split', first, request);
        const late = lateFilingOf('household-split', filing);
        const newId = request.householdId ?? newUuidV7(clock.now().getTime());
        if ((await readHousehold(trx, newId)) !== undefined)
          throw new JukinetError('JUKI_ERR_HOUSEHOLD_EXISTS', quote(newId));
        await insertHousehold(trx, {
          id: newId,
          address: household.address,
          headResidentId: founder,
          createdAt: clock.now().toISOString(),
        });
        if (remainingHead !== household.headId) {
          await updateHousehold(trx, householdId, { headResidentId: remainingHead });
          if (remainingHead !== null) {
            await appendHouseholdChange(trx, outbox, {
              residentId: remainingHead,
              kind: 'household-head-change',
              householdId,
              relationship: HEAD_RELATIONSHIP,
              filing,
              late: {},
            });
          }
        }
        const moved: ResidentRecord[] = [];
        for (const id of request.members) {
          moved.push(
            await appendHouseholdChange(trx, outbox, {
              residentId: id,
              kind: 'household-split',
              householdId: newId,
              relationship: id === founder ? HEAD_RELATIONSHIP : request.relationships?.[id],
              filing,
              late,
            }),
          );
        }
        return moved;
      });
    },

    recordHouseholdMerge: async (householdId, request) => {
      checkRequest('household-merge', request);
      return await options.transaction(async (trx, outbox) => {
        const from = await readHouseholdState(trx, householdId);
        const into = await readHouseholdState(trx, request.into);
        checkMerge(from, into);
        checkRelationships(request.relationships, from, from.memberIds);
        // Each member joining is related to the new head anew: the former head included, who stops being 世帯主.
        const unrelated = from.memberIds.filter((id) => request.relationships?.[id] === undefined);
        if (unrelated.length > 0) {
          throw new JukinetError(
            'JUKI_ERR_REGISTER_REQUEST_INVALID',
            `relationships: each member joining ${quote(into.id)} needs a 続柄; none for ${unrelated.map((id) => quote(id)).join(', ')}`,
          );
        }
        const first = await readOpenRecord(trx, from.memberIds[0] ?? '');
        const filing = filingOf('household-merge', first, request);
        const late = lateFilingOf('household-merge', filing);
        await updateHousehold(trx, householdId, { headResidentId: null });
        const joined: ResidentRecord[] = [];
        for (const id of from.memberIds) {
          joined.push(
            await appendHouseholdChange(trx, outbox, {
              residentId: id,
              kind: 'household-merge',
              householdId: into.id,
              relationship: request.relationships?.[id],
              filing,
              late,
            }),
          );
        }
        return joined;
      });
    },

    ...createRegisterReader(reads),

    countResidents: async (countOptions = {}) => {
      let query = reads.selectFrom('resident').select((eb) => eb.fn.countAll<number | string>().as('n'));
      if (countOptions.includeClosed !== true) query = query.where('closed', '=', 0);
      const row = await query.executeTakeFirstOrThrow();
      return Number(row.n);
    },

    listResidents: async (listOptions) => {
      let query = reads
        .selectFrom('resident')
        .select('state')
        .orderBy('created_at')
        .orderBy('id')
        .limit(listOptions.limit)
        .offset(listOptions.offset ?? 0);
      if (listOptions.includeClosed !== true) query = query.where('closed', '=', 0);
      const rows = await query.execute();
      return rows.map((row) => JSON.parse(row.state) as ResidentRecord);
    },
  };
}

/** The register's reads, on the store or inside a transaction the caller holds (the terminal's logged operations). */
export type RegisterReader = Pick<
  Register,
  'getResident' | 'findByCode' | 'searchByName' | 'searchByAddress' | 'residentHistory' | 'getHousehold'
>;

/** The register's reads on `db`: the store's connection, or a transaction such as the one `perform()` gives. */
export function createRegisterReader(db: Db): RegisterReader {
  return {
    getResident: (id) => readRecord(db, id),

    findByCode: async (code) => {
      const checked = checkResidentCode(code);
      if (!checked.ok) return undefined;
      const records = await readRecordsByCode(db, checked.value);
      const found = records.find((record) => !record.closed) ?? records[0];
      if (found !== undefined) return found;
      // A code replaced by a 住民票コード変更 stays in the record's previousResidentCodes.
      const former = await readRecordsMatching(db, {
        patterns: [valuePattern(checked.value)],
        includeClosed: true,
      });
      return former.reverse().find((record) => record.previousResidentCodes.includes(checked.value));
    },

    searchByName: async (search) => {
      const limit = capOf(search.limit);
      if (search.name === undefined && search.nameKana === undefined) {
        throw new JukinetError('JUKI_ERR_REGISTER_REQUEST_INVALID', 'search: give a name or a reading');
      }
      if (search.birthDate !== undefined && !isIsoDate(search.birthDate)) {
        throw new JukinetError('JUKI_ERR_REGISTER_REQUEST_INVALID', `birthDate ${quote(search.birthDate)}`);
      }
      const patterns = [
        ...(search.name === undefined ? [] : [prefixPattern('name', search.name)]),
        ...(search.nameKana === undefined ? [] : [prefixPattern('nameKana', search.nameKana)]),
        ...(search.birthDate === undefined ? [] : [memberPattern('birthDate', search.birthDate)]),
      ];
      const records = await readRecordsMatching(db, {
        patterns,
        includeClosed: search.includeClosed === true,
        limit: limit * 4,
      });
      return records
        .filter(
          (record) =>
            (search.name === undefined || record.name.startsWith(search.name)) &&
            (search.nameKana === undefined || (record.nameKana?.startsWith(search.nameKana) ?? false)) &&
            (search.birthDate === undefined || record.birthDate === search.birthDate),
        )
        .slice(0, limit);
    },

    searchByAddress: async (prefix, searchOptions = {}) => {
      const limit = capOf(searchOptions.limit);
      if (prefix.trim() === '') {
        throw new JukinetError('JUKI_ERR_REGISTER_REQUEST_INVALID', 'search: give the start of an address');
      }
      const records = await readRecordsMatching(db, {
        patterns: [prefixPattern('address', prefix)],
        includeClosed: searchOptions.includeClosed === true,
        limit: limit * 4,
      });
      return records.filter((record) => record.address.startsWith(prefix)).slice(0, limit);
    },

    residentHistory: (id) => readActions(db, id),

    getHousehold: async (id) => {
      const household = await readHousehold(db, id);
      if (household === undefined) return undefined;
      const memberIds = await readMemberIds(db, id);
      return { ...household, memberIds, closed: memberIds.length === 0 };
    },
  };
}

/** A search's cap: the limit asked for, within 1 and SEARCH_LIMIT.max. */
function capOf(limit: number | undefined): number {
  if (limit === undefined) return SEARCH_LIMIT.default;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new JukinetError(
      'JUKI_ERR_REGISTER_REQUEST_INVALID',
      `limit ${quote(limit)} must be a positive integer`,
    );
  }
  return Math.min(limit, SEARCH_LIMIT.max);
}

function officialEntry(request: OfficialEntryRequest): {
  kind: 'official-entry';
  request: PersonRequest;
  plan: OpeningPlan;
} {
  return {
    kind: 'official-entry',
    request,
    plan: {
      code: undefined,
      date: request.date,
      ...(request.residentSince === undefined ? {} : { residentSince: request.residentSince }),
    },
  };
}
