// `npm run bench`: propagation and look-up figures of a running network, and the provision figures of a national store
// of a million residents, each beside a baseline measured in the same run on the same machine (docs/bench.md). Prints
// a table and writes bench/results/<ISO timestamp>.json.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { NodeId } from '../src/domain/index.js';
import { createPeerClient, type NodeTlsMaterial } from '../src/net/index.js';
import { measureSqliteCommits, startEchoServer } from './baselines.js';
import {
  machineInfo,
  now,
  percentile,
  perSecond,
  printTable,
  runLoad,
  writeResults,
  type Row,
} from './harness.js';
import { countVersions, startBenchNetwork, versionsSince, type BenchNetwork } from './network.js';
import { measureProvision, type ProvisionBenchOptions, type ProvisionFigures } from './provision.js';
import { findPostgresBinaries, startPostgresCluster } from '../test/support/postgres-cluster.js';

const HELP = `Usage: npm run bench -- [options]

  --changes N          identity changes to propagate (default 5000)
  --lookups N          national look-ups by code (default 20000)
  --residents N        residents seeded per municipality (default 500)
  --municipalities L   comma-separated LG codes (default 131059,272175)
  --concurrency N      requests in flight for the look-ups and the echo baseline (default 32)
  --commits N          rows for the raw SQLite baseline (default 2000)
  --population N       residents in the national store for the provision figures (default 1000000)
  --batch-lines N      lines of the batch look-up (default 100000)
  --searches N         four-item searches timed (default 2000)
  --engines L          engines for the provision figures: sqlite,postgres (default: both when PostgreSQL's
                       server binaries are found, sqlite otherwise)
  --sections L         network,provision (default both)
  --dir PATH           where the network and the baseline database live (default: a new temporary directory)
  --keep               keep that directory afterwards
  --help
`;

const NATIONAL = 'national' as NodeId;

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`--${name} must be a positive whole number, not "${value}"`);
  return n;
}

/** Runs `count` GET requests to `path(i)` with `concurrency` in flight over one HTTP/2 mTLS session. */
async function measureGets(
  options: { tls: NodeTlsMaterial; endpoint: string; count: number; concurrency: number },
  path: (index: number) => string,
): Promise<{ perSecond: number; p50Ms: number; p99Ms: number }> {
  const client = createPeerClient({ tls: options.tls, endpoint: options.endpoint, expectedNodeId: NATIONAL });
  try {
    // Warm up: the handshake and the first requests are not part of the steady state.
    await runLoad(Math.min(500, options.count), (i) => client.request('GET', path(i)).then(() => undefined), {
      concurrency: options.concurrency,
    });
    const { elapsedMs, latenciesMs } = await runLoad(
      options.count,
      (i) => client.request('GET', path(i)).then(() => undefined),
      { concurrency: options.concurrency },
    );
    return {
      perSecond: perSecond(options.count, elapsedMs),
      p50Ms: percentile(latenciesMs, 0.5),
      p99Ms: percentile(latenciesMs, 0.99),
    };
  } finally {
    await client.close();
  }
}

/** Polls until the national server holds `target` versions; stops early when nothing arrives for `stallMs`. */
async function waitForNational(
  network: BenchNetwork,
  options: { target: number; stallMs: number },
): Promise<number> {
  let count = 0;
  let lastProgress = now();
  for (;;) {
    const current = await countVersions(network.national);
    if (current > count) lastProgress = now();
    count = current;
    if (count >= options.target || now() - lastProgress > options.stallMs) return count;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface PropagationFigures {
  /** Changes recorded nationally per second, from the first submission to the last national record. */
  readonly perSecond: number;
  readonly elapsedMs: number;
  /** How fast the municipalities accepted (committed) the changes. */
  readonly submitPerSecond: number;
  readonly lagP50Ms: number;
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
  readonly arrived: number;
}

/**
 * Drives `changes` moves within the municipalities (as fast as they accept them, or at `ratePerSecond`) and waits
 * until the national server holds every one. The lag of a change is the national version's recorded_at minus the
 * municipality's own version's recorded_at (same code and version): both are stamped inside the committing transactions.
 */
async function measurePropagation(
  network: BenchNetwork,
  options: { changes: number; referenceDate: string; offset: number; ratePerSecond?: number },
): Promise<PropagationFigures> {
  const munis = network.municipalities;
  const moversOf = munis.map((muni) => muni.residents.filter((resident) => !resident.headsOthers));
  const before = await countVersions(network.national);
  const since = new Date().toISOString();
  const startedAt = Date.now();
  const submitted = await runLoad(
    options.changes,
    async (i) => {
      if (options.ratePerSecond !== undefined) {
        const due = startedAt + (i * 1000) / options.ratePerSecond;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      }
      const muni = munis[i % munis.length]!;
      const k = options.offset + Math.floor(i / munis.length);
      const movers = moversOf[i % munis.length]!;
      const resident = movers[k % movers.length]!;
      const address = muni.addresses[(k * 7 + 1) % muni.addresses.length]!;
      // The count k keeps each new address different from the resident's current one.
      await muni.node.module.register.recordMoveWithin(resident.id, {
        address: `${address} ${k}`,
        date: options.referenceDate,
      });
    },
    // A few clerks per municipality at once.
    { concurrency: 4 * munis.length },
  );
  const arrived =
    (await waitForNational(network, { target: before + options.changes, stallMs: 60_000 })) - before;
  const national = await versionsSince(network.national, since);
  const lags: number[] = [];
  let lastArrival = startedAt;
  for (const muni of munis) {
    for (const [key, committedAt] of await versionsSince(muni.node, since)) {
      const arrivedAt = national.get(key);
      if (arrivedAt === undefined) continue;
      lags.push(arrivedAt - committedAt);
      lastArrival = Math.max(lastArrival, arrivedAt);
    }
  }
  // The end is when the last change was recorded nationally, not when the poll noticed it.
  const elapsedMs = Math.max(lastArrival - startedAt, submitted.elapsedMs);
  return {
    perSecond: perSecond(arrived, elapsedMs),
    elapsedMs,
    submitPerSecond: perSecond(options.changes, submitted.elapsedMs),
    lagP50Ms: percentile(lags, 0.5),
    lagP99Ms: percentile(lags, 0.99),
    lagMaxMs: percentile(lags, 1),
    arrived,
  };
}

/** A comma-separated option whose items must be among `allowed`; `fallback` when it is not given. */
function listOption(
  name: string,
  value: string | undefined,
  allowed: readonly string[],
  fallback: readonly string[],
): string[] {
  if (value === undefined) return [...fallback];
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const wrong = items.find((item) => !allowed.includes(item));
  if (items.length === 0 || wrong !== undefined) {
    throw new Error(`--${name} takes ${allowed.join(', ')}, not "${value}"`);
  }
  return items;
}

/** The provision figures on a fresh database of `engine`: a file under `root`, or a PostgreSQL cluster of its own. */
async function provisionOn(
  engine: 'sqlite' | 'postgres',
  root: string,
  options: ProvisionBenchOptions,
  log: (line: string) => void,
): Promise<ProvisionFigures> {
  if (engine === 'sqlite') {
    return measureProvision({ engine, path: join(root, 'provision.sqlite') }, options, log);
  }
  log('starting a PostgreSQL cluster (fsync on) for the provision figures');
  const cluster = await startPostgresCluster({ fsync: true });
  try {
    return await measureProvision({ engine, url: cluster.url }, options, log);
  } finally {
    await cluster.stop();
  }
}

function printProvision(figures: readonly ProvisionFigures[]): void {
  for (const figure of figures) {
    const raw = figure.engine === 'postgres' ? '= ANY($1)' : 'IN (…)';
    printTable(
      `Provision on ${figure.engine} (national store of ${figure.population.toLocaleString('en')} residents)`,
      [
        {
          label: 'batch look-ups by code',
          figure: { value: figure.batch.linesPerSecond, unit: 'lines/s' },
          note: `(${figure.batch.found}/${figure.batch.lines} found)`,
        },
        { label: `raw ${raw} look-up`, figure: { value: figure.batch.rawPerSecond, unit: 'codes/s' } },
        { label: 'ratio batch / raw', figure: { value: figure.batch.ratio, unit: '' } },
        { label: 'four-item search p50', figure: { value: figure.search.p50Ms, unit: 'ms' } },
        {
          label: 'four-item search p99',
          figure: { value: figure.search.p99Ms, unit: 'ms' },
          note: `(${figure.search.foundSelf}/${figure.search.searches} found their person)`,
        },
      ],
    );
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      changes: { type: 'string' },
      lookups: { type: 'string' },
      residents: { type: 'string' },
      municipalities: { type: 'string' },
      concurrency: { type: 'string' },
      commits: { type: 'string' },
      population: { type: 'string' },
      'batch-lines': { type: 'string' },
      searches: { type: 'string' },
      engines: { type: 'string' },
      sections: { type: 'string' },
      dir: { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    process.stdout.write(HELP);
    return;
  }
  const changes = positive('changes', values.changes, 5000);
  const lookups = positive('lookups', values.lookups, 20_000);
  const residents = positive('residents', values.residents, 500);
  const concurrency = positive('concurrency', values.concurrency, 32);
  const commits = positive('commits', values.commits, 2000);
  const municipalities = (values.municipalities ?? '131059,272175').split(',').map((code) => code.trim());
  const population = positive('population', values.population, 1_000_000);
  const batchLines = positive('batch-lines', values['batch-lines'], 100_000);
  const searches = positive('searches', values.searches, 2000);
  const sections = listOption(
    'sections',
    values.sections,
    ['network', 'provision'],
    ['network', 'provision'],
  );
  const engines = listOption(
    'engines',
    values.engines,
    ['sqlite', 'postgres'],
    findPostgresBinaries() === undefined ? ['sqlite'] : ['sqlite', 'postgres'],
  ) as ('sqlite' | 'postgres')[];
  const referenceDate = new Date().toISOString().slice(0, 10);
  const root = values.dir ?? (await mkdtemp(join(tmpdir(), 'jukinet-bench-')));
  const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

  const results: Record<string, unknown> = {
    at: new Date().toISOString(),
    machine: machineInfo(),
    parameters: {
      sections,
      changes,
      lookups,
      residents,
      municipalities,
      concurrency,
      commits,
      population,
      batchLines,
      searches,
      engines,
      directory: root,
    },
  };
  let network: BenchNetwork | undefined;
  try {
    if (sections.includes('network')) {
      log(`raw SQLite commits (${commits}) in ${root}`);
      const sqlite = measureSqliteCommits(root, commits);

      log(
        `starting national, prefectures and ${municipalities.join(', ')}; seeding ${residents} residents each`,
      );
      const bootStarted = now();
      network = await startBenchNetwork(join(root, 'network'), {
        municipalities,
        residents,
        seed: 2025,
        referenceDate,
      });
      const seeded = network.municipalities.reduce((sum, muni) => sum + muni.residents.length, 0);
      // The seeding itself travels to the national server; the measurement starts once it has arrived.
      await waitForNational(network, { target: seeded, stallMs: 60_000 });
      const bootMs = now() - bootStarted;

      log(`propagating ${changes} changes`);
      const propagation = await measurePropagation(network, { changes, referenceDate, offset: 0 });
      // Under saturation the lag is mostly queueing; at half the sustained rate it is the path's own delay.
      const pacedChanges = Math.max(50, Math.min(400, Math.round(changes / 10)));
      const pacedRate = Math.max(1, propagation.perSecond / 2);
      log(`propagating ${pacedChanges} more at ${pacedRate.toFixed(1)} changes/s (half the sustained rate)`);
      const paced = await measurePropagation(network, {
        changes: pacedChanges,
        referenceDate,
        offset: changes,
        ratePerSecond: pacedRate,
      });

      log(`echo baseline and ${lookups} look-ups, ${concurrency} in flight`);
      const echo = await startEchoServer(network.nationalTls);
      const codes = network.municipalities.flatMap((muni) => muni.residents.map((r) => r.residentCode));
      let echoFigures;
      try {
        echoFigures = await measureGets(
          { tls: network.lookupClientTls, endpoint: echo.endpoint, count: lookups, concurrency },
          (i) => `/v1/identity/${codes[i % codes.length]!}`,
        );
      } finally {
        await echo.close();
      }
      const lookupFigures = await measureGets(
        {
          tls: network.lookupClientTls,
          endpoint: network.national.networkEndpoint,
          count: lookups,
          concurrency,
        },
        (i) => `/v1/identity/${codes[i % codes.length]!}`,
      );

      const propagationRatio = propagation.perSecond / sqlite.commitsPerSecond;
      const lookupRatio = lookupFigures.perSecond / echoFigures.perSecond;
      const rows: Row[] = [
        {
          label: 'identity changes to national',
          figure: { value: propagation.perSecond, unit: 'changes/s' },
        },
        {
          label: '  submitted at municipalities',
          figure: { value: propagation.submitPerSecond, unit: 'changes/s' },
        },
        { label: '  end-to-end lag p50 (saturated)', figure: { value: propagation.lagP50Ms, unit: 'ms' } },
        { label: '  end-to-end lag p99 (saturated)', figure: { value: propagation.lagP99Ms, unit: 'ms' } },
        { label: '  end-to-end lag p50 (half load)', figure: { value: paced.lagP50Ms, unit: 'ms' } },
        { label: '  end-to-end lag p99 (half load)', figure: { value: paced.lagP99Ms, unit: 'ms' } },
        {
          label: 'raw durable SQLite commits',
          figure: { value: sqlite.commitsPerSecond, unit: 'commits/s' },
        },
        {
          label: 'ratio changes / raw commits',
          figure: { value: propagationRatio, unit: '' },
          note: `(${propagation.arrived}/${changes} arrived)`,
        },
      ];
      printTable('Propagation (municipality → prefecture → national)', rows);
      printTable('Look-up (GET /v1/identity/:code on the national server, mTLS)', [
        { label: 'national look-ups', figure: { value: lookupFigures.perSecond, unit: 'req/s' } },
        { label: '  latency p50', figure: { value: lookupFigures.p50Ms, unit: 'ms' } },
        { label: '  latency p99', figure: { value: lookupFigures.p99Ms, unit: 'ms' } },
        { label: 'bare HTTP/2 mTLS echo', figure: { value: echoFigures.perSecond, unit: 'req/s' } },
        { label: '  latency p50', figure: { value: echoFigures.p50Ms, unit: 'ms' } },
        { label: 'ratio look-ups / echo', figure: { value: lookupRatio, unit: '' } },
      ]);

      Object.assign(results, {
        setup: { seededResidents: seeded, bootAndSeedMs: Math.round(bootMs) },
        propagation: {
          changesPerSecond: propagation.perSecond,
          submittedPerSecond: propagation.submitPerSecond,
          elapsedMs: propagation.elapsedMs,
          arrived: propagation.arrived,
          lagP50Ms: propagation.lagP50Ms,
          lagP99Ms: propagation.lagP99Ms,
          lagMaxMs: propagation.lagMaxMs,
          halfLoad: {
            changes: pacedChanges,
            ratePerSecond: pacedRate,
            arrived: paced.arrived,
            lagP50Ms: paced.lagP50Ms,
            lagP99Ms: paced.lagP99Ms,
            lagMaxMs: paced.lagMaxMs,
          },
          baseline: { rawSqliteCommitsPerSecond: sqlite.commitsPerSecond, rows: commits },
          ratio: propagationRatio,
        },
        lookup: {
          lookupsPerSecond: lookupFigures.perSecond,
          p50Ms: lookupFigures.p50Ms,
          p99Ms: lookupFigures.p99Ms,
          baseline: {
            echoPerSecond: echoFigures.perSecond,
            p50Ms: echoFigures.p50Ms,
            p99Ms: echoFigures.p99Ms,
          },
          ratio: lookupRatio,
        },
      });
      await network.stop();
      network = undefined;
    }
    if (sections.includes('provision')) {
      const figures: ProvisionFigures[] = [];
      for (const engine of engines) {
        figures.push(await provisionOn(engine, root, { population, batchLines, searches, seed: 2025 }, log));
      }
      printProvision(figures);
      results['provision'] = figures;
    }
    const path = await writeResults(join(dirname(fileURLToPath(import.meta.url)), 'results'), results);
    process.stdout.write(`\nwritten ${path}\n`);
  } finally {
    await network?.stop();
    if (values.keep !== true && values.dir === undefined) await rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
