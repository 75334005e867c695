import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJukinetError, JukinetError } from '../shared/errors.js';
import { newUuidV7 } from '../shared/ids.js';
import type { NodeId } from '../domain/node-id.js';
import {
  createUnsignedEnvelope,
  parseEnvelope,
  relayBodySchema,
  signingInput,
  type Envelope,
} from './envelope.js';

const good: Envelope = {
  v: 1,
  id: newUuidV7(Date.parse('2025-04-01T00:00:00Z')),
  type: 'node.ping',
  from: 'muni-131059' as NodeId,
  to: 'pref-13' as NodeId,
  at: '2025-04-01T00:00:00.000Z',
  seq: 1,
  body: { note: 'hello' },
  sig: 'MEUCIQDabc_-123',
};

function refusal(input: unknown): JukinetError {
  try {
    parseEnvelope(input);
  } catch (error) {
    if (error instanceof JukinetError) return error;
    throw error;
  }
  throw new Error('parseEnvelope() accepted the input');
}

describe('parseEnvelope()', () => {
  it('accepts a well-formed envelope and returns it unchanged', () => {
    expect(parseEnvelope(good)).toEqual(good);
    expect(parseEnvelope(JSON.parse(JSON.stringify(good)))).toEqual(good);
  });

  it.each([
    ['v', 2, 'envelope.v: must be 1'],
    ['id', 'not-a-uuid', 'envelope.id: must be a lowercase UUIDv7'],
    ['id', '0190b1d2-3c4d-4e5f-8a6b-7c8d9e0f1a2b', 'envelope.id: must be a lowercase UUIDv7'],
    ['type', 'ping', 'envelope.type: must be "<area>.<name>" in lowercase kebab-case'],
    ['type', 'Node.Ping', 'envelope.type: must be "<area>.<name>" in lowercase kebab-case'],
    ['from', 'muni-999999', 'envelope.from: must be a node id'],
    ['to', 'pref-48', 'envelope.to: must be a node id'],
    ['at', '2025-04-01T09:00:00+09:00', 'envelope.at: must be an ISO-8601 UTC timestamp ending in Z'],
    ['at', '2025-02-30T00:00:00Z', 'envelope.at: must be an ISO-8601 UTC timestamp ending in Z'],
    ['seq', 0, 'envelope.seq: must be a positive integer'],
    ['seq', 1.5, 'envelope.seq: must be a positive integer'],
    ['seq', '1', 'envelope.seq: must be a positive integer'],
    ['body', Number.NaN, 'envelope.body: must be a JSON value'],
    ['body', { when: new Date(0) }, 'envelope.body: must be a JSON value'],
    ['sig', 'a+b/c==', 'envelope.sig: must be base64url'],
    ['sig', '', 'envelope.sig: must not be empty'],
  ])('refuses a bad %s (%j) naming the field', (field, value, reason) => {
    const error = refusal({ ...good, [field]: value });
    expect(error.code).toBe('JUKI_ERR_ENVELOPE_INVALID');
    expect(error.message).toContain(reason);
  });

  it.each(['v', 'id', 'type', 'from', 'to', 'at', 'seq', 'body', 'sig'])(
    'refuses an envelope without %s',
    (field) => {
      const { [field as keyof Envelope]: _, ...rest } = good;
      const error = refusal(rest);
      expect(error.code).toBe('JUKI_ERR_ENVELOPE_INVALID');
      expect(error.message).toContain(`envelope.${field}:`);
    },
  );

  it('refuses a field the signature would not cover', () => {
    expect(refusal({ ...good, priority: 'high' }).message).toContain('Unrecognized key: "priority"');
  });

  it('refuses a value that is not an object', () => {
    for (const input of [null, undefined, 'envelope', 42, [good]]) {
      expect(refusal(input).message).toMatch(/^Invalid message envelope: envelope: /);
    }
  });

  it('lists every bad field at once', () => {
    const message = refusal({ ...good, seq: -1, to: 'nowhere' }).message;
    expect(message).toContain('envelope.to:');
    expect(message).toContain('envelope.seq:');
  });

  it('throws nothing but JukinetError on arbitrary input', () => {
    const arbitraryEnvelopeLike = fc.record(
      {
        v: fc.oneof(fc.constant(1), fc.anything()),
        id: fc.oneof(fc.uuid({ version: 7 }), fc.anything()),
        type: fc.oneof(fc.constant('node.ping'), fc.string()),
        from: fc.oneof(fc.constantFrom('national', 'pref-13', 'muni-131059'), fc.string()),
        to: fc.oneof(fc.constantFrom('national', 'pref-13'), fc.string()),
        at: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.string(),
        ),
        seq: fc.oneof(fc.integer(), fc.double()),
        body: fc.anything(),
        sig: fc.oneof(fc.base64String(), fc.string()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue(), arbitraryEnvelopeLike), (input) => {
        try {
          parseEnvelope(input);
        } catch (error) {
          return isJukinetError(error, 'JUKI_ERR_ENVELOPE_INVALID');
        }
        return true;
      }),
      { seed: 42, numRuns: 2000 },
    );
  });
});

describe('signingInput()', () => {
  it('covers every field but sig, and nothing else', () => {
    const input = signingInput({ ...good, extra: 'x' } as Envelope);
    expect(Object.keys(input).sort()).toEqual(['at', 'body', 'from', 'id', 'seq', 'to', 'type', 'v']);
    expect(input).toEqual({ ...good, sig: undefined, extra: undefined });
  });
});

describe('createUnsignedEnvelope()', () => {
  it('fills v, a UUIDv7 id and a UTC timestamp', () => {
    const at = new Date('2025-04-01T01:02:03.456Z');
    const unsigned = createUnsignedEnvelope({
      type: 'node.ping',
      from: good.from,
      to: good.to,
      seq: 7,
      body: {},
      at,
    });
    expect(unsigned).toMatchObject({ v: 1, at: '2025-04-01T01:02:03.456Z', seq: 7 });
    expect(parseEnvelope({ ...unsigned, sig: 'AA' }).id).toBe(unsigned.id);
  });

  it('refuses to build an envelope the receiver would refuse', () => {
    expect(() =>
      createUnsignedEnvelope({ type: 'node.ping', from: good.from, to: good.to, seq: 0, body: {} }),
    ).toThrow(/envelope\.seq: must be a positive integer/);
  });
});

describe('relayBodySchema', () => {
  it('carries the originator envelope unchanged', () => {
    const relayed = relayBodySchema.parse({ original: good });
    expect(relayed.original).toEqual(good);
    expect(relayBodySchema.safeParse({ original: { ...good, sig: '' } }).success).toBe(false);
  });
});
