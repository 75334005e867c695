// Runs once per test run: starts ONE throwaway PostgreSQL cluster (postgres-cluster.ts) and provides its URL to every
// test as `inject('pgUrl')`, or null when the server binaries are missing (then the PostgreSQL store tests skip,
// unless JUKINET_REQUIRE_PG=1, which makes a missing PostgreSQL fail the run as CI requires). Builds the terminal
// application first when it has not been built.

import type { TestProject } from 'vitest/node';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findPostgresBinaries, startPostgresCluster } from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the run's PostgreSQL cluster (superuser `postgres`, database `postgres`), or null when there is none. */
    pgUrl: string | null;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await ensureClientBuilt();
  const binDir = findPostgresBinaries();
  if (binDir === undefined) {
    if (process.env['JUKINET_REQUIRE_PG'] === '1') {
      throw new Error(
        'PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or under /usr/lib/postgresql/*/bin, ' +
          'and JUKINET_REQUIRE_PG=1 requires them: install the PostgreSQL server (apt-get install postgresql)',
      );
    }
    console.warn(
      'PostgreSQL server binaries not found: the PostgreSQL store tests are skipped (set JUKINET_REQUIRE_PG=1 to make this a failure)',
    );
    project.provide('pgUrl', null);
    return () => Promise.resolve();
  }

  const cluster = await startPostgresCluster({ binDir });
  // If the run ends without the teardown (a crash, process.exit), still leave no server behind.
  const onExit = (): void => cluster.stopSync();
  process.once('exit', onExit);
  project.provide('pgUrl', cluster.url);
  return async () => {
    process.removeListener('exit', onExit);
    await cluster.stop();
  };
}

/**
 * The browser tests load the terminal application from dist/web/client, which `npm install` builds; a checkout that
 * was never built (or whose build was removed) gets it built here once, so `npm test` works either way.
 */
async function ensureClientBuilt(): Promise<void> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  if (existsSync(`${root}dist/web/client/index.html`)) return;
  const { build } = await import('vite');
  await build({ configFile: `${root}vite.config.ts`, logLevel: 'warn' });
}
