// From the register to a certificate: the pure adapter that turns register records into a CertificateRequest
// (docs/certificates.md), and the issuer a municipality certifies as. No I/O here.

import {
  findLocalGovernmentByCode,
  LocalGovernmentKind,
  type LocalGovernmentCode,
} from '../../../domain/index.js';
import { assert } from '../../../shared/assert.js';
import {
  CertificateItem,
  type CertificateIssuer,
  type CertificateKind,
  type CertificatePerson,
  type CertificateRequest,
} from '../certificates/index.js';
import type { ResidentRecord } from '../register/index.js';

/**
 * The municipality a node certifies for and the certifier's title: 東京都文京区 and 東京都文京区長; a ward of a
 * designated city certifies under the city's name (札幌市中央区長), as docs/certificates.md shows.
 */
export function issuerOf(lgCode: LocalGovernmentCode, certifierName: string): CertificateIssuer {
  const lg = findLocalGovernmentByCode(lgCode);
  assert(lg !== undefined, `A municipal node has a known local government code, not ${lgCode}`);
  const municipality = `${lg.prefecture}${lg.fullName}`;
  const certifierTitle = lg.kind === LocalGovernmentKind.ward ? `${lg.fullName}長` : `${municipality}長`;
  return { municipality, certifierTitle, certifierName };
}

/** A household's records as screens and certificates list them: the head first, then the others in the given order. */
export function inHouseholdOrder<T extends { readonly id: string }>(
  records: readonly T[],
  headResidentId: string | null,
): T[] {
  const head = records.filter((record) => record.id === headResidentId);
  return [...head, ...records.filter((record) => record.id !== headResidentId)];
}

/** A register record as a certificate sees it: every item the record holds, none it does not. */
export function certificatePersonOf(record: ResidentRecord): CertificatePerson {
  const foreign = record.foreign;
  return {
    id: record.id,
    name: record.name,
    ...(record.nameKana === undefined ? {} : { nameKana: record.nameKana }),
    birthDate: record.birthDate,
    sex: record.sex,
    ...(record.relationship === undefined ? {} : { relationship: record.relationship }),
    ...(record.domicile === undefined ? {} : { domicile: record.domicile }),
    residentSince: record.residentSince,
    // 住所を定めた年月日 prints only when the person moved within the municipality after becoming a resident.
    ...(record.addressSince === record.residentSince ? {} : { addressSince: record.addressSince }),
    addressNotifiedOn: record.addressNotifiedOn,
    ...(record.previousAddress === undefined ? {} : { previousAddress: record.previousAddress }),
    residentCode: record.residentCode,
    ...(foreign === undefined
      ? {}
      : {
          foreignResident: {
            nationality: foreign.nationality,
            category: foreign.category,
            ...(foreign.residenceStatus === undefined ? {} : { residenceStatus: foreign.residenceStatus }),
            ...(foreign.periodOfStay === undefined ? {} : { periodOfStay: foreign.periodOfStay }),
            ...(foreign.periodExpiresOn === undefined ? {} : { periodExpiresOn: foreign.periodExpiresOn }),
            ...(foreign.residenceCardNumber === undefined
              ? {}
              : { residenceCardNumber: foreign.residenceCardNumber }),
            ...(record.commonName === undefined ? {} : { commonName: record.commonName }),
          },
        }),
    ...(record.closure === undefined
      ? {}
      : {
          closure: {
            reason: record.closure.reason,
            date: record.closure.date,
            ...(record.closure.destination === undefined ? {} : { destination: record.closure.destination }),
          },
        }),
  };
}

/** What the terminal knows when it builds a certificate from the register. */
export interface RegisterCertificate {
  readonly kind: CertificateKind;
  /** The household's address as the register writes it. */
  readonly address: string;
  /** 世帯主の氏名. */
  readonly head: string;
  /** The records the certificate may print from, in household order. */
  readonly records: readonly ResidentRecord[];
  /** The records to print, by id, in this order; every one of `records` when absent. */
  readonly memberIds?: readonly string[];
  readonly requestedItems: readonly CertificateItem[];
  /** Whether the operator holds 証明書交付 (execute): only then may 本籍, 続柄 and 住民票コード print, when requested. */
  readonly mayIssue: boolean;
  readonly issuer: CertificateIssuer;
  /** The certification date, an ISO date (the node's clock, in Japan). */
  readonly issuedOn: string;
}

/**
 * Builds the CertificateRequest renderCertificate() prints. 本籍・筆頭者, 続柄 and 住民票コード are permitted only when
 * the operator may issue and the request names them (住基法第12条第5項); the renderer still prints them only when
 * requested, so a copy without them asked for never shows them.
 */
export function certificateRequestOf(input: RegisterCertificate): CertificateRequest {
  const requested = new Set(input.requestedItems);
  const permit = (item: CertificateItem): boolean => input.mayIssue && requested.has(item);
  return {
    kind: input.kind,
    household: {
      address: input.address,
      head: input.head,
      members: input.records.map(certificatePersonOf),
    },
    ...(input.memberIds === undefined ? {} : { memberIds: input.memberIds }),
    requestedItems: [...input.requestedItems],
    permitted: {
      domicile: permit(CertificateItem.domicile),
      relationship: permit(CertificateItem.relationship),
      residentCode: permit(CertificateItem.residentCode),
    },
    issuer: input.issuer,
    issuedOn: input.issuedOn,
  };
}
