// Code holdings: receiving blocks, taking a code (never the same twice), and idempotent, disjoint sub-grants. The
// route and the refill over real mTLS, national → prefecture → municipality: test/e2e/code-blocks.test.ts.

import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../test/support/engines.js';
import type { NodeId } from '../../domain/node-id.js';
import { generateResidentCode, type ResidentCode } from '../../domain/resident-code.js';
import { isJukinetError } from '../../shared/errors.js';
import type { Store } from '../../store/index.js';
import { countAvailableCodes, grantFromHolding, receiveCodeBlock, takeCode } from './code-holding.js';

const BUNKYO = 'muni-131059' as NodeId;
const CHIYODA = 'muni-131016' as NodeId;

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

function distinctCodes(count: number): ResidentCode[] {
  const codes = new Set<ResidentCode>();
  while (codes.size < count) codes.add(generateResidentCode());
  return [...codes];
}

async function heldCodes(store: Store): Promise<string[]> {
  const rows = await store.db.selectFrom('code_holding').select('code').orderBy('code').execute();
  return rows.map((row) => row.code);
}

describeEachEngine('code holding', ({ openFresh }) => {
  it('takeCode() hands out each held code once; a taken code never becomes available again', async () => {
    const store = await openFresh();
    const codes = distinctCodes(5);
    expect(await store.transaction((trx) => receiveCodeBlock(trx, { blockId: 'b-1', codes }))).toBe(5);
    expect(await countAvailableCodes(store.db)).toBe(5);
    const taken: string[] = [];
    for (let i = 0; i < 5; i++) taken.push(await store.transaction((trx) => takeCode(trx)));
    expect(taken.sort()).toEqual([...codes].sort());
    expect(await countAvailableCodes(store.db)).toBe(0);
    const error = await failure(store.transaction((trx) => takeCode(trx)));
    expect(isJukinetError(error, 'JUKI_ERR_CODE_POOL_EMPTY')).toBe(true);
    // The same block again (a retried request) adds nothing and revives nothing.
    expect(await store.transaction((trx) => receiveCodeBlock(trx, { blockId: 'b-1', codes }))).toBe(0);
    expect(await countAvailableCodes(store.db)).toBe(0);
  });

  it('takeCode() in a transaction that rolls back leaves the code available', async () => {
    const store = await openFresh();
    const [code] = distinctCodes(1);
    await store.transaction((trx) => receiveCodeBlock(trx, { blockId: 'b-1', codes: [code!] }));
    const error = await failure(
      store.transaction(async (trx) => {
        await takeCode(trx);
        throw new Error('recording the person failed');
      }),
    );
    expect((error as Error).message).toBe('recording the person failed');
    expect(await store.transaction((trx) => takeCode(trx))).toBe(code);
  });

  it('receiveCodeBlock() refuses a block that repeats a code already held, and stores none of it', async () => {
    const store = await openFresh();
    const codes = distinctCodes(4);
    await store.transaction((trx) => receiveCodeBlock(trx, { blockId: 'b-1', codes: codes.slice(0, 2) }));
    const error = await failure(
      store.transaction((trx) => receiveCodeBlock(trx, { blockId: 'b-2', codes: codes.slice(1) })),
    );
    expect(isJukinetError(error, 'JUKI_ERR_CODE_BLOCK_INVALID')).toBe(true);
    expect(await heldCodes(store)).toEqual(codes.slice(0, 2).sort());
  });

  it('grantFromHolding() is idempotent by request id, disjoint across ids, and refuses what the holding cannot cover', async () => {
    const store = await openFresh();
    await store.transaction((trx) => receiveCodeBlock(trx, { blockId: 'n-1', codes: distinctCodes(100) }));
    const grant = (holder: NodeId, requestId: string, size: number) =>
      store.transaction((trx) => grantFromHolding(trx, { holder, requestId, size }));
    const first = await grant(BUNKYO, 'r-1', 30);
    expect(await grant(BUNKYO, 'r-1', 30)).toEqual(first);
    const second = await grant(BUNKYO, 'r-2', 30);
    const third = await grant(CHIYODA, 'r-1', 30);
    const all = [...first.codes, ...second.codes, ...third.codes];
    expect(new Set(all).size).toBe(90);
    expect(await countAvailableCodes(store.db)).toBe(10);
    const empty = await failure(grant(BUNKYO, 'r-3', 11));
    expect(isJukinetError(empty, 'JUKI_ERR_CODE_POOL_EMPTY')).toBe(true);
    const reused = await failure(grant(BUNKYO, 'r-1', 31));
    expect(isJukinetError(reused, 'JUKI_ERR_CODE_BLOCK_REQUEST_REUSED')).toBe(true);
    expect(await countAvailableCodes(store.db)).toBe(10);
    // Granted codes are not the prefecture's to assign.
    const taken = new Set<string>();
    for (let i = 0; i < 10; i++) taken.add(await store.transaction((trx) => takeCode(trx)));
    expect(all.some((code) => taken.has(code))).toBe(false);
  });
});
