import { spawnSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateNodeKeyPair } from './ca.js';
import { openSoftwareKeyStore } from './key-store.js';

const PASSPHRASE = 'correct horse battery staple';

function code(expected: string): Error {
  return expect.objectContaining({ code: expected }) as Error;
}

describe('openSoftwareKeyStore()', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jukinet-keys-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates a P-256 key whose signatures verify with the returned public key', async () => {
    const store = openSoftwareKeyStore(join(dir, 'keys'), { passphrase: PASSPHRASE });
    const { publicKeyPem } = await store.generate('node');
    expect(await store.publicKey('node')).toBe(publicKeyPem);
    const data = new TextEncoder().encode('住基ネット');
    const signature = await store.sign('node', data);
    expect(signature).toHaveLength(64);
    expect(verify('sha256', data, { key: publicKeyPem, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
    expect(createPublicKey(publicKeyPem).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect((await store.tlsPrivateKey('node')).type).toBe('private');
  });

  it('stores only encrypted PKCS#8, mode 0600, that OpenSSL decrypts with the passphrase', async () => {
    const store = openSoftwareKeyStore(dir, { passphrase: PASSPHRASE });
    const keys = generateNodeKeyPair();
    await store.importKey('ca', keys.privateKeyPem);
    const path = join(dir, 'ca.key.pem');
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    expect(text).not.toContain('-----BEGIN PRIVATE KEY-----');
    const plainBody = keys.privateKeyPem.split('\n').slice(1, -2).join('');
    expect(text.replaceAll('\n', '')).not.toContain(plainBody.slice(0, 40));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['ca.key.pem']);

    const decrypted = spawnSync('/usr/bin/openssl', ['pkey', '-in', path, '-passin', `pass:${PASSPHRASE}`], {
      encoding: 'utf8',
    });
    expect(decrypted.status).toBe(0);
    expect(decrypted.stdout).toBe(keys.privateKeyPem);
    const structure = spawnSync('/usr/bin/openssl', ['asn1parse', '-in', path], { encoding: 'utf8' });
    expect(structure.stdout).toContain('PBES2');
    expect(structure.stdout).toContain('aes-256-cbc');
    const wrong = spawnSync('/usr/bin/openssl', ['pkey', '-in', path, '-passin', 'pass:wrong'], {
      encoding: 'utf8',
    });
    expect(wrong.status).not.toBe(0);
  });

  it('reads keys back in a new store with the passphrase, and refuses a wrong one', async () => {
    const { publicKeyPem } = await openSoftwareKeyStore(dir, { passphrase: PASSPHRASE }).generate('node');
    const reopened = openSoftwareKeyStore(dir, { passphrase: PASSPHRASE });
    expect(await reopened.has('node')).toBe(true);
    expect(await reopened.publicKey('node')).toBe(publicKeyPem);
    const wrong = openSoftwareKeyStore(dir, { passphrase: 'not it' });
    await expect(wrong.sign('node', new Uint8Array([1]))).rejects.toThrow(code('JUKI_ERR_KEY_PASSPHRASE'));
    await expect(wrong.tlsPrivateKey('node')).rejects.toThrow(code('JUKI_ERR_KEY_PASSPHRASE'));
    expect(() => openSoftwareKeyStore(dir, { passphrase: '' })).toThrow(code('JUKI_ERR_KEY_PASSPHRASE'));
  });

  it('refuses to overwrite a key unless asked to replace it', async () => {
    const store = openSoftwareKeyStore(dir, { passphrase: PASSPHRASE });
    const first = await store.generate('node');
    await expect(store.generate('node')).rejects.toThrow(code('JUKI_ERR_KEY_EXISTS'));
    const next = generateNodeKeyPair();
    await expect(store.importKey('node', next.privateKeyPem)).rejects.toThrow(code('JUKI_ERR_KEY_EXISTS'));
    expect(await store.publicKey('node')).toBe(first.publicKeyPem);
    await store.importKey('node', next.privateKeyPem, { replace: true });
    expect(await store.publicKey('node')).toBe(next.publicKeyPem);
    expect(await openSoftwareKeyStore(dir, { passphrase: PASSPHRASE }).publicKey('node')).toBe(
      next.publicKeyPem,
    );
    expect(readdirSync(dir)).toEqual(['node.key.pem']);
  });

  it('lists aliases, reports missing keys, and refuses aliases outside [a-z0-9._-]', async () => {
    const store = openSoftwareKeyStore(join(dir, 'not-yet'), { passphrase: PASSPHRASE });
    expect(await store.aliases()).toEqual([]);
    expect(await store.has('node')).toBe(false);
    await store.generate('tls');
    await store.generate('envelope-signing.v1');
    expect(await store.aliases()).toEqual(['envelope-signing.v1', 'tls']);
    await expect(store.publicKey('node')).rejects.toThrow(code('JUKI_ERR_KEY_NOT_FOUND'));
    for (const alias of ['../ca', 'Node', '', '.hidden', 'a/b', 'ключ']) {
      await expect(store.generate(alias)).rejects.toThrow(code('JUKI_ERR_KEY_ALIAS'));
    }
    expect(statSync(join(dir, 'not-yet')).mode & 0o777).toBe(0o700);
  });

  it('refuses to import a key that is not ECDSA P-256', async () => {
    const store = openSoftwareKeyStore(dir, { passphrase: PASSPHRASE });
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expect(
      store.importKey('rsa', rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    ).rejects.toThrow(code('JUKI_ERR_KEY_TYPE'));
    await expect(store.importKey('junk', 'not a key')).rejects.toThrow(code('JUKI_ERR_KEY_TYPE'));
  });
});
