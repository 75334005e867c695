// A small seeded pseudo-random generator for synthetic test data (mulberry32): reproducible, fast, not for security.

/** A deterministic source of numbers in [0, 1), with helpers for picking. */
export interface SeededRandom {
  /** The next number in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  integer(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element, each equally likely. */
  pick<T>(items: readonly T[]): T;
  /** One index, in proportion to its weight. */
  weightedIndex(weights: readonly number[]): number;
}

/** Creates a generator whose sequence depends only on the 32-bit seed. */
export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return {
    next,
    integer: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('Cannot pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    weightedIndex(weights) {
      let total = 0;
      for (const weight of weights) total += weight;
      let r = next() * total;
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i]!;
        if (r < 0) return i;
      }
      return weights.length - 1;
    },
  };
}
