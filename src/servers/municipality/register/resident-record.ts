// A resident record (住民票, 住民基本台帳法第7条) as the fold of its ordered actions (異動): the action payloads the
// register stores and the pure function that derives the record from them. No I/O here.

import {
  ChangeReason,
  type LocalGovernmentCode,
  type ResidentCode,
  type Sex,
} from '../../../domain/index.js';
import { assert } from '../../../shared/assert.js';
import type { RegisterActionKind } from '../linkage.js';

/** The person items an action that opens a record carries. */
export interface PersonItems {
  readonly name: string;
  readonly nameKana?: string;
  readonly commonName?: string;
  readonly birthDate: string;
  readonly sex: Sex;
  readonly foreignResident: boolean;
}

/** What an action that opens a record (出生, 国外からの転入, 職権記載, 転入) stores. */
export interface OpeningPayload extends PersonItems {
  readonly residentCode: ResidentCode;
  readonly address: string;
  readonly lgCode: LocalGovernmentCode;
  readonly householdId: string;
  /** 住民となった年月日 when it differs from the action's date (a 職権記載 of an existing resident). */
  readonly residentSince?: string;
  /** 従前の住所 (転入: the address in the former municipality). */
  readonly previousAddress?: string;
}

/** The stored payload of each action kind, as JSON in `resident_action.payload`. */
export type ActionPayload =
  | ({ readonly kind: 'birth' } & OpeningPayload)
  | ({ readonly kind: 'entry-from-abroad' } & OpeningPayload)
  | ({ readonly kind: 'official-entry' } & OpeningPayload)
  | ({ readonly kind: 'move-in' } & OpeningPayload)
  | { readonly kind: 'move-within'; readonly address: string; readonly householdId: string }
  | { readonly kind: 'move-out'; readonly destination: string; readonly abroad: boolean }
  | { readonly kind: 'death' }
  | {
      readonly kind: 'name-change';
      readonly name: string;
      readonly nameKana?: string;
      readonly commonName?: string;
    }
  | { readonly kind: 'code-change'; readonly residentCode: ResidentCode };

/** One action of a record's history as the register keeps it. */
export interface ResidentAction {
  readonly id: string;
  readonly residentId: string;
  /** From 1, in the order the actions were recorded. */
  readonly seq: number;
  readonly payload: ActionPayload;
  /** 届出日. */
  readonly filedOn: string;
  /** 異動日. */
  readonly effectiveOn: string;
  readonly recordedAt: string;
  readonly operator: string | null;
}

/** 住民票 as issue 3 keeps it (issue 4 adds 本籍, 続柄, insurance and foreign-resident items). */
export interface ResidentRecord {
  /** The register's own id of the record, stable across code changes. */
  readonly id: string;
  readonly residentCode: ResidentCode;
  /** Codes the person had before a 住民票コード変更, oldest first; they stay in the history. */
  readonly previousResidentCodes: readonly ResidentCode[];
  readonly name: string;
  readonly nameKana?: string;
  /** 通称, foreign residents only. */
  readonly commonName?: string;
  readonly birthDate: string;
  readonly sex: Sex;
  readonly foreignResident: boolean;
  readonly address: string;
  readonly lgCode: LocalGovernmentCode;
  /** The date the current address was set (住所を定めた年月日). */
  readonly addressSince: string;
  /** 従前の住所, when the register knows it. */
  readonly previousAddress?: string;
  /** 住民となった年月日. */
  readonly residentSince: string;
  readonly householdId: string;
  /** True once the record is a 除票 (moved out or died); it is kept, never deleted. */
  readonly closed: boolean;
  /** Why and when the record was closed, and where the person went (転出先). */
  readonly closure?: { readonly reason: ChangeReason; readonly date: string; readonly destination?: string };
  /** The latest action: its kind, its 異動事由 and its 異動日. */
  readonly lastChange: {
    readonly kind: RegisterActionKind;
    readonly reason: ChangeReason;
    readonly date: string;
  };
  /** The number of actions folded into the record. */
  readonly version: number;
}

/** The 異動事由 an action reports to the network. */
export function changeReasonOf(payload: ActionPayload): ChangeReason {
  switch (payload.kind) {
    case 'birth':
      return ChangeReason.birth;
    case 'entry-from-abroad':
      return ChangeReason.entryFromAbroad;
    case 'official-entry':
      return ChangeReason.officialEntry;
    case 'move-in':
      return ChangeReason.moveIn;
    case 'move-within':
      return ChangeReason.moveWithin;
    case 'move-out':
      return payload.abroad ? ChangeReason.moveAbroad : ChangeReason.moveOut;
    case 'death':
      return ChangeReason.death;
    case 'name-change':
      return ChangeReason.nameChange;
    case 'code-change':
      return ChangeReason.codeChange;
  }
}

/**
 * Applies one action to a record (undefined before its first action) and returns the new record. The register
 * checks the rules before it stores an action; an action that cannot apply here is a bug.
 */
export function applyAction(record: ResidentRecord | undefined, action: ResidentAction): ResidentRecord {
  const { payload } = action;
  const reason = changeReasonOf(payload);
  const lastChange = { kind: payload.kind, reason, date: action.effectiveOn };
  switch (payload.kind) {
    case 'birth':
    case 'entry-from-abroad':
    case 'official-entry':
    case 'move-in': {
      assert(record === undefined, `A ${payload.kind} action opens a record`);
      return {
        id: action.residentId,
        residentCode: payload.residentCode,
        previousResidentCodes: [],
        name: payload.name,
        ...(payload.nameKana === undefined ? {} : { nameKana: payload.nameKana }),
        ...(payload.commonName === undefined ? {} : { commonName: payload.commonName }),
        birthDate: payload.birthDate,
        sex: payload.sex,
        foreignResident: payload.foreignResident,
        address: payload.address,
        lgCode: payload.lgCode,
        addressSince: action.effectiveOn,
        ...(payload.previousAddress === undefined ? {} : { previousAddress: payload.previousAddress }),
        residentSince: payload.residentSince ?? action.effectiveOn,
        householdId: payload.householdId,
        closed: false,
        lastChange,
        version: 1,
      };
    }
    case 'move-within':
    case 'move-out':
    case 'death':
    case 'name-change':
    case 'code-change':
      break;
  }
  assert(record !== undefined, `A ${payload.kind} action needs an open record`);
  assert(!record.closed, `A ${payload.kind} action cannot apply to a closed record`);
  const next = { ...record, lastChange, version: record.version + 1 };
  switch (payload.kind) {
    case 'move-within':
      return {
        ...next,
        address: payload.address,
        addressSince: action.effectiveOn,
        previousAddress: record.address,
        householdId: payload.householdId,
      };
    case 'move-out':
      return {
        ...next,
        closed: true,
        closure: { reason, date: action.effectiveOn, destination: payload.destination },
      };
    case 'death':
      return { ...next, closed: true, closure: { reason, date: action.effectiveOn } };
    case 'name-change': {
      const { nameKana: _kana, commonName: _common, ...rest } = next;
      return {
        ...rest,
        name: payload.name,
        ...(payload.nameKana === undefined ? {} : { nameKana: payload.nameKana }),
        ...(payload.commonName === undefined ? {} : { commonName: payload.commonName }),
      };
    }
    case 'code-change':
      return {
        ...next,
        residentCode: payload.residentCode,
        previousResidentCodes: [...record.previousResidentCodes, record.residentCode],
      };
  }
}

/** Derives a record from its whole history, in order: the register's projection must always equal this. */
export function deriveResidentRecord(actions: readonly ResidentAction[]): ResidentRecord | undefined {
  let record: ResidentRecord | undefined;
  for (const action of actions) record = applyAction(record, action);
  return record;
}
