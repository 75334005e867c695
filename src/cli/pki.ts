// `jukinet pki`: run the network's certificate authority kept in a directory: init, issue, revoke, crl, list.
// The key passphrase comes from a file or the environment, never from the command line (it would show in `ps`).

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  RevocationReason,
  certificateFingerprint,
  initPkiDirectory,
  openPkiDirectory,
  type IssuedCertificate,
} from '../crypto/index.js';
import { isNodeId, roleOf } from '../domain/index.js';
import { JukinetError, quote } from '../shared/errors.js';

export const DEFAULT_PKI_DIRECTORY = './.jukinet/pki';
export const PASSPHRASE_ENV = 'JUKINET_KEY_PASSPHRASE';

interface CommonOptions {
  dir: string;
  passphraseFile?: string;
}

/**
 * The key passphrase: the first line of `--passphrase-file`, else $JUKINET_KEY_PASSPHRASE. Throws
 * JUKI_ERR_CLI_ARGUMENT when there is neither, or it is empty.
 */
export function readPassphrase(options: { passphraseFile?: string; env?: NodeJS.ProcessEnv }): string {
  let passphrase: string | undefined;
  if (options.passphraseFile !== undefined) {
    try {
      passphrase = readFileSync(options.passphraseFile, 'utf8').split(/\r?\n/)[0];
    } catch (error) {
      throw new JukinetError(
        'JUKI_ERR_CLI_ARGUMENT',
        `cannot read --passphrase-file ${quote(options.passphraseFile)}`,
        {
          cause: error,
        },
      );
    }
  } else {
    passphrase = (options.env ?? process.env)[PASSPHRASE_ENV];
  }
  if (passphrase === undefined || passphrase.length === 0) {
    throw new JukinetError(
      'JUKI_ERR_CLI_ARGUMENT',
      `no key passphrase: give --passphrase-file FILE or set ${PASSPHRASE_ENV} (never on the command line)`,
    );
  }
  return passphrase;
}

/** Runs `pki init`, returning the output lines. */
export async function runPkiInit(options: CommonOptions & { cn?: string }): Promise<string[]> {
  const pki = await initPkiDirectory(options.dir, {
    passphrase: readPassphrase(options),
    ...(options.cn === undefined ? {} : { commonName: options.cn }),
  });
  const certificatePem = readFileSync(pki.paths.caCertificate, 'utf8');
  return [
    `Created the root CA in ${pki.paths.caCertificate}`,
    `SHA-256 fingerprint ${certificateFingerprint(certificatePem)}`,
  ];
}

/** Runs `pki issue NODE-ID`, returning the output lines. */
export async function runPkiIssue(
  nodeId: string,
  options: CommonOptions & { days?: string; dns?: string[]; ip?: string[]; newKey?: boolean },
): Promise<string[]> {
  if (isNodeId(nodeId) && roleOf(nodeId) === 'agency') {
    // Purpose limitation (DESIGN.md §6): an agency gets a certificate only through its registration.
    throw new JukinetError(
      'JUKI_ERR_CLI_ARGUMENT',
      `${quote(nodeId)}: agency certificates are issued by \`jukinet agency register\`, which checks the affair registry first`,
    );
  }
  const pki = openPkiDirectory(options.dir, { passphrase: readPassphrase(options) });
  const result = await pki.issue(nodeId, {
    ...(options.days === undefined ? {} : { days: parseDays(options.days) }),
    ...(options.dns === undefined || options.dns.length === 0 ? {} : { dnsNames: options.dns }),
    ...(options.ip === undefined || options.ip.length === 0 ? {} : { ipAddresses: options.ip }),
    newKey: options.newKey === true,
  });
  const { certificate } = result;
  const what = result.renewed ? 'Renewed' : 'Issued';
  const key = result.renewed ? (result.keyCreated ? ' with a new key' : ' with the same key') : '';
  return [
    `${what} ${certificate.nodeId}${key}: serial ${certificate.serialNumber}, valid until ${certificate.notAfter}`,
    `certificate ${result.certificatePath}, key in ${pki.paths.nodeKeys(certificate.nodeId)}`,
  ];
}

/** Runs `pki revoke NODE-ID|SERIAL`, returning the output lines. */
export async function runPkiRevoke(
  target: string,
  options: CommonOptions & { reason?: string },
): Promise<string[]> {
  const pki = openPkiDirectory(options.dir, { passphrase: readPassphrase(options) });
  const revoked = await pki.revoke(target, {
    ...(options.reason === undefined ? {} : { reason: parseReason(options.reason) }),
  });
  const { path, revokedCount } = await crlSummary(pki.list(), pki.paths.crl);
  return [
    ...revoked.map(
      (entry) => `Revoked ${entry.nodeId} serial ${entry.serialNumber} (${entry.reason ?? 'unspecified'})`,
    ),
    `CRL ${path} lists ${revokedCount} revoked`,
  ];
}

/** Runs `pki crl`, returning the output lines. */
export async function runPkiCrl(options: CommonOptions): Promise<string[]> {
  const pki = openPkiDirectory(options.dir, { passphrase: readPassphrase(options) });
  const { path, revokedCount } = await pki.writeCrl();
  return [`CRL ${path} lists ${revokedCount} revoked`];
}

/** Runs `pki list`, returning one line per certificate issued. */
export async function runPkiList(options: CommonOptions, now = new Date()): Promise<string[]> {
  const pki = openPkiDirectory(options.dir, { passphrase: readPassphrase(options) });
  const certificates = await pki.list();
  if (certificates.length === 0) return ['No certificates issued'];
  return certificates.map((entry) => `${entry.nodeId}  ${entry.serialNumber}  ${statusOf(entry, now)}`);
}

/** Adds `pki init|issue|revoke|crl|list` to the program. */
export function registerPkiCommands(program: Command): void {
  const pki = program.command('pki').description('the network certificate authority kept in a directory');
  const withCommon = (command: Command): Command =>
    command
      .option('--dir <dir>', 'the PKI directory', DEFAULT_PKI_DIRECTORY)
      .option(
        '--passphrase-file <file>',
        `file whose first line is the key passphrase (else $${PASSPHRASE_ENV})`,
      );
  const print = (lines: string[]): void => {
    process.stdout.write(lines.map((line) => `${line}\n`).join(''));
  };

  withCommon(pki.command('init').description('create the root CA'))
    .option('--cn <name>', 'the CA common name', 'Jukinet Network Root CA')
    .action(async (options: CommonOptions & { cn: string }) => print(await runPkiInit(options)));
  withCommon(
    pki.command('issue').description('issue or renew a node certificate (same key unless --new-key)'),
  )
    .argument('<node-id>', 'national, pref-NN, muni-NNNNNN or agency-<name>')
    .option('--days <n>', 'validity in days, 1 to 825', '90')
    .option('--dns <name>', 'a DNS name for the certificate (repeatable; default localhost)', collect, [])
    .option(
      '--ip <address>',
      'an IP address for the certificate (repeatable; default 127.0.0.1 and ::1)',
      collect,
      [],
    )
    .option('--new-key', 'generate a new key for the node')
    .action(
      async (
        nodeId: string,
        options: CommonOptions & { days: string; dns: string[]; ip: string[]; newKey?: boolean },
      ) => print(await runPkiIssue(nodeId, options)),
    );
  withCommon(
    pki.command('revoke').description("revoke a certificate by serial, or all of a node's by its id"),
  )
    .argument('<node-id|serial>', 'a node id or a certificate serial number in hex')
    .option('--reason <reason>', `one of ${Object.values(RevocationReason).join(', ')}`)
    .action(async (target: string, options: CommonOptions & { reason?: string }) =>
      print(await runPkiRevoke(target, options)),
    );
  withCommon(pki.command('crl').description('rewrite the CRL and print its path and revoked count')).action(
    async (options: CommonOptions) => print(await runPkiCrl(options)),
  );
  withCommon(pki.command('list').description('list the certificates issued')).action(
    async (options: CommonOptions) => print(await runPkiList(options)),
  );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseDays(value: string): number {
  const days = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(days) || days < 1 || days > 825) {
    throw new JukinetError(
      'JUKI_ERR_CLI_ARGUMENT',
      `--days ${quote(value)}: must be a whole number from 1 to 825`,
    );
  }
  return days;
}

function parseReason(value: string): RevocationReason {
  const reasons: readonly string[] = Object.values(RevocationReason);
  if (!reasons.includes(value)) {
    throw new JukinetError(
      'JUKI_ERR_CLI_ARGUMENT',
      `--reason ${quote(value)}: must be one of ${reasons.join(', ')}`,
    );
  }
  return value as RevocationReason;
}

function statusOf(entry: IssuedCertificate, now: Date): string {
  if (entry.revokedAt !== undefined) return `revoked ${entry.revokedAt} (${entry.reason ?? 'unspecified'})`;
  if (new Date(entry.notAfter).getTime() <= now.getTime()) return `expired ${entry.notAfter}`;
  return `valid until ${entry.notAfter}`;
}

async function crlSummary(
  certificates: Promise<IssuedCertificate[]>,
  path: string,
): Promise<{ path: string; revokedCount: number }> {
  return { path, revokedCount: (await certificates).filter((entry) => entry.revokedAt !== undefined).length };
}
