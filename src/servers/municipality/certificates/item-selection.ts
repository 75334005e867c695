// Which items a certificate prints: a pure function of the request. A copy prints the whole record except the items
// omitted unless asked for (住基法第12条第5項); a 記載事項証明書 prints only what was asked for. See docs/certificates.md.

import {
  CERTIFICATE_ITEMS,
  CertificateItem,
  CertificateKind,
  membersOf,
  type CertificatePerson,
  type CertificateRequest,
  type ItemPermission,
} from './certificate-request.js';

/**
 * The items a copy leaves out unless the requester asks for them and is entitled to them: 世帯主との続柄, 戸籍の表示
 * and 住民票コード (住基法第12条第5項; 第12条の4第4項 for the wide-area copy), each behind its permission.
 */
export const ITEMS_OMITTED_UNLESS_REQUESTED = {
  [CertificateItem.domicile]: 'domicile',
  [CertificateItem.relationship]: 'relationship',
  [CertificateItem.residentCode]: 'residentCode',
} as const satisfies Partial<Record<CertificateItem, keyof ItemPermission>>;

/** The items printed once, above the persons, because they belong to the household. */
export const HOUSEHOLD_ITEMS: readonly CertificateItem[] = [
  CertificateItem.address,
  CertificateItem.householdHead,
];

/** One person's block: the person and the items it prints, in print order. */
export interface PersonSelection {
  readonly person: CertificatePerson;
  readonly items: readonly CertificateItem[];
}

/** What a certificate prints: the household items at the top, then one block per person. */
export interface ItemSelection {
  readonly household: readonly CertificateItem[];
  readonly persons: readonly PersonSelection[];
}

function isOmittedUnlessRequested(
  item: CertificateItem,
): item is keyof typeof ITEMS_OMITTED_UNLESS_REQUESTED {
  return Object.hasOwn(ITEMS_OMITTED_UNLESS_REQUESTED, item);
}

/** True when the request lets the item print at all, whoever the person is. */
function isWanted(request: CertificateRequest, item: CertificateItem): boolean {
  const requested = request.requestedItems.includes(item);
  if (isOmittedUnlessRequested(item)) {
    return requested && request.permitted[ITEMS_OMITTED_UNLESS_REQUESTED[item]];
  }
  switch (request.kind) {
    case CertificateKind.residentRecordCopy:
    case CertificateKind.closedRecordCopy:
      return true;
    case CertificateKind.recordedItemsCertificate:
      // 氏名 always prints: without it the certificate would not say whose items it certifies.
      return requested || item === CertificateItem.name;
  }
}

/** True when the person's record holds the item, so that there is something to print. */
function isHeld(person: CertificatePerson, item: CertificateItem): boolean {
  const foreign = person.foreignResident;
  switch (item) {
    case CertificateItem.address:
    case CertificateItem.householdHead:
    case CertificateItem.name:
    case CertificateItem.birthDate:
    case CertificateItem.sex:
      return true;
    case CertificateItem.relationship:
      return person.relationship !== undefined;
    case CertificateItem.domicile:
      // 戸籍の表示 is a Japanese resident's item only (住基法第7条第5号, 第30条の45).
      return person.domicile !== undefined && foreign === undefined;
    case CertificateItem.residentSince:
      return person.residentSince !== undefined;
    case CertificateItem.addressSince:
      return person.addressSince !== undefined;
    case CertificateItem.addressNotifiedOn:
      return person.addressNotifiedOn !== undefined;
    case CertificateItem.previousAddress:
      return person.previousAddress !== undefined;
    case CertificateItem.residentCode:
      return person.residentCode !== undefined;
    case CertificateItem.commonName:
      return foreign?.commonName !== undefined;
    case CertificateItem.nationality:
    case CertificateItem.foreignResidentCategory:
      return foreign !== undefined;
    case CertificateItem.residenceStatus:
      return foreign?.residenceStatus !== undefined;
    case CertificateItem.periodOfStay:
      return foreign?.periodOfStay !== undefined || foreign?.periodExpiresOn !== undefined;
    case CertificateItem.residenceCardNumber:
      return foreign?.residenceCardNumber !== undefined;
    case CertificateItem.closure:
      return person.closure !== undefined;
  }
}

/**
 * Decides what a certificate prints. An item prints when the request wants it (a copy: always, except 続柄, 本籍・
 * 筆頭者 and 住民票コード, which need to be both requested and permitted; a 記載事項証明書: only when requested, and
 * those three only when also permitted; 氏名 always, to say whose items they are) and the person holds it; 本籍・筆頭者 never for a foreign resident.
 * Throws like membersOf() when the request names no member or a stranger.
 */
export function selectItems(request: CertificateRequest): ItemSelection {
  const wanted = CERTIFICATE_ITEMS.filter((item) => isWanted(request, item));
  const household = wanted.filter((item) => HOUSEHOLD_ITEMS.includes(item));
  const personal = wanted.filter((item) => !HOUSEHOLD_ITEMS.includes(item));
  const persons = membersOf(request).map((person) => ({
    person,
    items: personal.filter((item) => isHeld(person, item)),
  }));
  return { household, persons };
}
