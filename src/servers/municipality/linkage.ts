// The linkage interface between the municipal register and its CS (既存住基連携, DESIGN.md §2, docs/linkage.md): the
// JSON message the register emits for each action and the CS consumes, its schema and its parser.

import { z } from 'zod';
import {
  ChangeReason,
  checkLocalGovernmentCode,
  checkResidentCode,
  isIsoDate,
  Sex,
  type IdentityInfo,
  type LocalGovernmentCode,
  type ResidentCode,
} from '../../domain/index.js';
import { describeIssues } from '../../protocol/index.js';
import { JukinetError } from '../../shared/errors.js';

/** The version of the linkage message; a breaking change raises it (docs/linkage.md). */
export const LINKAGE_VERSION = 1;

/**
 * The actions (届出 and official acts) the register records. The household changes (世帯主変更, 世帯分離, 世帯合併) never
 * change 本人確認情報 and never travel in a linkage message (`LINKED_ACTION_KINDS`).
 */
export const RegisterActionKind = {
  birth: 'birth',
  entryFromAbroad: 'entry-from-abroad',
  officialEntry: 'official-entry',
  moveIn: 'move-in',
  moveWithin: 'move-within',
  moveOut: 'move-out',
  death: 'death',
  nameChange: 'name-change',
  codeChange: 'code-change',
  officialDeletion: 'official-deletion',
  officialCorrection: 'official-correction',
  householdHeadChange: 'household-head-change',
  householdSplit: 'household-split',
  householdMerge: 'household-merge',
} as const;
export type RegisterActionKind = (typeof RegisterActionKind)[keyof typeof RegisterActionKind];

/** The action kinds a linkage message may carry: those that can change 本人確認情報. */
export const LINKED_ACTION_KINDS = [
  RegisterActionKind.birth,
  RegisterActionKind.entryFromAbroad,
  RegisterActionKind.officialEntry,
  RegisterActionKind.moveIn,
  RegisterActionKind.moveWithin,
  RegisterActionKind.moveOut,
  RegisterActionKind.death,
  RegisterActionKind.nameChange,
  RegisterActionKind.codeChange,
  RegisterActionKind.officialDeletion,
  RegisterActionKind.officialCorrection,
] as const;
export type LinkedActionKind = (typeof LINKED_ACTION_KINDS)[number];

/**
 * The resident as the CS needs them after the action: the 本人確認情報 items and whether the record is closed. Never
 * 本籍, 続柄 or other household details (DESIGN.md §2: the CS does not hold them).
 */
export interface LinkageResident {
  /** The register's own id of the record (住民票), stable across code changes. */
  readonly id: string;
  readonly residentCode: ResidentCode;
  readonly name: string;
  readonly nameKana?: string;
  readonly commonName?: string;
  readonly birthDate: string;
  readonly sex: Sex;
  readonly address: string;
  readonly lgCode: LocalGovernmentCode;
  readonly foreignResident: boolean;
  /** True once the record is a 除票 (moved out, died, deleted ex officio). */
  readonly closed: boolean;
}

/** The action itself: what happened (異動事由), when it took effect (異動日) and when it was filed (届出日). */
export interface LinkageAction {
  /** The register's id of the action. */
  readonly id: string;
  /** The action's number in the record's history, from 1 (household-only actions send no message, so it may skip). */
  readonly seq: number;
  readonly reason: ChangeReason;
  /** 異動日, an ISO date. */
  readonly effectiveOn: string;
  /** 届出日, an ISO date. */
  readonly filedOn: string;
  /** When the register recorded it, an ISO timestamp. */
  readonly recordedAt: string;
  /** On a code change: the code the person had before. */
  readonly previousResidentCode?: ResidentCode;
}

/** One linkage message: `{ v, kind, resident, action }`, one per register action, in the action's transaction. */
export interface RegisterChange {
  readonly v: typeof LINKAGE_VERSION;
  readonly kind: LinkedActionKind;
  readonly resident: LinkageResident;
  readonly action: LinkageAction;
}

const isoDate = z.string().refine(isIsoDate, 'must be an ISO date (YYYY-MM-DD)');
const residentCode = z
  .string()
  .refine((value) => checkResidentCode(value).ok, 'must be a valid 11-digit resident code');
const nonEmpty = z.string().refine((value) => value.trim() !== '', 'must not be empty');

/** The schema of the linkage message; unknown fields are refused, so a typo in a feed is caught, not dropped. */
export const registerChangeSchema = z.strictObject({
  v: z.literal(LINKAGE_VERSION),
  kind: z.enum(LINKED_ACTION_KINDS),
  resident: z.strictObject({
    id: nonEmpty,
    residentCode,
    name: nonEmpty,
    nameKana: nonEmpty.optional(),
    commonName: nonEmpty.optional(),
    birthDate: isoDate,
    sex: z.enum(Sex),
    address: nonEmpty,
    lgCode: z
      .string()
      .refine(
        (value) => value.length === 6 && checkLocalGovernmentCode(value).ok,
        'must be a 6-digit local government code',
      ),
    foreignResident: z.boolean(),
    closed: z.boolean(),
  }),
  action: z.strictObject({
    id: nonEmpty,
    seq: z.number().int().min(1),
    reason: z.enum(ChangeReason),
    effectiveOn: isoDate,
    filedOn: isoDate,
    recordedAt: z.iso.datetime(),
    previousResidentCode: residentCode.optional(),
  }),
});

/**
 * Checks a linkage message from any register (ours in-process, or an existing product feeding JSON) and returns it
 * typed; throws JUKI_ERR_LINKAGE_MESSAGE_INVALID naming each bad field.
 */
export function parseRegisterChange(input: unknown): RegisterChange {
  const result = registerChangeSchema.safeParse(input);
  if (!result.success) {
    throw new JukinetError(
      'JUKI_ERR_LINKAGE_MESSAGE_INVALID',
      describeIssues(result.error.issues, 'message'),
    );
  }
  return result.data as RegisterChange;
}

/**
 * The 本人確認情報 a change yields (住民基本台帳法第30条の6): the resident's identity items with the action's 異動事由
 * and 異動日. Not validated here: the CS parses it before recording it, the register checks it before it writes.
 */
export function identityInfoOf(change: RegisterChange): IdentityInfo {
  const { resident, action } = change;
  return {
    residentCode: resident.residentCode,
    name: resident.name,
    ...(resident.nameKana === undefined ? {} : { nameKana: resident.nameKana }),
    ...(resident.commonName === undefined ? {} : { commonName: resident.commonName }),
    birthDate: resident.birthDate,
    sex: resident.sex,
    address: resident.address,
    lgCode: resident.lgCode,
    foreignResident: resident.foreignResident,
    change: { reason: action.reason, date: action.effectiveOn },
  };
}
