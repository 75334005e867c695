// A throwaway PostgreSQL cluster for a test run: initdb in a temporary directory, pg_ctl on a free loopback port, and
// everything removed on stop(). As root it runs as the `postgres` system user, since PostgreSQL refuses to run as root.
// It trades durability for speed (fsync=off, initdb --no-sync): nothing in it outlives the run (docs/decisions/0001).

import { execFile, execFileSync, spawnSync } from 'node:child_process';
import {
  accessSync,
  chownSync,
  constants,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** A running cluster: connect to `url` (user `postgres`, database `postgres`, no password). */
export interface PostgresCluster {
  readonly url: string;
  readonly binDir: string;
  /** Stops the server (fast shutdown) and deletes its directory. Calling it again does nothing. */
  stop(): Promise<void>;
  /** The same, synchronously and with an immediate shutdown, for a process 'exit' hook. */
  stopSync(): void;
}

/**
 * The directory holding `initdb` and `pg_ctl`: the first found on PATH, else the highest version under
 * /usr/lib/postgresql/<version>/bin (Debian's layout). Undefined when there is none.
 */
export function findPostgresBinaries(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir !== '' && hasServerBinaries(dir)) return dirname(realpathSync(join(dir, 'initdb')));
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => /^\d+(\.\d+)?$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  return versions.map((version) => join(root, version, 'bin')).find(hasServerBinaries);
}

/**
 * Creates and starts a new cluster; throws with the server log's last lines when it cannot. `fsync` (default false)
 * turns on the server's fsync and full-page writes, for a test that wants the production durability settings.
 */
export async function startPostgresCluster(
  options: { readonly binDir?: string; readonly fsync?: boolean } = {},
): Promise<PostgresCluster> {
  const binDir = options.binDir ?? findPostgresBinaries();
  if (binDir === undefined) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found');
  const runAs = unprivilegedPrefix();
  const root = mkdtempSync(join(tmpdir(), 'jukinet-pg-'));
  const dataDir = join(root, 'data');
  const logFile = join(root, 'server.log');
  let started = false;
  try {
    if (runAs.owner) chownSync(root, runAs.owner.uid, runAs.owner.gid);
    const exec = (tool: string, args: readonly string[]) =>
      runTool([...runAs.prefix, join(binDir, tool), ...args], root);
    // --no-sync: a throwaway cluster need not survive a power cut.
    await exec('initdb', [
      '-D',
      dataDir,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);

    for (let attempt = 1; ; attempt++) {
      const port = await findFreePort();
      const serverOptions = [
        `-p ${port}`,
        `-k ${root}`,
        '-c listen_addresses=127.0.0.1',
        // Speed over crash safety for a cluster deleted at the end of the run; see docs/decisions/0001-storage.md.
        `-c fsync=${options.fsync === true ? 'on' : 'off'}`,
        `-c full_page_writes=${options.fsync === true ? 'on' : 'off'}`,
        '-c shared_buffers=32MB',
        '-c max_connections=200',
      ].join(' ');
      try {
        await exec('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOptions, 'start']);
      } catch (error) {
        // Another process may have taken the port between our probe and the server's bind.
        if (attempt < 3 && /could not bind|address already in use/i.test(readLog(logFile))) continue;
        throw error;
      }
      started = true;
      const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
      await waitUntilReady(url);
      return createHandle(url, binDir, runAs.prefix, root, dataDir);
    }
  } catch (error) {
    if (started) stopImmediately([...runAs.prefix, join(binDir, 'pg_ctl')], dataDir, root);
    const log = readLog(logFile).split('\n').slice(-15).join('\n');
    rmSync(root, { recursive: true, force: true });
    throw new Error(
      `Could not start a PostgreSQL test cluster with ${binDir}: ${describeError(error)}\n${log}`,
      {
        cause: error,
      },
    );
  }
}

function createHandle(
  url: string,
  binDir: string,
  prefix: readonly string[],
  root: string,
  dataDir: string,
): PostgresCluster {
  const pgCtl = [...prefix, join(binDir, 'pg_ctl')];
  let stopped = false;
  return {
    url,
    binDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await runTool([...pgCtl, '-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop'], root);
      } catch {
        stopImmediately(pgCtl, dataDir, root);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    stopSync() {
      if (stopped) return;
      stopped = true;
      stopImmediately(pgCtl, dataDir, root);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** `pg_ctl stop -m immediate`, synchronously: the last resort, and the only kind a process 'exit' hook can run. */
function stopImmediately(pgCtl: readonly string[], dataDir: string, root: string): void {
  const [command, ...args] = pgCtl;
  spawnSync(command!, [...args, '-D', dataDir, '-m', 'immediate', '-w', 'stop'], {
    cwd: root,
    stdio: 'ignore',
  });
}

/**
 * How to run the server tools: directly, or as root through `runuser -u postgres --` (else `setpriv`) with the
 * directory handed to that user.
 */
function unprivilegedPrefix(): { prefix: string[]; owner?: { uid: number; gid: number } } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: 'pipe' }).trim());
    gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: 'pipe' }).trim());
  } catch {
    throw new Error(
      'PostgreSQL refuses to run as root, and there is no "postgres" system user to run the test cluster as: ' +
        'create one (useradd --system postgres) or run the tests as an unprivileged user',
    );
  }
  const runuser = findOnPath('runuser');
  if (runuser !== undefined) return { prefix: [runuser, '-u', 'postgres', '--'], owner: { uid, gid } };
  const setpriv = findOnPath('setpriv');
  if (setpriv !== undefined) {
    return {
      prefix: [setpriv, '--reuid=postgres', '--regid=postgres', '--init-groups'],
      owner: { uid, gid },
    };
  }
  throw new Error(
    'Running the PostgreSQL test cluster as root needs runuser or setpriv (util-linux) to drop to "postgres"',
  );
}

async function runTool(argv: readonly string[], cwd: string): Promise<void> {
  const [command, ...args] = argv;
  await run(command!, args, { cwd, env: { ...process.env, LC_ALL: 'C' } });
}

async function waitUntilReady(url: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function hasServerBinaries(dir: string): boolean {
  return isExecutable(join(dir, 'initdb')) && isExecutable(join(dir, 'pg_ctl'));
}

function findOnPath(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  return dirs.map((dir) => join(dir, name)).find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    return typeof stderr === 'string' && stderr.trim() !== ''
      ? `${error.message.split('\n')[0]}: ${stderr.trim()}`
      : error.message;
  }
  return String(error);
}
