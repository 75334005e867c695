import { describe, expect, it } from 'vitest';
import { isJukinetError } from '../shared/errors.js';
import { createRootCa, generateNodeKeyPair } from './ca.js';
import {
  CardTerminalRole,
  createCardIssuerCa,
  issueCardCertificate,
  issueCardTerminalCertificate,
  readCardCertificate,
  readCardTerminalCertificate,
  verifyCertificateChain,
} from './card-certificate.js';

const FROM = new Date('2015-04-01T00:00:00Z');
const TO = new Date('2025-03-31T00:00:00Z');
const INSIDE = new Date('2020-01-01T00:00:00Z');

function refusalOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (isJukinetError(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe('card certificates', () => {
  it('issueCardCertificate() names the card and municipality and carries the key, never a resident code', async () => {
    const issuer = await createCardIssuerCa({
      municipalityCode: '131059',
      validFrom: new Date('2014-01-01'),
    });
    const keys = generateNodeKeyPair();
    const pem = await issueCardCertificate(issuer, {
      cardId: '0123456789abcdef',
      issuerMunicipality: '131059',
      publicKeyPem: keys.publicKeyPem,
      validFrom: FROM,
      validTo: TO,
    });
    expect(readCardCertificate(pem)).toMatchObject({
      cardId: '0123456789abcdef',
      issuerMunicipality: '131059',
      notBefore: FROM,
      notAfter: TO,
      publicKeyPem: keys.publicKeyPem,
    });
    expect(
      verifyCertificateChain(pem, { trustAnchorPems: [issuer.certificatePem], at: INSIDE }),
    ).toHaveLength(2);
    expect(
      refusalOf(() =>
        verifyCertificateChain(pem, { trustAnchorPems: [issuer.certificatePem], at: new Date('2026-01-01') }),
      ),
    ).toBe('JUKI_ERR_CERT_INVALID');
    expect(refusalOf(() => readCardTerminalCertificate(pem))).toBe('JUKI_ERR_CERT_INVALID');
  });

  it('verifyCertificateChain() climbs through CA intermediates only, to a listed anchor', async () => {
    const root = await createRootCa({ validFrom: new Date('2014-01-01') });
    const other = await createRootCa({ validFrom: new Date('2014-01-01') });
    const issuer = await createCardIssuerCa({
      municipalityCode: '131059',
      parent: root,
      validFrom: new Date('2014-01-01'),
    });
    const keys = generateNodeKeyPair();
    const terminal = await issueCardTerminalCertificate(issuer, {
      terminalId: 'window-1',
      role: CardTerminalRole.terminal,
      publicKeyPem: keys.publicKeyPem,
      validFrom: FROM,
      validTo: TO,
    });
    expect(readCardTerminalCertificate(terminal)).toMatchObject({
      terminalId: 'window-1',
      role: 'card-terminal',
    });
    const at = INSIDE;
    expect(
      verifyCertificateChain(terminal, {
        intermediatePems: [issuer.certificatePem],
        trustAnchorPems: [root.certificatePem],
        at,
      }),
    ).toHaveLength(3);
    expect(
      refusalOf(() => verifyCertificateChain(terminal, { trustAnchorPems: [root.certificatePem], at })),
    ).toBe('JUKI_ERR_CERT_INVALID');
    expect(
      refusalOf(() =>
        verifyCertificateChain(terminal, {
          intermediatePems: [issuer.certificatePem],
          trustAnchorPems: [other.certificatePem],
          at,
        }),
      ),
    ).toBe('JUKI_ERR_CERT_INVALID');
    // A leaf certificate cannot stand in for a CA.
    const leafKeys = generateNodeKeyPair();
    const signedByLeaf = await issueCardTerminalCertificate(
      { certificatePem: terminal, privateKeyPem: keys.privateKeyPem },
      {
        terminalId: 'window-2',
        role: CardTerminalRole.terminal,
        publicKeyPem: leafKeys.publicKeyPem,
        validFrom: FROM,
        validTo: TO,
      },
    );
    expect(
      refusalOf(() =>
        verifyCertificateChain(signedByLeaf, {
          intermediatePems: [terminal, issuer.certificatePem],
          trustAnchorPems: [root.certificatePem],
          at,
        }),
      ),
    ).toBe('JUKI_ERR_CERT_INVALID');
  });
});
