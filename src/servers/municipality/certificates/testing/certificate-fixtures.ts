// Test fixtures for the certificate tests: a 文京区 household with Japanese and foreign members, a closed record, and
// a request builder. Not exported through index.ts.

import { residentCodeCheckDigit } from '../../../../domain/index.js';
import type { CertificatePerson, CertificateRequest } from '../certificate-request.js';

function codeOf(body: string): string {
  return `${body}${residentCodeCheckDigit(body)}`;
}

/** A 本籍 text that must never print, because its holder is a foreign resident. */
export const FOREIGN_DOMICILE = '架空県架空市一番地';

export const HEAD: CertificatePerson = {
  id: 'p-head',
  name: '文京 太郎',
  nameKana: 'ブンキョウ タロウ',
  birthDate: '1980-04-01',
  sex: 'male',
  relationship: '世帯主',
  domicile: { place: '東京都文京区春日一丁目16番', head: '文京 太郎' },
  residentSince: '2010-04-01',
  addressSince: '2015-05-01',
  addressNotifiedOn: '2015-05-10',
  previousAddress: '東京都文京区本郷四丁目1番3号',
  residentCode: codeOf('1234567890'),
};

export const SPOUSE: CertificatePerson = {
  id: 'p-spouse',
  name: '文京 花子',
  nameKana: 'ブンキョウ ハナコ',
  birthDate: '1982-11-23',
  sex: 'female',
  relationship: '妻',
  domicile: { place: '東京都文京区春日一丁目16番', head: '文京 太郎' },
  residentSince: '2012-06-01',
  addressSince: '2015-05-01',
  addressNotifiedOn: '2015-05-10',
  previousAddress: '東京都文京区本郷四丁目1番3号',
  residentCode: codeOf('9876543210'),
};

export const CHILD: CertificatePerson = {
  id: 'p-child',
  name: '文京 一郎',
  birthDate: '2019-05-01',
  sex: 'male',
  relationship: '子',
  domicile: { place: '東京都文京区春日一丁目16番', head: '文京 太郎' },
  residentSince: '2019-05-01',
  residentCode: codeOf('1111111111'),
};

export const LODGER: CertificatePerson = {
  id: 'p-lodger',
  name: 'SMITH JOHN',
  birthDate: '1990-07-15',
  sex: 'male',
  relationship: '同居人',
  // Wrong data upstream: a foreign resident has no 戸籍. The certificate must not print it.
  domicile: { place: FOREIGN_DOMICILE, head: '架空 人物' },
  residentSince: '2023-04-01',
  residentCode: codeOf('2222222222'),
  foreignResident: {
    nationality: '米国',
    category: 'mid-to-long-term',
    residenceStatus: '技術・人文知識・国際業務',
    periodOfStay: '3年',
    periodExpiresOn: '2027-03-31',
    residenceCardNumber: 'AB12345678CD',
    commonName: '須美寿 譲',
  },
};

export const MOVED_OUT: CertificatePerson = {
  id: 'p-moved',
  name: '文京 次郎',
  nameKana: 'ブンキョウ ジロウ',
  birthDate: '1975-02-10',
  sex: 'male',
  relationship: '世帯主',
  domicile: { place: '東京都文京区春日一丁目16番', head: '文京 次郎' },
  residentSince: '2001-09-01',
  residentCode: codeOf('3333333333'),
  closure: { reason: 'move-out', date: '2024-03-15', destination: '大阪府松原市阿保一丁目1番1号' },
};

export const ADDRESS = '東京都文京区春日一丁目16番21号';

/** A request for the whole household; override what a test needs. */
export function requestOf(overrides: Partial<CertificateRequest> = {}): CertificateRequest {
  return {
    kind: 'resident-record-copy',
    household: { address: ADDRESS, head: HEAD.name, members: [HEAD, SPOUSE, CHILD, LODGER] },
    requestedItems: [],
    permitted: { domicile: true, relationship: true, residentCode: true },
    issuer: { municipality: '東京都文京区', certifierTitle: '東京都文京区長', certifierName: '本郷 和子' },
    issuedOn: '2024-04-01',
    ...overrides,
  };
}

/** A 除票の写し of the moved-out person. */
export function closedRequestOf(overrides: Partial<CertificateRequest> = {}): CertificateRequest {
  return requestOf({
    kind: 'closed-record-copy',
    household: { address: ADDRESS, head: MOVED_OUT.name, members: [MOVED_OUT] },
    ...overrides,
  });
}
