import { describe, expect, it } from 'vitest';
import { createSeededRandom } from './prng.js';

describe('createSeededRandom()', () => {
  it('repeats its sequence for a seed and stays within its ranges', () => {
    const a = createSeededRandom(99);
    const b = createSeededRandom(99);
    const first = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    const c = createSeededRandom(5);
    const ints = Array.from({ length: 1000 }, () => c.integer(3, 6));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5, 6]));
  });

  it('picks by weight and never picks a zero weight', () => {
    const rng = createSeededRandom(1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[rng.weightedIndex([1, 0, 2])]! += 1;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeGreaterThan(1.5);
  });
});
