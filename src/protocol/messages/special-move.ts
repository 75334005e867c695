// The one-visit move (転入転出の特例, 住基法第24条の2) between two municipalities: the call by which the new municipality
// asks the old one for the 転出証明書情報, and the 転入通知 (第9条) the new one sends back once the move-in is recorded
// (docs/protocol/special-move.md, docs/special-move.md).

import { z } from 'zod';
import { checkLocalGovernmentCode, isIsoDate, isResidentCode, Sex } from '../../domain/index.js';
import { defineMessage } from '../message-types.js';

/** The path of the call on every municipality's network port. */
export const SPECIAL_MOVE_OUT_INFO_PATH = '/v1/special-move/out-info';

const residentCode = z.string().refine(isResidentCode, { error: 'must be a valid resident code' });
const lgCode = z.string().refine((value) => checkLocalGovernmentCode(value).ok && value.length === 6, {
  error: 'must be a 6-digit local government code with its check digit',
});
const isoDate = z.string().refine(isIsoDate, { error: 'must be an ISO date (YYYY-MM-DD)' });
const text = z
  .string()
  .min(1)
  .max(200)
  .refine((value) => value.trim() !== '', { error: 'must not be empty' });
const id = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, { error: 'must be 1-64 letters, digits, "-" or "_"' });

/** The request: the resident code of the card holder the new municipality confirmed with the card and PIN. */
export const specialMoveOutInfoRequestSchema = z.strictObject({ residentCode });
export type SpecialMoveOutInfoRequest = z.output<typeof specialMoveOutInfoRequestSchema>;

const qualification = z.strictObject({ since: isoDate, number: text.optional() });

/** One person of the 転出証明書情報 (施行令第24条, our reading; DOMAIN.md "One-visit move"). */
export const moveOutPersonSchema = z.strictObject({
  /** 住民票コード. */
  residentCode,
  /** 氏名, its reading, and 通称 (foreign residents only). */
  name: text,
  nameKana: text.optional(),
  commonName: text.optional(),
  /** 出生の年月日. */
  birthDate: isoDate,
  /** 男女の別. */
  sex: z.enum(Sex),
  /** Recorded under 第30条の45. */
  foreignResident: z.boolean(),
  /** 世帯主との続柄 at the old municipality; absent when the register has none. */
  relationship: text.optional(),
  /** 戸籍の表示 (本籍・筆頭者), Japanese residents only. */
  domicile: z.strictObject({ place: text, head: text }).optional(),
  /** The foreign-resident items (第30条の45). */
  foreign: z
    .strictObject({
      nationality: text,
      category: z.enum([
        'mid-to-long-term',
        'special-permanent',
        'temporary-refuge',
        'provisional-stay',
        'transitional-stay',
      ]),
      residenceStatus: text.optional(),
      periodOfStay: text.optional(),
      periodExpiresOn: isoDate.optional(),
      residenceCardNumber: z
        .string()
        .regex(/^[A-Z]{2}[0-9]{8}[A-Z]{2}$/)
        .optional(),
    })
    .optional(),
  /** The insurance and benefit items the new municipality needs (国民健康保険, 介護保険, 国民年金, 児童手当 …). */
  benefits: z
    .strictObject({
      electoralRoll: z.boolean().optional(),
      nationalHealthInsurance: qualification.optional(),
      lateStageMedicalCare: qualification.optional(),
      longTermCare: qualification.optional(),
      nationalPension: qualification.optional(),
      childAllowance: qualification.optional(),
    })
    .optional(),
});
export type MoveOutPerson = z.output<typeof moveOutPersonSchema>;

/**
 * The 転出証明書情報 the old municipality answers: the notice it belongs to, 住所 (the address being left), 世帯主の氏名,
 * 転出先 and 転出の予定年月日, and each person moving, the card holder first.
 */
export const moveOutCertificateInfoSchema = z
  .strictObject({
    /** The old municipality's id of its advance move-out notice (付記転出届); the 転入通知 names it. */
    noticeId: id,
    /** The old municipality. */
    sourceLgCode: lgCode,
    /** 住所 at the old municipality. */
    address: text,
    /** 世帯主の氏名 of the household being left. */
    householdHead: text.optional(),
    /** 転出先 as the notice declared it: the new municipality and the address. */
    destination: z.strictObject({ lgCode, address: text }),
    /** 転出の予定年月日. */
    plannedDate: isoDate,
    /** The day the notice was filed (届出年月日). */
    filedOn: isoDate,
    /** The last day the new municipality may take the move-in (plannedDate + the limit of the old municipality). */
    limitDate: isoDate,
    persons: z.array(moveOutPersonSchema).min(1).max(50),
  })
  .refine((info) => new Set(info.persons.map((person) => person.residentCode)).size === info.persons.length, {
    error: 'persons must not repeat a resident code',
    path: ['persons'],
  });
export type MoveOutCertificateInfo = z.output<typeof moveOutCertificateInfoSchema>;

/**
 * 転入通知 (住基法第9条第1項): the new municipality recorded the move-in of the persons of an advance move-out notice; the
 * old municipality records their 転出 with the actual date and closes their records (除票).
 */
export const moveInNotice = defineMessage({
  type: 'special-move.moved-in',
  version: 1,
  body: z
    .strictObject({
      /** The old municipality's id of the advance move-out notice, from the 転出証明書情報. */
      noticeId: id,
      /** Every person recorded at the new municipality, the card holder first. */
      residentCodes: z.array(residentCode).min(1).max(50),
      /** 異動日: the day they began living at the new address (the actual move). */
      movedInOn: isoDate,
      /** 届出年月日 of the move-in at the new municipality. */
      filedOn: isoDate,
      /** The new address as the new municipality recorded it. */
      address: text,
    })
    .refine((body) => new Set(body.residentCodes).size === body.residentCodes.length, {
      error: 'residentCodes must not repeat',
      path: ['residentCodes'],
    }),
  description: 'The move-in notice (転入通知) of a one-visit move, from the new municipality to the old one',
});
export type MoveInNoticeBody = z.output<typeof moveInNotice.body>;
