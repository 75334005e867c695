// The prefectural server, run by `jukinet serve` as its own OS process, is killed with SIGKILL in the middle of 10,000
// identity changes from two municipalities and started again: none is lost, none is applied twice, each municipality's
// order is kept all the way to the national server, and the consistency check finds the three copies equal.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { checkConsistency } from '../../src/cli/check.js';
import { moduleFactoryOf } from '../../src/cli/node-modules.js';
import { japanDateOf, type LocalGovernmentCode, type NodeId } from '../../src/domain/index.js';
import type { ConsistencyDigest } from '../../src/servers/common/identity-history.js';
import {
  prepareNetwork,
  startNode,
  type NodeModule,
  type RunningNode,
} from '../../src/servers/common/index.js';
import { freePortRange } from '../../src/servers/common/testing/free-ports.js';
import {
  municipalityModule,
  type MunicipalityModule,
  type OfficialEntryRequest,
} from '../../src/servers/municipality/index.js';
import { isJukinetError } from '../../src/shared/errors.js';
import { openStore, type Store } from '../../src/store/index.js';
import { spawnServe, stopChild, type ServeChild } from './serve-child.js';
import { waitUntil } from '../support/wait.js';

const NATIONAL = 'national' as NodeId;
const PREFECTURE = 'pref-13' as NodeId;
const MUNICIPALITIES = ['muni-131059', 'muni-131016'] as NodeId[];
const RESIDENTS_PER_MUNICIPALITY = 500;
const TOTAL_CHANGES = 10_000;
const MOVES_PER_MUNICIPALITY = TOTAL_CHANGES / MUNICIPALITIES.length - RESIDENTS_PER_MUNICIPALITY;
/** The prefecture is killed once the national server holds this many of the changes. */
const KILL_AFTER_NATIONAL = 2_000;
/** Clerks recording moves at the same time, per municipality. */
const CLERKS = 4;
const LIMIT_MS = 400_000;
const silent = pino({ enabled: false });
const TODAY = japanDateOf(new Date());

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function nationalCount(db: Store['db']): Promise<number> {
  const row = await db
    .selectFrom('identity_version')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('origin', 'like', 'muni-%')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Records each person by 職権記載 in their own household, retrying while the code holding refills. */
async function seed(node: RunningNode<MunicipalityModule>): Promise<string[]> {
  const lgCode = node.nodeId.slice('muni-'.length);
  const ids: string[] = [];
  for (let start = 0; start < RESIDENTS_PER_MUNICIPALITY; start += 100) {
    const batch: OfficialEntryRequest[] = Array.from({ length: 100 }, (_, offset) => ({
      name: `試験 太郎${start + offset}`,
      nameKana: 'シケン タロウ',
      birthDate: '1980-04-01',
      sex: 'male',
      address: `東京都${lgCode === '131059' ? '文京区本郷' : '千代田区神田'}一丁目${start + offset + 1}番1号`,
      date: TODAY,
      household: { create: `crash-${lgCode}-${start + offset}` },
    }));
    for (;;) {
      try {
        ids.push(...(await node.module.register.recordOfficialEntries(batch)).map((record) => record.id));
        break;
      } catch (error) {
        if (!isJukinetError(error, 'JUKI_ERR_CODE_POOL_EMPTY')) throw error;
        await sleep(100);
      }
    }
  }
  return ids;
}

/** `CLERKS` clerks record 転居 for the residents in turn until `MOVES_PER_MUNICIPALITY` are recorded. */
async function recordMoves(
  node: RunningNode<MunicipalityModule>,
  residentIds: readonly string[],
): Promise<void> {
  let next = 0;
  const clerk = async (): Promise<void> => {
    for (let index = next++; index < MOVES_PER_MUNICIPALITY; index = next++) {
      const residentId = residentIds[index % residentIds.length]!;
      await node.module.register.recordMoveWithin(residentId, {
        address: `${node.nodeId === 'muni-131059' ? '東京都文京区千石' : '東京都千代田区麹町'}二丁目${index + 1}番地`,
        date: TODAY,
      });
    }
  };
  await Promise.all(Array.from({ length: CLERKS }, () => clerk()));
}

it(`loses and repeats none of ${TOTAL_CHANGES.toLocaleString('en')} changes when the prefecture process is SIGKILLed and restarted`, async () => {
  const root = await mkdtemp(join(tmpdir(), 'jukinet-crash-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  const layout = await prepareNetwork(root, {
    nodeIds: [NATIONAL, PREFECTURE, ...MUNICIPALITIES],
    basePort: await freePortRange(8),
  });
  const prefectureConfig = layout.nodes.find((node) => node.id === PREFECTURE)!;
  const fast = {
    logger: silent,
    upstreamTimeoutMs: 60_000,
    dispatcher: { backoff: { initialMs: 20, maxMs: 300 } },
  };

  const national: RunningNode<NodeModule> = await startNode(
    await layout.configOf(NATIONAL),
    moduleFactoryOf('national'),
    fast,
  );
  cleanups.push(() => national.stop());
  let prefecture: ServeChild = spawnServe(prefectureConfig.configPath);
  cleanups.push(() => stopChild(prefecture, 'SIGKILL'));
  await prefecture.ready;

  const municipalities: RunningNode<MunicipalityModule>[] = [];
  for (const id of MUNICIPALITIES) {
    const node = await startNode(await layout.configOf(id), (context) => municipalityModule(context), fast);
    cleanups.push(() => node.stop());
    municipalities.push(node);
  }

  // Seed first (new codes come from the prefecture), then the moves, during which the prefecture dies.
  const residents = await Promise.all(municipalities.map((node) => seed(node)));
  const recording = Promise.all(municipalities.map((node, index) => recordMoves(node, residents[index]!)));
  recording.catch(() => undefined);

  await waitUntil(
    `the national server holds ${KILL_AFTER_NATIONAL} changes`,
    async () => (await nationalCount(national.context.store.db)) >= KILL_AFTER_NATIONAL,
    LIMIT_MS,
  );
  const killed = await stopChild(prefecture, 'SIGKILL');
  expect(killed.signal).toBe('SIGKILL');
  const atKill = await nationalCount(national.context.store.db);
  expect(atKill).toBeLessThan(TOTAL_CHANGES);

  prefecture = spawnServe(prefectureConfig.configPath);
  await prefecture.ready;
  await recording;

  await waitUntil(
    'the national server holds every change',
    async () => (await nationalCount(national.context.store.db)) >= TOTAL_CHANGES,
    LIMIT_MS,
  );
  for (const node of municipalities) await node.dispatcher.drained(PREFECTURE);

  const nationalDb = national.context.store.db;
  const prefectureStore = await openStore(prefectureConfig.databasePath);
  cleanups.push(() => prefectureStore.close());
  await waitUntil(
    'the prefecture has delivered everything to the national server',
    async () =>
      (await prefectureStore.db
        .selectFrom('outbox')
        .select('id')
        .where('delivered_at', 'is', null)
        .limit(1)
        .executeTakeFirst()) === undefined,
    LIMIT_MS,
  );
  expect(await nationalCount(nationalDb)).toBe(TOTAL_CHANGES);

  for (const node of municipalities) {
    // What the municipality sent, in the order it sent it.
    const sent = await node.context.store.db
      .selectFrom('outbox')
      .select(['id', 'delivered_at'])
      .where('peer', '=', PREFECTURE)
      .where('type', '=', 'identity.changed')
      .orderBy('seq')
      .execute();
    expect(sent).toHaveLength(TOTAL_CHANGES / MUNICIPALITIES.length);
    expect(sent.filter((row) => row.delivered_at === null)).toEqual([]);

    // Each once at the prefecture and at the national server, in the municipality's order (arrival order = rowid).
    for (const db of [prefectureStore.db, nationalDb]) {
      const applied = await sql<{ message_id: string }>`
          select message_id from identity_version where origin = ${node.nodeId} order by rowid`.execute(db);
      expect(applied.rows.map((row) => row.message_id)).toEqual(sent.map((row) => row.id));
    }
  }

  // The three copies agree, as the national server sees them over mTLS.
  const report = await checkConsistency({
    municipalities: MUNICIPALITIES,
    fetchDigest: (node, lgCode: LocalGovernmentCode) =>
      national.context.call<ConsistencyDigest>(node, { method: 'GET', path: `/v1/consistency/${lgCode}` }),
  });
  expect(report.municipalities.map((entry) => [entry.municipality, entry.counts, entry.consistent])).toEqual(
    MUNICIPALITIES.map((id) => [
      id,
      {
        municipal: RESIDENTS_PER_MUNICIPALITY,
        prefectural: RESIDENTS_PER_MUNICIPALITY,
        national: RESIDENTS_PER_MUNICIPALITY,
      },
      true,
    ]),
  );
  expect(report.consistent).toBe(true);
}, 600_000);
