// Resident code blocks over real mTLS (docs/protocol/code-blocks.md): a municipality fills its holding from its
// prefecture, which refills from the national server; retries reuse request ids; strangers are refused.

import { pino } from 'pino';
import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { createTestPki, type TestNode, type TestPki } from '../../src/crypto/testing/test-pki.js';
import { roleOf, type NodeId } from '../../src/domain/node-id.js';
import {
  createNetworkServer,
  createPeerClient,
  type NetworkRoute,
  type PeerClient,
} from '../../src/net/index.js';
import { tlsMaterialOf } from '../../src/net/testing/tls-material.js';
import { CODE_BLOCKS_PATH, type CodeBlockResponse } from '../../src/protocol/index.js';
import { systemClock } from '../../src/shared/clock.js';
import { JukinetError, isJukinetError } from '../../src/shared/errors.js';
import type { Store } from '../../src/store/index.js';
import { nationalCodeBlockRoutes } from '../../src/servers/national/code-pool.js';
import {
  CODE_REFILL_PENDING_KEY,
  codeBlockRoutes,
  countAvailableCodes,
  startCodeRefill,
  takeCode,
  type CodeRefill,
} from '../../src/servers/common/code-holding.js';
import type { NodeContext } from '../../src/servers/common/node-module.js';

const NATIONAL = 'national' as NodeId;
const TOKYO = 'pref-13' as NodeId;
const BUNKYO = 'muni-131059' as NodeId;
const CHIYODA = 'muni-131016' as NodeId;
const MATSUBARA = 'muni-272175' as NodeId;

let pki: TestPki;
const certified = new Map<NodeId, TestNode>();
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  pki = await createTestPki();
  for (const id of [NATIONAL, TOKYO, BUNKYO, CHIYODA, MATSUBARA]) certified.set(id, await pki.issue(id));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The network ports of the nodes a test started, by node id. */
type Endpoints = Map<NodeId, string>;

/** A NodeContext as the runtime would give it, with real mTLS calls to the peers in `endpoints`. */
function testContext(nodeId: NodeId, store: Store, endpoints: Endpoints): NodeContext {
  const node = certified.get(nodeId)!;
  const clients = new Map<NodeId, PeerClient>();
  cleanups.push(async () => {
    for (const client of clients.values()) await client.close();
  });
  return {
    nodeId,
    role: roleOf(nodeId),
    store,
    clock: systemClock,
    logger: pino({ enabled: false }),
    directory: { node: () => undefined, nodes: () => [], issuedAt: '2025-01-01T00:00:00.000Z' },
    transaction: (fn) =>
      store.transaction((trx) =>
        fn(trx, {
          send: () => Promise.reject(new Error('This test sends no messages')),
        }),
      ),
    call: <T>(peer: NodeId, request: { method: 'GET' | 'POST'; path: string; body?: unknown }) => {
      let client = clients.get(peer);
      if (client === undefined) {
        const endpoint = endpoints.get(peer);
        if (endpoint === undefined) {
          return Promise.reject(new JukinetError('JUKI_ERR_PEER_UNREACHABLE', `${peer} is not running`));
        }
        client = createPeerClient({ tls: tlsMaterialOf(pki, node), endpoint, expectedNodeId: peer });
        clients.set(peer, client);
      }
      return client.request<T>(request.method, request.path, request.body);
    },
    certificateOf: () => undefined,
    caPem: pki.ca.certificatePem,
  };
}

/** Starts `context`'s network port with `routes` and records its endpoint. */
async function serve(
  context: NodeContext,
  routes: readonly NetworkRoute[],
  endpoints: Endpoints,
): Promise<void> {
  const server = createNetworkServer({ tls: tlsMaterialOf(pki, certified.get(context.nodeId)!), routes });
  const { port } = await server.listen(0, '127.0.0.1');
  endpoints.set(context.nodeId, `https://127.0.0.1:${port}`);
  cleanups.push(() => server.close());
}

function refill(context: NodeContext, options: Parameters<typeof startCodeRefill>[1]): CodeRefill {
  const running = startCodeRefill(context, { intervalMs: 60_000, ...options });
  cleanups.push(() => running.stop());
  return running;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

async function heldCodes(store: Store): Promise<string[]> {
  const rows = await store.db.selectFrom('code_holding').select('code').orderBy('code').execute();
  return rows.map((row) => row.code);
}

describeEachEngine('code blocks between nodes', ({ openFresh }) => {
  it('a municipality fills its holding from its prefecture, which refills from the national server first', async () => {
    const endpoints: Endpoints = new Map();
    const national = testContext(NATIONAL, await openFresh(), endpoints);
    const prefecture = testContext(TOKYO, await openFresh(), endpoints);
    const municipality = testContext(BUNKYO, await openFresh(), endpoints);
    await serve(national, nationalCodeBlockRoutes(national), endpoints);
    await serve(prefecture, codeBlockRoutes(prefecture, { upstreamBlockSize: 500 }), endpoints);

    const muniRefill = refill(municipality, { upstream: TOKYO, lowWater: 150, blockSize: 200 });
    await muniRefill.refillNow();
    expect(await countAvailableCodes(municipality.store.db)).toBe(200);
    expect(await countAvailableCodes(prefecture.store.db)).toBe(300);
    expect(await national.store.db.selectFrom('code_pool').select('code').execute()).toHaveLength(500);

    // Above the low-water mark nothing is asked; below it, one more block.
    await muniRefill.refillNow();
    expect(await countAvailableCodes(municipality.store.db)).toBe(200);
    for (let i = 0; i < 60; i++) await municipality.store.transaction((trx) => takeCode(trx));
    await muniRefill.refillNow();
    expect(await countAvailableCodes(municipality.store.db)).toBe(340);
    expect(await countAvailableCodes(prefecture.store.db)).toBe(100);

    // Every code the municipality holds was generated nationally and granted to it by its prefecture, once.
    const muniCodes = await heldCodes(municipality.store);
    expect(new Set(muniCodes).size).toBe(400);
    const granted = await prefecture.store.db
      .selectFrom('code_holding')
      .select('code')
      .where('granted_to', '=', BUNKYO)
      .orderBy('code')
      .execute();
    expect(granted.map((row) => row.code)).toEqual(muniCodes);
    expect(await municipality.store.db.selectFrom('meta').selectAll().execute()).toEqual([]);
  });

  it('the refill schedule tops up a holding that dropped below its low-water mark', async () => {
    const endpoints: Endpoints = new Map();
    const national = testContext(NATIONAL, await openFresh(), endpoints);
    const prefecture = testContext(TOKYO, await openFresh(), endpoints);
    await serve(national, nationalCodeBlockRoutes(national), endpoints);
    refill(prefecture, { upstream: NATIONAL, lowWater: 100, blockSize: 250, intervalMs: 20 });
    await vi.waitFor(async () => expect(await countAvailableCodes(prefecture.store.db)).toBe(250), {
      timeout: 10_000,
    });
    for (let i = 0; i < 151; i++) await prefecture.store.transaction((trx) => takeCode(trx));
    await vi.waitFor(async () => expect(await countAvailableCodes(prefecture.store.db)).toBe(349), {
      timeout: 10_000,
    });
  });

  it('a lost answer is retried with the same request id: the same block arrives once, and no code is burned', async () => {
    const endpoints: Endpoints = new Map();
    const national = testContext(NATIONAL, await openFresh(), endpoints);
    const prefecture = testContext(TOKYO, await openFresh(), endpoints);
    await serve(national, nationalCodeBlockRoutes(national), endpoints);
    // The national server grants and answers, but the answer never reaches the prefecture (a crash or a cut link).
    const losing: NodeContext = {
      ...prefecture,
      call: async (peer, request) => {
        await prefecture.call(peer, request);
        throw new JukinetError('JUKI_ERR_PEER_TIMEOUT', 'the answer was lost');
      },
    };
    const lost = await failure(
      refill(losing, { upstream: NATIONAL, lowWater: 10, blockSize: 50 }).refillNow(),
    );
    expect(isJukinetError(lost, 'JUKI_ERR_PEER_TIMEOUT')).toBe(true);
    const pending = await prefecture.store.db
      .selectFrom('meta')
      .select('value')
      .where('key', '=', CODE_REFILL_PENDING_KEY)
      .executeTakeFirstOrThrow();
    expect(await countAvailableCodes(prefecture.store.db)).toBe(0);

    await refill(prefecture, { upstream: NATIONAL, lowWater: 10, blockSize: 50 }).refillNow();
    expect(await countAvailableCodes(prefecture.store.db)).toBe(50);
    const blocks = await national.store.db.selectFrom('code_block').selectAll().execute();
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.request_id).toBe((JSON.parse(pending.value) as { requestId: string }).requestId);
    expect(await national.store.db.selectFrom('code_pool').select('code').execute()).toHaveLength(50);
    expect(await prefecture.store.db.selectFrom('meta').selectAll().execute()).toEqual([]);
  });

  it('the same request to the route answers the same block', async () => {
    const endpoints: Endpoints = new Map();
    const national = testContext(NATIONAL, await openFresh(), endpoints);
    const prefecture = testContext(TOKYO, await openFresh(), endpoints);
    await serve(national, nationalCodeBlockRoutes(national), endpoints);
    const ask = { method: 'POST', path: CODE_BLOCKS_PATH, body: { requestId: 'r-1', size: 20 } } as const;
    const first = await prefecture.call<CodeBlockResponse>(NATIONAL, ask);
    expect(await prefecture.call<CodeBlockResponse>(NATIONAL, ask)).toEqual(first);
    expect(first.codes).toHaveLength(20);
    const tooLarge = await failure(
      prefecture.call(NATIONAL, { ...ask, body: { requestId: 'r-2', size: 10_001 } }),
    );
    expect(isJukinetError(tooLarge, 'JUKI_ERR_CODE_BLOCK_SIZE')).toBe(true);
  });

  it('refuses a municipality of another prefecture at a prefecture, and any municipality at the national server', async () => {
    const endpoints: Endpoints = new Map();
    const national = testContext(NATIONAL, await openFresh(), endpoints);
    const prefecture = testContext(TOKYO, await openFresh(), endpoints);
    const bunkyo = testContext(BUNKYO, await openFresh(), endpoints);
    const matsubara = testContext(MATSUBARA, await openFresh(), endpoints);
    await serve(national, nationalCodeBlockRoutes(national), endpoints);
    await serve(prefecture, codeBlockRoutes(prefecture), endpoints);
    const ask = { method: 'POST', path: CODE_BLOCKS_PATH, body: { requestId: 'r-1', size: 5 } } as const;

    const foreign = await failure(matsubara.call(TOKYO, ask));
    expect(isJukinetError(foreign, 'JUKI_ERR_PEER_FORBIDDEN')).toBe(true);
    const direct = await failure(bunkyo.call(NATIONAL, ask));
    expect(isJukinetError(direct, 'JUKI_ERR_PEER_FORBIDDEN')).toBe(true);
    expect(await countAvailableCodes(prefecture.store.db)).toBe(0);
    expect(await national.store.db.selectFrom('code_pool').select('code').execute()).toHaveLength(0);
    expect((await bunkyo.call<CodeBlockResponse>(TOKYO, ask)).codes).toHaveLength(5);
  });
});
