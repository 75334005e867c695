// The municipal register (既存住基): records each 届出 or official act as an action, checks the rules first, keeps the
// record as the fold of its actions, and hands each change to the linkage (the CS) in the same transaction.

import type { Transaction } from 'kysely';
import {
  compareIsoDates,
  checkResidentCode,
  japanDateOf,
  parseResidentCode,
  validateIdentityInfo,
  type LocalGovernmentCode,
  type ResidentCode,
} from '../../../domain/index.js';
import type { Clock } from '../../../shared/clock.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import { newUuidV7 } from '../../../shared/ids.js';
import type { Database, Store } from '../../../store/index.js';
import type { NodeContext, Outbox } from '../../common/node-module.js';
import { identityInfoOf, LINKAGE_VERSION, type RegisterChange } from '../linkage.js';
import {
  insertHousehold,
  readActions,
  readHousehold,
  readMemberIds,
  readOpenRecordByCode,
  readRecord,
  readRecordsByCode,
  updateHousehold,
  writeAction,
  type Household,
} from './register-store.js';
import {
  checkRequest,
  type BirthRequest,
  type CodeChangeRequest,
  type DeathRequest,
  type EntryFromAbroadRequest,
  type HouseholdChoice,
  type MoveInRequest,
  type MoveOutRequest,
  type MoveWithinRequest,
  type NameChangeRequest,
  type OfficialEntryRequest,
  type PersonRequest,
} from './requests.js';
import {
  applyAction,
  changeReasonOf,
  type ActionPayload,
  type OpeningPayload,
  type ResidentAction,
  type ResidentRecord,
} from './resident-record.js';

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
  /** "Today" for the date rules is the Japan date of this clock. */
  readonly clock: Clock;
  /** Runs one write with its outbox (NodeContext.transaction). */
  readonly transaction: NodeContext['transaction'];
  /** Takes an unused code from the municipality's holding (code-holding.ts `takeCode`). */
  readonly takeCode: (trx: Transaction<Database>) => Promise<ResidentCode>;
  readonly link: LinkageSink;
}

/** A household with its current members. */
export interface HouseholdView extends Household {
  readonly memberIds: readonly string[];
}

/**
 * The register's operations. Each write is one transaction holding the action, the record's new projection, the
 * household change, and whatever the linkage does (the CS's identity version and its identity.changed message); a
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
  /** 死亡: closes the record as a 除票. */
  recordDeath(residentId: string, request?: DeathRequest): Promise<ResidentRecord>;
  /** 氏名変更. */
  recordNameChange(residentId: string, request: NameChangeRequest): Promise<ResidentRecord>;
  /** 住民票コード変更請求: a new code from the holding; the old one stays in `previousResidentCodes`. */
  requestCodeChange(residentId: string, request?: CodeChangeRequest): Promise<ResidentRecord>;
  /** The record (open or 除票) with this id. */
  getResident(id: string): Promise<ResidentRecord | undefined>;
  /**
   * The current record holding this code, or else the latest 除票 that held it; undefined for an unknown or invalid
   * code, and for a code replaced by a code change (its record is found by the new code; searching history is issue 4).
   */
  findByCode(code: string): Promise<ResidentRecord | undefined>;
  /** The record's actions, oldest first. */
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

type OpeningKind = 'birth' | 'entry-from-abroad' | 'official-entry' | 'move-in';

/** What an opening action needs besides the person: where its code comes from and its own extra items. */
interface OpeningPlan {
  /** A code the person already has, or undefined to take a new one from the holding. */
  readonly code: string | undefined;
  readonly date: string | undefined;
  readonly residentSince?: string;
  readonly previousAddress?: string;
}

/** Creates the register of one municipality over its node's store and transactions. */
export function createRegister(options: RegisterOptions): Register {
  const { lgCode, store, clock } = options;
  const today = (): string => japanDateOf(clock.now());

  /** Checks the dates of an action against today, the birth date and, for an existing record, its latest change. */
  function checkDates(dates: {
    effectiveOn: string;
    filedOn: string;
    birthDate: string;
    residentSince?: string;
    lastChange?: string;
  }): void {
    const now = today();
    const named: [string, string | undefined][] = [
      ['date', dates.effectiveOn],
      ['filedOn', dates.filedOn],
      ['residentSince', dates.residentSince],
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
    if (dates.lastChange !== undefined && compareIsoDates(dates.effectiveOn, dates.lastChange) < 0) {
      throw new JukinetError(
        'JUKI_ERR_REGISTER_DATE_BEFORE_LAST_CHANGE',
        `date ${quote(dates.effectiveOn)} is before ${quote(dates.lastChange)}`,
      );
    }
  }

  /** Refuses a record whose identity information would be invalid (empty name, kana not katakana, 通称 of a citizen). */
  function checkIdentity(change: RegisterChange): void {
    const result = validateIdentityInfo(identityInfoOf(change));
    if (!result.ok) throw new JukinetError('JUKI_ERR_REGISTER_REQUEST_INVALID', result.reason.join('; '));
  }

  /** Places a person in a household for an action at `address`; returns the household's id. */
  async function placeInHousehold(
    trx: Transaction<Database>,
    placement: { residentId: string; address: string; choice: HouseholdChoice | undefined; at: string },
  ): Promise<string> {
    const { residentId, address, choice, at } = placement;
    if (choice !== undefined && 'join' in choice) {
      const household = await readHousehold(trx, choice.join);
      if (household === undefined) throw new JukinetError('JUKI_ERR_HOUSEHOLD_NOT_FOUND', quote(choice.join));
      if (household.address !== address) {
        throw new JukinetError(
          'JUKI_ERR_HOUSEHOLD_ADDRESS_MISMATCH',
          `${quote(address)} is not ${quote(household.address)}`,
        );
      }
      // A household left without a head takes the next person who joins it as its head (世帯主変更: issue 4).
      if (household.headResidentId === null)
        await updateHousehold(trx, household.id, { headResidentId: residentId });
      return household.id;
    }
    const id = choice?.create ?? newUuidV7(clock.now().getTime());
    if ((await readHousehold(trx, id)) !== undefined)
      throw new JukinetError('JUKI_ERR_HOUSEHOLD_EXISTS', quote(id));
    await insertHousehold(trx, { id, address, headResidentId: residentId, createdAt: at });
    return id;
  }

  /** Takes a person out of a household: a head who leaves leaves the household without a head. */
  async function leaveHousehold(
    trx: Transaction<Database>,
    residentId: string,
    householdId: string,
  ): Promise<void> {
    const household = await readHousehold(trx, householdId);
    if (household?.headResidentId === residentId)
      await updateHousehold(trx, householdId, { headResidentId: null });
  }

  /** Stores an action, its record and tells the linkage, all in `trx`. */
  async function commit(
    trx: Transaction<Database>,
    outbox: Outbox,
    step: { record: ResidentRecord; action: ResidentAction; previousResidentCode?: ResidentCode },
  ): Promise<ResidentRecord> {
    const { record, action, previousResidentCode } = step;
    const change: RegisterChange = {
      v: LINKAGE_VERSION,
      kind: action.payload.kind,
      resident: {
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
      },
      action: {
        id: action.id,
        seq: action.seq,
        reason: changeReasonOf(action.payload),
        effectiveOn: action.effectiveOn,
        filedOn: action.filedOn,
        recordedAt: action.recordedAt,
        ...(previousResidentCode === undefined ? {} : { previousResidentCode }),
      },
    };
    checkIdentity(change);
    await writeAction(trx, { action, record });
    await options.link(trx, change, outbox);
    return record;
  }

  /** Records an action that opens a record (出生, 国外からの転入, 職権記載, 転入). */
  async function open(
    trx: Transaction<Database>,
    outbox: Outbox,
    opening: { kind: OpeningKind; request: PersonRequest; plan: OpeningPlan },
  ): Promise<ResidentRecord> {
    const { kind, request, plan } = opening;
    checkRequest(kind, request);
    const effectiveOn = kind === 'birth' ? request.birthDate : (plan.date ?? today());
    const filedOn = request.filedOn ?? today();
    checkDates({
      effectiveOn,
      filedOn,
      birthDate: request.birthDate,
      ...(plan.residentSince === undefined ? {} : { residentSince: plan.residentSince }),
    });
    let residentCode: ResidentCode;
    if (plan.code === undefined) {
      residentCode = await options.takeCode(trx);
    } else {
      residentCode = parseResidentCode(plan.code);
      const holder = await readOpenRecordByCode(trx, residentCode);
      if (holder !== undefined) {
        throw new JukinetError(
          'JUKI_ERR_RESIDENT_CODE_IN_USE',
          `${quote(residentCode)} is the code of record ${quote(holder.id)}`,
        );
      }
    }
    const now = clock.now();
    const recordedAt = now.toISOString();
    const residentId = newUuidV7(now.getTime());
    const householdId = await placeInHousehold(trx, {
      residentId,
      address: request.address,
      choice: request.household,
      at: recordedAt,
    });
    const person: OpeningPayload = {
      residentCode,
      name: request.name,
      ...(request.nameKana === undefined ? {} : { nameKana: request.nameKana }),
      ...(request.commonName === undefined ? {} : { commonName: request.commonName }),
      birthDate: request.birthDate,
      sex: request.sex,
      foreignResident: request.foreignResident ?? false,
      address: request.address,
      lgCode,
      householdId,
      ...(plan.residentSince === undefined ? {} : { residentSince: plan.residentSince }),
      ...(plan.previousAddress === undefined ? {} : { previousAddress: plan.previousAddress }),
    };
    const action: ResidentAction = {
      id: newUuidV7(now.getTime()),
      residentId,
      seq: 1,
      payload: { kind, ...person },
      filedOn,
      effectiveOn,
      recordedAt,
      operator: request.operator ?? null,
    };
    return commit(trx, outbox, { record: applyAction(undefined, action), action });
  }

  /** Records an action on an existing, open record. `build` makes the payload once the record is read and checked. */
  async function amend(
    residentId: string,
    step: {
      kind: Exclude<ActionPayload['kind'], OpeningKind>;
      request: { date?: string; filedOn?: string; operator?: string };
      build: (trx: Transaction<Database>, record: ResidentRecord, at: string) => Promise<ActionPayload>;
    },
  ): Promise<ResidentRecord> {
    const { kind, request, build } = step;
    checkRequest(kind, request);
    return await options.transaction(async (trx, outbox) => {
      const record = await readRecord(trx, residentId);
      if (record === undefined) throw new JukinetError('JUKI_ERR_RESIDENT_NOT_FOUND', quote(residentId));
      if (record.closed) {
        throw new JukinetError(
          'JUKI_ERR_RESIDENT_CLOSED',
          `${quote(residentId)} was closed by ${record.closure?.reason ?? 'an action'} on ${record.closure?.date ?? '?'}`,
        );
      }
      const effectiveOn = request.date ?? today();
      checkDates({
        effectiveOn,
        filedOn: request.filedOn ?? today(),
        birthDate: record.birthDate,
        lastChange: record.lastChange.date,
      });
      const now = clock.now();
      const recordedAt = now.toISOString();
      const payload = await build(trx, record, recordedAt);
      const action: ResidentAction = {
        id: newUuidV7(now.getTime()),
        residentId,
        seq: record.version + 1,
        payload,
        filedOn: request.filedOn ?? today(),
        effectiveOn,
        recordedAt,
        operator: request.operator ?? null,
      };
      const next = applyAction(record, action);
      if (next.closed) await leaveHousehold(trx, residentId, record.householdId);
      return commit(trx, outbox, {
        record: next,
        action,
        ...(payload.kind === 'code-change' ? { previousResidentCode: record.residentCode } : {}),
      });
    });
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
      amend(residentId, {
        kind: 'move-within',
        request,
        build: async (trx, record, at) => {
          const choice = request.household;
          let householdId: string;
          if (choice === undefined) {
            const members = await readMemberIds(trx, record.householdId);
            if (members.length === 1 && members[0] === residentId) {
              // The person lives alone: the household moves with them.
              await updateHousehold(trx, record.householdId, { address: request.address });
              householdId = record.householdId;
            } else {
              await leaveHousehold(trx, residentId, record.householdId);
              householdId = await placeInHousehold(trx, {
                residentId,
                address: request.address,
                choice: undefined,
                at,
              });
            }
          } else {
            await leaveHousehold(trx, residentId, record.householdId);
            householdId = await placeInHousehold(trx, {
              residentId,
              address: request.address,
              choice,
              at,
            });
          }
          return { kind: 'move-within', address: request.address, householdId };
        },
      }),

    recordMoveOut: (residentId, request) =>
      amend(residentId, {
        kind: 'move-out',
        request,
        build: () =>
          Promise.resolve({
            kind: 'move-out',
            destination: request.destination,
            abroad: request.abroad ?? false,
          }),
      }),

    recordDeath: (residentId, request = {}) =>
      amend(residentId, { kind: 'death', request, build: () => Promise.resolve({ kind: 'death' }) }),

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

    getResident: (id) => readRecord(store.db, id),

    findByCode: async (code) => {
      const checked = checkResidentCode(code);
      if (!checked.ok) return undefined;
      const records = await readRecordsByCode(store.db, checked.value);
      return records.find((record) => !record.closed) ?? records[0];
    },

    residentHistory: (id) => readActions(store.db, id),

    getHousehold: async (id) => {
      const household = await readHousehold(store.db, id);
      if (household === undefined) return undefined;
      return { ...household, memberIds: await readMemberIds(store.db, id) };
    },

    countResidents: async (countOptions = {}) => {
      let query = store.db.selectFrom('resident').select((eb) => eb.fn.countAll<number | string>().as('n'));
      if (countOptions.includeClosed !== true) query = query.where('closed', '=', 0);
      const row = await query.executeTakeFirstOrThrow();
      return Number(row.n);
    },

    listResidents: async (listOptions) => {
      let query = store.db
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
