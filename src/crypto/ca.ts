// The network's certificate authority (DESIGN.md §3 Identity): the root CA, node certificates naming a node id and
// role, CRLs, and reading a node's identity back from its certificate. ECDSA P-256 throughout (docs/decisions/0002-pki.md).

// tsyringe, which @peculiar/x509 uses, needs the Reflect metadata API loaded before it.
import 'reflect-metadata';
import { createHash, createPrivateKey, generateKeyPairSync, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { JukinetError, quote } from '../shared/errors.js';
import { parseNodeId, type NodeId, type NodeRole } from '../domain/node-id.js';
import {
  ECDSA_SHA256,
  EC_P256,
  importP256SigningKey,
  randomSerialNumber,
  toP256SpkiDer,
  wholeSeconds,
} from './x509-keys.js';

/** The CA's certificate and private key (PKCS#8 PEM: plain in memory, encrypted at rest by the key store). */
export interface CaMaterial {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/** Why a certificate was revoked: the RFC 5280 §5.3.1 reason codes a CRL entry can carry. */
export const RevocationReason = {
  unspecified: 'unspecified',
  keyCompromise: 'keyCompromise',
  cACompromise: 'cACompromise',
  affiliationChanged: 'affiliationChanged',
  superseded: 'superseded',
  cessationOfOperation: 'cessationOfOperation',
  certificateHold: 'certificateHold',
  privilegeWithdrawn: 'privilegeWithdrawn',
} as const;
export type RevocationReason = (typeof RevocationReason)[keyof typeof RevocationReason];

/** One revoked certificate, as a CRL lists it. */
export interface RevokedCertificate {
  readonly serialNumber: string;
  readonly revokedAt: Date;
  readonly reason?: RevocationReason;
}

/** What a node certificate says about its holder, once checked against the node id rules. */
export interface NodeIdentity {
  readonly nodeId: NodeId;
  readonly role: NodeRole;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly fingerprint: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const NODE_URI_PREFIX = 'urn:jukinet:node:';
const ORGANISATION = 'Jukinet';
const OID_CRL_NUMBER = '2.5.29.20';

/**
 * Creates a self-signed root CA (CA:true critical, keyCertSign + cRLSign) with a fresh P-256 key; the national
 * centre keeps it and issues every node certificate with it.
 */
export async function createRootCa(options?: {
  commonName?: string;
  validFrom?: Date;
  validDays?: number;
}): Promise<CaMaterial> {
  const commonName = options?.commonName ?? 'Jukinet Network Root CA';
  const notBefore = wholeSeconds(options?.validFrom ?? new Date());
  const notAfter = new Date(notBefore.getTime() + (options?.validDays ?? 3650) * DAY_MS);
  const keys = await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: [{ O: [ORGANISATION] }, { CN: [commonName] }],
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: ECDSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    certificatePem: certificate.toString('pem'),
    privateKeyPem: createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })
      .export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  };
}

/** Generates a node's ECDSA P-256 key pair as PKCS#8 (private) and SPKI (public) PEM. */
export function generateNodeKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/**
 * Issues a node certificate: subject `CN=<id>, OU=<role>, O=Jukinet`, the id again as a SAN URI, serverAuth and
 * clientAuth (every node is both ends of a link). Short-lived by default (90 days) so that renewal is routine.
 */
export async function issueNodeCertificate(
  ca: CaMaterial,
  options: {
    nodeId: NodeId | string;
    publicKeyPem: string;
    serialNumber?: string;
    validFrom?: Date;
    validTo?: Date;
    dnsNames?: string[];
    ipAddresses?: string[];
  },
): Promise<string> {
  const { id, role } = parseNodeId(options.nodeId);
  const caCertificate = new x509.X509Certificate(ca.certificatePem);
  const signingKey = await importP256SigningKey(ca.privateKeyPem, 'the CA private key');
  const publicKey = toP256SpkiDer(options.publicKeyPem, 'the node public key');
  const notBefore = wholeSeconds(options.validFrom ?? new Date());
  const notAfter = wholeSeconds(options.validTo ?? new Date(notBefore.getTime() + 90 * DAY_MS));
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new JukinetError(
      'JUKI_ERR_CERT_INVALID',
      `validity ends ${quote(notAfter.toISOString())} before it starts`,
    );
  }
  const names: x509.JsonGeneralName[] = [
    ...(options.dnsNames ?? ['localhost']).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? ['127.0.0.1', '::1']).map((value) => ({ type: 'ip' as const, value })),
    { type: 'url', value: `${NODE_URI_PREFIX}${id}` },
  ];
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: normaliseSerialNumber(options.serialNumber ?? randomSerialNumber()),
    subject: [{ O: [ORGANISATION] }, { OU: [role] }, { CN: [id] }],
    issuer: caCertificate.subjectName,
    notBefore,
    notAfter,
    publicKey,
    signingKey,
    signingAlgorithm: ECDSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.serverAuth,
        x509.ExtendedKeyUsage.clientAuth,
      ]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCertificate.publicKey),
    ],
  });
  return certificate.toString('pem');
}

/**
 * Signs a CRL (v2, with CRL number and authority key identifier) listing the revoked certificates; peers refuse a
 * listed certificate. The next update defaults to seven days later.
 */
export async function createCrl(
  ca: CaMaterial,
  options: {
    revoked: readonly RevokedCertificate[];
    thisUpdate?: Date;
    nextUpdate?: Date;
    crlNumber?: number;
  },
): Promise<string> {
  const caCertificate = new x509.X509Certificate(ca.certificatePem);
  const signingKey = await importP256SigningKey(ca.privateKeyPem, 'the CA private key');
  const thisUpdate = wholeSeconds(options.thisUpdate ?? new Date());
  const nextUpdate = wholeSeconds(options.nextUpdate ?? new Date(thisUpdate.getTime() + 7 * DAY_MS));
  const crlNumber = options.crlNumber ?? Math.floor(thisUpdate.getTime() / 1000);
  if (!Number.isSafeInteger(crlNumber) || crlNumber < 0) {
    throw new JukinetError(
      'JUKI_ERR_CERT_INVALID',
      `CRL number ${quote(crlNumber)} must be a non-negative integer`,
    );
  }
  const crl = await x509.X509CrlGenerator.create({
    issuer: caCertificate.subjectName,
    thisUpdate,
    nextUpdate,
    signingKey,
    signingAlgorithm: ECDSA_SHA256,
    extensions: [
      await x509.AuthorityKeyIdentifierExtension.create(caCertificate.publicKey),
      new x509.Extension(OID_CRL_NUMBER, false, derInteger(crlNumber)),
    ],
    entries: options.revoked.map((entry) => ({
      serialNumber: normaliseSerialNumber(entry.serialNumber),
      revocationDate: wholeSeconds(entry.revokedAt),
      ...(entry.reason === undefined ? {} : { reason: x509.X509CrlReason[entry.reason] }),
    })),
  });
  // RFC 7468 §5 labels a CRL "X509 CRL" (OpenSSL insists); @peculiar/x509 writes "CRL".
  return toPem('X509 CRL', crl.rawData);
}

/**
 * Reads the node id and role a certificate names, throwing JUKI_ERR_CERT_NODE_IDENTITY unless the CN is a valid node
 * id, the OU is that id's role, and the SAN URI names the same id. Does not check the signature or validity dates:
 * TLS does that against the CA.
 */
export function readNodeIdentity(certificatePem: string): NodeIdentity {
  let certificate: x509.X509Certificate;
  try {
    certificate = new x509.X509Certificate(certificatePem);
  } catch (error) {
    throw new JukinetError('JUKI_ERR_CERT_INVALID', 'cannot parse the certificate', { cause: error });
  }
  const [commonName, ...otherCommonNames] = certificate.subjectName.getField('CN');
  const units = certificate.subjectName.getField('OU');
  if (commonName === undefined || otherCommonNames.length > 0) {
    throw new JukinetError('JUKI_ERR_CERT_NODE_IDENTITY', 'the subject needs exactly one common name');
  }
  let parsed: ReturnType<typeof parseNodeId>;
  try {
    parsed = parseNodeId(commonName);
  } catch (error) {
    throw new JukinetError(
      'JUKI_ERR_CERT_NODE_IDENTITY',
      `common name ${quote(commonName)} is not a node id`,
      {
        cause: error,
      },
    );
  }
  if (units.length !== 1 || units[0] !== parsed.role) {
    throw new JukinetError(
      'JUKI_ERR_CERT_NODE_IDENTITY',
      `organisational unit ${quote(units.join(','))} is not the role ${quote(parsed.role)} of ${quote(parsed.id)}`,
    );
  }
  const san = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  const uris = (san?.names.items ?? [])
    .filter((name) => name.type === 'url' && name.value.startsWith(NODE_URI_PREFIX))
    .map((name) => name.value);
  if (uris.length !== 1 || uris[0] !== `${NODE_URI_PREFIX}${parsed.id}`) {
    throw new JukinetError(
      'JUKI_ERR_CERT_NODE_IDENTITY',
      `subject alternative name must carry exactly ${quote(`${NODE_URI_PREFIX}${parsed.id}`)}`,
    );
  }
  return {
    nodeId: parsed.id,
    role: parsed.role,
    serialNumber: certificate.serialNumber.toLowerCase(),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    fingerprint: fingerprintOf(Buffer.from(certificate.rawData)),
  };
}

/** The SHA-256 fingerprint of a certificate's DER encoding, lowercase hex: what the directory publishes per node. */
export function certificateFingerprint(certificatePem: string): string {
  let certificate: x509.X509Certificate;
  try {
    certificate = new x509.X509Certificate(certificatePem);
  } catch (error) {
    throw new JukinetError('JUKI_ERR_CERT_INVALID', 'cannot parse the certificate', { cause: error });
  }
  return fingerprintOf(Buffer.from(certificate.rawData));
}

function fingerprintOf(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

function normaliseSerialNumber(serialNumber: string): string {
  const hex = serialNumber.toLowerCase().replace(/^(?:00)+(?=[0-9a-f]{2})/, '');
  if (!/^(?:[0-9a-f]{2}){1,20}$/.test(hex) || /^[89a-f]/.test(hex)) {
    throw new JukinetError(
      'JUKI_ERR_CERT_INVALID',
      `serial number ${quote(serialNumber)} must be 1-20 octets of hex and positive`,
    );
  }
  return hex;
}

function toPem(label: string, der: ArrayBuffer): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** DER INTEGER for a non-negative safe integer (the CRL number extension's value). */
function derInteger(value: number): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if (/^[89a-f]/.test(hex)) hex = `00${hex}`;
  const content = Buffer.from(hex, 'hex');
  return Uint8Array.from([0x02, content.length, ...content]);
}
