import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomInt, secureRandomBytes } from './random.js';

describe('secureRandomBytes', () => {
  it('returns exactly the length asked for, pooled or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70_000 }), (length) => {
        expect(secureRandomBytes(length)).toHaveLength(length);
      }),
      { numRuns: 200 },
    );
  });

  it('never hands out the same pooled bytes twice, across refills of the pool', () => {
    const seen = new Set<string>();
    // 16-byte draws: a repeat by chance has probability about 2^-100 here, so a repeat means reuse.
    for (let i = 0; i < 5_000; i++) {
      const hex = Buffer.from(secureRandomBytes(16)).toString('hex');
      expect(seen.has(hex)).toBe(false);
      seen.add(hex);
    }
  });
});

describe('randomInt', () => {
  it('stays within its bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 32 }), (bound) => {
        const value = randomInt(bound);
        expect(Number.isInteger(value) && value >= 0 && value < bound).toBe(true);
      }),
    );
  });

  it('covers every digit over many draws', () => {
    const digits = new Set<number>();
    for (let i = 0; i < 1_000; i++) digits.add(randomInt(10));
    expect([...digits].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
