// The cryptographic random source (Web Crypto's getRandomValues, present in Node 20+ and every browser).

/** Fills a byte array with random bytes; injectable so tests can be deterministic. */
export type RandomBytes = (length: number) => Uint8Array;

export const secureRandomBytes: RandomBytes = (length) => {
  if (length <= POOLED_MAX) return pooledBytes(length);
  return freshBytes(length);
};

/** Requests up to this many bytes are served from the pool. */
const POOLED_MAX = 64;
const POOL_SIZE = 8192;
let pool = new Uint8Array(0);
let poolOffset = 0;

/**
 * Small requests (randomInt asks for 4 bytes at a time, a resident code for ten digits) come from one buffer filled
 * 8 KiB at a time, each byte handed out once: a getRandomValues call per 4 bytes made drawing the codes of a block
 * the national server's main cost.
 */
function pooledBytes(length: number): Uint8Array {
  if (poolOffset + length > pool.length) {
    pool = freshBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const bytes = pool.slice(poolOffset, poolOffset + length);
  pool.fill(0, poolOffset, poolOffset + length);
  poolOffset += length;
  return bytes;
}

function freshBytes(length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  // getRandomValues refuses more than 65,536 bytes per call.
  for (let offset = 0; offset < length; offset += 65_536) {
    globalThis.crypto.getRandomValues(bytes.subarray(offset, Math.min(length, offset + 65_536)));
  }
  return bytes;
}

/** A uniformly random integer in [0, bound), by rejection sampling (no modulo bias). */
export function randomInt(bound: number, random: RandomBytes = secureRandomBytes): number {
  if (!Number.isInteger(bound) || bound <= 0 || bound > 2 ** 32) throw new RangeError(`Bad bound ${bound}`);
  const limit = 2 ** 32 - (2 ** 32 % bound);
  for (;;) {
    const b = random(4);
    const value = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    if (value < limit) return value % bound;
  }
}
