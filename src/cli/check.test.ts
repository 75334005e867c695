// `jukinet check consistency` against a running network over real mTLS: clean copies agree, and a deliberately
// corrupted prefectural or national copy is reported with the code concerned (and the command exits 1).

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import type { NodeId } from '../domain/index.js';
import { prepareNetwork } from '../servers/common/network-layout.js';
import type { NodeContext, NodeModule } from '../servers/common/node-module.js';
import { startNode, type RunningNode } from '../servers/common/runtime.js';
import { freePortRange } from '../servers/common/testing/free-ports.js';
import { municipalityModule, type MunicipalityModule } from '../servers/municipality/index.js';
import { nationalModule } from '../servers/national/index.js';
import { prefectureModule } from '../servers/prefecture/index.js';
import { checkNetworkConsistency, formatConsistencyReport } from './check.js';

const NATIONAL = 'national' as NodeId;
const TOKYO = 'pref-13' as NodeId;
const BUNKYO = 'muni-131059' as NodeId;
const CHIYODA = 'muni-131016' as NodeId;
const ENTRY = join(import.meta.dirname, 'entry.ts');

const running: RunningNode<NodeModule>[] = [];
const directories: string[] = [];
afterEach(async () => {
  for (const node of running.splice(0).reverse()) await node.stop();
  await Promise.all(directories.splice(0).map((path) => rm(path, { recursive: true, force: true })));
});

function runCli(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', ENTRY, ...args],
      { encoding: 'utf8', timeout: 50_000 },
      (error, stdout, stderr) => {
        resolve({
          status: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
          stdout,
          stderr,
        });
      },
    );
  });
}

function factoryOf(id: NodeId): (context: NodeContext) => NodeModule {
  if (id === NATIONAL) return (context) => nationalModule(context);
  if (id === TOKYO) return (context) => prefectureModule(context, { lowWater: 20, blockSize: 50 });
  return (context) => municipalityModule(context, { lowWater: 5, blockSize: 10 });
}

describeEachEngine('jukinet check consistency', ({ createLocation }) => {
  it('reports equal copies, then the code of a corrupted prefectural and a missing national entry', async () => {
    const root = await mkdtemp(join(tmpdir(), 'jukinet-check-'));
    directories.push(root);
    const ids = [NATIONAL, TOKYO, BUNKYO, CHIYODA];
    const layout = await prepareNetwork(root, { nodeIds: ids, basePort: await freePortRange(8) });
    const nodes = new Map<NodeId, RunningNode<NodeModule>>();
    for (const id of ids) {
      const config = { ...(await layout.configOf(id)), database: await createLocation() };
      const node = await startNode(config, factoryOf(id), {
        logger: pino({ enabled: false }),
        upstreamTimeoutMs: 20_000,
        dispatcher: { backoff: { initialMs: 20, maxMs: 500 }, pollIntervalMs: 500 },
      });
      running.push(node);
      nodes.set(id, node);
    }
    const register = (nodes.get(BUNKYO)!.module as MunicipalityModule).register;
    const person = { nameKana: 'ヤマダ タロウ', birthDate: '2024-03-01', sex: 'male' as const };
    const first = await register.recordBirth({
      ...person,
      name: '山田 太郎',
      address: '東京都文京区本郷一丁目1番1号',
    });
    const second = await register.recordBirth({
      ...person,
      name: '山田 次郎',
      address: '東京都文京区本郷一丁目1番2号',
    });
    await nodes.get(BUNKYO)!.dispatcher.drained(TOKYO);
    await nodes.get(TOKYO)!.dispatcher.drained(NATIONAL);

    const nationalConfig = await layout.configOf(NATIONAL);
    const clean = await checkNetworkConsistency(nationalConfig);
    expect(clean.consistent).toBe(true);
    expect(formatConsistencyReport(clean)).toEqual([
      '131016 千代田区: 0 residents, municipal = prefectural = national',
      '131059 文京区: 2 residents, municipal = prefectural = national',
    ]);

    // Corrupt the prefecture's copy of the first person, and lose the national copy of the second.
    await nodes
      .get(TOKYO)!
      .context.store.db.updateTable('identity_current')
      .set({ info: '{"corrupted":true}' })
      .where('resident_code', '=', first.residentCode)
      .execute();
    await nodes
      .get(NATIONAL)!
      .context.store.db.deleteFrom('identity_current')
      .where('resident_code', '=', second.residentCode)
      .execute();

    const corrupted = await checkNetworkConsistency(nationalConfig, { municipalities: [BUNKYO] });
    expect(corrupted.consistent).toBe(false);
    expect(corrupted.municipalities[0]!.differences).toEqual([
      { copy: 'prefectural', code: first.residentCode, kind: 'changed' },
      { copy: 'national', code: second.residentCode, kind: 'missing' },
    ]);
    expect(formatConsistencyReport(corrupted)).toEqual([
      '131059 文京区: residents municipal 2, prefectural 2, national 1: prefectural differs, national differs',
      `  prefectural: ${first.residentCode} changed`,
      `  national: ${second.residentCode} missing`,
    ]);

    // The command itself, as an operator runs it, in its own process. Asynchronously: the nodes it asks run in this
    // process, and a synchronous spawn would block them from answering.
    const cli = await runCli(['check', 'consistency', '--dir', root]);
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain('131016 千代田区: 0 residents, municipal = prefectural = national');
    expect(cli.stdout).toContain(`  prefectural: ${first.residentCode} changed`);
    expect(cli.stdout).toContain(`  national: ${second.residentCode} missing`);
  });
});
