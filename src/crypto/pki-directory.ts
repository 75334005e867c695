// The network CA kept in a directory (what `jukinet pki` works on): the CA certificate and encrypted key, the record
// of every certificate issued, the CRL, and each node's certificate and encrypted key. Layout in docs/decisions/0002-pki.md.

import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock, type Clock } from '../shared/clock.js';
import { JukinetError, quote } from '../shared/errors.js';
import { parseNodeId, type NodeId } from '../domain/node-id.js';
import { fileExists, isNotFound, writeFileAtomic } from './atomic-file.js';
import {
  createCrl,
  createRootCa,
  generateNodeKeyPair,
  issueNodeCertificate,
  readNodeIdentity,
  type RevocationReason,
} from './ca.js';
import { openSoftwareKeyStore } from './key-store.js';

/** One certificate the CA issued, as `ca/issued.json` records it (dates as ISO strings). */
export interface IssuedCertificate {
  readonly serialNumber: string;
  readonly nodeId: NodeId;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly fingerprint: string;
  readonly revokedAt?: string;
  readonly reason?: RevocationReason;
}

/** The paths of a PKI directory. */
export interface PkiPaths {
  readonly caCertificate: string;
  readonly caKeys: string;
  readonly issued: string;
  readonly crl: string;
  nodeCertificate(nodeId: string): string;
  nodeKeys(nodeId: string): string;
}

/** The CA and its records in one directory; every method reads the current state from disk. */
export interface PkiDirectory {
  readonly paths: PkiPaths;
  /**
   * Issues a certificate for `nodeId`, creating its key on first issue. Issuing again renews: a new certificate for
   * the same key, or for a fresh one with `newKey`. Validity is `days` (default 90) from now.
   */
  issue(
    nodeId: string,
    options?: { days?: number; dnsNames?: string[]; ipAddresses?: string[]; newKey?: boolean },
  ): Promise<{
    certificate: IssuedCertificate;
    certificatePath: string;
    keyCreated: boolean;
    renewed: boolean;
  }>;
  /**
   * Revokes one certificate by serial number, or every unrevoked certificate of a node by its id, then rewrites the
   * CRL. Throws JUKI_ERR_PKI_UNKNOWN_CERTIFICATE when nothing matches.
   */
  revoke(target: string, options?: { reason?: RevocationReason }): Promise<IssuedCertificate[]>;
  /** Rewrites the CRL (valid seven days) from the record of revocations. */
  writeCrl(): Promise<{ path: string; revokedCount: number }>;
  /** Every certificate issued, oldest first. */
  list(): Promise<IssuedCertificate[]>;
}

interface IssuedFile {
  readonly version: 1;
  readonly crlNumber: number;
  readonly certificates: IssuedCertificate[];
}

const CA_KEY_ALIAS = 'ca';
const NODE_KEY_ALIAS = 'tls';
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_DAYS = 825;

/** The paths of the PKI kept in `directory`. */
export function pkiPaths(directory: string): PkiPaths {
  return {
    caCertificate: join(directory, 'ca', 'ca.crt.pem'),
    caKeys: join(directory, 'ca', 'keys'),
    issued: join(directory, 'ca', 'issued.json'),
    crl: join(directory, 'ca', 'crl.pem'),
    nodeCertificate: (nodeId) => join(directory, 'nodes', parseNodeId(nodeId).id, 'cert.pem'),
    nodeKeys: (nodeId) => join(directory, 'nodes', parseNodeId(nodeId).id, 'keys'),
  };
}

/**
 * Creates a root CA in `directory`: its certificate, its key in an encrypted software key store, an empty record and
 * an empty CRL. Throws JUKI_ERR_PKI_ALREADY_INITIALISED if the directory already has a CA.
 */
export async function initPkiDirectory(
  directory: string,
  options: { passphrase: string; commonName?: string; clock?: Clock },
): Promise<PkiDirectory> {
  const paths = pkiPaths(directory);
  const keys = openSoftwareKeyStore(paths.caKeys, { passphrase: options.passphrase });
  if ((await fileExists(paths.caCertificate)) || (await keys.has(CA_KEY_ALIAS))) {
    throw new JukinetError('JUKI_ERR_PKI_ALREADY_INITIALISED', quote(directory));
  }
  const clock = options.clock ?? systemClock;
  const ca = await createRootCa({
    validFrom: clock.now(),
    ...(options.commonName === undefined ? {} : { commonName: options.commonName }),
  });
  await keys.importKey(CA_KEY_ALIAS, ca.privateKeyPem);
  await writeJson(paths.issued, { version: 1, crlNumber: 0, certificates: [] } satisfies IssuedFile);
  // The certificate last: its presence is what marks the directory as initialised.
  await writeFileAtomic(paths.caCertificate, ca.certificatePem, { mode: 0o644, exclusive: true });
  const pki = openPkiDirectory(directory, options);
  await pki.writeCrl();
  return pki;
}

/** Opens the PKI in `directory`; methods throw JUKI_ERR_PKI_NOT_INITIALISED if there is no CA there. */
export function openPkiDirectory(
  directory: string,
  options: { passphrase: string; clock?: Clock },
): PkiDirectory {
  const paths = pkiPaths(directory);
  const clock = options.clock ?? systemClock;
  const caKeys = openSoftwareKeyStore(paths.caKeys, { passphrase: options.passphrase });

  async function loadCa(): Promise<{ certificatePem: string; privateKeyPem: string }> {
    let certificatePem: string;
    try {
      certificatePem = await readFile(paths.caCertificate, 'utf8');
    } catch (error) {
      if (isNotFound(error)) throw new JukinetError('JUKI_ERR_PKI_NOT_INITIALISED', quote(directory));
      throw error;
    }
    const key = await caKeys.tlsPrivateKey(CA_KEY_ALIAS);
    return { certificatePem, privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString() };
  }

  async function readIssued(): Promise<IssuedFile> {
    try {
      return JSON.parse(await readFile(paths.issued, 'utf8')) as IssuedFile;
    } catch (error) {
      if (isNotFound(error)) throw new JukinetError('JUKI_ERR_PKI_NOT_INITIALISED', quote(directory));
      throw error;
    }
  }

  async function writeCrlFrom(issued: IssuedFile): Promise<{ path: string; revokedCount: number }> {
    const ca = await loadCa();
    const revoked = issued.certificates.filter((entry) => entry.revokedAt !== undefined);
    const crlNumber = issued.crlNumber + 1;
    const crl = await createCrl(ca, {
      revoked: revoked.map((entry) => ({
        serialNumber: entry.serialNumber,
        revokedAt: new Date(entry.revokedAt!),
        ...(entry.reason === undefined ? {} : { reason: entry.reason }),
      })),
      thisUpdate: clock.now(),
      crlNumber,
    });
    await writeJson(paths.issued, { ...issued, crlNumber });
    await writeFileAtomic(paths.crl, crl, { mode: 0o644 });
    return { path: paths.crl, revokedCount: revoked.length };
  }

  return {
    paths,

    async issue(nodeId, issueOptions) {
      const id = parseNodeId(nodeId).id;
      const days = issueOptions?.days ?? 90;
      if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
        throw new JukinetError(
          'JUKI_ERR_CERT_INVALID',
          `validity of ${quote(days)} days: must be 1 to ${MAX_DAYS}`,
        );
      }
      const ca = await loadCa();
      const issued = await readIssued();
      const nodeKeys = openSoftwareKeyStore(paths.nodeKeys(id), { passphrase: options.passphrase });
      let publicKeyPem: string;
      let keyCreated = false;
      if (!(await nodeKeys.has(NODE_KEY_ALIAS))) {
        publicKeyPem = (await nodeKeys.generate(NODE_KEY_ALIAS)).publicKeyPem;
        keyCreated = true;
      } else if (issueOptions?.newKey === true) {
        const pair = generateNodeKeyPair();
        await nodeKeys.importKey(NODE_KEY_ALIAS, pair.privateKeyPem, { replace: true });
        publicKeyPem = pair.publicKeyPem;
        keyCreated = true;
      } else {
        publicKeyPem = await nodeKeys.publicKey(NODE_KEY_ALIAS);
      }
      const validFrom = clock.now();
      const validTo = new Date(validFrom.getTime() + days * DAY_MS);
      const caNotAfter = readCaNotAfter(ca.certificatePem);
      if (validTo.getTime() > caNotAfter.getTime()) {
        throw new JukinetError(
          'JUKI_ERR_CERT_INVALID',
          `validity until ${quote(validTo.toISOString())} outlives the CA (${quote(caNotAfter.toISOString())})`,
        );
      }
      const certificatePem = await issueNodeCertificate(ca, {
        nodeId: id,
        publicKeyPem,
        validFrom,
        validTo,
        ...(issueOptions?.dnsNames === undefined ? {} : { dnsNames: issueOptions.dnsNames }),
        ...(issueOptions?.ipAddresses === undefined ? {} : { ipAddresses: issueOptions.ipAddresses }),
      });
      const identity = readNodeIdentity(certificatePem);
      const certificate: IssuedCertificate = {
        serialNumber: identity.serialNumber,
        nodeId: identity.nodeId,
        notBefore: identity.notBefore.toISOString(),
        notAfter: identity.notAfter.toISOString(),
        fingerprint: identity.fingerprint,
      };
      const renewed = issued.certificates.some((entry) => entry.nodeId === id);
      // Record before handing out: a certificate the CA has no record of could never be revoked.
      await writeJson(paths.issued, { ...issued, certificates: [...issued.certificates, certificate] });
      const certificatePath = paths.nodeCertificate(id);
      await writeFileAtomic(certificatePath, certificatePem, { mode: 0o644 });
      return { certificate, certificatePath, keyCreated, renewed };
    },

    async revoke(target, revokeOptions) {
      await loadCa();
      const issued = await readIssued();
      const bySerial = /^[0-9a-fA-F]+$/.test(target) && !target.includes('-');
      const serial = target.toLowerCase().replace(/^(?:00)+(?=[0-9a-f]{2})/, '');
      const matches = (entry: IssuedCertificate): boolean =>
        entry.revokedAt === undefined && (bySerial ? entry.serialNumber === serial : entry.nodeId === target);
      const now = clock.now().toISOString();
      const revoked: IssuedCertificate[] = [];
      const certificates = issued.certificates.map((entry) => {
        if (!matches(entry)) return entry;
        const updated: IssuedCertificate = {
          ...entry,
          revokedAt: now,
          ...(revokeOptions?.reason === undefined ? {} : { reason: revokeOptions.reason }),
        };
        revoked.push(updated);
        return updated;
      });
      if (revoked.length === 0) {
        const already = issued.certificates.some((entry) =>
          bySerial ? entry.serialNumber === serial : entry.nodeId === target,
        );
        throw new JukinetError(
          'JUKI_ERR_PKI_UNKNOWN_CERTIFICATE',
          already ? `${quote(target)}: already revoked` : quote(target),
        );
      }
      await writeCrlFrom({ ...issued, certificates });
      return revoked;
    },

    async writeCrl() {
      return writeCrlFrom(await readIssued());
    },

    async list() {
      await loadCaCertificateOnly();
      return (await readIssued()).certificates;
    },
  };

  async function loadCaCertificateOnly(): Promise<void> {
    if (!(await fileExists(paths.caCertificate))) {
      throw new JukinetError('JUKI_ERR_PKI_NOT_INITIALISED', quote(directory));
    }
  }
}

/** The CA's own expiry: no node certificate may outlive it. */
function readCaNotAfter(certificatePem: string): Date {
  return new Date(new X509Certificate(certificatePem).validTo);
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o644 });
}
