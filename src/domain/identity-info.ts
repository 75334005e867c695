// 本人確認情報 (住民基本台帳法第30条の6): the identity information the network keeps for every resident: resident code,
// name, birth date, sex, address and the latest change (異動事由 and 異動年月日), with its schema and rules.

import { z } from 'zod';
import { JukinetError } from '../shared/errors.js';
import { err, ok, type Result } from '../shared/result.js';
import { checkIsoDate, compareIsoDates } from './civil-date.js';
import { checkLocalGovernmentCode, type LocalGovernmentCode } from './local-government-code.js';
import { checkResidentCode, residentCodeCheckDigit, type ResidentCode } from './resident-code.js';

/** 異動事由: why the identity information changed. A closed vocabulary; the labels are the statutory words. */
export const ChangeReason = {
  birth: 'birth',
  moveIn: 'move-in',
  entryFromAbroad: 'entry-from-abroad',
  officialEntry: 'official-entry',
  moveWithin: 'move-within',
  moveOut: 'move-out',
  moveAbroad: 'move-abroad',
  death: 'death',
  declaredMissing: 'declared-missing',
  officialDeletion: 'official-deletion',
  nameChange: 'name-change',
  officialCorrection: 'official-correction',
  codeChange: 'code-change',
  addressRenaming: 'address-renaming',
} as const;
export type ChangeReason = (typeof ChangeReason)[keyof typeof ChangeReason];

const CHANGE_REASON_LABELS: Readonly<Record<ChangeReason, string>> = {
  birth: '出生',
  'move-in': '転入',
  'entry-from-abroad': '国外からの転入',
  'official-entry': '職権記載',
  'move-within': '転居',
  'move-out': '転出',
  'move-abroad': '国外転出',
  death: '死亡',
  'declared-missing': '失踪宣告',
  'official-deletion': '職権消除',
  'name-change': '氏名変更',
  'official-correction': '職権修正',
  'code-change': '住民票コード変更',
  'address-renaming': '住所の表示変更',
};

/** The reason's statutory name for the UI and for documents: changeReasonLabel('move-in') is 転入. */
export function changeReasonLabel(reason: ChangeReason): string {
  return CHANGE_REASON_LABELS[reason];
}

const CLOSING: ReadonlySet<ChangeReason> = new Set<ChangeReason>([
  ChangeReason.moveOut,
  ChangeReason.moveAbroad,
  ChangeReason.death,
  ChangeReason.declaredMissing,
  ChangeReason.officialDeletion,
]);

/** True when the change takes the person off this municipality's register (the record becomes a 除票). */
export function isClosingReason(reason: ChangeReason): boolean {
  return CLOSING.has(reason);
}

/** 男女の別. */
export const Sex = { male: 'male', female: 'female' } as const;
export type Sex = (typeof Sex)[keyof typeof Sex];

/** The label on a document: 男 or 女. */
export function sexLabel(sex: Sex): string {
  return sex === Sex.male ? '男' : '女';
}

/** 本人確認情報 as the network carries it. */
export interface IdentityInfo {
  readonly residentCode: ResidentCode;
  /** 氏名, as registered (kanji for most residents). */
  readonly name: string;
  /** The reading in full-width katakana, where the municipality keeps one. */
  readonly nameKana?: string;
  /** 通称: a registered alias, for foreign residents only (住民基本台帳法施行令第30条の16). */
  readonly commonName?: string;
  /** 出生の年月日, an ISO date. */
  readonly birthDate: string;
  readonly sex: Sex;
  /** 住所, as written on the register. */
  readonly address: string;
  /** The municipality (or ward) of the address, whose register holds the person. */
  readonly lgCode: LocalGovernmentCode;
  /** Recorded under 住民基本台帳法第30条の45 (since 2012-07-09, on the network since 2013-07-08). */
  readonly foreignResident: boolean;
  /** The latest change: 異動事由 and 異動年月日. */
  readonly change: { readonly reason: ChangeReason; readonly date: string };
}

/** C0 and C1 control characters and DEL (U+0000–U+001F, U+007F–U+009F). */
const CONTROL = /\p{Cc}/u;
const KATAKANA = /^[\u30a1-\u30fa\u30fb\u30fc-\u30fe \u3000]+$/;

function text(label: string, max: number) {
  return z
    .string()
    .refine((value) => value.trim() !== '', `${label} must not be empty`)
    .refine((value) => [...value].length <= max, `${label} must have at most ${max} characters`)
    .refine((value) => !CONTROL.test(value), `${label} must not contain control characters`);
}

const isoDate = z.string().superRefine((value, ctx) => {
  const result = checkIsoDate(value);
  if (!result.ok) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)}: ${result.reason}` });
});

/**
 * The schema of IdentityInfo, with the rules that join fields: a change is not dated before the birth, a birth is
 * dated on the birth date, only foreign residents have a 通称. Unknown fields are refused.
 */
export const identityInfoSchema = z
  .strictObject({
    residentCode: z.string().superRefine((value, ctx) => {
      const result = checkResidentCode(value);
      if (result.ok) return;
      const reason =
        result.reason === 'check-digit'
          ? `check digit should be ${residentCodeCheckDigit(value.slice(0, 10))}`
          : result.reason === 'length'
            ? 'must have 11 digits'
            : 'must contain only the digits 0-9';
      ctx.addIssue({ code: 'custom', message: reason });
    }),
    name: text('name', 100),
    nameKana: text('nameKana', 200)
      .refine((value) => KATAKANA.test(value), 'nameKana must be full-width katakana')
      .optional(),
    commonName: text('commonName', 100).optional(),
    birthDate: isoDate,
    sex: z.enum(Sex),
    address: text('address', 500),
    lgCode: z.string().superRefine((value, ctx) => {
      const result = checkLocalGovernmentCode(value);
      if (!result.ok || value.length !== 6) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a 6-digit local government code with its check digit',
        });
      } else if (value.slice(2, 5) === '000') {
        ctx.addIssue({ code: 'custom', message: 'must name a municipality, not a prefecture' });
      }
    }),
    foreignResident: z.boolean(),
    change: z.strictObject({ reason: z.enum(ChangeReason), date: isoDate }),
  })
  .superRefine((info, ctx) => {
    if (checkIsoDate(info.birthDate).ok && checkIsoDate(info.change.date).ok) {
      if (compareIsoDates(info.change.date, info.birthDate) < 0) {
        ctx.addIssue({ code: 'custom', path: ['change', 'date'], message: 'must not be before birthDate' });
      }
      if (info.change.reason === ChangeReason.birth && info.change.date !== info.birthDate) {
        ctx.addIssue({ code: 'custom', path: ['change', 'date'], message: 'a birth is dated on birthDate' });
      }
    }
    if (info.commonName !== undefined && !info.foreignResident) {
      ctx.addIssue({ code: 'custom', path: ['commonName'], message: 'only foreign residents have a 通称' });
    }
  });

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

/** Checks untrusted input (a message body, a form) and lists every problem found, in words. */
export function validateIdentityInfo(input: unknown): Result<IdentityInfo, string[]> {
  const result = identityInfoSchema.safeParse(input);
  if (!result.success) return err(result.error.issues.map(describeIssue));
  const { nameKana, commonName, change, ...rest } = result.data;
  return ok({
    ...rest,
    residentCode: rest.residentCode as ResidentCode,
    lgCode: rest.lgCode as LocalGovernmentCode,
    ...(nameKana === undefined ? {} : { nameKana }),
    ...(commonName === undefined ? {} : { commonName }),
    change: { reason: change.reason, date: change.date },
  });
}

/** Like validateIdentityInfo, but throws JUKI_ERR_IDENTITY_INFO_INVALID listing the problems. */
export function parseIdentityInfo(input: unknown): IdentityInfo {
  const result = validateIdentityInfo(input);
  if (result.ok) return result.value;
  throw new JukinetError('JUKI_ERR_IDENTITY_INFO_INVALID', result.reason.join('; '));
}
