// A resident record (住民票, 住民基本台帳法第7条) as the fold of its ordered actions (異動): the action payloads the
// register stores and the pure function that derives the record from them. No I/O here.

import {
  ChangeReason,
  daysBetween,
  type LocalGovernmentCode,
  type ResidentCode,
  type Sex,
} from '../../../domain/index.js';
import { assert } from '../../../shared/assert.js';
import type { RegisterActionKind } from '../linkage.js';

/** 続柄 of the head of a household, as the register writes it. */
export const HEAD_RELATIONSHIP = '世帯主';

/** The category of a foreign resident (住民基本台帳法第30条の45の表). */
export const ForeignResidentCategory = {
  /** 中長期在留者. */
  midToLongTerm: 'mid-to-long-term',
  /** 特別永住者. */
  specialPermanent: 'special-permanent',
  /** 一時庇護許可者. */
  temporaryRefuge: 'temporary-refuge',
  /** 仮滞在許可者. */
  provisionalStay: 'provisional-stay',
  /** 出生による経過滞在者又は国籍喪失による経過滞在者. */
  transitionalStay: 'transitional-stay',
} as const;
export type ForeignResidentCategory = (typeof ForeignResidentCategory)[keyof typeof ForeignResidentCategory];

/** 戸籍の表示: 本籍 and 筆頭者, Japanese residents only (第7条第5号); it never leaves the register. */
export interface Domicile {
  /** 本籍. */
  readonly place: string;
  /** 筆頭者の氏名. */
  readonly head: string;
}

/** The foreign-resident items (第30条の45): 国籍・地域, the category, 在留資格, 在留期間 and its expiry, the card number. */
export interface ForeignResidentItems {
  readonly nationality: string;
  readonly category: ForeignResidentCategory;
  /** 在留資格 (中長期在留者 and the like; not for 特別永住者). */
  readonly residenceStatus?: string;
  /** 在留期間 as granted, e.g. "3年". */
  readonly periodOfStay?: string;
  /** 在留期間の満了の日, an ISO date (it lies in the future). */
  readonly periodExpiresOn?: string;
  /** 在留カード or 特別永住者証明書 number: two letters, eight digits, two letters. */
  readonly residenceCardNumber?: string;
}

/** A qualification of an insurance or benefit item: since when, and its number where one is kept. */
export interface Qualification {
  /** The day the person qualified (資格取得年月日), an ISO date. */
  readonly since: string;
  readonly number?: string;
}

/** The items other departments keep on the 住民票 (第7条第9号〜第11号の2; updated ex officio under 施行令第12条). */
export interface BenefitItems {
  /** 選挙人名簿への登録: registered on the electoral roll (Japanese residents only). */
  readonly electoralRoll?: boolean;
  /** 国民健康保険の被保険者. */
  readonly nationalHealthInsurance?: Qualification;
  /** 後期高齢者医療の被保険者. */
  readonly lateStageMedicalCare?: Qualification;
  /** 介護保険の被保険者. */
  readonly longTermCare?: Qualification;
  /** 国民年金の被保険者 (the number is the 基礎年金番号). */
  readonly nationalPension?: Qualification;
  /** 児童手当の支給を受けている者. */
  readonly childAllowance?: Qualification;
}

/** The record items beyond 本人確認情報, each absent where the person does not have it. */
export interface RecordItems {
  /** 世帯主との続柄; the head's is 世帯主. */
  readonly relationship?: string;
  /** Japanese residents only. */
  readonly domicile?: Domicile;
  /** Foreign residents only. */
  readonly foreign?: ForeignResidentItems;
  readonly benefits?: BenefitItems;
}

/** The person items an action that opens a record carries. */
export interface PersonItems extends RecordItems {
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

/**
 * What a 職権修正 corrects: each item given replaces the record's; null removes an optional item. The 本人確認情報
 * items among them (name, nameKana, commonName, birthDate, sex, address) make it an identity change.
 */
export interface Corrections {
  readonly name?: string;
  readonly nameKana?: string | null;
  readonly commonName?: string | null;
  readonly birthDate?: string;
  readonly sex?: Sex;
  readonly address?: string;
  readonly residentSince?: string;
  readonly previousAddress?: string | null;
  readonly relationship?: string | null;
  readonly domicile?: Domicile | null;
  readonly foreign?: ForeignResidentItems | null;
  readonly benefits?: BenefitItems | null;
}

/** The corrections that change 本人確認情報 (住民基本台帳法第30条の6). */
export const IDENTITY_CORRECTIONS = [
  'name',
  'nameKana',
  'commonName',
  'birthDate',
  'sex',
  'address',
] as const satisfies readonly (keyof Corrections)[];

/** A filing made after its statutory period (住民基本台帳法第22条〜第25条: 14 days); it is accepted and flagged. */
export interface LateFiling {
  readonly daysLate: number;
}

/**
 * 特例転出予定: a confirmed advance move-out notice (付記転出届, 住基法第24条の2) waiting for the new municipality's
 * 転入通知. Every record the notice concerns (the card holder's and each member's moving along) carries the same one;
 * it changes no 本人確認情報 until the 転入通知 closes the records (docs/special-move.md).
 */
export interface PlannedMoveOut {
  /** The notice's id: the 転出証明書情報 and the 転入通知 name it. */
  readonly noticeId: string;
  /** 転出先: the new municipality and the address declared. */
  readonly destination: { readonly lgCode: LocalGovernmentCode; readonly address: string };
  /** 転出の予定年月日. */
  readonly plannedDate: string;
  /** 届出年月日 of the notice. */
  readonly filedOn: string;
  /** The card holder who filed it. */
  readonly principalId: string;
  /** The members of the card holder's household moving along (not the card holder). */
  readonly memberIds: readonly string[];
  /** Who heads the household left behind once its head moves out and several remain. */
  readonly newHead?: string;
}

/** The payload of each action kind, before the flags every action may carry. */
export type ActionBody =
  | ({ readonly kind: 'birth' } & OpeningPayload)
  | ({ readonly kind: 'entry-from-abroad' } & OpeningPayload)
  | ({ readonly kind: 'official-entry' } & OpeningPayload)
  | ({ readonly kind: 'move-in' } & OpeningPayload)
  | {
      readonly kind: 'move-within';
      readonly address: string;
      readonly householdId: string;
      /** 続柄 in the household the person lives in after the move; absent when not known. */
      readonly relationship?: string;
    }
  | { readonly kind: 'move-out'; readonly destination: string; readonly abroad: boolean }
  | { readonly kind: 'death' }
  | {
      readonly kind: 'name-change';
      readonly name: string;
      readonly nameKana?: string;
      readonly commonName?: string;
    }
  | { readonly kind: 'code-change'; readonly residentCode: ResidentCode }
  | {
      /** 世帯主変更 (第25条), or a member's 続柄 set anew because the head changed. */
      readonly kind: 'household-head-change' | 'household-split' | 'household-merge';
      /** The household the person belongs to after the action. */
      readonly householdId: string;
      /** The person's 続柄 after the action; absent when not known. */
      readonly relationship?: string;
    }
  | {
      /** 職権消除: the record becomes a 除票 (施行令第12条). */
      readonly kind: 'official-deletion';
      /** Why, e.g. 実態調査により居住の事実なし. */
      readonly ground: string;
    }
  | { readonly kind: 'official-correction'; readonly corrections: Corrections; readonly note?: string }
  | {
      /** 付記転出届: the move-out is planned; nothing changes until the 転入通知 (docs/special-move.md). */
      readonly kind: 'special-move-out';
      readonly plannedMoveOut: PlannedMoveOut;
    };

/** The stored payload of each action kind, as JSON in `resident_action.payload`. */
export type ActionPayload = ActionBody & {
  /** Set when the 届出 came after its filing period. */
  readonly lateFiling?: LateFiling;
};

/** The action kinds that change only the household (世帯変更): they never change 本人確認情報. */
export const HOUSEHOLD_ACTION_KINDS: ReadonlySet<RegisterActionKind> = new Set<RegisterActionKind>([
  'household-head-change',
  'household-split',
  'household-merge',
]);

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

/** 住民票 (第7条, 第30条の45) as the fold of its actions. */
export interface ResidentRecord extends RecordItems {
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
  /** 住所を定めた旨の届出の年月日: the 届出日 of the action that set the address. */
  readonly addressNotifiedOn: string;
  /** 従前の住所, when the register knows it. */
  readonly previousAddress?: string;
  /** 住民となった年月日. */
  readonly residentSince: string;
  readonly householdId: string;
  /** True once the record is a 除票 (moved out, died, deleted ex officio); it is kept, never deleted. */
  readonly closed: boolean;
  /** Why and when the record was closed, and where the person went (転出先) or on what ground (職権消除). */
  readonly closure?: {
    readonly reason: ChangeReason;
    readonly date: string;
    readonly destination?: string;
    readonly ground?: string;
  };
  /** 特例転出予定: the advance move-out notice confirmed for this record, until the record closes. */
  readonly plannedMoveOut?: PlannedMoveOut;
  /**
   * The latest change: its kind, its 異動事由 (absent for a household-only change, which is no identity change), its
   * 異動日, and whether it was filed late. An advance move-out notice (付記転出届) is no change yet and leaves it.
   */
  readonly lastChange: {
    readonly kind: RegisterActionKind;
    readonly reason?: ChangeReason;
    readonly date: string;
    readonly lateFiling?: LateFiling;
  };
  /** The number of actions folded into the record. */
  readonly version: number;
}

/** True when the corrections touch 本人確認情報. */
export function correctsIdentity(corrections: Corrections): boolean {
  return IDENTITY_CORRECTIONS.some((item) => corrections[item] !== undefined);
}

/**
 * The 異動事由 an action reports to the network, or undefined when it changes no 本人確認情報 (a household change, a
 * correction of other items): such an action sends no linkage message.
 */
export function changeReasonOf(payload: ActionPayload): ChangeReason | undefined {
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
      return changeReasonOfMoveOut(payload.abroad);
    case 'death':
      return ChangeReason.death;
    case 'name-change':
      return ChangeReason.nameChange;
    case 'code-change':
      return ChangeReason.codeChange;
    case 'official-deletion':
      return ChangeReason.officialDeletion;
    case 'official-correction':
      return correctsIdentity(payload.corrections) ? ChangeReason.officialCorrection : undefined;
    case 'household-head-change':
    case 'household-split':
    case 'household-merge':
    case 'special-move-out':
      return undefined;
  }
}

/** Days a filing came after the end of its period (filed on day 14 after the change is in time), or 0. */
export function daysLate(dates: { effectiveOn: string; filedOn: string }, periodDays: number): number {
  return Math.max(0, daysBetween(dates.effectiveOn, dates.filedOn) - periodDays);
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** Sets `key` to `value`, or removes it for undefined or null (exactOptionalPropertyTypes keeps absent items absent). */
function setItem<T extends object, K extends keyof T>(
  target: Writable<T>,
  key: K,
  value: T[K] | null | undefined,
): void {
  if (value === undefined || value === null) delete target[key];
  else target[key] = value;
}

/**
 * Applies one action to a record (undefined before its first action) and returns the new record. The register
 * checks the rules before it stores an action; an action that cannot apply here is a bug.
 */
export function applyAction(record: ResidentRecord | undefined, action: ResidentAction): ResidentRecord {
  const { payload } = action;
  if (payload.kind === 'special-move-out') {
    assert(record !== undefined && !record.closed, 'A special-move-out action needs an open record');
    return { ...record, plannedMoveOut: payload.plannedMoveOut, version: record.version + 1 };
  }
  const reason = changeReasonOf(payload);
  const lastChange = {
    kind: payload.kind,
    ...(reason === undefined ? {} : { reason }),
    date: action.effectiveOn,
    ...(payload.lateFiling === undefined ? {} : { lateFiling: payload.lateFiling }),
  };
  if (
    payload.kind === 'birth' ||
    payload.kind === 'entry-from-abroad' ||
    payload.kind === 'official-entry' ||
    payload.kind === 'move-in'
  ) {
    assert(record === undefined, `A ${payload.kind} action opens a record`);
    const opened: Writable<ResidentRecord> = {
      id: action.residentId,
      residentCode: payload.residentCode,
      previousResidentCodes: [],
      name: payload.name,
      birthDate: payload.birthDate,
      sex: payload.sex,
      foreignResident: payload.foreignResident,
      address: payload.address,
      lgCode: payload.lgCode,
      addressSince: action.effectiveOn,
      addressNotifiedOn: action.filedOn,
      residentSince: payload.residentSince ?? action.effectiveOn,
      householdId: payload.householdId,
      closed: false,
      lastChange,
      version: 1,
    };
    setItem(opened, 'nameKana', payload.nameKana);
    setItem(opened, 'commonName', payload.commonName);
    setItem(opened, 'previousAddress', payload.previousAddress);
    setItem(opened, 'relationship', payload.relationship);
    setItem(opened, 'domicile', payload.domicile);
    setItem(opened, 'foreign', payload.foreign);
    setItem(opened, 'benefits', payload.benefits);
    return opened;
  }
  assert(record !== undefined, `A ${payload.kind} action needs an open record`);
  assert(!record.closed, `A ${payload.kind} action cannot apply to a closed record`);
  const next: Writable<ResidentRecord> = { ...record, lastChange, version: record.version + 1 };
  switch (payload.kind) {
    case 'move-within':
      next.address = payload.address;
      next.addressSince = action.effectiveOn;
      next.addressNotifiedOn = action.filedOn;
      next.previousAddress = record.address;
      next.householdId = payload.householdId;
      setItem(next, 'relationship', payload.relationship);
      return next;
    case 'move-out':
      next.closed = true;
      delete next.plannedMoveOut;
      next.closure = {
        reason: changeReasonOfMoveOut(payload.abroad),
        date: action.effectiveOn,
        destination: payload.destination,
      };
      return next;
    case 'death':
      next.closed = true;
      delete next.plannedMoveOut;
      next.closure = { reason: ChangeReason.death, date: action.effectiveOn };
      return next;
    case 'official-deletion':
      next.closed = true;
      delete next.plannedMoveOut;
      next.closure = {
        reason: ChangeReason.officialDeletion,
        date: action.effectiveOn,
        ground: payload.ground,
      };
      return next;
    case 'name-change':
      next.name = payload.name;
      setItem(next, 'nameKana', payload.nameKana);
      setItem(next, 'commonName', payload.commonName);
      return next;
    case 'code-change':
      next.residentCode = payload.residentCode;
      next.previousResidentCodes = [...record.previousResidentCodes, record.residentCode];
      return next;
    case 'household-head-change':
    case 'household-split':
    case 'household-merge':
      next.householdId = payload.householdId;
      setItem(next, 'relationship', payload.relationship);
      return next;
    case 'official-correction': {
      const { corrections } = payload;
      if (corrections.name !== undefined) next.name = corrections.name;
      if (corrections.birthDate !== undefined) next.birthDate = corrections.birthDate;
      if (corrections.sex !== undefined) next.sex = corrections.sex;
      if (corrections.address !== undefined) next.address = corrections.address;
      if (corrections.residentSince !== undefined) next.residentSince = corrections.residentSince;
      const optional = [
        'nameKana',
        'commonName',
        'previousAddress',
        'relationship',
        'domicile',
        'foreign',
        'benefits',
      ] as const;
      for (const item of optional) {
        if (corrections[item] !== undefined) setItem(next, item, corrections[item]);
      }
      return next;
    }
  }
}

function changeReasonOfMoveOut(abroad: boolean): ChangeReason {
  return abroad ? ChangeReason.moveAbroad : ChangeReason.moveOut;
}

/** Derives a record from its whole history, in order: the register's projection must always equal this. */
export function deriveResidentRecord(actions: readonly ResidentAction[]): ResidentRecord | undefined {
  let record: ResidentRecord | undefined;
  for (const action of actions) record = applyAction(record, action);
  return record;
}
