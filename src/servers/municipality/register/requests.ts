// What a clerk (or the seeding, or a test) asks the register to record: one request shape per action, their schemas,
// and the check that turns bad input into JUKI_ERR_REGISTER_REQUEST_INVALID before anything is written.

import { z } from 'zod';
import { isIsoDate, Sex } from '../../../domain/index.js';
import { describeIssues } from '../../../protocol/index.js';
import { JukinetError } from '../../../shared/errors.js';

/**
 * Which household the person belongs to after the action: join an existing one (`join`), or found a new one with a
 * chosen id (`create`, so that a batch can found a household and add its members). Left out, the person founds a new
 * household, with a new id, as its head.
 */
export type HouseholdChoice = { readonly join: string } | { readonly create: string };

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
export interface MoveWithinRequest extends FilingOptions {
  readonly address: string;
  readonly date?: string;
  /**
   * Left out, the household moves with the person when the person is its only current member; otherwise the person
   * founds a new household as its head.
   */
  readonly household?: HouseholdChoice;
}

/** 転出 to another municipality, or abroad (国外転出): the record becomes a 除票. */
export interface MoveOutRequest extends FilingOptions {
  /** 転出先: the new address as declared. */
  readonly destination: string;
  readonly abroad?: boolean;
  readonly date?: string;
}

/** 死亡: the record becomes a 除票. */
export interface DeathRequest extends FilingOptions {
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

const isoDate = z.string().refine(isIsoDate, 'must be an ISO date (YYYY-MM-DD)');
const text = z.string().refine((value) => value.trim() !== '', 'must not be empty');
const householdId = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, 'must be 1-64 letters, digits, "-" or "_"');
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
};
const date = isoDate.optional();
const residentCode = z.string();

/** The schema of each request, by action kind. Rules about the resulting identity information are checked later. */
export const requestSchemas = {
  birth: z.strictObject(person),
  'entry-from-abroad': z.strictObject({ ...person, date, residentCode: residentCode.optional() }),
  'official-entry': z.strictObject({ ...person, date, residentSince: isoDate.optional() }),
  'move-in': z.strictObject({ ...person, date, residentCode, previousAddress: text.optional() }),
  'move-within': z.strictObject({ ...filing, address: text, date, household: household.optional() }),
  'move-out': z.strictObject({ ...filing, destination: text, abroad: z.boolean().optional(), date }),
  death: z.strictObject({ ...filing, date }),
  'name-change': z.strictObject({
    ...filing,
    name: text,
    nameKana: text.optional(),
    commonName: text.optional(),
    date,
  }),
  'code-change': z.strictObject({ ...filing, date }),
} as const;

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
