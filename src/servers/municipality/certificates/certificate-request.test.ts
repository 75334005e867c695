import { describe, expect, it } from 'vitest';
import { isJukinetError, type ErrorCode } from '../../../shared/errors.js';
import { closedRequestOf, HEAD, MOVED_OUT, requestOf } from './testing/certificate-fixtures.js';
import { validateCertificateRequest, type CertificateRequest } from './certificate-request.js';

function refusal(request: CertificateRequest): { code: ErrorCode; message: string } {
  try {
    validateCertificateRequest(request);
  } catch (error) {
    if (isJukinetError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('validateCertificateRequest()', () => {
  it('returns the members to print: the whole household, or the chosen ones in order', () => {
    expect(validateCertificateRequest(requestOf()).map((person) => person.id)).toHaveLength(4);
    expect(validateCertificateRequest(requestOf({ memberIds: [HEAD.id] }))).toEqual([HEAD]);
    expect(validateCertificateRequest(closedRequestOf())).toEqual([MOVED_OUT]);
  });

  it('refuses a request that names no person', () => {
    expect(refusal(requestOf({ memberIds: [] })).code).toBe('JUKI_ERR_CERTIFICATE_NO_PERSONS');
    const empty = requestOf({
      household: { address: '東京都文京区春日一丁目16番21号', head: HEAD.name, members: [] },
    });
    expect(refusal(empty).code).toBe('JUKI_ERR_CERTIFICATE_NO_PERSONS');
  });

  it('refuses a person who is not in the household', () => {
    expect(refusal(requestOf({ memberIds: [HEAD.id, 'p-stranger'] }))).toEqual({
      code: 'JUKI_ERR_CERTIFICATE_PERSON_NOT_IN_HOUSEHOLD',
      message: 'Person is not a member of the household: "p-stranger"',
    });
  });

  it('refuses an empty name, naming the member', () => {
    const request = requestOf({
      household: {
        address: '東京都文京区春日一丁目16番21号',
        head: HEAD.name,
        members: [{ ...HEAD, name: '  ' }],
      },
    });
    expect(refusal(request)).toEqual({
      code: 'JUKI_ERR_CERTIFICATE_REQUEST_INVALID',
      message: 'Invalid certificate request: member "p-head": name is empty',
    });
  });

  it('refuses a malformed date, saying what is wrong', () => {
    const members = [{ ...HEAD, birthDate: '1980-02-30' }];
    expect(refusal(requestOf({ household: { address: 'x', head: 'y', members } })).message).toBe(
      'Invalid certificate request: member "p-head": birth date "1980-02-30": day out of range',
    );
    expect(refusal(requestOf({ issuedOn: '2024/04/01' })).message).toBe(
      'Invalid certificate request: issue date "2024/04/01": expected YYYY-MM-DD',
    );
    const early = [{ ...HEAD, residentSince: '1850-01-01' }];
    expect(refusal(requestOf({ household: { address: 'x', head: 'y', members: early } })).code).toBe(
      'JUKI_ERR_CERTIFICATE_REQUEST_INVALID',
    );
  });

  it('refuses a resident code with a wrong check digit and a birth after the issue date', () => {
    const wrongCode = [{ ...HEAD, residentCode: '12345678901' }];
    expect(
      refusal(requestOf({ household: { address: 'x', head: 'y', members: wrongCode } })).message,
    ).toMatch(/resident code "12345678901": check-digit/);
    const unborn = [{ ...HEAD, birthDate: '2024-04-02' }];
    expect(refusal(requestOf({ household: { address: 'x', head: 'y', members: unborn } })).message).toMatch(
      /is after the issue date/,
    );
  });

  it('refuses a copy of the wrong record state: 除票の写し of an open record, 住民票の写し of a closed one', () => {
    expect(refusal(closedRequestOf({ household: { address: 'x', head: 'y', members: [HEAD] } })).code).toBe(
      'JUKI_ERR_CERTIFICATE_RECORD_STATE',
    );
    expect(refusal(closedRequestOf({ kind: 'resident-record-copy' })).code).toBe(
      'JUKI_ERR_CERTIFICATE_RECORD_STATE',
    );
  });

  it('refuses a 記載事項証明書 that asks for nothing, an unknown item, and a member twice', () => {
    expect(refusal(requestOf({ kind: 'recorded-items-certificate' })).code).toBe(
      'JUKI_ERR_CERTIFICATE_REQUEST_INVALID',
    );
    const unknown = requestOf({ requestedItems: ['blood-type' as never] });
    expect(refusal(unknown).message).toMatch(/item "blood-type" is not one we know/);
    expect(refusal(requestOf({ memberIds: [HEAD.id, HEAD.id] })).message).toMatch(/chosen twice/);
  });
});
