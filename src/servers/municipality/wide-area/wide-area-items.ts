// What a wide-area copy (広域交付, 住基法第12条の4) carries and prints, as pure functions: the address municipality's
// choice of members and of the 8 items it may send, and the issuing municipality's certificate built from the answer,
// never with 本籍・筆頭者 (docs/wide-area-copy.md). No I/O here.

import { findLocalGovernmentByCode, type LocalGovernmentCode } from '../../../domain/index.js';
import type { WideAreaCopyAnswer, WideAreaMember } from '../../../protocol/messages/wide-area-copy.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import {
  CertificateItem,
  CertificateKind,
  type CertificateIssuer,
  type CertificatePerson,
  type CertificateRequest,
} from '../certificates/index.js';
import type { ResidentRecord } from '../register/index.js';

/**
 * The items a wide-area copy may carry from the address municipality (住基法第12条の4第1項, DOMAIN.md): 氏名, 出生の
 * 年月日, 男女の別, 世帯主との続柄, 住民となった年月日, 住所, 住所を定めた旨の届出の年月日及び従前の住所, 住民票コード.
 */
export const WIDE_AREA_ITEMS = [
  '氏名',
  '出生の年月日',
  '男女の別',
  '世帯主との続柄',
  '住民となった年月日',
  '住所',
  '住所を定めた旨の届出の年月日及び従前の住所',
  '住民票コード',
] as const;

/**
 * The items the requester may ask to have printed on top of what a copy always prints (住基法第12条の4第4項: the
 * issuing mayor leaves out 続柄 and 住民票コード unless specially asked for). 本籍・筆頭者 is not among them: a wide-area
 * copy never carries it.
 */
export const WIDE_AREA_OPTIONAL_ITEMS = [CertificateItem.relationship, CertificateItem.residentCode] as const;
export type WideAreaOptionalItem = (typeof WIDE_AREA_OPTIONAL_ITEMS)[number];

/** One member as the address municipality sends it: the 8 items of the person, and nothing else of the record. */
export function wideAreaMemberOf(record: ResidentRecord): WideAreaMember {
  return {
    residentCode: record.residentCode,
    name: record.name,
    birthDate: record.birthDate,
    sex: record.sex,
    ...(record.relationship === undefined ? {} : { relationship: record.relationship }),
    residentSince: record.residentSince,
    addressNotifiedOn: record.addressNotifiedOn,
    ...(record.previousAddress === undefined ? {} : { previousAddress: record.previousAddress }),
  };
}

/**
 * The members the address municipality answers for, in household order: the person alone (`false`), every current
 * member (`true`), or the person and those of `wanted` who are current members. Codes that are not members are left
 * out: the answer says nothing of anyone outside the household.
 */
export function chooseWideAreaMembers(
  person: ResidentRecord,
  household: readonly ResidentRecord[],
  wanted: boolean | readonly string[],
): ResidentRecord[] {
  if (wanted === false) return [person];
  if (wanted === true) return [...household];
  const codes = new Set([person.residentCode, ...wanted]);
  return household.filter((record) => codes.has(record.residentCode));
}

/** The line a wide-area copy prints below the certifier, naming the address municipality (住基法第12条の4). */
export function wideAreaNoteOf(addressLgCode: LocalGovernmentCode): string {
  const lg = findLocalGovernmentByCode(addressLgCode);
  const name = lg === undefined ? addressLgCode : `${lg.prefecture}${lg.fullName}`;
  return `この写しは、住民基本台帳法第12条の4の規定により交付したものです。（住所地：${name}）`;
}

function certificatePersonOf(member: WideAreaMember): CertificatePerson {
  return {
    id: member.residentCode,
    name: member.name,
    birthDate: member.birthDate,
    sex: member.sex,
    ...(member.relationship === undefined ? {} : { relationship: member.relationship }),
    residentSince: member.residentSince,
    addressNotifiedOn: member.addressNotifiedOn,
    ...(member.previousAddress === undefined ? {} : { previousAddress: member.previousAddress }),
    residentCode: member.residentCode,
  };
}

/** What the issuing municipality knows when it prints a wide-area copy. */
export interface WideAreaCertificate {
  readonly answer: WideAreaCopyAnswer;
  /** The codes to print, in the answer's order; each must be in the answer. */
  readonly print: readonly string[];
  /** 続柄 and 住民票コード, printed only when asked for (特別の請求). */
  readonly requestedItems: readonly WideAreaOptionalItem[];
  readonly addressLgCode: LocalGovernmentCode;
  /** The issuing municipality and its mayor. */
  readonly issuer: CertificateIssuer;
  /** The certification date, an ISO date (the issuing node's clock, in Japan). */
  readonly issuedOn: string;
  readonly serialNumber?: string;
}

/**
 * The 住民票の写し the issuing municipality prints from an answer: certified by itself, with the 第12条の4 line, 本籍・
 * 筆頭者 never permitted (第12条の4第1項), 続柄 and 住民票コード only when requested. It says 世帯全員 only when the
 * answer is the whole household and every member of it prints. JUKI_ERR_CERTIFICATE_PERSON_NOT_IN_HOUSEHOLD when a
 * code to print is not in the answer.
 */
export function wideAreaCertificateOf(input: WideAreaCertificate): CertificateRequest {
  const { answer } = input;
  const answered = new Set<string>(answer.members.map((member) => member.residentCode));
  const missing = input.print.find((code) => !answered.has(code));
  if (missing !== undefined) {
    throw new JukinetError('JUKI_ERR_CERTIFICATE_PERSON_NOT_IN_HOUSEHOLD', quote(missing));
  }
  const print = new Set(input.print);
  const requested = new Set<CertificateItem>(input.requestedItems);
  return {
    kind: CertificateKind.residentRecordCopy,
    household: {
      address: answer.address,
      head: answer.householdHead,
      members: answer.members.map(certificatePersonOf),
    },
    memberIds: answer.members.map((member) => member.residentCode).filter((code) => print.has(code)),
    requestedItems: [...requested],
    permitted: {
      domicile: false,
      relationship: requested.has(CertificateItem.relationship),
      residentCode: requested.has(CertificateItem.residentCode),
    },
    householdComplete: answer.wholeHousehold,
    note: wideAreaNoteOf(input.addressLgCode),
    issuer: input.issuer,
    issuedOn: input.issuedOn,
    ...(input.serialNumber === undefined ? {} : { serialNumber: input.serialNumber }),
  };
}
