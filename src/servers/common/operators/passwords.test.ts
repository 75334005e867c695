import { parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';

const CHEAP = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

describe('checkPasswordPolicy()', () => {
  it('accepts a long passphrase and gives back its NFKC form', () => {
    expect(checkPasswordPolicy('ｍｏｒｎｉｎｇ ｓｕｎ ｏｖｅｒ 本郷')).toEqual({
      ok: true,
      value: 'morning sun over 本郷',
    });
  });

  it('refuses short, over-long, login-name, repetitive and well-known passwords', () => {
    const reason = (password: string, loginName?: string) => {
      const result = checkPasswordPolicy(password, loginName === undefined ? {} : { loginName });
      return result.ok ? 'ok' : result.reason;
    };
    expect(reason('short pass')).toBe('too-short');
    expect(reason('x'.repeat(100) + 'y'.repeat(29))).toBe('too-long');
    expect(reason('my name is Suzuki-Taro!', 'suzuki-taro')).toBe('contains-login-name');
    expect(reason('abababababababab')).toBe('repetitive');
    expect(reason('Password1234')).toBe('common');
    // Length counts characters, not UTF-16 units: 12 kanji are long enough.
    expect(reason('住民基本台帳ネットワーク')).toBe('ok');
  });
});

describe('hashPassword() and verifyPassword()', () => {
  it('hashes with argon2id at the given cost and verifies the password, in either width', async () => {
    const hashed = await hashPassword('ｃｏｒｒｅｃｔ horse battery', CHEAP);
    expect(hashed.startsWith('$argon2id$')).toBe(true);
    expect(parseOptions(hashed)).toMatchObject({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
    expect(await verifyPassword(hashed, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(hashed, 'correct horse battery!')).toBe(false);
  });

  it('salts every hash and treats a damaged hash as a mismatch', async () => {
    const [a, b] = await Promise.all([
      hashPassword('correct horse battery', CHEAP),
      hashPassword('correct horse battery', CHEAP),
    ]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('not a hash', 'correct horse battery')).toBe(false);
    expect(await verifyPassword(a, 'x'.repeat(10_000))).toBe(false);
  });

  it('uses the OWASP baseline by default', async () => {
    const hashed = await hashPassword('correct horse battery');
    expect(parseOptions(hashed)).toMatchObject({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  });
});
