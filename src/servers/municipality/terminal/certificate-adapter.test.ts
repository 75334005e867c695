// The pure adapter from register records to a CertificateRequest, the issuer's title, the household order, and the
// search criteria a terminal query names.

import { describe, expect, it } from 'vitest';
import type { LocalGovernmentCode, ResidentCode } from '../../../domain/index.js';
import { isJukinetError } from '../../../shared/errors.js';
import { selectItems } from '../certificates/index.js';
import type { ResidentRecord } from '../register/index.js';
import {
  certificatePersonOf,
  certificateRequestOf,
  inHouseholdOrder,
  issuerOf,
} from './certificate-adapter.js';
import { searchCriteriaOf } from './register-routes.js';

const HEAD: ResidentRecord = {
  id: 'r-head',
  residentCode: '12345678901' as ResidentCode,
  previousResidentCodes: [],
  name: '本郷 一郎',
  nameKana: 'ホンゴウ イチロウ',
  birthDate: '1983-02-01',
  sex: 'male',
  foreignResident: false,
  address: '東京都文京区本郷二丁目2番2号',
  lgCode: '131059' as LocalGovernmentCode,
  addressSince: '2024-01-10',
  addressNotifiedOn: '2024-01-12',
  residentSince: '2024-01-10',
  householdId: 'h-1',
  relationship: '世帯主',
  domicile: { place: '北海道札幌市中央区北一条西二丁目1番地', head: '本郷 一郎' },
  closed: false,
  lastChange: { kind: 'official-entry', date: '2024-01-10' },
  version: 1,
};
const WIFE: ResidentRecord = {
  ...HEAD,
  id: 'r-wife',
  name: '本郷 花子',
  nameKana: 'ホンゴウ ハナコ',
  sex: 'female',
  relationship: '妻',
  addressSince: '2024-02-01',
  previousAddress: '東京都文京区春日一丁目1番1号',
};
const ISSUER = issuerOf('131059' as LocalGovernmentCode, '本郷 和子');

describe('certificate adapter', () => {
  it('issuerOf() names the municipality and its mayor, a designated city ward under its city', () => {
    expect(ISSUER).toEqual({
      municipality: '東京都文京区',
      certifierTitle: '東京都文京区長',
      certifierName: '本郷 和子',
    });
    expect(issuerOf('011011' as LocalGovernmentCode, '札幌 太郎')).toMatchObject({
      municipality: '北海道札幌市中央区',
      certifierTitle: '札幌市中央区長',
    });
  });

  it('certificatePersonOf() carries every item the record holds, and 住所を定めた年月日 only after a move', () => {
    expect(certificatePersonOf(HEAD)).toEqual({
      id: 'r-head',
      name: '本郷 一郎',
      nameKana: 'ホンゴウ イチロウ',
      birthDate: '1983-02-01',
      sex: 'male',
      relationship: '世帯主',
      domicile: HEAD.domicile,
      residentSince: '2024-01-10',
      addressNotifiedOn: '2024-01-12',
      residentCode: '12345678901',
    });
    expect(certificatePersonOf(WIFE)).toMatchObject({
      addressSince: '2024-02-01',
      previousAddress: '東京都文京区春日一丁目1番1号',
    });
  });

  it('certificateRequestOf() permits 本籍, 続柄 and 住民票コード only when requested by an operator who may issue', () => {
    const base = {
      kind: 'resident-record-copy',
      address: HEAD.address,
      head: HEAD.name,
      records: [HEAD, WIFE],
      issuer: ISSUER,
      issuedOn: '2024-04-01',
    } as const;
    const plain = certificateRequestOf({ ...base, requestedItems: [], mayIssue: true });
    expect(plain.permitted).toEqual({ domicile: false, relationship: false, residentCode: false });
    expect(selectItems(plain).persons[0]?.items).not.toContain('domicile');
    const asked = certificateRequestOf({
      ...base,
      memberIds: ['r-wife'],
      requestedItems: ['domicile', 'relationship'],
      mayIssue: true,
    });
    expect(asked.permitted).toEqual({ domicile: true, relationship: true, residentCode: false });
    expect(asked.memberIds).toEqual(['r-wife']);
    expect(selectItems(asked).persons[0]?.items).toEqual(
      expect.arrayContaining(['domicile', 'relationship']),
    );
    const withoutRight = certificateRequestOf({ ...base, requestedItems: ['domicile'], mayIssue: false });
    expect(withoutRight.permitted.domicile).toBe(false);
  });

  it('inHouseholdOrder() puts the head first and keeps the others in order', () => {
    expect(inHouseholdOrder([WIFE, HEAD], 'r-head').map((r) => r.id)).toEqual(['r-head', 'r-wife']);
    expect(inHouseholdOrder([WIFE, HEAD], null).map((r) => r.id)).toEqual(['r-wife', 'r-head']);
  });

  it('searchCriteriaOf() takes exactly one of code, name (with a birth date) or address', () => {
    expect(searchCriteriaOf({ code: '12345678901' })).toEqual({ by: 'code', code: '12345678901' });
    expect(searchCriteriaOf({ nameKana: 'ホンゴウ', birthDate: '1983-02-01' })).toEqual({
      by: 'name',
      nameKana: 'ホンゴウ',
      birthDate: '1983-02-01',
    });
    expect(searchCriteriaOf({ address: '東京都' })).toEqual({ by: 'address', address: '東京都' });
    for (const query of [{}, { birthDate: '1983-02-01' }, { code: '1', address: '東京都' }]) {
      let code: string | undefined;
      try {
        searchCriteriaOf(query);
      } catch (error) {
        if (isJukinetError(error)) code = error.code;
      }
      expect(code).toBe('JUKI_ERR_REGISTER_REQUEST_INVALID');
    }
  });
});
