// The national code pool: codes never repeat across blocks (also when the random source keeps repeating itself),
// a grant is idempotent by request id, and a bad size or a reused request id is refused.

import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../test/support/engines.js';
import type { NodeId } from '../../domain/node-id.js';
import { isResidentCode } from '../../domain/resident-code.js';
import { isJukinetError } from '../../shared/errors.js';
import type { RandomBytes } from '../../shared/random.js';
import type { Store } from '../../store/index.js';
import { countGeneratedCodes, grantCodeBlock } from './code-pool.js';

const TOKYO = 'pref-13' as NodeId;
const OSAKA = 'pref-27' as NodeId;

/**
 * A random source with almost no entropy: every digit generateResidentCode draws is below `digits`, so only
 * digits^10 codes exist and repeats are frequent.
 */
function lowEntropy(seed: number, digits: number): RandomBytes {
  let state = seed >>> 0 || 1;
  return (length) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const bytes = new Uint8Array(length);
    // randomInt reads four bytes big-endian; only the last one varies.
    bytes[length - 1] = (state >>> 0) % digits;
    return bytes;
  };
}

async function grant(
  store: Store,
  options: { holder?: NodeId; requestId: string; size: number; random?: RandomBytes },
) {
  return store.transaction((trx) => grantCodeBlock(trx, { holder: TOKYO, ...options }));
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describeEachEngine('national code pool', ({ openFresh }) => {
  it('grantCodeBlock() never hands out a code twice across 20 blocks of 500', async () => {
    const store = await openFresh();
    const all: string[] = [];
    for (let i = 0; i < 20; i++) {
      const holder = i % 2 === 0 ? TOKYO : OSAKA;
      const block = await grant(store, { holder, requestId: `r-${i}`, size: 500 });
      expect(block.codes).toHaveLength(500);
      all.push(...block.codes);
    }
    expect(new Set(all).size).toBe(10_000);
    expect(all.every(isResidentCode)).toBe(true);
    expect(await countGeneratedCodes(store.db)).toBe(10_000);
  });

  it('grantCodeBlock() draws again on a repeat: with a low-entropy source no code repeats', async () => {
    const store = await openFresh();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 1, maxLength: 6 }),
        async (seed, sizes) => {
          await store.db.deleteFrom('code_pool').execute();
          await store.db.deleteFrom('code_block').execute();
          // 2^10 = 1,024 possible codes; the blocks ask for up to 720 of them, so most draws late on are repeats.
          const random = lowEntropy(seed, 2);
          const all: string[] = [];
          for (const [i, size] of sizes.entries()) {
            const block = await grant(store, { requestId: `p-${i}`, size, random });
            expect(block.codes).toHaveLength(size);
            all.push(...block.codes);
          }
          expect(new Set(all).size).toBe(all.length);
          expect(all.every(isResidentCode)).toBe(true);
          expect(await countGeneratedCodes(store.db)).toBe(all.length);
        },
      ),
      { seed: 42, numRuns: 12 },
    );
  });

  it('grantCodeBlock() fails with JUKI_ERR_CODE_POOL_EXHAUSTED and grants nothing when no new code can be drawn', async () => {
    const store = await openFresh();
    const random = lowEntropy(7, 2);
    await grant(store, { requestId: 'fill', size: 1000, random });
    const error = await failure(grant(store, { requestId: 'more', size: 100, random }));
    expect(isJukinetError(error, 'JUKI_ERR_CODE_POOL_EXHAUSTED')).toBe(true);
    expect(await countGeneratedCodes(store.db)).toBe(1000);
    const blocks = await store.db.selectFrom('code_block').select('request_id').execute();
    expect(blocks.map((block) => block.request_id)).toEqual(['fill']);
  });

  it('grantCodeBlock() answers the same request id with the same block, and another id with other codes', async () => {
    const store = await openFresh();
    const first = await grant(store, { requestId: 'r-1', size: 300 });
    const again = await grant(store, { requestId: 'r-1', size: 300 });
    const other = await grant(store, { requestId: 'r-2', size: 300 });
    const otherHolder = await grant(store, { holder: OSAKA, requestId: 'r-1', size: 300 });
    expect(again).toEqual(first);
    const firstCodes = new Set(first.codes);
    expect(other.codes.some((code) => firstCodes.has(code))).toBe(false);
    expect(otherHolder.blockId).not.toBe(first.blockId);
    expect(otherHolder.codes.some((code) => firstCodes.has(code))).toBe(false);
    expect(await countGeneratedCodes(store.db)).toBe(900);
  });

  it('grantCodeBlock() refuses a reused request id with another size', async () => {
    const store = await openFresh();
    await grant(store, { requestId: 'r-1', size: 10 });
    const error = await failure(grant(store, { requestId: 'r-1', size: 11 }));
    expect(isJukinetError(error, 'JUKI_ERR_CODE_BLOCK_REQUEST_REUSED')).toBe(true);
  });

  it('grantCodeBlock() refuses a size below 1 or above 10,000 with JUKI_ERR_CODE_BLOCK_SIZE', async () => {
    const store = await openFresh();
    for (const size of [0, -1, 10_001, 2.5]) {
      const error = await failure(grant(store, { requestId: `r-${size}`, size }));
      expect(isJukinetError(error, 'JUKI_ERR_CODE_BLOCK_SIZE')).toBe(true);
    }
    expect((await grant(store, { requestId: 'max', size: 10_000 })).codes).toHaveLength(10_000);
  });
});
