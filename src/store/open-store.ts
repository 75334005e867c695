// Chooses the engine from a location string: a file path, `sqlite:PATH`, `:memory:`, or a postgres:// URL.

import { JukinetError, quote } from '../shared/errors.js';
import { openPostgresStore } from './postgres-store.js';
import { SQLITE_MEMORY, openSqliteStore } from './sqlite-store.js';
import type { OpenStoreOptions, Store } from './store.js';

/** Where a store lives, parsed from its location string. */
export type StoreLocation =
  | { readonly engine: 'sqlite'; readonly path: string }
  | { readonly engine: 'postgres'; readonly url: string };

// Two or more characters, so that a Windows drive letter (C:\…) still reads as a path.
const SCHEME = /^([a-z][a-z0-9+.-]+):/i;

/**
 * Parses a store location: `postgres://…` or `postgresql://…` is PostgreSQL; `sqlite:PATH`, `:memory:` or a plain
 * file path is SQLite. Any other scheme (mysql://, file:, http://) throws JUKI_ERR_STORE_URL rather than become a
 * file with a strange name.
 */
export function parseStoreLocation(location: string): StoreLocation {
  if (location.trim() === '') throw new JukinetError('JUKI_ERR_STORE_URL', 'the location is empty');
  if (location === SQLITE_MEMORY) return { engine: 'sqlite', path: SQLITE_MEMORY };
  const scheme = SCHEME.exec(location)?.[1]?.toLowerCase();
  if (scheme === undefined) return { engine: 'sqlite', path: location };
  if (scheme === 'sqlite') {
    const path = location.slice('sqlite:'.length);
    if (path === '' || path.startsWith('//')) {
      throw new JukinetError(
        'JUKI_ERR_STORE_URL',
        `${quote(location)}: write sqlite:PATH or sqlite::memory:`,
      );
    }
    return { engine: 'sqlite', path };
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    if (!URL.canParse(location))
      throw new JukinetError('JUKI_ERR_STORE_URL', `${quote(location)}: not a valid URL`);
    return { engine: 'postgres', url: location };
  }
  throw new JukinetError(
    'JUKI_ERR_STORE_URL',
    `${quote(`${scheme}:`)}: use a file path, sqlite:PATH, :memory: or postgres://`,
  );
}

/**
 * Opens the store at `location` (see `parseStoreLocation`) and, unless `migrate: false`, brings its schema to the
 * latest migration. Throws JUKI_ERR_STORE_URL for a location it cannot use, JUKI_ERR_STORE_UNAVAILABLE when the
 * database cannot be opened or reached, JUKI_ERR_STORE_MIGRATION when a migration fails.
 */
export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<Store> {
  const parsed = parseStoreLocation(location);
  switch (parsed.engine) {
    case 'sqlite':
      return openSqliteStore(parsed.path, options);
    case 'postgres':
      return openPostgresStore(parsed.url, options);
  }
}
