// The words a certificate prints, before any layout: the title, the household rows, a labelled block per person
// (dates in 和暦) and the certification. Pure, so tests can read a certificate without a PDF.

import { changeReasonLabel, formatWareki, sexLabel } from '../../../domain/index.js';
import {
  CertificateItem,
  CertificateKind,
  validateCertificateRequest,
  type CertificatePerson,
  type CertificateRequest,
  type ForeignResidentCategory,
} from './certificate-request.js';
import { selectItems } from './item-selection.js';

/** One labelled line of a certificate: 住所 | 東京都文京区… */
export interface CertificateRow {
  readonly label: string;
  readonly value: string;
}

/** One person's block. */
export interface PersonBlock {
  /** The block's number on the certificate, from 1. */
  readonly number: number;
  readonly rows: readonly CertificateRow[];
}

/** Everything a certificate says, in reading order. */
export interface CertificateContent {
  readonly kind: CertificateKind;
  /** 住民票の写し, 除票の写し or 住民票記載事項証明書. */
  readonly title: string;
  /** 世帯全員 or 世帯の一部, for a 住民票の写し; absent otherwise. */
  readonly scope?: string;
  readonly household: readonly CertificateRow[];
  readonly persons: readonly PersonBlock[];
  /** この写しは、住民票の原本と相違ないことを証明する。 and its kin. */
  readonly certification: string;
  /** The certification date in 和暦. */
  readonly certifiedOn: string;
  readonly municipality: string;
  /** The certifier line: the title, an ideographic space and the name (東京都文京区長 本郷 和子). */
  readonly certifier: string;
  readonly serialNumber?: string;
  /** A line below the certifier (CertificateRequest.note). */
  readonly note?: string;
}

/** The certificate's title (the statutory name of the document). */
export const CERTIFICATE_TITLES: Readonly<Record<CertificateKind, string>> = {
  'resident-record-copy': '住民票の写し',
  'closed-record-copy': '除票の写し',
  'recorded-items-certificate': '住民票記載事項証明書',
};

/** The municipality's certification line for each kind. */
export const CERTIFICATION_LINES: Readonly<Record<CertificateKind, string>> = {
  'resident-record-copy': 'この写しは、住民票の原本と相違ないことを証明する。',
  'closed-record-copy': 'この写しは、除票の原本と相違ないことを証明する。',
  'recorded-items-certificate': '上記の事項は住民票に記載されていることを証明する。',
};

const CATEGORY_LABELS: Readonly<Record<ForeignResidentCategory, string>> = {
  'mid-to-long-term': '中長期在留者',
  'special-permanent': '特別永住者',
  'temporary-refuge': '一時庇護許可者',
  'provisional-stay': '仮滞在許可者',
  'transitional-stay': '経過滞在者',
};

/** The label of a foreign-resident category, as printed: 中長期在留者. */
export function foreignResidentCategoryLabel(category: ForeignResidentCategory): string {
  return CATEGORY_LABELS[category];
}

function rowsOf(person: CertificatePerson, item: CertificateItem): CertificateRow[] {
  const foreign = person.foreignResident;
  // isHeld() in item-selection.ts guarantees the values read here; `?? ''` only satisfies the compiler.
  switch (item) {
    case CertificateItem.address:
    case CertificateItem.householdHead:
      return [];
    case CertificateItem.name:
      return [
        ...(person.nameKana === undefined ? [] : [{ label: 'フリガナ', value: person.nameKana }]),
        { label: '氏名', value: person.name },
      ];
    case CertificateItem.commonName:
      return [{ label: '通称', value: foreign?.commonName ?? '' }];
    case CertificateItem.birthDate:
      return [{ label: '生年月日', value: formatWareki(person.birthDate) }];
    case CertificateItem.sex:
      return [{ label: '性別', value: sexLabel(person.sex) }];
    case CertificateItem.relationship:
      return [{ label: '続柄', value: person.relationship ?? '' }];
    case CertificateItem.domicile:
      return [
        { label: '本籍', value: person.domicile?.place ?? '' },
        { label: '筆頭者', value: person.domicile?.head ?? '' },
      ];
    case CertificateItem.residentSince:
      return [
        {
          label: foreign === undefined ? '住民となった年月日' : '外国人住民となった年月日',
          value: formatWareki(person.residentSince ?? ''),
        },
      ];
    case CertificateItem.addressSince:
      return [{ label: '住所を定めた年月日', value: formatWareki(person.addressSince ?? '') }];
    case CertificateItem.addressNotifiedOn:
      return [{ label: '住所を定めた旨の届出の年月日', value: formatWareki(person.addressNotifiedOn ?? '') }];
    case CertificateItem.previousAddress:
      return [{ label: '従前の住所', value: person.previousAddress ?? '' }];
    case CertificateItem.nationality:
      return [{ label: '国籍・地域', value: foreign?.nationality ?? '' }];
    case CertificateItem.foreignResidentCategory:
      return foreign === undefined
        ? []
        : [{ label: '第30条の45に規定する区分', value: foreignResidentCategoryLabel(foreign.category) }];
    case CertificateItem.residenceStatus:
      return [{ label: '在留資格', value: foreign?.residenceStatus ?? '' }];
    case CertificateItem.periodOfStay: {
      const period = foreign?.periodOfStay;
      const expiry = foreign?.periodExpiresOn;
      const expiryText = expiry === undefined ? undefined : `満了の日 ${formatWareki(expiry)}`;
      return [
        { label: '在留期間等', value: [period, expiryText].filter((part) => part !== undefined).join('　') },
      ];
    }
    case CertificateItem.residenceCardNumber:
      return [{ label: '在留カード等の番号', value: foreign?.residenceCardNumber ?? '' }];
    case CertificateItem.residentCode:
      return [{ label: '住民票コード', value: person.residentCode ?? '' }];
    case CertificateItem.closure: {
      const closure = person.closure;
      if (closure === undefined) return [];
      const destination = closure.destination === undefined ? '' : `（転出先 ${closure.destination}）`;
      return [
        { label: '消除事由', value: `${changeReasonLabel(closure.reason)}${destination}` },
        { label: '消除年月日', value: formatWareki(closure.date) },
      ];
    }
  }
}

/**
 * The content of the certificate a request asks for. Validates the request first (see validateCertificateRequest)
 * and prints only the items selectItems() lets through.
 */
export function buildCertificateContent(request: CertificateRequest): CertificateContent {
  const chosen = validateCertificateRequest(request);
  const selection = selectItems(request);
  const household: CertificateRow[] = [];
  for (const item of selection.household) {
    if (item === CertificateItem.address) household.push({ label: '住所', value: request.household.address });
    if (item === CertificateItem.householdHead)
      household.push({ label: '世帯主', value: request.household.head });
  }
  const persons = selection.persons.map(({ person, items }, index) => ({
    number: index + 1,
    rows: items.flatMap((item) => rowsOf(person, item)),
  }));
  const whole = chosen.length === request.household.members.length && request.householdComplete !== false;
  return {
    kind: request.kind,
    title: CERTIFICATE_TITLES[request.kind],
    ...(request.kind === CertificateKind.residentRecordCopy
      ? { scope: whole ? '世帯全員' : '世帯の一部' }
      : {}),
    household,
    persons,
    certification: CERTIFICATION_LINES[request.kind],
    certifiedOn: formatWareki(request.issuedOn),
    municipality: request.issuer.municipality,
    certifier: `${request.issuer.certifierTitle}\u3000${request.issuer.certifierName}`,
    ...(request.serialNumber === undefined ? {} : { serialNumber: request.serialNumber }),
    ...(request.note === undefined ? {} : { note: request.note }),
  };
}
