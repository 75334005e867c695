import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPassphrase, runPkiCrl, runPkiInit, runPkiIssue, runPkiList, runPkiRevoke } from './pki.js';

const ENTRY = join(import.meta.dirname, 'entry.ts');

function jukinet(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const { JUKINET_KEY_PASSPHRASE: _ignored, ...inherited } = process.env;
  const result = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    encoding: 'utf8',
    env: { ...inherited, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function openssl(args: string[]): { status: number | null; output: string } {
  const result = spawnSync('/usr/bin/openssl', args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('jukinet pki', () => {
  let dir: string;
  let passphraseFile: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jukinet-cli-pki-'));
    passphraseFile = join(dir, 'passphrase');
    writeFileSync(passphraseFile, 'a long test passphrase\n', { mode: 0o600 });
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('init, issue, revoke, crl and list: OpenSSL verifies the issued certificate and finds the revoked one', async () => {
    const options = { dir: join(dir, 'pki'), passphraseFile };
    const init = await runPkiInit({ ...options, cn: 'CLI Test CA' });
    expect(init[0]).toBe(`Created the root CA in ${join(dir, 'pki', 'ca', 'ca.crt.pem')}`);
    expect(init[1]).toMatch(/^SHA-256 fingerprint [0-9a-f]{64}$/);

    const issued = await runPkiIssue('pref-13', { ...options, days: '30', dns: ['pref-13.jukinet.test'] });
    expect(issued[0]).toMatch(/^Issued pref-13: serial [0-9a-f]{32}, valid until \d{4}-\d\d-\d\dT/);
    const muni = await runPkiIssue('muni-131059', options);
    await expect(runPkiIssue('agency-mhlw', options)).rejects.toThrow(/jukinet agency register/);
    const renewed = await runPkiIssue('muni-131059', options);
    expect(renewed[0]).toMatch(/^Renewed muni-131059 with the same key: serial /);

    const ca = join(dir, 'pki', 'ca', 'ca.crt.pem');
    const crl = join(dir, 'pki', 'ca', 'crl.pem');
    const prefCert = join(dir, 'pki', 'nodes', 'pref-13', 'cert.pem');
    const muniCert = join(dir, 'pki', 'nodes', 'muni-131059', 'cert.pem');
    expect(openssl(['verify', '-CAfile', ca, prefCert]).output).toContain(': OK');
    expect(openssl(['x509', '-in', prefCert, '-noout', '-ext', 'subjectAltName']).output).toContain(
      'DNS:pref-13.jukinet.test',
    );

    const muniSerial = /serial ([0-9a-f]+)/.exec(muni[0]!)![1]!;
    const revoked = await runPkiRevoke(muniSerial, { ...options, reason: 'keyCompromise' });
    expect(revoked).toEqual([
      `Revoked muni-131059 serial ${muniSerial} (keyCompromise)`,
      `CRL ${crl} lists 1 revoked`,
    ]);
    const renewedSerial = /serial ([0-9a-f]+)/.exec(renewed[0]!)![1]!;
    expect(await runPkiRevoke('muni-131059', options)).toEqual([
      `Revoked muni-131059 serial ${renewedSerial} (unspecified)`,
      `CRL ${crl} lists 2 revoked`,
    ]);
    expect(await runPkiCrl(options)).toEqual([`CRL ${crl} lists 2 revoked`]);

    const check = ['verify', '-crl_check', '-CRLfile', crl, '-CAfile', ca];
    const refused = openssl([...check, muniCert]);
    expect(refused.status).not.toBe(0);
    expect(refused.output).toContain('certificate revoked');
    expect(openssl([...check, prefCert]).status).toBe(0);
    expect(openssl(['crl', '-in', crl, '-noout', '-text']).output).toContain(
      `Serial Number: ${muniSerial.toUpperCase()}`,
    );

    const list = await runPkiList(options);
    expect(list).toHaveLength(3);
    expect(list[0]).toMatch(/^pref-13 {2}[0-9a-f]{32} {2}valid until /);
    expect(list[1]).toMatch(new RegExp(`^muni-131059  ${muniSerial}  revoked .* \\(keyCompromise\\)$`));
  });

  it('refuses to run without a passphrase, and never takes one on the command line', () => {
    expect(() => readPassphrase({ env: {} })).toThrow(
      expect.objectContaining({ code: 'JUKI_ERR_CLI_ARGUMENT' }) as Error,
    );
    expect(readPassphrase({ env: { JUKINET_KEY_PASSPHRASE: 'from env' } })).toBe('from env');
    expect(readPassphrase({ passphraseFile, env: { JUKINET_KEY_PASSPHRASE: 'from env' } })).toBe(
      'a long test passphrase',
    );
    writeFileSync(join(dir, 'empty'), '\n');
    expect(() => readPassphrase({ passphraseFile: join(dir, 'empty'), env: {} })).toThrow(
      /no key passphrase/,
    );
    expect(() => readPassphrase({ passphraseFile: join(dir, 'missing'), env: {} })).toThrow(
      /passphrase-file/,
    );

    const none = jukinet(['pki', 'init', '--dir', join(dir, 'pki')]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('JUKI_ERR_CLI_ARGUMENT');
    expect(none.stderr).toContain('--passphrase-file FILE or set JUKINET_KEY_PASSPHRASE');
    const flag = jukinet(['pki', 'init', '--dir', join(dir, 'pki'), '--passphrase', 'oops']);
    expect(flag.status).not.toBe(0);
    expect(flag.stderr).toContain("unknown option '--passphrase'");
  });

  it('runs from the command line with the passphrase in the environment, and refuses to initialise twice', () => {
    const pki = join(dir, 'pki');
    const env = { JUKINET_KEY_PASSPHRASE: 'environment passphrase' };
    const init = jukinet(['pki', 'init', '--dir', pki], env);
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);
    const again = jukinet(['pki', 'init', '--dir', pki], env);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('JUKI_ERR_PKI_ALREADY_INITIALISED');
    const issue = jukinet(
      ['pki', 'issue', 'national', '--dir', pki, '--dns', 'localhost', '--dns', 'national.local'],
      env,
    );
    expect(issue.status).toBe(0);
    expect(issue.stdout).toMatch(/^Issued national: serial /);
    const bad = jukinet(['pki', 'revoke', 'national', '--dir', pki, '--reason', 'boredom'], env);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--reason "boredom"');
    const wrong = jukinet(['pki', 'crl', '--dir', pki], { JUKINET_KEY_PASSPHRASE: 'wrong' });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('JUKI_ERR_KEY_PASSPHRASE');
    expect(readFileSync(join(pki, 'nodes', 'national', 'cert.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
  });
});
