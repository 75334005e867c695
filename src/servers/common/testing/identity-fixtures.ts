// Test helper: identity information of made-up residents, and changes to it, for tests of identity histories and of
// the servers that keep them. Nothing here touches a store.

import {
  residentCodeCheckDigit,
  type ChangeReason,
  type IdentityInfo,
  type LocalGovernmentCode,
  type ResidentCode,
} from '../../../domain/index.js';

/** The resident code with body `n` (padded to 10 digits) and its check digit. */
export function testResidentCode(n: number): ResidentCode {
  const body = String(n).padStart(10, '0');
  return `${body}${residentCodeCheckDigit(body)}` as ResidentCode;
}

/** A resident of 文京区 (131059) recorded at birth, with `overrides` applied. */
export function testIdentityInfo(code: ResidentCode, overrides: Partial<IdentityInfo> = {}): IdentityInfo {
  return {
    residentCode: code,
    name: '山田 太郎',
    nameKana: 'ヤマダ タロウ',
    birthDate: '1980-04-01',
    sex: 'male',
    address: '東京都文京区本郷一丁目1番1号',
    lgCode: '131059' as LocalGovernmentCode,
    foreignResident: false,
    change: { reason: 'birth', date: '1980-04-01' },
    ...overrides,
  };
}

/** `info` after a change for `reason` on `date` recorded at `lgCode` (default: where it is). */
export function testChange(
  info: IdentityInfo,
  reason: ChangeReason,
  options: { date?: string; lgCode?: string; address?: string; name?: string } = {},
): IdentityInfo {
  return {
    ...info,
    lgCode: (options.lgCode ?? info.lgCode) as LocalGovernmentCode,
    address: options.address ?? info.address,
    name: options.name ?? info.name,
    change: { reason, date: options.date ?? '2024-04-01' },
  };
}
