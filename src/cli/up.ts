// `jukinet up` (what `npm start` runs): the whole network on this machine from ./.jukinet, seeded on first run, until
// Ctrl-C; `jukinet up --smoke` boots it in a temporary directory, drives a birth, a move and a death through it and
// checks that the three tiers agree (docs/running.md).

import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { pino, type Logger } from 'pino';
import { japanDateOf, type LocalGovernmentCode, type NodeId, type ResidentCode } from '../domain/index.js';
import { identityHistory, type ConsistencyDigest } from '../servers/common/identity-history.js';
import { DEFAULT_BASE_PORT, displayNameOf } from '../servers/common/index.js';
import { JukinetError, isJukinetError } from '../shared/errors.js';
import { checkConsistency, formatConsistencyReport } from './check.js';
import { operatorInitCommand } from './operator.js';
import {
  DEFAULT_MUNICIPALITIES,
  countOpenIdentities,
  parseMunicipalities,
  seedPopulation,
  startLocalNetwork,
  type LocalNetwork,
} from './local-network.js';

export interface UpOptions {
  /** The network's directory (./.jukinet). */
  readonly dir: string;
  readonly municipalities: readonly LocalGovernmentCode[];
  /** Residents seeded per municipality on first run. */
  readonly population: number;
  readonly basePort: number;
  readonly write: (line: string) => void;
  /** Resolves to stop the network; by default the first SIGINT or SIGTERM. */
  readonly until?: Promise<unknown>;
}

/** Runs `jukinet up`: starts (or resumes) the network, seeds it on first run, prints it, and runs until stopped. */
export async function runUp(options: UpOptions): Promise<void> {
  const { write } = options;
  const dir = resolve(options.dir);
  const logFile = join(dir, 'logs', 'jukinet.log');
  const logger = fileLogger(logFile);
  const until = options.until ?? signalled();
  // Ctrl-C during a long start or seeding (--municipalities all) stops there instead of after it.
  const interrupt = new AbortController();
  void until.then(() => interrupt.abort());
  write(`jukinet: starting the network in ${dir} (log: ${logFile})`);
  let network: LocalNetwork;
  try {
    network = await startLocalNetwork(dir, {
      municipalities: options.municipalities,
      basePort: options.basePort,
      logger,
      onProgress: (line) => write(`  ${line}`),
      signal: interrupt.signal,
    });
  } catch (error) {
    if (!isJukinetError(error, 'JUKI_ERR_CLI_INTERRUPTED')) throw error;
    write('jukinet: interrupted while starting; the servers already started are stopped');
    logger.flush();
    return;
  }
  try {
    if (network.layout.created) write('  first run: created the CA, certificates and databases');
    const seeded = await seedPopulation(network.municipalities, {
      population: options.population,
      onProgress: (line) => write(`  ${line}`),
      signal: interrupt.signal,
    });
    if ([...seeded.values()].some((count) => count > 0)) {
      write('  waiting until the prefectures and the national server hold the seeded residents…');
      write(`  ${await awaitDelivery(network, { limitMs: 180_000 })}`);
    }
    for (const line of await networkTable(network)) write(line);
    write('');
    write('Terminals (the browser will warn: the certificate is from the network CA in pki/ca/ca.crt.pem):');
    for (const node of [network.national, ...network.municipalities]) {
      write(`  ${displayNameOf(node.nodeId)}  ${node.terminalUrl}`);
    }
    write('');
    const withoutOperators = await nodesWithoutOperators(network);
    if (withoutOperators.length > 0) {
      write(
        'No operators yet: create the first administrator of each (then open the URL it prints, at 初期設定):',
      );
      for (const node of withoutOperators) {
        write(`  ${displayNameOf(node.nodeId)}  ${operatorInitCommand(node.configPath)}`);
      }
      write("  (a prefecture's terminal, for 本人確認情報開示, likewise with its nodes/pref-NN/node.json)");
      write('');
    }
    write('Press Ctrl-C to stop.');
    await until;
    write('jukinet: stopping (municipalities, prefectures, national)…');
  } catch (error) {
    if (!isJukinetError(error, 'JUKI_ERR_CLI_INTERRUPTED')) throw error;
    write(
      'jukinet: interrupted while seeding; the residents recorded so far are kept, and a municipality that has any is not seeded again',
    );
    write('jukinet: stopping (municipalities, prefectures, national)…');
  } finally {
    await network.stop();
    logger.flush();
  }
  write('jukinet: stopped');
}

/**
 * Waits until every municipality has delivered its outbox to its prefecture and every prefecture to the national
 * server, or `limitMs` has passed (the network keeps delivering in the background), and says which.
 */
export async function awaitDelivery(network: LocalNetwork, options: { limitMs: number }): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<false>((resolveLimit) => {
    timer = setTimeout(() => resolveLimit(false), options.limitMs);
  });
  const delivered = (async (): Promise<true> => {
    await Promise.all(network.municipalities.map((node) => node.dispatcher.drained()));
    await Promise.all(network.prefectures.map((node) => node.dispatcher.drained()));
    return true;
  })();
  delivered.catch(() => undefined);
  try {
    return (await Promise.race([delivered, limit]))
      ? 'every change has reached the national server'
      : `still delivering after ${Math.round(options.limitMs / 1000)} s: the counts below are a snapshot`;
  } finally {
    clearTimeout(timer);
  }
}

/** The table of servers: name, role, ports, residents (open identity records), state. */
export async function networkTable(network: LocalNetwork): Promise<string[]> {
  const rows: string[][] = [['server', 'id', 'role', 'network', 'terminal', 'residents', 'state']];
  for (const node of network.all()) {
    const residents =
      node.context.role === 'municipality'
        ? await (node.module as LocalNetwork['municipalities'][number]['module']).register.countResidents()
        : await countOpenIdentities(node);
    rows.push([
      displayNameOf(node.nodeId),
      node.nodeId,
      node.context.role,
      new URL(node.networkEndpoint).port,
      new URL(node.terminalUrl).port,
      String(residents),
      node.status().ready ? 'ready' : 'starting',
    ]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => displayWidth(row[column]!))));
  return rows.map((row) =>
    row
      .map((cell, column) => cell + ' '.repeat(widths[column]! - displayWidth(cell)))
      .join('  ')
      .trimEnd(),
  );
}

/** The national server and the municipalities whose terminal has no operator yet, with their configuration file. */
async function nodesWithoutOperators(
  network: LocalNetwork,
): Promise<{ nodeId: NodeId; configPath: string }[]> {
  const found: { nodeId: NodeId; configPath: string }[] = [];
  for (const node of [network.national, ...network.municipalities]) {
    const any = await node.context.store.db.selectFrom('operator').select('id').limit(1).executeTakeFirst();
    const configPath = network.layout.nodes.find((entry) => entry.id === node.nodeId)?.configPath;
    if (any === undefined && configPath !== undefined) found.push({ nodeId: node.nodeId, configPath });
  }
  return found;
}

/** Columns a string takes in a terminal: two for East Asian wide characters. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text)
    width +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
        char,
      )
        ? 2
        : 1;
  return width;
}

/**
 * Runs `jukinet up --smoke`: the default network in a temporary directory with a small population; a birth at
 * 文京区, a move 文京区 → 松原市 (move-out, move-in) and a death at 滝川市; waits until the national server holds all
 * of them and every tier's outbox is empty, then compares the municipal, prefectural and national digests of each
 * municipality. Returns the exit code after printing `smoke: ok` or `smoke: failed: <reason>`.
 */
export async function runSmoke(options: {
  population: number;
  write: (line: string) => void;
  basePort?: number;
  timeoutMs?: number;
  keep?: boolean;
}): Promise<number> {
  const { write } = options;
  const dir = await mkdtemp(join(tmpdir(), 'jukinet-smoke-'));
  const logFile = join(dir, 'logs', 'jukinet.log');
  const logger = fileLogger(logFile);
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  let network: LocalNetwork | undefined;
  try {
    // Free ports are found first and bound later, node by node: another program can take one in between. Without a
    // port given, a start that lost that race tries again on other free ports, in a new directory.
    for (let attempt = 1; network === undefined; attempt++) {
      const basePort = options.basePort ?? (await findFreeBasePort(2 * (48 + DEFAULT_MUNICIPALITIES.length)));
      try {
        network = await startLocalNetwork(join(dir, `network-${attempt}`), {
          municipalities: DEFAULT_MUNICIPALITIES,
          basePort,
          logger,
          onProgress: (line) => write(`smoke: ${line}`),
          nodeOptions: { upstreamTimeoutMs: 60_000 },
        });
      } catch (error) {
        const taken = (error as { code?: unknown }).code === 'EADDRINUSE';
        if (!taken || options.basePort !== undefined || attempt >= 3) throw error;
        write(`smoke: a port was taken meanwhile; starting again on others`);
      }
    }
    await seedPopulation(network.municipalities, { population: options.population });
    write(
      `smoke: seeded ${options.population} residents in each of ${network.municipalities.length} municipalities`,
    );

    const byCode = (code: string): LocalNetwork['municipalities'][number] => {
      const node = network!.municipalities.find((candidate) => candidate.nodeId === `muni-${code}`);
      if (node === undefined) throw new Error(`muni-${code} is not running`);
      return node;
    };
    const bunkyo = byCode('131059').module.register;
    const matsubara = byCode('272175').module.register;
    const takikawa = byCode('012254').module.register;
    const today = japanDateOf(new Date());

    const [parent, mover] = await bunkyo.listResidents({ limit: 2 });
    const [deceased] = await takikawa.listResidents({ limit: 1 });
    const [neighbour] = await matsubara.listResidents({ limit: 1 });
    if (parent === undefined || mover === undefined || deceased === undefined || neighbour === undefined) {
      throw new Error('the seeded population is too small');
    }
    const baby = await bunkyo.recordBirth({
      name: `${parent.name.split(' ')[0] ?? '試験'} 花子`,
      nameKana: `${parent.nameKana?.split(' ')[0] ?? 'シケン'} ハナコ`,
      birthDate: today,
      sex: 'female',
      address: parent.address,
      household: { join: parent.householdId },
    });
    write(`smoke: birth at 文京区, code ${baby.residentCode}`);
    await bunkyo.recordMoveOut(mover.id, { destination: neighbour.address, date: today });
    const moved = await matsubara.recordMoveIn({
      name: mover.name,
      ...(mover.nameKana === undefined ? {} : { nameKana: mover.nameKana }),
      birthDate: mover.birthDate,
      sex: mover.sex,
      foreignResident: mover.foreignResident,
      address: neighbour.address,
      residentCode: mover.residentCode,
      previousAddress: mover.address,
      date: today,
    });
    write(`smoke: move 文京区 → 松原市, code ${moved.residentCode}`);
    await takikawa.recordDeath(deceased.id, { date: today });
    write(`smoke: death at 滝川市, code ${deceased.residentCode}`);

    const nationalDb = network.national.context.store.db;
    const expected: [ResidentCode, string][] = [
      [baby.residentCode, 'birth'],
      [moved.residentCode, 'move-out'],
      [moved.residentCode, 'move-in'],
      [deceased.residentCode, 'death'],
    ];
    await waitUntil('the national server holds the birth, the move and the death', deadline, async () => {
      for (const [code, reason] of expected) {
        const history = await identityHistory(nationalDb, code);
        if (!history.some((version) => version.reason === reason)) return false;
      }
      return true;
    });
    write('smoke: the national server holds all three changes');

    const current = network;
    await waitUntil('every outbox is delivered', deadline, async () => {
      for (const node of current.all()) {
        const left = await node.context.store.db
          .selectFrom('outbox')
          .select('id')
          .where('delivered_at', 'is', null)
          .limit(1)
          .executeTakeFirst();
        if (left !== undefined) return false;
      }
      return true;
    });

    // The same check as `jukinet check consistency`, asked by the national server over mTLS.
    const national = network.national;
    const report = await checkConsistency({
      municipalities: network.municipalities.map((node) => node.nodeId),
      fetchDigest: (node, lgCode) =>
        national.context.call<ConsistencyDigest>(node, { method: 'GET', path: `/v1/consistency/${lgCode}` }),
    });
    for (const line of formatConsistencyReport(report)) write(`smoke: ${line}`);
    if (!report.consistent) throw new Error('consistency check: the copies differ (above)');
    write('smoke: ok');
    return 0;
  } catch (error) {
    write(`smoke: failed: ${error instanceof Error ? error.message : String(error)} (log: ${logFile})`);
    return 1;
  } finally {
    await network?.stop();
    logger.flush();
    if (options.keep !== true) await rm(dir, { recursive: true, force: true });
  }
}

async function waitUntil(what: string, deadline: number, condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolvePause) => setTimeout(resolvePause, 100));
  }
}

/** A base port with `count` free ports after it (for the smoke run, so that it does not collide with `npm start`). */
async function findFreeBasePort(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    // Below Linux's ephemeral range (32768–60999), where outgoing connections take their local ports.
    const base = 20_000 + Math.floor(Math.random() * (32_768 - 20_000 - count));
    let free = true;
    for (let port = base; port < base + count && free; port += 1) {
      free = await new Promise<boolean>((resolveFree) => {
        const server = createServer();
        server.once('error', () => resolveFree(false));
        server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
      });
    }
    if (free) return base;
  }
  throw new JukinetError('JUKI_ERR_CLI_ARGUMENT', `no run of ${count} free ports found; give --base-port`);
}

function fileLogger(path: string): Logger {
  return pino({ level: 'info' }, pino.destination({ dest: path, mkdir: true, sync: false }));
}

function signalled(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolveSignal(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

function positiveInteger(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    throw new JukinetError('JUKI_ERR_CLI_ARGUMENT', `${name} must be a whole number, not "${value}"`);
  }
  return number;
}

/** Adds `up` to the CLI. */
export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description(
      'start the whole network on this machine: national, 47 prefectures and the chosen municipalities',
    )
    .option('--dir <dir>', 'where the network lives', './.jukinet')
    .option(
      '--municipalities <list>',
      '"all", or comma-separated local government codes (5 or 6 digits)',
      DEFAULT_MUNICIPALITIES.join(','),
    )
    .option('--population <n>', 'residents seeded per municipality on first run', '1000')
    .option('--base-port <port>', 'first port; each server takes two', String(DEFAULT_BASE_PORT))
    .option('--smoke', 'boot a throwaway network, drive a birth, a move and a death, check consistency, exit')
    .action(
      async (options: {
        dir: string;
        municipalities: string;
        population: string;
        basePort: string;
        smoke?: boolean;
      }) => {
        const write = (line: string): void => void process.stdout.write(`${line}\n`);
        const population = positiveInteger('--population', options.population);
        if (options.smoke === true) {
          process.exitCode = await runSmoke({
            population: options.population === '1000' ? 50 : population,
            write,
            ...(options.basePort === String(DEFAULT_BASE_PORT)
              ? {}
              : { basePort: positiveInteger('--base-port', options.basePort) }),
          });
          return;
        }
        await runUp({
          dir: options.dir,
          municipalities: parseMunicipalities(options.municipalities),
          population,
          basePort: positiveInteger('--base-port', options.basePort),
          write,
        });
      },
    );
}
