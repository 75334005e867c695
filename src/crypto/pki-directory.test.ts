import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFixedClock } from '../shared/clock.js';
import { readNodeIdentity } from './ca.js';
import { openSoftwareKeyStore } from './key-store.js';
import { initPkiDirectory, openPkiDirectory } from './pki-directory.js';

const PASSPHRASE = 'pki test passphrase';

function code(expected: string): Error {
  return expect.objectContaining({ code: expected }) as Error;
}

function openssl(args: string[]): { status: number | null; output: string } {
  const result = spawnSync('/usr/bin/openssl', args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('PKI directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jukinet-pki-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('initPkiDirectory() lays out the CA, its encrypted key, an empty record and an empty CRL, once', async () => {
    const pki = await initPkiDirectory(dir, { passphrase: PASSPHRASE, commonName: 'Test Network CA' });
    expect(readFileSync(pki.paths.caCertificate, 'utf8')).toContain('BEGIN CERTIFICATE');
    expect(readFileSync(join(dir, 'ca', 'keys', 'ca.key.pem'), 'utf8')).toContain('ENCRYPTED PRIVATE KEY');
    expect(statSync(join(dir, 'ca', 'keys', 'ca.key.pem')).mode & 0o777).toBe(0o600);
    expect(await pki.list()).toEqual([]);
    const crl = openssl(['crl', '-in', pki.paths.crl, '-noout', '-text', '-CAfile', pki.paths.caCertificate]);
    expect(crl.output).toContain('verify OK');
    expect(crl.output).toContain('Issuer: O = Jukinet, CN = Test Network CA');
    expect(crl.output).toContain('No Revoked Certificates');
    await expect(initPkiDirectory(dir, { passphrase: PASSPHRASE })).rejects.toThrow(
      code('JUKI_ERR_PKI_ALREADY_INITIALISED'),
    );
  });

  it('refuses to work on a directory without a CA', async () => {
    const pki = openPkiDirectory(join(dir, 'none'), { passphrase: PASSPHRASE });
    await expect(pki.issue('national')).rejects.toThrow(code('JUKI_ERR_PKI_NOT_INITIALISED'));
    await expect(pki.list()).rejects.toThrow(code('JUKI_ERR_PKI_NOT_INITIALISED'));
    await expect(pki.writeCrl()).rejects.toThrow(code('JUKI_ERR_PKI_NOT_INITIALISED'));
  });

  it('issue() creates the node key once; renewing keeps it unless newKey, and records every certificate', async () => {
    const clock = createFixedClock(new Date('2025-04-01T00:00:00Z'));
    await initPkiDirectory(dir, { passphrase: PASSPHRASE, clock });
    const pki = openPkiDirectory(dir, { passphrase: PASSPHRASE, clock });
    // A fresh store each time: a store keeps the keys it has read in memory.
    const nodeKey = () =>
      openSoftwareKeyStore(join(dir, 'nodes', 'muni-131059', 'keys'), { passphrase: PASSPHRASE }).publicKey(
        'tls',
      );

    const first = await pki.issue('muni-131059');
    expect(first).toMatchObject({ keyCreated: true, renewed: false });
    expect(first.certificate.notBefore).toBe('2025-04-01T00:00:00.000Z');
    expect(first.certificate.notAfter).toBe('2025-06-30T00:00:00.000Z');
    const key = await nodeKey();

    clock.advance(60 * 24 * 60 * 60 * 1000);
    const renewal = await pki.issue('muni-131059', { days: 30 });
    expect(renewal).toMatchObject({ keyCreated: false, renewed: true });
    expect(renewal.certificate.notAfter).toBe('2025-06-30T00:00:00.000Z');
    expect(await nodeKey()).toBe(key);

    const rekeyed = await pki.issue('muni-131059', { newKey: true });
    expect(rekeyed).toMatchObject({ keyCreated: true, renewed: true });
    expect(await nodeKey()).not.toBe(key);

    const certificatePem = readFileSync(rekeyed.certificatePath, 'utf8');
    expect(readNodeIdentity(certificatePem).serialNumber).toBe(rekeyed.certificate.serialNumber);
    expect((await pki.list()).map((entry) => entry.serialNumber)).toEqual([
      first.certificate.serialNumber,
      renewal.certificate.serialNumber,
      rekeyed.certificate.serialNumber,
    ]);
  });

  it('issue() refuses a validity outside 1-825 days or beyond the CA, and an invalid node id', async () => {
    const clock = createFixedClock(new Date('2025-04-01T00:00:00Z'));
    await initPkiDirectory(dir, { passphrase: PASSPHRASE, clock });
    const pki = openPkiDirectory(dir, { passphrase: PASSPHRASE, clock });
    await expect(pki.issue('national', { days: 0 })).rejects.toThrow(code('JUKI_ERR_CERT_INVALID'));
    await expect(pki.issue('national', { days: 826 })).rejects.toThrow(code('JUKI_ERR_CERT_INVALID'));
    await expect(pki.issue('pref-48')).rejects.toThrow(code('JUKI_ERR_NODE_ID'));
    clock.set(new Date('2035-03-01T00:00:00Z'));
    await expect(pki.issue('national')).rejects.toThrow(code('JUKI_ERR_CERT_INVALID'));
    expect(await pki.list()).toEqual([]);
  });

  it('revoke() by serial or node id lists the certificates in the CRL, and OpenSSL then refuses them', async () => {
    await initPkiDirectory(dir, { passphrase: PASSPHRASE });
    const pki = openPkiDirectory(dir, { passphrase: PASSPHRASE });
    const national = await pki.issue('national');
    const oldMuni = await pki.issue('muni-131059');
    const muni = await pki.issue('muni-131059');
    const agency = await pki.issue('agency-mhlw');

    const bySerial = await pki.revoke(agency.certificate.serialNumber.toUpperCase(), {
      reason: 'privilegeWithdrawn',
    });
    expect(bySerial.map((entry) => entry.nodeId)).toEqual(['agency-mhlw']);
    const byNode = await pki.revoke('muni-131059', { reason: 'keyCompromise' });
    expect(byNode.map((entry) => entry.serialNumber)).toEqual([
      oldMuni.certificate.serialNumber,
      muni.certificate.serialNumber,
    ]);
    await expect(pki.revoke('muni-131059')).rejects.toThrow(code('JUKI_ERR_PKI_UNKNOWN_CERTIFICATE'));
    await expect(pki.revoke('0123abcd')).rejects.toThrow(code('JUKI_ERR_PKI_UNKNOWN_CERTIFICATE'));

    const text = openssl(['crl', '-in', pki.paths.crl, '-noout', '-text']).output;
    for (const entry of [agency, oldMuni, muni]) {
      expect(text).toContain(`Serial Number: ${entry.certificate.serialNumber.toUpperCase()}`);
    }
    expect(text).not.toContain(national.certificate.serialNumber.toUpperCase());
    expect(text).toContain('Privilege Withdrawn');
    expect(text).toMatch(/X509v3 CRL Number:\s+3/);

    const check = ['verify', '-crl_check', '-CRLfile', pki.paths.crl, '-CAfile', pki.paths.caCertificate];
    const revoked = openssl([...check, muni.certificatePath]);
    expect(revoked.status).not.toBe(0);
    expect(revoked.output).toContain('certificate revoked');
    const valid = openssl([...check, national.certificatePath]);
    expect(valid.status).toBe(0);
    expect(valid.output).toContain(': OK');
    expect(await pki.writeCrl()).toEqual({ path: pki.paths.crl, revokedCount: 3 });
  });

  it('refuses a wrong passphrase for the CA key', async () => {
    await initPkiDirectory(dir, { passphrase: PASSPHRASE });
    const pki = openPkiDirectory(dir, { passphrase: 'wrong' });
    await expect(pki.issue('national')).rejects.toThrow(code('JUKI_ERR_KEY_PASSPHRASE'));
    await expect(pki.writeCrl()).rejects.toThrow(code('JUKI_ERR_KEY_PASSPHRASE'));
  });
});
