// A network laid out in a temporary directory for one test (CA, certificates, node configurations, free ports), its
// nodes started on demand with the short delays tests want, and everything stopped and removed after the test.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach } from 'vitest';
import type { NodeId } from '../../src/domain/node-id.js';
import type { Clock } from '../../src/shared/clock.js';
import {
  prepareNetwork,
  startNode,
  type NetworkLayout,
  type NodeContext,
  type NodeModule,
  type RunningNode,
} from '../../src/servers/common/index.js';
import { freePortRange } from '../../src/servers/common/testing/free-ports.js';

export interface TestNetwork {
  readonly root: string;
  readonly layout: NetworkLayout;
  /** Starts node `id` with `factory` (start upstream nodes first), on a fresh database when the network has them. */
  start<M extends NodeModule>(id: NodeId, factory: (context: NodeContext) => M): Promise<RunningNode<M>>;
  /** Stops the nodes started, the last first, and removes the directory. */
  close(): Promise<void>;
}

export interface TestNetworkOptions {
  /** A fresh database location per node (describeEachEngine's createLocation); the layout's SQLite file otherwise. */
  readonly database?: () => Promise<string>;
  /** How often an idle dispatcher looks at its outbox. Default 200 ms. */
  readonly pollIntervalMs?: number;
  /** Every node's clock (test/support/clock.ts); the system clock by default. */
  readonly clock?: Clock;
}

/** Lays out a network of `ids` in a new temporary directory. */
export async function createTestNetwork(
  ids: readonly NodeId[],
  options: TestNetworkOptions = {},
): Promise<TestNetwork> {
  const root = await mkdtemp(join(tmpdir(), 'jukinet-network-'));
  const layout = await prepareNetwork(root, { nodeIds: ids, basePort: await freePortRange(ids.length * 2) });
  const running: RunningNode<NodeModule>[] = [];
  return {
    root,
    layout,
    async start(id, factory) {
      const laidOut = await layout.configOf(id);
      const config =
        options.database === undefined ? laidOut : { ...laidOut, database: await options.database() };
      const node = await startNode(config, factory, {
        logger: pino({ enabled: false }),
        upstreamTimeoutMs: 20_000,
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        dispatcher: { backoff: { initialMs: 20, maxMs: 500 }, pollIntervalMs: options.pollIntervalMs ?? 200 },
      });
      running.push(node);
      return node;
    },
    async close() {
      for (const node of running.splice(0).reverse()) await node.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** For a test file: a createTestNetwork whose networks are closed after each test. */
export function testNetworks(): typeof createTestNetwork {
  const open: TestNetwork[] = [];
  afterEach(async () => {
    for (const network of open.splice(0).reverse()) await network.close();
  });
  return async (ids, options) => {
    const network = await createTestNetwork(ids, options);
    open.push(network);
    return network;
  };
}
