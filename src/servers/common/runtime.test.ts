import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import type { NodeId } from '../../domain/node-id.js';
import { readAppliedLog } from '../../net/testing/delivery-log.js';
import { describeEachEngine } from '../../../test/support/engines.js';
import { prepareNetwork, type NetworkLayout } from './network-layout.js';
import { startNode, type RunningNode } from './runtime.js';
import type { NodeModule } from './node-module.js';
import { freePortRange } from './testing/free-ports.js';
import { pingModule } from './testing/ping-module.js';

const NATIONAL = 'national' as NodeId;
const PREFECTURE = 'pref-13' as NodeId;
const MUNICIPALITY = 'muni-131059' as NodeId;
const silent = pino({ enabled: false });

const running: RunningNode<NodeModule>[] = [];
const directories: string[] = [];
afterEach(async () => {
  for (const node of running.splice(0).reverse()) await node.stop();
  await Promise.all(directories.splice(0).map((path) => rm(path, { recursive: true, force: true })));
});

async function layoutOfThree(): Promise<NetworkLayout> {
  const root = await mkdtemp(join(tmpdir(), 'jukinet-runtime-'));
  directories.push(root);
  return prepareNetwork(root, {
    nodeIds: [NATIONAL, PREFECTURE, MUNICIPALITY],
    basePort: await freePortRange(6),
  });
}

function getText(url: string, caPem: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca: caPem }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          type: String(response.headers['content-type']),
        }),
      );
    })
      .on('error', reject)
      .end();
  });
}

describeEachEngine('startNode()', ({ createLocation }) => {
  it('startNode() brings up national, a prefecture and a municipality that exchange a message over mTLS', async () => {
    const layout = await layoutOfThree();
    async function start(id: NodeId): Promise<RunningNode<NodeModule>> {
      const config = { ...(await layout.configOf(id)), database: await createLocation() };
      const node = await startNode(config, pingModule(config.role), {
        logger: silent,
        upstreamTimeoutMs: 20_000,
        dispatcher: { backoff: { initialMs: 20, maxMs: 500 }, pollIntervalMs: 500 },
      });
      running.push(node);
      return node;
    }
    const national = await start(NATIONAL);
    const prefecture = await start(PREFECTURE);
    const municipality = await start(MUNICIPALITY);

    expect(municipality.context.directory.nodes().map((node) => node.id)).toEqual([
      MUNICIPALITY,
      NATIONAL,
      PREFECTURE,
    ]);
    expect(municipality.context.certificateOf(PREFECTURE)).toBe(
      readFileSync(join(layout.pkiDirectory, 'nodes', PREFECTURE, 'cert.pem'), 'utf8'),
    );

    await municipality.context.transaction(async (_trx, outbox) => {
      await outbox.send({ to: PREFECTURE, type: 'node.ping', body: { note: 'hello' } });
    });
    await municipality.dispatcher.drained(PREFECTURE);
    const applied = await readAppliedLog(prefecture.context.store);
    expect(applied.map((row) => [row.from_node, row.type])).toEqual([[MUNICIPALITY, 'node.ping']]);

    const health = await municipality.context.call<{ nodeId: string; ready: boolean }>(NATIONAL, {
      method: 'GET',
      path: '/v1/health',
    });
    expect(health).toMatchObject({ nodeId: NATIONAL, ready: true });

    const caPem = readFileSync(join(layout.pkiDirectory, 'ca', 'ca.crt.pem'), 'utf8');
    const status = await getText(`${municipality.terminalUrl}api/status`, caPem);
    expect(status.status).toBe(200);
    expect(JSON.parse(status.body)).toMatchObject({
      nodeId: MUNICIPALITY,
      role: 'municipality',
      name: '東京都文京区',
      ready: true,
      queue: { [PREFECTURE]: { queued: 0 } },
    });
    // The node kind's own terminal routes (NodeModule.terminalRoutes), with the node's operators.
    const ping = await getText(`${municipality.terminalUrl}api/ping`, caPem);
    expect([ping.status, JSON.parse(ping.body)]).toEqual([200, { role: 'municipality', rpId: 'localhost' }]);
    // The terminal application (built into dist/web/client), which shows the status above in the browser.
    const page = await getText(municipality.terminalUrl, caPem);
    expect(page.type).toContain('text/html');
    expect(page.body).toContain('<html lang="ja">');
    expect(page.body).toMatch(/<script type="module"[^>]* src="\/assets\/index-[\w-]+\.js"/);
    expect(national.status().ready).toBe(true);
  });
});

it('startNode() refuses a database that another node already claimed', async () => {
  const layout = await layoutOfThree();
  const national = await layout.configOf(NATIONAL);
  const node = await startNode(national, pingModule('national'), { logger: silent });
  await node.stop();
  const prefecture = await layout.configOf(PREFECTURE);
  await expect(
    startNode({ ...prefecture, database: national.database }, pingModule('prefecture'), { logger: silent }),
  ).rejects.toThrow(/belongs to "national"/);
});

it('startNode() gives up waiting for an upstream that never answers, when told to', async () => {
  const layout = await layoutOfThree();
  const prefecture = await layout.configOf(PREFECTURE);
  await expect(
    startNode(prefecture, pingModule('prefecture'), { logger: silent, upstreamTimeoutMs: 300 }),
  ).rejects.toMatchObject({ code: 'JUKI_ERR_UPSTREAM_UNAVAILABLE' });
});
