// Choosing the engine from a location string, and refusing locations no engine can use.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isJukinetError } from '../shared/errors.js';
import { openStore, parseStoreLocation } from './index.js';

describe('parseStoreLocation()', () => {
  it.each([
    ['.jukinet/muni-131059/store.db', { engine: 'sqlite', path: '.jukinet/muni-131059/store.db' }],
    ['/var/lib/jukinet/national.db', { engine: 'sqlite', path: '/var/lib/jukinet/national.db' }],
    ['sqlite:data/pref-13.db', { engine: 'sqlite', path: 'data/pref-13.db' }],
    [':memory:', { engine: 'sqlite', path: ':memory:' }],
    ['sqlite::memory:', { engine: 'sqlite', path: ':memory:' }],
    [
      'postgres://jukinet@db.example:5432/national',
      { engine: 'postgres', url: 'postgres://jukinet@db.example:5432/national' },
    ],
    ['postgresql://127.0.0.1/pref13', { engine: 'postgres', url: 'postgresql://127.0.0.1/pref13' }],
  ])('reads %s', (location, expected) => {
    expect(parseStoreLocation(location)).toEqual(expected);
  });

  it.each([
    '',
    '   ',
    'mysql://db/national',
    'file:///tmp/x.db',
    'http://example/db',
    'sqlite:',
    'sqlite://x.db',
    'postgres://[::1',
  ])('refuses %j with JUKI_ERR_STORE_URL', (location) => {
    expect(() => parseStoreLocation(location)).toThrow(
      expect.objectContaining({ code: 'JUKI_ERR_STORE_URL' }) as Error,
    );
  });
});

describe('openStore()', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an unsupported location with JUKI_ERR_STORE_URL before touching anything', async () => {
    const error: unknown = await openStore('mysql://db/national').catch((caught: unknown) => caught);
    expect(isJukinetError(error, 'JUKI_ERR_STORE_URL')).toBe(true);
    expect((error as Error).message).toBe(
      'Unsupported database location: "mysql:": use a file path, sqlite:PATH, :memory: or postgres://',
    );
  });

  it('opens a migrated in-memory SQLite store for :memory:', async () => {
    const store = await openStore(':memory:');
    try {
      expect(store.engine).toBe('sqlite');
      expect(await store.db.selectFrom('meta').selectAll().execute()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('creates the directories of a new SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jukinet-open-'));
    dirs.push(dir);
    const store = await openStore(`sqlite:${join(dir, 'muni-131059', 'store.db')}`);
    await store.close();
    const again = await openStore(join(dir, 'muni-131059', 'store.db'), { migrate: false });
    try {
      expect(await again.db.selectFrom('meta').selectAll().execute()).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it('reports a SQLite location it cannot open as JUKI_ERR_STORE_UNAVAILABLE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jukinet-open-'));
    dirs.push(dir);
    const error: unknown = await openStore(dir).catch((caught: unknown) => caught);
    expect(isJukinetError(error, 'JUKI_ERR_STORE_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain(JSON.stringify(dir));
  });
});
