// `jukinet serve --config` runs a node as its own OS process: here the prefecture, between a national server and a
// municipality running in the test process. A birth at the municipality crosses the process to the national server.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { moduleFactoryOf } from '../../src/cli/node-modules.js';
import { japanDateOf } from '../../src/domain/index.js';
import type { NodeId } from '../../src/domain/node-id.js';
import { identityHistory } from '../../src/servers/common/identity-history.js';
import {
  prepareNetwork,
  startNode,
  type NodeModule,
  type RunningNode,
} from '../../src/servers/common/index.js';
import { freePortRange } from '../../src/servers/common/testing/free-ports.js';
import { municipalityModule } from '../../src/servers/municipality/index.js';
import { spawnServe, stopChild, type ServeChild } from './serve-child.js';
import { waitUntil } from '../support/wait.js';

const NATIONAL = 'national' as NodeId;
const PREFECTURE = 'pref-13' as NodeId;
const MUNICIPALITY = 'muni-131059' as NodeId;
const silent = pino({ enabled: false });

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('a prefecture run by `jukinet serve` in its own process relays a birth from the municipality to the national server', async () => {
  const root = await mkdtemp(join(tmpdir(), 'jukinet-serve-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  const layout = await prepareNetwork(root, {
    nodeIds: [NATIONAL, PREFECTURE, MUNICIPALITY],
    basePort: await freePortRange(6),
  });
  const national: RunningNode<NodeModule> = await startNode(
    await layout.configOf(NATIONAL),
    moduleFactoryOf('national'),
    { logger: silent },
  );
  cleanups.push(() => national.stop());

  const prefecture: ServeChild = spawnServe(layout.nodes.find((node) => node.id === PREFECTURE)!.configPath);
  cleanups.push(() => stopChild(prefecture, 'SIGKILL'));
  const readyLine = await prefecture.ready;
  expect(readyLine).toMatch(
    /^ready pref-13 network https:\/\/127\.0\.0\.1:\d+ terminal https:\/\/localhost:\d+\/$/,
  );
  expect(prefecture.child.pid).not.toBe(process.pid);

  const municipality = await startNode(
    await layout.configOf(MUNICIPALITY),
    (context) => municipalityModule(context),
    {
      logger: silent,
      upstreamTimeoutMs: 30_000,
      dispatcher: { backoff: { initialMs: 20, maxMs: 500 } },
    },
  );
  cleanups.push(() => municipality.stop());

  const baby = await municipality.module.register.recordBirth({
    name: '文京 花子',
    nameKana: 'ブンキョウ ハナコ',
    birthDate: japanDateOf(new Date()),
    sex: 'female',
    address: '東京都文京区本郷一丁目1番1号',
  });
  await waitUntil(
    'the national server holds the birth',
    async () => (await identityHistory(national.context.store.db, baby.residentCode)).length > 0,
    30_000,
  );
  const [version] = await identityHistory(national.context.store.db, baby.residentCode);
  expect(version).toMatchObject({ reason: 'birth', lgCode: '131059', origin: MUNICIPALITY, version: 1 });
  expect(version?.info.name).toBe('文京 花子');

  // SIGTERM stops the prefecture gracefully: exit code 0.
  const exit = await stopChild(prefecture, 'SIGTERM');
  expect(exit).toEqual({ code: 0, signal: null });
});
