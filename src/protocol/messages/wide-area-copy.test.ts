// The wide-area copy's call schemas are strict: a field the receiver does not know is refused, so that nothing beyond
// the 8 items (no 本籍, no history) can ride along, and the national look-up answers the LG code only.

import { describe, expect, it } from 'vitest';
import { isJukinetError } from '../../shared/errors.js';
import {
  parseWideAreaCopyAnswer,
  parseWideAreaCopyRequest,
  parseWideAreaLocateAnswer,
  wideAreaCopyRequestSchema,
} from './wide-area-copy.js';

const CODE = '12345678903';
const MEMBER = {
  residentCode: CODE,
  name: '本郷 一郎',
  birthDate: '1983-02-01',
  sex: 'male',
  relationship: '世帯主',
  residentSince: '2010-04-01',
  addressNotifiedOn: '2010-04-01',
};
const ANSWER = {
  answerId: '0190a5d0-0000-7000-8000-000000000001',
  address: '東京都文京区本郷二丁目2番2号',
  householdHead: '本郷 一郎',
  wholeHousehold: true,
  members: [MEMBER],
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isJukinetError(error) ? error.code : 'not a JukinetError';
  }
  return undefined;
}

describe('the wide-area copy request', () => {
  const request = { residentCode: CODE, household: false, requestedBy: { lgCode: '312011' } };

  it('reads the person alone, the whole household, or the members wanted', () => {
    expect(parseWideAreaCopyRequest(request)).toEqual(request);
    expect(parseWideAreaCopyRequest({ ...request, household: true }).household).toBe(true);
    expect(parseWideAreaCopyRequest({ ...request, household: ['23456789013'] }).household).toEqual([
      '23456789013',
    ]);
  });

  it('refuses an extra field, at the top and inside requestedBy, with JUKI_ERR_REQUEST_INVALID', () => {
    expect(codeOf(() => parseWideAreaCopyRequest({ ...request, items: ['domicile'] }))).toBe(
      'JUKI_ERR_REQUEST_INVALID',
    );
    expect(
      codeOf(() =>
        parseWideAreaCopyRequest({ ...request, requestedBy: { lgCode: '312011', operator: 'madoguchi' } }),
      ),
    ).toBe('JUKI_ERR_REQUEST_INVALID');
    expect(wideAreaCopyRequestSchema.safeParse({ ...request, domicile: true }).success).toBe(false);
  });

  it('refuses a bad resident code, an empty member list and a malformed LG code', () => {
    for (const bad of [
      { ...request, residentCode: '12345678900' },
      { ...request, household: [] },
      { ...request, requestedBy: { lgCode: '31201' } },
    ]) {
      expect(codeOf(() => parseWideAreaCopyRequest(bad))).toBe('JUKI_ERR_REQUEST_INVALID');
    }
  });
});

describe('the wide-area copy answer', () => {
  it('reads the 8 items of each member', () => {
    expect(parseWideAreaCopyAnswer(ANSWER)).toEqual(ANSWER);
  });

  it('refuses 本籍, a reading or any other field beyond the 8 items', () => {
    for (const extra of [
      { domicile: { place: '北海道札幌市中央区北一条西二丁目1番地', head: '本郷 一郎' } },
      { nameKana: 'ホンゴウ イチロウ' },
      { addressSince: '2022-05-01' },
      { previousResidentCodes: ['98765432103'] },
    ]) {
      const answer = { ...ANSWER, members: [{ ...MEMBER, ...extra }] };
      expect(codeOf(() => parseWideAreaCopyAnswer(answer))).toBe('JUKI_ERR_WIDE_AREA_ANSWER_INVALID');
    }
    expect(codeOf(() => parseWideAreaCopyAnswer({ ...ANSWER, history: [] }))).toBe(
      'JUKI_ERR_WIDE_AREA_ANSWER_INVALID',
    );
  });

  it('refuses a member twice', () => {
    expect(codeOf(() => parseWideAreaCopyAnswer({ ...ANSWER, members: [MEMBER, MEMBER] }))).toBe(
      'JUKI_ERR_WIDE_AREA_ANSWER_INVALID',
    );
  });
});

describe('the national look-up answer', () => {
  it('is the LG code and nothing else', () => {
    expect(parseWideAreaLocateAnswer({ lgCode: '131059' })).toEqual({ lgCode: '131059' });
    expect(codeOf(() => parseWideAreaLocateAnswer({ lgCode: '131059', name: '本郷 一郎' }))).toBe(
      'JUKI_ERR_WIDE_AREA_ANSWER_INVALID',
    );
  });
});
