// What a clerk (or the seeding, or a test) asks the register to record: one request shape per action, their schemas,
// and the check that turns bad input into JUKI_ERR_REGISTER_REQUEST_INVALID before anything is written.

import { z } from 'zod';
import { checkLocalGovernmentCode, isIsoDate, isResidentCode, Sex } from '../../../domain/index.js';
import { describeIssues } from '../../../protocol/index.js';
import { JukinetError } from '../../../shared/errors.js';
import {
  ForeignResidentCategory,
  HEAD_RELATIONSHIP,
  type BenefitItems,
  type Corrections,
  type Domicile,
  type ForeignResidentItems,
} from './resident-record.js';

/**
 * Which household the person belongs to after the action: join an existing one (`join`), or found a new one with a
 * chosen id (`create`, so that a batch can found a household and add its members). Left out, the person founds a new
 * household, with a new id, as its head.
 */
export type HouseholdChoice = { readonly join: string } | { readonly create: string };

/** When the record's household head leaves it and several members remain: who heads it next. */
export interface Succession {
  /** The id of a remaining member who becomes 世帯主 (JUKI_ERR_HOUSEHOLD_HEAD_REQUIRED when needed and left out). */
  readonly newHead?: string;
}

/** Fields every request may carry. */
export interface FilingOptions {
  /** 届出日; the register's today when left out. */
  readonly filedOn?: string;
  /** The operator who recorded it (issue 4 adds operators); null when left out. */
  readonly operator?: string;
}

/** The person and the address of an action that opens a record. */
export interface PersonRequest extends FilingOptions {
  readonly name: string;
  readonly nameKana?: string;
  /** 通称, foreign residents only. */
  readonly commonName?: string;
  readonly birthDate: string;
  readonly sex: Sex;
  /** Recorded under 住民基本台帳法第30条の45. Default false. */
  readonly foreignResident?: boolean;
  readonly address: string;
  readonly household?: HouseholdChoice;
  /** 世帯主との続柄 in a household the person joins; a person who founds or heads one is 世帯主. */
  readonly relationship?: string;
  /** 本籍・筆頭者, Japanese residents only. */
  readonly domicile?: Domicile;
  /** 国籍・地域, 在留資格 and the like, foreign residents only. */
  readonly foreign?: ForeignResidentItems;
  /** 選挙人名簿, 国民健康保険, 介護保険, 国民年金, 児童手当 and the like. */
  readonly benefits?: BenefitItems;
  /**
   * The clerk checked the open records with the same name, reading and birth date and this is another person;
   * without it such a likely duplicate is refused (JUKI_ERR_RESIDENT_LIKELY_DUPLICATE, listing the candidates).
   */
  readonly acknowledgeDuplicate?: boolean;
}

/** 出生: the 異動日 is the birth date; a new code is assigned. */
export type BirthRequest = PersonRequest;

/** 国外からの転入: a new code, unless the person already had one (given here). */
export interface EntryFromAbroadRequest extends PersonRequest {
  /** 異動日 (the day the person started living here); today when left out. */
  readonly date?: string;
  readonly residentCode?: string;
}

/** 職権記載: records an existing resident (seeding); a new code is assigned. */
export interface OfficialEntryRequest extends PersonRequest {
  /** 異動日; today when left out. */
  readonly date?: string;
  /** 住民となった年月日 when it is earlier than the action (a long-standing resident); the action's date otherwise. */
  readonly residentSince?: string;
}

/** 転入 from another municipality: the person keeps their code. */
export interface MoveInRequest extends PersonRequest {
  readonly residentCode: string;
  /** 異動日; today when left out. */
  readonly date?: string;
  /** 従前の住所: the address in the former municipality. */
  readonly previousAddress?: string;
}

/** 転居: a new address in this municipality. */
export interface MoveWithinRequest extends FilingOptions, Succession {
  readonly address: string;
  readonly date?: string;
  /** 続柄 in the household the person joins. */
  readonly relationship?: string;
  /**
   * Left out, the household moves with the person when the person is its only current member; otherwise the person
   * founds a new household as its head.
   */
  readonly household?: HouseholdChoice;
  /**
   * The whole household moves with the person (a household's 転居届): every current member gets a 転居 to the address,
   * and the household keeps its id, head and 続柄. `household`, `relationship` and `newHead` are then left out.
   */
  readonly withHousehold?: boolean;
}

/** 転出 to another municipality, or abroad (国外転出): the record becomes a 除票. */
export interface MoveOutRequest extends FilingOptions, Succession {
  /** 転出先: the new address as declared. */
  readonly destination: string;
  readonly abroad?: boolean;
  readonly date?: string;
}

/**
 * 付記転出届 (特例転出届, 住基法第24条の2): a card holder's advance move-out notice. Nothing closes yet: the records of
 * the card holder and the members moving along show the planned move-out until the new municipality's 転入通知.
 */
export interface SpecialMoveOutRequest extends FilingOptions {
  /** 転出の予定年月日: may lie ahead (docs/special-move.md, "Time limits"). */
  readonly plannedDate: string;
  /** 転出先: the new municipality (6-digit LG code) and the address there. */
  readonly destination: { readonly lgCode: string; readonly address: string };
  /** The members of the card holder's household moving along, by record id. */
  readonly members?: readonly string[];
  /** Who heads the household left behind, when its head moves and several members remain. */
  readonly newHead?: string;
}

/**
 * 特例転入届: the move-in under the one-visit move, from the 転出証明書情報 received from the old municipality. The
 * persons' items come from it; the clerk gives the new address and the household.
 */
export interface SpecialMoveInRequest extends FilingOptions {
  /** The 転出証明書情報 received here (special_move_out_info.id). */
  readonly outInfoId: string;
  readonly address: string;
  /** 異動日: the day they began living here; today when left out. */
  readonly date?: string;
  /** The household the card holder joins or founds (founds a new one, as head, when left out). */
  readonly household?: HouseholdChoice;
  /** The card holder's 続柄 in a household they join. */
  readonly relationship?: string;
  /**
   * Each member's 続柄 to the head here, by resident code; when left out, the 続柄 at the old municipality is kept
   * where the card holder headed the household there and heads it here.
   */
  readonly relationships?: Readonly<Record<string, string>>;
  readonly acknowledgeDuplicate?: boolean;
}

/** 死亡: the record becomes a 除票. */
export interface DeathRequest extends FilingOptions, Succession {
  readonly date?: string;
}

/** 氏名変更: the new name replaces the name, kana and 通称 (a left-out kana or 通称 is removed). */
export interface NameChangeRequest extends FilingOptions {
  readonly name: string;
  readonly nameKana?: string;
  readonly commonName?: string;
  readonly date?: string;
}

/** 住民票コード変更請求: a new code; the old one stays in the history. */
export interface CodeChangeRequest extends FilingOptions {
  readonly date?: string;
}

/** 職権消除: the record becomes a 除票 (住民基本台帳法施行令第12条). */
export interface OfficialDeletionRequest extends FilingOptions, Succession {
  /** Why, e.g. 実態調査により居住の事実なし. */
  readonly ground: string;
  readonly date?: string;
}

/** 職権修正: corrects items of the record; null removes an optional item. */
export interface OfficialCorrectionRequest extends FilingOptions {
  readonly corrections: Corrections;
  readonly note?: string;
  readonly date?: string;
}

/** 続柄 set anew, by resident id, for members of the household the action concerns. */
export type Relationships = Readonly<Record<string, string>>;

/** 世帯主変更 (第25条): a member becomes the head; the former head, when still a member, needs a new 続柄. */
export interface HouseholdHeadChangeRequest extends FilingOptions {
  readonly newHead: string;
  readonly relationships?: Relationships;
  readonly date?: string;
}

/** 世帯分離: members leave to found a household at the same address; the first of them heads it. */
export interface HouseholdSplitRequest extends FilingOptions, Succession {
  readonly members: readonly string[];
  /** The new household's id; a new one when left out. */
  readonly householdId?: string;
  readonly relationships?: Relationships;
  readonly date?: string;
}

/** 世帯合併: every member of a household joins another at the same address, whose head heads them all. */
export interface HouseholdMergeRequest extends FilingOptions {
  readonly into: string;
  /** The 続柄 to the new head of every member who joins (the former head too); one missing is refused. */
  readonly relationships?: Relationships;
  readonly date?: string;
}

const isoDate = z.string().refine(isIsoDate, 'must be an ISO date (YYYY-MM-DD)');
const text = z.string().refine((value) => value.trim() !== '', 'must not be empty');
const householdId = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, 'must be 1-64 letters, digits, "-" or "_"');
const relationship = text.refine((value) => [...value].length <= 20, 'must have at most 20 characters');
const domicile = z.strictObject({ place: text, head: text });
const foreign = z.strictObject({
  nationality: text,
  category: z.enum(ForeignResidentCategory),
  residenceStatus: text.optional(),
  periodOfStay: text.optional(),
  periodExpiresOn: isoDate.optional(),
  residenceCardNumber: z
    .string()
    .regex(/^[A-Z]{2}[0-9]{8}[A-Z]{2}$/, 'must be two capital letters, eight digits and two capital letters')
    .optional(),
});
const qualification = z.strictObject({ since: isoDate, number: text.optional() });
const benefits = z.strictObject({
  electoralRoll: z.boolean().optional(),
  nationalHealthInsurance: qualification.optional(),
  lateStageMedicalCare: qualification.optional(),
  longTermCare: qualification.optional(),
  nationalPension: qualification.optional(),
  childAllowance: qualification.optional(),
});
const relationships = z.record(z.string(), relationship);
const residentId = text;
const household = z.union([z.strictObject({ join: householdId }), z.strictObject({ create: householdId })]);
const filing = { filedOn: isoDate.optional(), operator: text.optional() };
const person = {
  ...filing,
  name: text,
  nameKana: text.optional(),
  commonName: text.optional(),
  birthDate: isoDate,
  sex: z.enum(Sex),
  foreignResident: z.boolean().optional(),
  address: text,
  household: household.optional(),
  relationship: relationship.optional(),
  domicile: domicile.optional(),
  foreign: foreign.optional(),
  benefits: benefits.optional(),
  acknowledgeDuplicate: z.boolean().optional(),
};
const newHead = residentId.optional();
const date = isoDate.optional();
const residentCode = z.string();
const lgCode = z.string().refine((value) => value.length === 6 && checkLocalGovernmentCode(value).ok, {
  error: 'must be a 6-digit local government code with its check digit',
});

/** The schema of each request, by action kind. Rules about the resulting identity information are checked later. */
export const requestSchemas = {
  birth: z.strictObject(person),
  'entry-from-abroad': z.strictObject({ ...person, date, residentCode: residentCode.optional() }),
  'official-entry': z.strictObject({ ...person, date, residentSince: isoDate.optional() }),
  'move-in': z.strictObject({ ...person, date, residentCode, previousAddress: text.optional() }),
  'move-within': z
    .strictObject({
      ...filing,
      address: text,
      date,
      household: household.optional(),
      relationship: relationship.optional(),
      newHead,
      withHousehold: z.boolean().optional(),
    })
    .refine(
      (value) =>
        value.withHousehold !== true ||
        (value.household === undefined && value.relationship === undefined && value.newHead === undefined),
      'withHousehold: the household moves as it is, so household, relationship and newHead are left out',
    ),
  'move-out': z.strictObject({ ...filing, destination: text, abroad: z.boolean().optional(), date, newHead }),
  'special-move-out': z.strictObject({
    ...filing,
    plannedDate: isoDate,
    destination: z.strictObject({ lgCode, address: text }),
    members: z.array(residentId).max(49).optional(),
    newHead,
  }),
  'special-move-in': z.strictObject({
    ...filing,
    outInfoId: householdId,
    address: text,
    date,
    household: household.optional(),
    relationship: relationship.optional(),
    relationships: z
      .record(z.string().refine(isResidentCode, { error: 'must be a resident code' }), relationship)
      .optional(),
    acknowledgeDuplicate: z.boolean().optional(),
  }),
  death: z.strictObject({ ...filing, date, newHead }),
  'name-change': z.strictObject({
    ...filing,
    name: text,
    nameKana: text.optional(),
    commonName: text.optional(),
    date,
  }),
  'code-change': z.strictObject({ ...filing, date }),
  'official-deletion': z.strictObject({ ...filing, ground: text, date, newHead }),
  'official-correction': z.strictObject({
    ...filing,
    corrections: z
      .strictObject({
        name: text.optional(),
        nameKana: text.nullable().optional(),
        commonName: text.nullable().optional(),
        birthDate: isoDate.optional(),
        sex: z.enum(Sex).optional(),
        address: text.optional(),
        residentSince: isoDate.optional(),
        previousAddress: text.nullable().optional(),
        relationship: relationship.nullable().optional(),
        domicile: domicile.nullable().optional(),
        foreign: foreign.nullable().optional(),
        benefits: benefits.nullable().optional(),
      })
      .refine((value) => Object.keys(value).length > 0, 'must correct at least one item'),
    note: text.optional(),
    date,
  }),
  'household-head-change': z.strictObject({
    ...filing,
    newHead: residentId,
    relationships: relationships.optional(),
    date,
  }),
  'household-split': z.strictObject({
    ...filing,
    members: z.array(residentId).min(1),
    householdId: householdId.optional(),
    relationships: relationships.optional(),
    newHead,
    date,
  }),
  'household-merge': z.strictObject({
    ...filing,
    into: householdId,
    relationships: relationships.optional(),
    date,
  }),
} as const;

/** The record's items that depend on whether the person is a foreign resident, to check together. */
interface ItemsToCheck {
  readonly foreignResident: boolean;
  readonly commonName?: string | null;
  readonly domicile?: Domicile | null;
  readonly foreign?: ForeignResidentItems | null;
  readonly benefits?: BenefitItems | null;
}

/**
 * Checks the items that only Japanese or only foreign residents have (第7条第5号, 第30条の45): 本籍・筆頭者 and the
 * electoral roll for Japanese residents, the foreign-resident items and 通称 for foreign residents, and no 在留資格 or
 * 在留期間 for a 特別永住者. Throws JUKI_ERR_REGISTER_REQUEST_INVALID naming each problem.
 */
export function checkRecordItems(items: ItemsToCheck): void {
  const problems: string[] = [];
  if (items.foreignResident) {
    if (items.domicile != null) problems.push('domicile: only Japanese residents have 本籍・筆頭者');
    if (items.benefits?.electoralRoll === true) {
      problems.push('benefits.electoralRoll: only Japanese residents are on the electoral roll');
    }
    const { foreign } = items;
    if (foreign?.category === ForeignResidentCategory.specialPermanent) {
      for (const item of ['residenceStatus', 'periodOfStay', 'periodExpiresOn'] as const) {
        if (foreign[item] !== undefined)
          problems.push(`foreign.${item}: a 特別永住者 has no 在留資格 or 在留期間`);
      }
    }
  } else {
    if (items.foreign != null) problems.push('foreign: only foreign residents have these items');
    if (items.commonName != null) problems.push('commonName: only foreign residents have a 通称');
  }
  if (problems.length > 0) throw new JukinetError('JUKI_ERR_REGISTER_REQUEST_INVALID', problems.join('; '));
}

/** Checks a 続柄 for a person who joins a household: the head's is 世帯主, and nobody else's. */
export function checkRelationship(options: { relationship: string | undefined; heads: boolean }): void {
  const { relationship, heads } = options;
  if (relationship === undefined) return;
  if (heads !== (relationship === HEAD_RELATIONSHIP)) {
    throw new JukinetError(
      'JUKI_ERR_REGISTER_REQUEST_INVALID',
      heads
        ? `relationship "${relationship}": the head of a household is ${HEAD_RELATIONSHIP}`
        : `relationship "${HEAD_RELATIONSHIP}": the household already has a head`,
    );
  }
}

/** Checks a request against its kind's schema; throws JUKI_ERR_REGISTER_REQUEST_INVALID naming each bad field. */
export function checkRequest(kind: keyof typeof requestSchemas, request: unknown): void {
  const result = requestSchemas[kind].safeParse(request);
  if (!result.success) {
    throw new JukinetError(
      'JUKI_ERR_REGISTER_REQUEST_INVALID',
      `${kind}: ${describeIssues(result.error.issues, 'request')}`,
    );
  }
}
