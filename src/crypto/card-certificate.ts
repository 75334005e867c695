// Certificates around the resident card (住基カード, docs/card.md): the municipality's card-issuing CA, the card
// certificate it issues for a key generated on the card, the certificates of card terminals and card administrators,
// and the chain check a terminal runs on a card. ECDSA P-256 throughout, as for node certificates (decisions/0002).

// tsyringe, which @peculiar/x509 uses, needs the Reflect metadata API loaded before it.
import 'reflect-metadata';
import { createHash, createPrivateKey, createPublicKey, webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { parseLocalGovernmentCode, type LocalGovernmentCode } from '../domain/local-government-code.js';
import { JukinetError, quote } from '../shared/errors.js';
import type { CaMaterial } from './ca.js';
import {
  ECDSA_SHA256,
  EC_P256,
  importP256SigningKey,
  randomSerialNumber,
  toP256SpkiDer,
  wholeSeconds,
} from './x509-keys.js';

/** What a terminal-side certificate lets its holder do with a card: authenticate as a terminal, or administer it. */
export const CardTerminalRole = {
  terminal: 'card-terminal',
  administrator: 'card-administrator',
} as const;
export type CardTerminalRole = (typeof CardTerminalRole)[keyof typeof CardTerminalRole];

/** What a card certificate says, once parsed: the card, its issuing municipality, its key and its validity. */
export interface CardCertificateInfo {
  readonly cardId: string;
  readonly issuerMunicipality: LocalGovernmentCode;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKeyPem: string;
  readonly fingerprint: string;
}

/** What a terminal or administrator certificate says, once parsed. */
export interface CardTerminalCertificateInfo {
  readonly terminalId: string;
  readonly role: CardTerminalRole;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKeyPem: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const ORGANISATION = 'Jukinet';
const CARD_UNIT = 'resident-card';
const ISSUER_UNIT = 'card-issuer';
const TERMINAL_CA_UNIT = 'card-terminal-ca';
const CARD_URI = 'urn:jukinet:card:';
const LG_URI = 'urn:jukinet:lg:';
const TERMINAL_URI = 'urn:jukinet:terminal:';
/** Card and terminal ids: what a subject common name and a URN can carry without escaping. */
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const MAX_CHAIN = 4;

/**
 * Creates a municipality's card-issuing CA (CA:true, path length 0, keyCertSign + cRLSign) with a fresh P-256 key:
 * self-signed, or issued by `parent` (e.g. the network root) so that one trust anchor covers every municipality.
 */
export async function createCardIssuerCa(options: {
  municipalityCode: string;
  parent?: CaMaterial;
  commonName?: string;
  validFrom?: Date;
  validDays?: number;
}): Promise<CaMaterial> {
  const code = parseLocalGovernmentCode(options.municipalityCode);
  return createCardCa({
    unit: ISSUER_UNIT,
    commonName: options.commonName ?? `Jukinet card CA ${code}`,
    names: [{ type: 'url', value: `${LG_URI}${code}` }],
    validDays: options.validDays ?? 3650 + 365,
    ...(options.parent === undefined ? {} : { parent: options.parent }),
    ...(options.validFrom === undefined ? {} : { validFrom: options.validFrom }),
  });
}

/**
 * Creates the network's card terminal CA (カード端末認証局), self-signed, which the national centre keeps: it
 * certifies the card terminals and card administrators of every municipality, and every card trusts it, so that a card
 * issued anywhere accepts the counter of any municipality. Valid 20 years by default, longer than any card it serves.
 */
export async function createCardTerminalCa(
  options: { validFrom?: Date; validDays?: number } = {},
): Promise<CaMaterial> {
  return createCardCa({
    unit: TERMINAL_CA_UNIT,
    commonName: 'Jukinet card terminal CA',
    names: [{ type: 'url', value: `${TERMINAL_URI}ca` }],
    validDays: options.validDays ?? 20 * 365 + 5,
    ...(options.validFrom === undefined ? {} : { validFrom: options.validFrom }),
  });
}

async function createCardCa(options: {
  unit: string;
  commonName: string;
  names: x509.JsonGeneralName[];
  validDays: number;
  parent?: CaMaterial;
  validFrom?: Date;
}): Promise<CaMaterial> {
  const notBefore = wholeSeconds(options.validFrom ?? new Date());
  const notAfter = new Date(notBefore.getTime() + options.validDays * DAY_MS);
  const keys = await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const subject = [{ O: [ORGANISATION] }, { OU: [options.unit] }, { CN: [options.commonName] }];
  const extensions = [
    new x509.BasicConstraintsExtension(true, 0, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    new x509.SubjectAlternativeNameExtension(options.names),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  let certificate: x509.X509Certificate;
  if (options.parent === undefined) {
    certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerialNumber(),
      name: subject,
      notBefore,
      notAfter,
      keys,
      signingAlgorithm: ECDSA_SHA256,
      extensions,
    });
  } else {
    const parentCertificate = new x509.X509Certificate(options.parent.certificatePem);
    certificate = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerialNumber(),
      subject,
      issuer: parentCertificate.subjectName,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: await importP256SigningKey(options.parent.privateKeyPem, 'the parent CA private key'),
      signingAlgorithm: ECDSA_SHA256,
      extensions: [
        ...extensions,
        await x509.AuthorityKeyIdentifierExtension.create(parentCertificate.publicKey),
      ],
    });
  }
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    certificatePem: certificate.toString('pem'),
    privateKeyPem: createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })
      .export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  };
}

/**
 * Issues the certificate of a card's on-card key: subject `CN=<card id>, OU=resident-card, O=Jukinet`, the card id
 * and the issuing municipality as SAN URIs, digitalSignature only. The resident code is never in it: the certificate
 * is public, the code is not (住基法第30条の38).
 */
export async function issueCardCertificate(
  issuer: CaMaterial,
  options: {
    cardId: string;
    issuerMunicipality: string;
    publicKeyPem: string;
    validFrom: Date;
    validTo: Date;
  },
): Promise<string> {
  const cardId = checkId(options.cardId, 'card id');
  const code = parseLocalGovernmentCode(options.issuerMunicipality);
  return issueLeaf(issuer, {
    subject: [{ O: [ORGANISATION] }, { OU: [CARD_UNIT] }, { CN: [cardId] }],
    names: [
      { type: 'url', value: `${CARD_URI}${cardId}` },
      { type: 'url', value: `${LG_URI}${code}` },
    ],
    publicKeyPem: options.publicKeyPem,
    validFrom: options.validFrom,
    validTo: options.validTo,
  });
}

/**
 * Issues the certificate of a card terminal (which proves itself to a card by external authenticate) or of a card
 * administrator (a clerk's key, which unlocks and takes back cards): `CN=<terminal id>, OU=<role>, O=Jukinet`.
 * One year by default.
 */
export async function issueCardTerminalCertificate(
  ca: CaMaterial,
  options: {
    terminalId: string;
    role: CardTerminalRole;
    publicKeyPem: string;
    validFrom?: Date;
    validTo?: Date;
  },
): Promise<string> {
  const terminalId = checkId(options.terminalId, 'terminal id');
  const validFrom = options.validFrom ?? new Date();
  return issueLeaf(ca, {
    subject: [{ O: [ORGANISATION] }, { OU: [options.role] }, { CN: [terminalId] }],
    names: [{ type: 'url', value: `${TERMINAL_URI}${terminalId}` }],
    publicKeyPem: options.publicKeyPem,
    validFrom,
    validTo: options.validTo ?? new Date(validFrom.getTime() + 365 * DAY_MS),
  });
}

/** The terminal id of a municipality's counter terminal (lg-NNNNNN-counter) or card administrator (…-clerk). */
export function cardTerminalIdOf(lgCode: LocalGovernmentCode, role: CardTerminalRole): string {
  return `lg-${lgCode}-${role === 'card-terminal' ? 'counter' : 'clerk'}`;
}

/** Parses a card certificate; throws JUKI_ERR_CERT_INVALID unless it names one card and one municipality. */
export function readCardCertificate(certificatePem: string): CardCertificateInfo {
  const certificate = parseCertificate(certificatePem);
  const [unit] = certificate.subjectName.getField('OU');
  const [commonName] = certificate.subjectName.getField('CN');
  const uris = sanUris(certificate);
  const cardUris = uris.filter((uri) => uri.startsWith(CARD_URI));
  const lgUris = uris.filter((uri) => uri.startsWith(LG_URI));
  if (unit !== CARD_UNIT || commonName === undefined || !ID.test(commonName)) {
    throw new JukinetError('JUKI_ERR_CERT_INVALID', 'not a resident card certificate');
  }
  if (cardUris.length !== 1 || cardUris[0] !== `${CARD_URI}${commonName}` || lgUris.length !== 1) {
    throw new JukinetError(
      'JUKI_ERR_CERT_INVALID',
      `card certificate must name card ${quote(commonName)} and one municipality`,
    );
  }
  let issuerMunicipality: LocalGovernmentCode;
  try {
    issuerMunicipality = parseLocalGovernmentCode(lgUris[0]!.slice(LG_URI.length));
  } catch (error) {
    throw new JukinetError('JUKI_ERR_CERT_INVALID', `bad municipality ${quote(lgUris[0])}`, { cause: error });
  }
  return {
    cardId: commonName,
    issuerMunicipality,
    serialNumber: certificate.serialNumber.toLowerCase(),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    publicKeyPem: publicKeyPemOf(certificate),
    fingerprint: createHash('sha256').update(Buffer.from(certificate.rawData)).digest('hex'),
  };
}

/** Parses a terminal or administrator certificate; throws JUKI_ERR_CERT_INVALID for anything else. */
export function readCardTerminalCertificate(certificatePem: string): CardTerminalCertificateInfo {
  const certificate = parseCertificate(certificatePem);
  const units = certificate.subjectName.getField('OU');
  const [commonName] = certificate.subjectName.getField('CN');
  const role = Object.values(CardTerminalRole).find((value) => units.length === 1 && units[0] === value);
  if (role === undefined || commonName === undefined || !ID.test(commonName)) {
    throw new JukinetError('JUKI_ERR_CERT_INVALID', 'not a card terminal or administrator certificate');
  }
  return {
    terminalId: commonName,
    role,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    publicKeyPem: publicKeyPemOf(certificate),
  };
}

/**
 * Checks that `certificatePem` chains, through `intermediatePems` (certificate authorities only), to one of
 * `trustAnchorPems`, every link signed by the next and valid at `at`. Returns the path from the certificate to its
 * anchor; throws JUKI_ERR_CERT_INVALID naming the first link that fails.
 */
export function verifyCertificateChain(
  certificatePem: string,
  options: { intermediatePems?: readonly string[]; trustAnchorPems: readonly string[]; at: Date },
): string[] {
  const anchors = options.trustAnchorPems.map((pem) => parseNodeCertificate(pem));
  const intermediates = (options.intermediatePems ?? []).map((pem) => parseNodeCertificate(pem));
  let current = parseNodeCertificate(certificatePem);
  const path = [current];
  for (;;) {
    checkValidAt(current, options.at);
    const anchor = anchors.find((candidate) => issued(candidate, current));
    if (anchor !== undefined) {
      checkValidAt(anchor, options.at);
      if (anchor.fingerprint256 !== current.fingerprint256) path.push(anchor);
      return path.map((certificate) => certificate.toString());
    }
    const next = intermediates.find(
      (candidate) => candidate.ca && !path.includes(candidate) && issued(candidate, current),
    );
    if (next === undefined || path.length > MAX_CHAIN) {
      throw new JukinetError(
        'JUKI_ERR_CERT_INVALID',
        `${quote(current.subject.replaceAll('\n', ', '))} is not issued by a trusted authority`,
      );
    }
    path.push(next);
    current = next;
  }
}

function issued(issuer: X509Certificate, subject: X509Certificate): boolean {
  return issuer.ca && subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
}

function checkValidAt(certificate: X509Certificate, at: Date): void {
  if (at.getTime() < Date.parse(certificate.validFrom) || at.getTime() > Date.parse(certificate.validTo)) {
    throw new JukinetError(
      'JUKI_ERR_CERT_INVALID',
      `${quote(certificate.subject.replaceAll('\n', ', '))} is not valid at ${quote(at.toISOString())}`,
    );
  }
}

async function issueLeaf(
  ca: CaMaterial,
  options: {
    subject: x509.JsonName;
    names: x509.JsonGeneralName[];
    publicKeyPem: string;
    validFrom: Date;
    validTo: Date;
  },
): Promise<string> {
  const caCertificate = parseCertificate(ca.certificatePem);
  const publicKey = toP256SpkiDer(options.publicKeyPem, 'the public key');
  const notBefore = wholeSeconds(options.validFrom);
  const notAfter = wholeSeconds(options.validTo);
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new JukinetError(
      'JUKI_ERR_CERT_INVALID',
      `validity ends ${quote(notAfter.toISOString())} before it starts`,
    );
  }
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: options.subject,
    issuer: caCertificate.subjectName,
    notBefore,
    notAfter,
    publicKey,
    signingKey: await importP256SigningKey(ca.privateKeyPem, 'the card issuer private key'),
    signingAlgorithm: ECDSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.SubjectAlternativeNameExtension(options.names),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCertificate.publicKey),
    ],
  });
  return certificate.toString('pem');
}

function checkId(id: string, what: string): string {
  if (!ID.test(id)) {
    throw new JukinetError(
      'JUKI_ERR_CERT_INVALID',
      `${what} ${quote(id)} must be lowercase letters, digits and dashes`,
    );
  }
  return id;
}

function parseCertificate(certificatePem: string): x509.X509Certificate {
  try {
    return new x509.X509Certificate(certificatePem);
  } catch (error) {
    throw new JukinetError('JUKI_ERR_CERT_INVALID', 'cannot parse the certificate', { cause: error });
  }
}

function parseNodeCertificate(certificatePem: string): X509Certificate {
  try {
    return new X509Certificate(certificatePem);
  } catch (error) {
    throw new JukinetError('JUKI_ERR_CERT_INVALID', 'cannot parse the certificate', { cause: error });
  }
}

function sanUris(certificate: x509.X509Certificate): string[] {
  const san = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  return (san?.names.items ?? []).filter((name) => name.type === 'url').map((name) => name.value);
}

function publicKeyPemOf(certificate: x509.X509Certificate): string {
  return createPublicKey({ key: Buffer.from(certificate.publicKey.rawData), format: 'der', type: 'spki' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}
