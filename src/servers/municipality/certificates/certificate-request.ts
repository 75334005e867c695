// What a certificate is asked for: the kinds (住民票の写し, 除票の写し, 住民票記載事項証明書), the person view they print
// from, and the check that refuses a request the renderer cannot honour. Independent of the register's own types.

import {
  ChangeReason,
  checkIsoDate,
  checkResidentCode,
  compareIsoDates,
  isClosingReason,
  WAREKI_FIRST_DATE,
  type Sex,
} from '../../../domain/index.js';
import { JukinetError, quote } from '../../../shared/errors.js';

/** The certificates a municipal window issues from its register (住基法第12条, 第15条の4). */
export const CertificateKind = {
  /** 住民票の写し: the record of a whole household or of chosen members. */
  residentRecordCopy: 'resident-record-copy',
  /** 除票の写し: a closed record (moved out, died, deleted). */
  closedRecordCopy: 'closed-record-copy',
  /** 住民票記載事項証明書: only the items the requester names. */
  recordedItemsCertificate: 'recorded-items-certificate',
} as const;
export type CertificateKind = (typeof CertificateKind)[keyof typeof CertificateKind];

/**
 * The items a certificate can print, in the order they print. `address` and `household-head` are the household's
 * and print once at the top; the others print in each person's block.
 */
export const CertificateItem = {
  address: 'address',
  householdHead: 'household-head',
  name: 'name',
  commonName: 'common-name',
  birthDate: 'birth-date',
  sex: 'sex',
  relationship: 'relationship',
  domicile: 'domicile',
  residentSince: 'resident-since',
  addressSince: 'address-since',
  addressNotifiedOn: 'address-notified-on',
  previousAddress: 'previous-address',
  nationality: 'nationality',
  foreignResidentCategory: 'foreign-resident-category',
  residenceStatus: 'residence-status',
  periodOfStay: 'period-of-stay',
  residenceCardNumber: 'residence-card-number',
  residentCode: 'resident-code',
  closure: 'closure',
} as const;
export type CertificateItem = (typeof CertificateItem)[keyof typeof CertificateItem];

/** Every item, in print order. */
export const CERTIFICATE_ITEMS: readonly CertificateItem[] = Object.values(CertificateItem);

/** 第30条の45に規定する区分: the kinds of foreign resident the register records. */
export const ForeignResidentCategory = {
  /** 中長期在留者 */
  midToLongTerm: 'mid-to-long-term',
  /** 特別永住者 */
  specialPermanent: 'special-permanent',
  /** 一時庇護許可者 */
  temporaryRefuge: 'temporary-refuge',
  /** 仮滞在許可者 */
  provisionalStay: 'provisional-stay',
  /** 出生による経過滞在者又は国籍喪失による経過滞在者 */
  transitionalStay: 'transitional-stay',
} as const;
export type ForeignResidentCategory = (typeof ForeignResidentCategory)[keyof typeof ForeignResidentCategory];

/** The foreign-resident items of 住基法第30条の45; each optional where the person's category has none. */
export interface ForeignResidentItems {
  /** 国籍・地域 */
  readonly nationality: string;
  readonly category: ForeignResidentCategory;
  /** 在留資格 (中長期在留者 only). */
  readonly residenceStatus?: string;
  /** 在留期間, as granted: "3年", "6月". */
  readonly periodOfStay?: string;
  /** 在留期間の満了の日, an ISO date. */
  readonly periodExpiresOn?: string;
  /** 在留カード等の番号: the residence card or special permanent resident certificate number. */
  readonly residenceCardNumber?: string;
  /** 通称, where registered (住基法施行令第30条の16). */
  readonly commonName?: string;
}

/** A person as a certificate sees them: every 住民票 item (住基法第7条, 第30条の45), each absent where not held. */
export interface CertificatePerson {
  /** The caller's id of the person, used to choose members; never printed. */
  readonly id: string;
  /** 氏名 */
  readonly name: string;
  /** The reading in full-width katakana, where the municipality keeps one. */
  readonly nameKana?: string;
  /** 出生の年月日, an ISO date. */
  readonly birthDate: string;
  readonly sex: Sex;
  /** 世帯主との続柄: 世帯主, 妻, 子, … */
  readonly relationship?: string;
  /** 戸籍の表示 (本籍 and 筆頭者): Japanese residents only. */
  readonly domicile?: { readonly place: string; readonly head: string };
  /** 住民となった年月日 (for a foreign resident, 外国人住民となった年月日). */
  readonly residentSince?: string;
  /** 住所を定めた年月日 (a move within the municipality). */
  readonly addressSince?: string;
  /** 住所を定めた旨の届出の年月日 */
  readonly addressNotifiedOn?: string;
  /** 従前の住所 */
  readonly previousAddress?: string;
  /** 住民票コード, 11 digits. */
  readonly residentCode?: string;
  /** Present exactly for a foreign resident (住基法第30条の45). */
  readonly foreignResident?: ForeignResidentItems;
  /** Present once the record is a 除票: why and when it was closed, and where the person went (転出先). */
  readonly closure?: { readonly reason: ChangeReason; readonly date: string; readonly destination?: string };
}

/** The household the certificate prints from: its address and head, and its members. */
export interface CertificateHousehold {
  /** 住所, as written on the register. */
  readonly address: string;
  /** 世帯主の氏名 */
  readonly head: string;
  readonly members: readonly CertificatePerson[];
}

/** Who certifies: the municipality and the mayor's title line. */
export interface CertificateIssuer {
  /** The municipality's full name: 東京都文京区. */
  readonly municipality: string;
  /** The certifier's title: 東京都文京区長 (札幌市中央区長 for a ward of a designated city). */
  readonly certifierTitle: string;
  /** The certifier's name, configured per municipality: 本郷 和子. */
  readonly certifierName: string;
}

/**
 * The items the window may print because the requester is entitled to them (the requester is the person or the
 * household, or has a 正当な理由); the three items a copy omits unless asked for (住基法第12条第5項).
 */
export interface ItemPermission {
  /** 本籍 and 筆頭者 */
  readonly domicile: boolean;
  /** 世帯主との続柄 */
  readonly relationship: boolean;
  /** 住民票コード */
  readonly residentCode: boolean;
}

/** One certificate to render. */
export interface CertificateRequest {
  readonly kind: CertificateKind;
  readonly household: CertificateHousehold;
  /** The members to print, by id, in this order; the whole household when absent. */
  readonly memberIds?: readonly string[];
  /**
   * The items asked for. For a copy, the items a copy always prints need not be listed; listing domicile,
   * relationship or resident-code asks for them. For a 記載事項証明書, exactly the items to print.
   */
  readonly requestedItems: readonly CertificateItem[];
  readonly permitted: ItemPermission;
  readonly issuer: CertificateIssuer;
  /** The certification date, an ISO date. */
  readonly issuedOn: string;
  /** The window's serial number of the certificate, printed in the footer when given. */
  readonly serialNumber?: string;
  /**
   * False when `household.members` holds only some of the household's current members (a wide-area copy carries only
   * the members asked for): a 住民票の写し then never says 世帯全員. Left out, the members are the whole household.
   */
  readonly householdComplete?: boolean;
  /** A line printed below the certifier, such as the wide-area copy's statement (住基法第12条の4). */
  readonly note?: string;
}

/** The longest text a certificate prints in one item; longer input is a mistake upstream. */
const MAX_TEXT = 200;
/** C0 and C1 control characters and DEL. */
const CONTROL = /\p{Cc}/u;

function refuse(detail: string): never {
  throw new JukinetError('JUKI_ERR_CERTIFICATE_REQUEST_INVALID', detail);
}

function checkText(where: string, value: string | undefined): void {
  if (value === undefined) return;
  if (value.trim() === '') refuse(`${where} is empty`);
  if ([...value].length > MAX_TEXT) refuse(`${where} has more than ${MAX_TEXT} characters`);
  if (CONTROL.test(value)) refuse(`${where} ${quote(value)} contains a control character`);
}

function checkDate(where: string, value: string | undefined): void {
  if (value === undefined) return;
  const valid = checkIsoDate(value);
  if (!valid.ok) refuse(`${where} ${quote(value)}: ${valid.reason}`);
  // 和暦 starts with the Gregorian calendar (wareki.ts); nobody on a register was born before it.
  if (compareIsoDates(value, WAREKI_FIRST_DATE) < 0)
    refuse(`${where} ${quote(value)}: before ${WAREKI_FIRST_DATE}`);
}

function checkPerson(person: CertificatePerson, issuedOn: string): void {
  const where = `member ${quote(person.id)}`;
  checkText(`${where}: name`, person.name);
  checkText(`${where}: name kana`, person.nameKana);
  checkText(`${where}: relationship`, person.relationship);
  checkText(`${where}: domicile`, person.domicile?.place);
  checkText(`${where}: domicile head`, person.domicile?.head);
  checkText(`${where}: previous address`, person.previousAddress);
  checkDate(`${where}: birth date`, person.birthDate);
  checkDate(`${where}: resident since`, person.residentSince);
  checkDate(`${where}: address since`, person.addressSince);
  checkDate(`${where}: address notified on`, person.addressNotifiedOn);
  if (compareIsoDates(person.birthDate, issuedOn) > 0) {
    refuse(`${where}: birth date ${quote(person.birthDate)} is after the issue date ${quote(issuedOn)}`);
  }
  if (person.residentCode !== undefined) {
    const code = checkResidentCode(person.residentCode);
    if (!code.ok) refuse(`${where}: resident code ${quote(person.residentCode)}: ${code.reason}`);
  }
  const foreign = person.foreignResident;
  if (foreign !== undefined) {
    checkText(`${where}: nationality`, foreign.nationality);
    checkText(`${where}: residence status`, foreign.residenceStatus);
    checkText(`${where}: period of stay`, foreign.periodOfStay);
    checkText(`${where}: residence card number`, foreign.residenceCardNumber);
    checkText(`${where}: common name`, foreign.commonName);
    checkDate(`${where}: period of stay expiry`, foreign.periodExpiresOn);
    if (!Object.values(ForeignResidentCategory).includes(foreign.category)) {
      refuse(`${where}: foreign resident category ${quote(foreign.category)} is not one we know`);
    }
  }
  if (person.closure !== undefined) {
    checkDate(`${where}: closure date`, person.closure.date);
    checkText(`${where}: destination`, person.closure.destination);
    if (
      !Object.values(ChangeReason).includes(person.closure.reason) ||
      !isClosingReason(person.closure.reason)
    ) {
      refuse(`${where}: closure reason ${quote(person.closure.reason)} does not close a record`);
    }
  }
}

/**
 * The members a request prints, in print order: the chosen ones, or the whole household. Throws
 * JUKI_ERR_CERTIFICATE_NO_PERSONS when none, JUKI_ERR_CERTIFICATE_PERSON_NOT_IN_HOUSEHOLD for an unknown id.
 */
export function membersOf(request: CertificateRequest): readonly CertificatePerson[] {
  const { members } = request.household;
  const chosen =
    request.memberIds === undefined
      ? members
      : request.memberIds.map((id) => {
          const member = members.find((person) => person.id === id);
          if (member === undefined) {
            throw new JukinetError('JUKI_ERR_CERTIFICATE_PERSON_NOT_IN_HOUSEHOLD', quote(id));
          }
          return member;
        });
  if (chosen.length === 0) throw new JukinetError('JUKI_ERR_CERTIFICATE_NO_PERSONS');
  return chosen;
}

/**
 * Checks a request before anything renders, and returns the members to print. Throws a JukinetError:
 * JUKI_ERR_CERTIFICATE_NO_PERSONS, JUKI_ERR_CERTIFICATE_PERSON_NOT_IN_HOUSEHOLD, JUKI_ERR_CERTIFICATE_RECORD_STATE
 * (a 除票の写し of an open record, a 住民票の写し of a closed one), or JUKI_ERR_CERTIFICATE_REQUEST_INVALID (an empty
 * name, a malformed date, a duplicate member, a 記載事項証明書 that asks for nothing).
 */
export function validateCertificateRequest(request: CertificateRequest): readonly CertificatePerson[] {
  if (!Object.values(CertificateKind).includes(request.kind)) {
    refuse(`kind ${quote(request.kind)} is not one we know`);
  }
  checkDate('issue date', request.issuedOn);
  checkText('address', request.household.address);
  checkText('household head', request.household.head);
  checkText('municipality', request.issuer.municipality);
  checkText('certifier title', request.issuer.certifierTitle);
  checkText('certifier name', request.issuer.certifierName);
  checkText('serial number', request.serialNumber);
  checkText('note', request.note);
  for (const item of request.requestedItems) {
    if (!CERTIFICATE_ITEMS.includes(item)) refuse(`item ${quote(item)} is not one we know`);
  }
  if (request.kind === CertificateKind.recordedItemsCertificate && request.requestedItems.length === 0) {
    refuse('a 住民票記載事項証明書 needs at least one requested item');
  }
  const ids = new Set<string>();
  for (const member of request.household.members) {
    if (ids.has(member.id)) refuse(`member ${quote(member.id)} appears twice in the household`);
    ids.add(member.id);
  }
  if (request.memberIds !== undefined && new Set(request.memberIds).size !== request.memberIds.length) {
    refuse('a member is chosen twice');
  }
  const chosen = membersOf(request);
  for (const person of chosen) {
    checkPerson(person, request.issuedOn);
    const closed = person.closure !== undefined;
    if (request.kind === CertificateKind.closedRecordCopy && !closed) {
      throw new JukinetError(
        'JUKI_ERR_CERTIFICATE_RECORD_STATE',
        `member ${quote(person.id)}: a 除票の写し needs a closed record`,
      );
    }
    if (request.kind !== CertificateKind.closedRecordCopy && closed) {
      throw new JukinetError(
        'JUKI_ERR_CERTIFICATE_RECORD_STATE',
        `member ${quote(person.id)}: the record is closed (除票); issue a 除票の写し`,
      );
    }
  }
  return chosen;
}
