import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJukinetError } from '../shared/errors.js';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson()', () => {
  it('reproduces the RFC 8785 §3.2.2 example: numbers, string escapes, literals, sorted keys', () => {
    const input: unknown = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        ' "literals": [null, true, false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units, as in RFC 8785 §3.2.3', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Compared as text: JSON.parse would list the integer-like key "1" first, whatever the order on the wire.
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('writes numbers in the ECMAScript shortest form RFC 8785 §3.2.2.3 requires', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [4.5, '4.5'],
      [1e30, '1e+30'],
      [1e21, '1e+21'],
      [1e20, '100000000000000000000'],
      [0.000001, '0.000001'],
      [1e-7, '1e-7'],
      [5e-324, '5e-324'],
      [-5e-324, '-5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [9007199254740992, '9007199254740992'],
      [Number('333333333.33333329'), '333333333.3333333'],
    ];
    for (const [value, text] of cases) expect(canonicalJson(value)).toBe(text);
  });

  it('leaves out undefined properties and uses toJSON, as JSON does', () => {
    expect(canonicalJson({ b: 1, a: undefined, c: new Date('2025-04-01T00:00:00Z') })).toBe(
      '{"b":1,"c":"2025-04-01T00:00:00.000Z"}',
    );
    expect(canonicalJson({ z: { y: [1, 'x', { b: 2, a: 1 }] }, a: null })).toBe(
      '{"a":null,"z":{"y":[1,"x",{"a":1,"b":2}]}}',
    );
  });

  it('refuses values JSON cannot carry faithfully with JUKI_ERR_CANONICAL_JSON', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const refused: unknown[] = [
      undefined,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      { a: Number.NEGATIVE_INFINITY },
      10n,
      { a: 10n },
      () => 1,
      { a: () => 1 },
      Symbol('s'),
      [1, undefined],
      new Map([['a', 1]]),
      { a: new Set([1]) },
      cyclic,
    ];
    for (const value of refused) {
      expect(() => canonicalJson(value), String(typeof value)).toThrow(
        expect.objectContaining({ code: 'JUKI_ERR_CANONICAL_JSON' }) as Error,
      );
    }
    try {
      canonicalJson({ a: { b: [0, Number.NaN] } });
    } catch (error) {
      expect(isJukinetError(error, 'JUKI_ERR_CANONICAL_JSON') && error.detail).toBe('NaN at "$.a.b[1]"');
    }
  });

  it('round-trips every JSON value: parsing the canonical form gives the value back', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const canonical = canonicalJson(value);
        expect(JSON.parse(canonical)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(JSON.parse(canonical))).toBe(canonical);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('does not depend on the order in which object keys were inserted', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(value));
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
