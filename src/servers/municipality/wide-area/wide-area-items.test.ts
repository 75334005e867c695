// What a wide-area copy carries and prints: only the 8 items of 住基法第12条の4 leave the address municipality, whatever
// the record holds (fast-check, fixed seed), and the issuing municipality's copy never prints 本籍・筆頭者.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LocalGovernmentCode, ResidentCode } from '../../../domain/index.js';
import {
  wideAreaCopyAnswerSchema,
  type WideAreaCopyAnswer,
} from '../../../protocol/messages/wide-area-copy.js';
import { isJukinetError } from '../../../shared/errors.js';
import { buildCertificateContent } from '../certificates/index.js';
import type { ResidentRecord } from '../register/index.js';
import {
  chooseWideAreaMembers,
  wideAreaCertificateOf,
  wideAreaMemberOf,
  wideAreaNoteOf,
} from './wide-area-items.js';

const BUNKYO = '131059' as LocalGovernmentCode;
const ISSUER = { municipality: '鳥取県鳥取市', certifierTitle: '鳥取県鳥取市長', certifierName: '因幡 太郎' };
const DOMICILE = { place: '北海道札幌市中央区北一条西二丁目1番地', head: '本郷 一郎' };

/** The fields a member may carry: the 8 items (住所 and 世帯主 travel once, for the household). */
const MEMBER_FIELDS = [
  'residentCode',
  'name',
  'birthDate',
  'sex',
  'relationship',
  'residentSince',
  'addressNotifiedOn',
  'previousAddress',
];

/** A record of the household; an override of `undefined` removes an optional item. */
function recordOf(
  overrides: { [K in keyof ResidentRecord]?: ResidentRecord[K] | undefined } = {},
): ResidentRecord {
  return {
    id: 'r-head',
    residentCode: '12345678903' as ResidentCode,
    previousResidentCodes: ['98765432103' as ResidentCode],
    name: '本郷 一郎',
    nameKana: 'ホンゴウ イチロウ',
    birthDate: '1983-02-01',
    sex: 'male',
    foreignResident: false,
    address: '東京都文京区本郷二丁目2番2号',
    lgCode: BUNKYO,
    addressSince: '2022-05-01',
    addressNotifiedOn: '2022-05-02',
    previousAddress: '東京都文京区春日一丁目1番1号',
    residentSince: '2010-04-01',
    householdId: 'h-hongo',
    closed: false,
    lastChange: { kind: 'move-within', reason: 'move-within', date: '2022-05-01' },
    version: 3,
    relationship: '世帯主',
    domicile: DOMICILE,
    benefits: { electoralRoll: true, nationalPension: { since: '2003-02-01', number: '1234-567890' } },
    ...overrides,
  } as ResidentRecord;
}

const HEAD = recordOf();
const WIFE = recordOf({
  id: 'r-wife',
  residentCode: '23456789013' as ResidentCode,
  previousResidentCodes: [],
  name: '本郷 花子',
  nameKana: 'ホンゴウ ハナコ',
  birthDate: '1985-06-15',
  sex: 'female',
  relationship: '妻',
});
const CHILD = recordOf({
  id: 'r-child',
  residentCode: '34567890122' as ResidentCode,
  previousResidentCodes: [],
  name: '本郷 三郎',
  birthDate: '2020-03-25',
  relationship: '子',
  residentSince: '2020-03-25',
  addressNotifiedOn: '2020-04-01',
  previousAddress: undefined,
  domicile: DOMICILE,
});

function answerOf(members: readonly ResidentRecord[], wholeHousehold = true): WideAreaCopyAnswer {
  return wideAreaCopyAnswerSchema.parse({
    answerId: '0190a5d0-0000-7000-8000-000000000001',
    address: HEAD.address,
    householdHead: HEAD.name,
    wholeHousehold,
    members: members.map(wideAreaMemberOf),
  });
}

describe('wideAreaMemberOf()', () => {
  it('carries the 8 items and leaves 本籍・筆頭者, the reading, the history and the other items at home', () => {
    const member = wideAreaMemberOf(HEAD);
    expect(member).toEqual({
      residentCode: HEAD.residentCode,
      name: '本郷 一郎',
      birthDate: '1983-02-01',
      sex: 'male',
      relationship: '世帯主',
      residentSince: '2010-04-01',
      addressNotifiedOn: '2022-05-02',
      previousAddress: '東京都文京区春日一丁目1番1号',
    });
    const text = JSON.stringify(member);
    for (const absent of [DOMICILE.place, 'ホンゴウ', '98765432103', '2022-05-01', '1234-567890']) {
      expect(text).not.toContain(absent);
    }
  });

  it('never carries a field beyond the 8 items, whatever the record holds', () => {
    const records = fc.record({
      relationship: fc.option(fc.constantFrom('世帯主', '妻', '子', '同居人'), { nil: undefined }),
      previousAddress: fc.option(fc.constant('大阪府松原市阿保一丁目1番1号'), { nil: undefined }),
      commonName: fc.option(fc.constant('通称 名'), { nil: undefined }),
      domicile: fc.option(fc.constant(DOMICILE), { nil: undefined }),
      foreign: fc.option(
        fc.constant({
          nationality: '米国',
          category: 'mid-to-long-term' as const,
          residenceCardNumber: 'AB12345678CD',
        }),
        { nil: undefined },
      ),
      previousResidentCodes: fc.constantFrom([], ['98765432103' as ResidentCode]),
    });
    fc.assert(
      fc.property(records, (overrides) => {
        const member = wideAreaMemberOf(recordOf(overrides));
        const fields = Object.keys(member);
        expect(fields.every((field) => MEMBER_FIELDS.includes(field))).toBe(true);
        const text = JSON.stringify(member);
        expect(text).not.toContain(DOMICILE.place);
        expect(text).not.toContain('AB12345678CD');
        expect(text).not.toContain('通称');
        expect(text).not.toContain('98765432103');
        expect(wideAreaCopyAnswerSchema.safeParse({ ...answerOf([HEAD]), members: [member] }).success).toBe(
          true,
        );
      }),
      { seed: 20240401, numRuns: 200 },
    );
  });
});

describe('chooseWideAreaMembers()', () => {
  const household = [HEAD, WIFE, CHILD];

  it('answers the person alone, the whole household, or the person and the members asked for', () => {
    expect(chooseWideAreaMembers(WIFE, household, false)).toEqual([WIFE]);
    expect(chooseWideAreaMembers(WIFE, household, true)).toEqual(household);
    expect(chooseWideAreaMembers(CHILD, household, [HEAD.residentCode])).toEqual([HEAD, CHILD]);
  });

  it('leaves out a code that is not a member of the household and says nothing of it', () => {
    expect(chooseWideAreaMembers(CHILD, household, ['45678901230'])).toEqual([CHILD]);
  });
});

describe('wideAreaCertificateOf()', () => {
  const base = {
    addressLgCode: BUNKYO,
    issuer: ISSUER,
    issuedOn: '2024-04-01',
  };

  it('prints the household certified by the issuing municipality, with the 第12条の4 line and without 本籍・筆頭者', () => {
    const request = wideAreaCertificateOf({
      ...base,
      answer: answerOf([HEAD, WIFE, CHILD]),
      print: [HEAD.residentCode, WIFE.residentCode, CHILD.residentCode],
      requestedItems: ['relationship'],
    });
    expect(request.permitted.domicile).toBe(false);
    const content = buildCertificateContent(request);
    const labels = content.persons.flatMap((block) => block.rows.map((row) => row.label));
    expect(labels).not.toContain('本籍');
    expect(labels).not.toContain('筆頭者');
    expect(labels).not.toContain('住民票コード');
    expect(labels).not.toContain('フリガナ');
    expect(labels).toContain('続柄');
    expect(content.scope).toBe('世帯全員');
    expect(content.certifier).toBe('鳥取県鳥取市長\u3000因幡 太郎');
    expect(content.note).toBe(
      'この写しは、住民基本台帳法第12条の4の規定により交付したものです。（住所地：東京都文京区）',
    );
    expect(JSON.stringify(content)).not.toContain(DOMICILE.place);
  });

  it('prints 続柄 and 住民票コード only when asked for', () => {
    const plain = buildCertificateContent(
      wideAreaCertificateOf({
        ...base,
        answer: answerOf([HEAD]),
        print: [HEAD.residentCode],
        requestedItems: [],
      }),
    );
    const labels = plain.persons.flatMap((block) => block.rows.map((row) => row.label));
    expect(labels).not.toContain('続柄');
    expect(labels).not.toContain('住民票コード');
    const asked = buildCertificateContent(
      wideAreaCertificateOf({
        ...base,
        answer: answerOf([HEAD]),
        print: [HEAD.residentCode],
        requestedItems: ['relationship', 'resident-code'],
      }),
    );
    expect(asked.persons[0]?.rows).toEqual(
      expect.arrayContaining([
        { label: '続柄', value: '世帯主' },
        { label: '住民票コード', value: HEAD.residentCode },
      ]),
    );
  });

  it('says 世帯の一部 when the answer is only part of the household, even when every member answered prints', () => {
    const partial = buildCertificateContent(
      wideAreaCertificateOf({
        ...base,
        answer: answerOf([WIFE], false),
        print: [WIFE.residentCode],
        requestedItems: [],
      }),
    );
    expect(partial.scope).toBe('世帯の一部');
    const holderLeftOut = buildCertificateContent(
      wideAreaCertificateOf({
        ...base,
        answer: answerOf([HEAD, WIFE]),
        print: [WIFE.residentCode],
        requestedItems: [],
      }),
    );
    expect(holderLeftOut.scope).toBe('世帯の一部');
    expect(holderLeftOut.persons).toHaveLength(1);
  });

  it('refuses to print a code the answer does not carry', () => {
    let refused: unknown;
    try {
      wideAreaCertificateOf({
        ...base,
        answer: answerOf([HEAD]),
        print: [WIFE.residentCode],
        requestedItems: [],
      });
    } catch (error) {
      refused = error;
    }
    expect(isJukinetError(refused, 'JUKI_ERR_CERTIFICATE_PERSON_NOT_IN_HOUSEHOLD')).toBe(true);
  });

  it('names the address municipality in the note', () => {
    expect(wideAreaNoteOf('312011' as LocalGovernmentCode)).toContain('（住所地：鳥取県鳥取市）');
  });
});
