// Runs once per test run: starts ONE throwaway PostgreSQL cluster (postgres-cluster.ts) and provides its URL to every
// test as `inject('pgUrl')`, or null when the server binaries are missing (then the PostgreSQL store tests skip,
// unless JUKINET_REQUIRE_PG=1, which makes a missing PostgreSQL fail the run as CI requires).

import type { TestProject } from 'vitest/node';
import { findPostgresBinaries, startPostgresCluster } from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the run's PostgreSQL cluster (superuser `postgres`, database `postgres`), or null when there is none. */
    pgUrl: string | null;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
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
