// A network for the tests of services across municipalities: the national server with its card terminal CA, the
// prefectures of the municipalities asked for, and the municipalities, each with its card issuer and card reader as
// `jukinet serve` gives them (beside the node's key store); and the clerk, examiner and administrator logged in at a
// municipality's terminal over HTTPS.

import { prefectureNodeOf, type NodeId } from '../../src/domain/index.js';
import type { NodeConfig, RunningNode } from '../../src/servers/common/index.js';
import {
  connectNodeTerminal,
  logInOperators,
  type TestBrowser,
} from '../../src/servers/common/terminal-api/testing/terminal-client.js';
import {
  municipalityModule,
  municipalityOptionsFor,
  type MunicipalityModule,
  type MunicipalityOptions,
} from '../../src/servers/municipality/index.js';
import { nationalModule, nationalOptionsFor, type NationalModule } from '../../src/servers/national/index.js';
import {
  prefectureModule,
  prefectureOptionsFor,
  type PrefectureModule,
} from '../../src/servers/prefecture/index.js';
import type { Clock } from '../../src/shared/clock.js';
import type { createTestNetwork, TestNetwork } from './network.js';

/** The operators every municipality of these tests has, besides its administrator `kanri`. */
const OPERATORS = [
  { loginName: 'madoguchi', displayName: '窓口 太郎', role: 'counter-clerk' },
  { loginName: 'shinsa', displayName: '審査 次郎', role: 'examiner' },
] as const;

/** A municipality's staff, logged in at its terminal. */
export interface Staff {
  readonly clerk: TestBrowser;
  readonly examiner: TestBrowser;
  readonly administrator: TestBrowser;
}

export interface CardNetwork {
  readonly root: string;
  readonly layout: TestNetwork['layout'];
  /** The configuration of node `id`, as its node.json has it. */
  configOf(id: NodeId): NodeConfig;
  readonly national: RunningNode<NationalModule>;
  prefecture(id: NodeId): RunningNode<PrefectureModule>;
  municipality(id: NodeId): RunningNode<MunicipalityModule>;
  /** The card reader directory of municipality `id`, where presentCard puts a card. */
  readerOf(id: NodeId): string;
  /** Enrols and logs in the clerk, the examiner and the administrator at municipality `id` (once per municipality). */
  staffAt(id: NodeId): Promise<Staff>;
  /** Stops the nodes and removes the directory (for a network not made by testNetworks(), which does it itself). */
  close(): Promise<void>;
}

/**
 * Starts national, the prefectures of `municipalities` and the municipalities (in that order) on `options.clock`.
 * `options.municipality` adds a municipality's own module options (its certifier, its wide-area settings) and may give
 * it a clock of its own.
 */
export async function startCardNetwork(
  network: typeof createTestNetwork,
  municipalities: readonly NodeId[],
  options: {
    /** Every node's clock; the system clock by default. */
    readonly clock?: Clock;
    readonly database?: () => Promise<string>;
    readonly municipality?: (id: NodeId) => MunicipalityOptions & { readonly clock?: Clock };
  },
): Promise<CardNetwork> {
  const national = 'national' as NodeId;
  const prefectureIds = [...new Set(municipalities.map((id) => prefectureNodeOf(id)!))];
  const ids = [national, ...prefectureIds, ...municipalities];
  const { root, layout, start, close } = await network(ids, {
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.database === undefined ? {} : { database: options.database }),
  });
  const configs = new Map<NodeId, NodeConfig>();
  for (const id of ids) configs.set(id, await layout.configOf(id));
  const required = <T>(map: Map<NodeId, T>, id: NodeId): T => {
    const value = map.get(id);
    if (value === undefined) throw new Error(`${id} is not in this network`);
    return value;
  };
  const configOf = (id: NodeId): NodeConfig => required(configs, id);
  const nationalNode = await start(national, (context) =>
    nationalModule(context, nationalOptionsFor(configOf(national))),
  );
  const prefectures = new Map<NodeId, RunningNode<PrefectureModule>>();
  for (const id of prefectureIds) {
    prefectures.set(
      id,
      await start(id, (context) =>
        prefectureModule(context, { lowWater: 10, blockSize: 50, ...prefectureOptionsFor(configOf(id)) }),
      ),
    );
  }
  const readerOf = (id: NodeId): string => municipalityOptionsFor(configOf(id)).cardReader!;
  const started = new Map<NodeId, RunningNode<MunicipalityModule>>();
  for (const id of municipalities) {
    const { clock, ...own } = options.municipality?.(id) ?? {};
    started.set(
      id,
      await start(id, (context) =>
        municipalityModule(clock === undefined ? context : { ...context, clock }, {
          lowWater: 5,
          blockSize: 20,
          ...municipalityOptionsFor(configOf(id)),
          ...own,
        }),
      ),
    );
  }
  return {
    root,
    layout,
    configOf,
    close,
    national: nationalNode,
    prefecture: (id) => required(prefectures, id),
    municipality: (id) => required(started, id),
    readerOf,
    async staffAt(id) {
      const node = required(started, id);
      const browsers = await logInOperators(
        await connectNodeTerminal(node, await layout.configOf(id)),
        OPERATORS,
      );
      return {
        clerk: browsers.get('madoguchi')!,
        examiner: browsers.get('shinsa')!,
        administrator: browsers.get('kanri')!,
      };
    },
  };
}
