// The engine matrix every store test runs on: `describeEachEngine()` runs a suite once on SQLite and once on
// PostgreSQL (skipped when the run has no PostgreSQL, see global-setup.ts); `createTestDatabaseUrl()` gives tests in
// other layers a fresh database they can open, close and reopen across a "server restart".
//
//   describeEachEngine('outbox', ({ engine, openFresh, reopen }) => {
//     it('keeps a message across a restart', async () => {
//       const store = await openFresh();           // migrated, empty, closed and removed after the test
//       ...
//       const again = await reopen(store);         // closes `store`, opens the same database on new connections
//     });
//   });

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, inject } from 'vitest';
import { StoreEngine, openStore, type OpenStoreOptions, type Store } from '../../src/store/index.js';

/** Every engine, in the order suites run on them. */
export const ENGINES: readonly StoreEngine[] = [StoreEngine.sqlite, StoreEngine.postgres];

/** What a suite body gets for its engine. Everything it opens or creates is closed and removed after each test. */
export interface EngineContext {
  readonly engine: StoreEngine;
  /** A fresh, migrated, empty store: its own SQLite file in a temp directory, or its own PostgreSQL database. */
  openFresh(options?: OpenStoreOptions): Promise<Store>;
  /** Closes `store` (if still open) and opens the same database again, on new connections. */
  reopen(store: Store, options?: OpenStoreOptions): Promise<Store>;
  /** The location string of a fresh, empty, unmigrated database, for tests that call `openStore()` themselves. */
  createLocation(): Promise<string>;
}

/** True when this run can test `engine` (PostgreSQL needs the run's cluster). */
export function isEngineAvailable(engine: StoreEngine): boolean {
  return engine === StoreEngine.sqlite || inject('pgUrl') !== null;
}

/**
 * Declares the suite `name` once per engine, as `name [sqlite]` and `name [postgres]`; the PostgreSQL one is skipped
 * (describe.skip) when the run has no PostgreSQL.
 */
export function describeEachEngine(name: string, fn: (ctx: EngineContext) => void): void {
  for (const engine of ENGINES) {
    describe.skipIf(!isEngineAvailable(engine))(`${name} [${engine}]`, () => {
      const stores: Store[] = [];
      const locations: string[] = [];
      const locationOf = new WeakMap<Store, string>();

      const open = async (location: string, options: OpenStoreOptions = {}): Promise<Store> => {
        const store = await openStore(location, options);
        stores.push(store);
        locationOf.set(store, location);
        return store;
      };
      const createLocation = async (): Promise<string> => {
        const location = await createTestDatabaseUrl(engine);
        locations.push(location);
        return location;
      };

      afterEach(async () => {
        await Promise.all(stores.splice(0).map((store) => store.close()));
        await Promise.all(locations.splice(0).map((location) => removeTestDatabase(location)));
      });

      fn({
        engine,
        openFresh: async (options) => open(await createLocation(), options),
        reopen: async (store, options) => {
          const location = locationOf.get(store);
          if (location === undefined)
            throw new Error('reopen() takes a store opened by openFresh() or reopen()');
          await store.close();
          return open(location, options);
        },
        createLocation,
      });
    });
  }
}

const created = new Set<string>();
const sqliteDirs = new Map<string, string>();
let exitHookInstalled = false;

/**
 * The location of a fresh, empty database of `engine` (not migrated): a file in a new temp directory for SQLite, a
 * new database in the run's cluster for PostgreSQL. Remove it with `removeTestDatabase()`; anything left is removed
 * when the test process exits (SQLite) or the cluster stops (PostgreSQL). Throws when the run has no PostgreSQL.
 */
export async function createTestDatabaseUrl(engine: StoreEngine): Promise<string> {
  installExitHook();
  switch (engine) {
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'jukinet-store-'));
      const location = join(dir, 'store.db');
      sqliteDirs.set(location, dir);
      created.add(location);
      return location;
    }
    case 'postgres': {
      const name = `t_${randomBytes(8).toString('hex')}`;
      await withAdminClient((client) => client.query(`create database ${name}`));
      const url = new URL(clusterUrl());
      url.pathname = `/${name}`;
      created.add(url.toString());
      return url.toString();
    }
  }
}

/** Deletes a database made by `createTestDatabaseUrl()`; close its stores first. Unknown locations are ignored. */
export async function removeTestDatabase(location: string): Promise<void> {
  if (!created.delete(location)) return;
  const dir = sqliteDirs.get(location);
  if (dir !== undefined) {
    sqliteDirs.delete(location);
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  const name = new URL(location).pathname.slice(1);
  // FORCE (PostgreSQL 13+) ends connections a test left open.
  await withAdminClient((client) => client.query(`drop database if exists ${name} with (force)`));
}

function clusterUrl(): string {
  const url = inject('pgUrl');
  if (url === null)
    throw new Error('This test run has no PostgreSQL cluster (see test/support/global-setup.ts)');
  return url;
}

async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: clusterUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const dir of sqliteDirs.values()) rmSync(dir, { recursive: true, force: true });
  });
}
