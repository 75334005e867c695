// Test helper: a municipal module on a hand-built NodeContext over a real store (no listeners), with a throwaway
// signing key, a fixed clock and a code holding filled as a prefecture would, so register and CS tests run in-process.

import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import pino from 'pino';
import { generateResidentCode, parseNodeId, type NodeId, type ResidentCode } from '../../../domain/index.js';
import { enqueueMessage, signEnvelope } from '../../../net/index.js';
import type { Envelope } from '../../../protocol/index.js';
import { createFixedClock, type Clock } from '../../../shared/clock.js';
import { newUuidV7 } from '../../../shared/ids.js';
import type { Store } from '../../../store/index.js';
import { receiveCodeBlock } from '../../common/code-holding.js';
import type { DirectoryView, NodeContext } from '../../common/node-module.js';
import { municipalityModule, type MunicipalityModule, type MunicipalityOptions } from '../index.js';

/** The moment a test municipality's clock stands at unless told otherwise: 2024-04-01 10:00 in Japan. */
export const TEST_NOW = new Date('2024-04-01T01:00:00.000Z');

/** A municipal module under test, its context and the key its envelopes are signed with. */
export interface TestMunicipality {
  readonly module: MunicipalityModule;
  readonly context: NodeContext;
  readonly clock: ReturnType<typeof createFixedClock>;
  readonly publicKey: KeyObject;
  /** The envelopes in the outbox, oldest first. */
  outbox(): Promise<Envelope[]>;
}

const EMPTY_DIRECTORY: DirectoryView = {
  node: () => undefined,
  nodes: () => [],
  issuedAt: TEST_NOW.toISOString(),
};

/** A NodeContext for `nodeId` over `store` that signs with `privateKey`; peers cannot be called. */
export function createTestContext(
  store: Store,
  options: { nodeId: NodeId; privateKey: KeyObject; clock: Clock },
): NodeContext {
  const { nodeId, privateKey, clock } = options;
  return {
    nodeId,
    role: parseNodeId(nodeId).role,
    store,
    clock,
    logger: pino({ level: 'silent' }),
    directory: EMPTY_DIRECTORY,
    transaction: (fn) =>
      store.transaction((trx) =>
        fn(trx, {
          send: ({ to, type, body }) =>
            enqueueMessage(trx, {
              from: nodeId,
              to,
              type,
              body,
              clock,
              sign: (unsigned) => signEnvelope(unsigned, privateKey).sig,
            }),
        }),
      ),
    call: (peer) => Promise.reject(new Error(`This test context cannot call ${peer}`)),
    certificateOf: () => undefined,
    // No CA: a file the national server signs never verifies in a test context without a network.
    caPem: '',
  };
}

/** Adds `count` fresh codes to the node's holding, as one block from its prefecture; returns them. */
export async function fillCodeHolding(store: Store, count: number): Promise<ResidentCode[]> {
  const codes = [...new Set(Array.from({ length: count }, () => generateResidentCode()))].sort();
  await store.transaction((trx) =>
    receiveCodeBlock(trx, { blockId: newUuidV7(), codes }, { receivedAt: TEST_NOW }),
  );
  return codes;
}

/** A municipal module for `nodeId` (default muni-131059, 文京区) over `store`, with `codes` codes in its holding. */
export async function createTestMunicipality(
  store: Store,
  options: { nodeId?: string; codes?: number; now?: Date; module?: MunicipalityOptions } = {},
): Promise<TestMunicipality> {
  const nodeId = (options.nodeId ?? 'muni-131059') as NodeId;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const clock = createFixedClock(options.now ?? TEST_NOW);
  const context = createTestContext(store, { nodeId, privateKey, clock });
  await fillCodeHolding(store, options.codes ?? 20);
  return {
    module: municipalityModule(context, options.module),
    context,
    clock,
    publicKey,
    outbox: async () => {
      const rows = await store.db.selectFrom('outbox').select('envelope').orderBy('seq').execute();
      return rows.map((row) => JSON.parse(row.envelope) as Envelope);
    },
  };
}
