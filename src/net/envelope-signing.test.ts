import { beforeAll, describe, expect, it } from 'vitest';
import type { NodeId } from '../domain/node-id.js';
import { createTestPki, type TestNode } from '../crypto/testing/test-pki.js';
import { createUnsignedEnvelope, parseEnvelope, type Envelope } from '../protocol/index.js';
import { signEnvelope, verifyEnvelopeSignature } from './envelope-signing.js';

let municipality: TestNode;
let impostor: TestNode;
let signed: Envelope;

beforeAll(async () => {
  const pki = await createTestPki();
  [municipality, impostor] = await Promise.all([pki.issue('muni-131059'), pki.issue('muni-131016')]);
  signed = signEnvelope(
    createUnsignedEnvelope({
      type: 'node.ping',
      from: municipality.nodeId,
      to: 'pref-13' as NodeId,
      seq: 1,
      body: { note: 'link check' },
    }),
    municipality.privateKeyPem,
  );
});

describe('signEnvelope() and verifyEnvelopeSignature()', () => {
  it('produce an envelope that parses and verifies with the originator certificate', () => {
    expect(parseEnvelope(JSON.parse(JSON.stringify(signed)))).toEqual(signed);
    expect(verifyEnvelopeSignature(signed, municipality.certificatePem)).toBe(true);
  });

  it('verify regardless of key order, since the signature covers the canonical JSON', () => {
    const reordered = JSON.parse(
      JSON.stringify({
        sig: signed.sig,
        body: signed.body,
        seq: signed.seq,
        at: signed.at,
        to: signed.to,
        from: signed.from,
        type: signed.type,
        id: signed.id,
        v: signed.v,
      }),
    ) as Envelope;
    expect(verifyEnvelopeSignature(reordered, municipality.certificatePem)).toBe(true);
  });

  it('refuse a signature by another node', () => {
    expect(verifyEnvelopeSignature(signed, impostor.certificatePem)).toBe(false);
    const forged = signEnvelope({ ...signed }, impostor.privateKeyPem);
    expect(verifyEnvelopeSignature(forged, municipality.certificatePem)).toBe(false);
  });

  it.each([
    ['body', { note: 'changed' }],
    ['seq', 2],
    ['to', 'national'],
    ['at', '2030-01-01T00:00:00.000Z'],
    ['type', 'node.pong'],
  ])('refuse an envelope whose %s changed after signing', (field, value) => {
    expect(verifyEnvelopeSignature({ ...signed, [field]: value }, municipality.certificatePem)).toBe(false);
  });

  it('refuse a malformed signature without throwing', () => {
    expect(verifyEnvelopeSignature({ ...signed, sig: 'AAAA' }, municipality.certificatePem)).toBe(false);
    const flipped = `${signed.sig.startsWith('A') ? 'B' : 'A'}${signed.sig.slice(1)}`;
    expect(verifyEnvelopeSignature({ ...signed, sig: flipped }, municipality.certificatePem)).toBe(false);
  });
});
