// The provision figures of `npm run bench` (docs/bench.md, "Provision"): a national store holding a synthetic population
// of at least a million, batch look-ups by code through the provision path against the engine's own set look-up
// (`= ANY($1)` on PostgreSQL, `IN (…)` on SQLite) measured on the same database in the same run, and the latency of
// the four-item search.

import Database from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { canonicalJson } from '../src/crypto/index.js';
import {
  generateResidentCode,
  japanDateOf,
  type FourItemCriteria,
  type IdentityInfo,
  type LocalGovernmentCode,
  type NodeId,
  type ResidentCode,
} from '../src/domain/index.js';
import { createSeededRandom, townsOf, type SeededRandom } from '../src/ops/seed/index.js';
import { FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, namePeriodOf } from '../src/ops/seed/names.js';
import { BatchLineStatus, formatBatchResultLine } from '../src/protocol/index.js';
import { ProvisionMethod, recordProvision, searchFourItems } from '../src/servers/common/provision/index.js';
import { answerLines } from '../src/servers/national/provision-batch.js';
import { systemClock } from '../src/shared/clock.js';
import { openStore, type Store } from '../src/store/index.js';
import { now, percentile, perSecond } from './harness.js';

/** Where the synthetic population lives: municipalities of several prefectures, with their real town names. */
const PLACES: readonly { lgCode: string; prefix: string }[] = [
  { lgCode: '131059', prefix: '東京都文京区' },
  { lgCode: '131130', prefix: '東京都渋谷区' },
  { lgCode: '272175', prefix: '大阪府松原市' },
  { lgCode: '012254', prefix: '北海道滝川市' },
  { lgCode: '312011', prefix: '鳥取県鳥取市' },
  { lgCode: '141003', prefix: '神奈川県横浜市' },
];

/** Lines per batch chunk, as the batch worker takes them (one provision log entry per chunk). */
const BATCH_CHUNK = 1000;
/** Codes per raw statement: the chunk the provision path's set look-up uses too. */
const RAW_CHUNK = 5000;

export interface ProvisionBenchOptions {
  /** Residents in the national store (at least 1,000,000 for the figures the issue asks for). */
  readonly population: number;
  /** Lines of the batch look-up (nine in ten of a known code, one in ten of an unknown one). */
  readonly batchLines: number;
  /** Four-item searches timed one by one. */
  readonly searches: number;
  readonly seed: number;
}

export interface ProvisionFigures {
  readonly engine: 'sqlite' | 'postgres';
  readonly population: number;
  readonly populateMs: number;
  readonly batch: {
    readonly lines: number;
    readonly found: number;
    /** Lines per second through the provision path: set look-up, answer items, provision log per chunk. */
    readonly linesPerSecond: number;
    /** The engine's own set look-up of the same codes, rows decoded, nothing else. */
    readonly rawPerSecond: number;
    readonly ratio: number;
  };
  readonly search: {
    readonly searches: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly maxMs: number;
    /** Searches that found the person they were drawn from: all of them, or the figures mean nothing. */
    readonly foundSelf: number;
  };
}

/** A synthetic person: kanji and kana names by period, a birth date, an address in one of PLACES. */
function syntheticPerson(random: SeededRandom, code: ResidentCode): IdentityInfo {
  const year = random.integer(1920, 2025);
  const birthDate = `${year}-${String(random.integer(1, 12)).padStart(2, '0')}-${String(random.integer(1, 28)).padStart(2, '0')}`;
  const sex = random.chance(0.5) ? 'male' : 'female';
  const [family, familyKana] = random.pick(FAMILY_NAMES);
  const givenNames = (sex === 'male' ? MALE_GIVEN_NAMES : FEMALE_GIVEN_NAMES)[namePeriodOf(year)];
  const [given, givenKana] = random.pick(givenNames);
  const place = random.pick(PLACES);
  const towns = townsOf(place.lgCode as LocalGovernmentCode);
  const town = towns.length === 0 ? '' : random.pick(towns);
  return {
    residentCode: code,
    name: `${family} ${given}`,
    nameKana: `${familyKana} ${givenKana}`,
    birthDate,
    sex,
    address: `${place.prefix}${town}${random.integer(1, 5)}丁目${random.integer(1, 30)}番${random.integer(1, 20)}号`,
    lgCode: place.lgCode as LocalGovernmentCode,
    foreignResident: false,
    change: { reason: 'birth', date: birthDate },
  };
}

/**
 * Writes `count` residents into the store's identity history and its current view, in the stored form
 * (`recordIdentityVersion` writes the same rows one person at a time; a million of them are loaded in bulk here),
 * and keeps every code and `keep` people drawn evenly for the searches.
 */
async function populate(
  store: Store,
  options: { count: number; keep: number; random: SeededRandom },
): Promise<{ codes: ResidentCode[]; kept: IdentityInfo[] }> {
  const { count, random } = options;
  const seen = new Set<string>();
  const codes: ResidentCode[] = [];
  const kept: IdentityInfo[] = [];
  const keepEvery = Math.max(1, Math.floor(count / options.keep));
  const recordedAt = new Date().toISOString();
  const bytes = (length: number): Uint8Array => Uint8Array.from({ length }, () => random.integer(0, 255));
  const perStatement = 1000;
  for (let start = 0; start < count; start += 10 * perStatement) {
    await store.transaction(async (trx) => {
      for (let from = start; from < Math.min(count, start + 10 * perStatement); from += perStatement) {
        const rows = [];
        for (let i = from; i < Math.min(count, from + perStatement); i++) {
          let code = generateResidentCode(bytes);
          while (seen.has(code)) code = generateResidentCode(bytes);
          seen.add(code);
          codes.push(code);
          const info = syntheticPerson(random, code);
          if (i % keepEvery === 0 && kept.length < options.keep) kept.push(info);
          rows.push({
            resident_code: code,
            version: 1,
            lg_code: info.lgCode,
            info: canonicalJson(info),
            reason: info.change.reason,
            change_date: info.change.date,
            closed: 0,
          });
        }
        await trx
          .insertInto('identity_version')
          .values(
            rows.map((row) => ({
              ...row,
              recorded_at: recordedAt,
              origin: `muni-${row.lg_code}`,
              message_id: null,
            })),
          )
          .execute();
        await trx.insertInto('identity_current').values(rows).execute();
      }
    });
  }
  return { codes, kept };
}

/** The batch's codes: nine in ten known (drawn at random), one in ten valid but unknown. */
function batchCodes(codes: readonly ResidentCode[], lines: number, random: SeededRandom): ResidentCode[] {
  const known = new Set(codes);
  const bytes = (length: number): Uint8Array => Uint8Array.from({ length }, () => random.integer(0, 255));
  const out: ResidentCode[] = [];
  for (let i = 0; i < lines; i++) {
    if (random.chance(0.9)) {
      out.push(random.pick(codes));
      continue;
    }
    let code = generateResidentCode(bytes);
    while (known.has(code)) code = generateResidentCode(bytes);
    out.push(code);
  }
  return out;
}

/**
 * The provision path of a batch, as the national server's batch worker runs it on each chunk of 1,000 lines: read the
 * CSV lines, look the codes up in sets, build the result lines, and write the chunk's provision log entries
 * (`answerLines` and `recordProvision`, docs/protocol/agency-batch.md). Sealing the result is left out.
 */
async function provisionPath(
  store: Store,
  codes: readonly ResidentCode[],
): Promise<{ found: number; ms: number }> {
  const lines = codes.map((code, index) => `q${index},${code},,,,,,`);
  const today = japanDateOf(new Date());
  let found = 0;
  const started = now();
  for (let start = 0; start < lines.length; start += BATCH_CHUNK) {
    const answer = await answerLines(store, lines.slice(start, start + BATCH_CHUNK), {
      firstLine: start + 2,
      today,
    });
    const text = answer.results.map((result) => `${formatBatchResultLine(result)}\n`).join('');
    if (text.length === 0) throw new Error('a chunk gave no result lines');
    found += answer.results.filter((result) => result.status === BatchLineStatus.found).length;
    for (const provision of answer.provisions) {
      await recordProvision(
        store,
        {
          agency: 'agency-bench' as NodeId,
          affair: 'mhlw-unemployment-benefit',
          registryVersion: 1,
          method: ProvisionMethod.batch,
          query: provision.query,
          asOf: provision.asOf,
          count: provision.codes.length,
          truncated: provision.truncated,
          residentCodes: provision.codes,
        },
        { clock: systemClock },
      );
    }
  }
  return { found, ms: now() - started };
}

/** The engine's own set look-up of the same codes on the same database: one statement per RAW_CHUNK codes. */
async function rawLookup(
  location: { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string },
  codes: readonly string[],
): Promise<number> {
  if (location.engine === 'postgres') {
    const client = new pg.Client({ connectionString: location.url });
    await client.connect();
    try {
      const started = now();
      for (let start = 0; start < codes.length; start += RAW_CHUNK) {
        const result = await client.query<{ resident_code: string; info: string }>(
          'SELECT resident_code, info FROM identity_current WHERE resident_code = ANY($1::text[])',
          [codes.slice(start, start + RAW_CHUNK)],
        );
        for (const row of result.rows) JSON.parse(row.info);
      }
      return now() - started;
    } finally {
      await client.end();
    }
  }
  const db = new Database(location.path, { readonly: true });
  try {
    const statements = new Map<number, Database.Statement>();
    const started = now();
    for (let start = 0; start < codes.length; start += RAW_CHUNK) {
      const chunk = codes.slice(start, start + RAW_CHUNK);
      let statement = statements.get(chunk.length);
      if (statement === undefined) {
        statement = db.prepare(
          `SELECT resident_code, info FROM identity_current WHERE resident_code IN (${chunk.map(() => '?').join(',')})`,
        );
        statements.set(chunk.length, statement);
      }
      for (const row of statement.all(...chunk) as { info: string }[]) JSON.parse(row.info);
    }
    return now() - started;
  } finally {
    db.close();
  }
}

/** Four-item criteria a clerk of an agency would type for `person`: name or reading, sometimes an address prefix. */
function criteriaFor(person: IdentityInfo, random: SeededRandom): FourItemCriteria {
  const byKana = random.chance(0.2);
  const withAddress = random.chance(0.3);
  return {
    birthDate: person.birthDate,
    sex: person.sex,
    ...(byKana ? { nameKana: person.nameKana ?? '' } : { name: person.name }),
    ...(withAddress ? { address: person.address.slice(0, 6) } : {}),
  };
}

/**
 * Runs the provision figures on a fresh database at `location` (a SQLite file path or a PostgreSQL URL): populate,
 * batch look-ups against the raw set look-up, then the four-item searches. The database is left as it is.
 */
export async function measureProvision(
  location: { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string },
  options: ProvisionBenchOptions,
  log: (line: string) => void,
): Promise<ProvisionFigures> {
  const random = createSeededRandom(options.seed);
  const store = await openStore(location.engine === 'sqlite' ? location.path : location.url);
  try {
    log(`${location.engine}: populating ${options.population.toLocaleString('en')} residents`);
    const populateStarted = now();
    const { codes, kept } = await populate(store, {
      count: options.population,
      keep: options.searches,
      random,
    });
    const populateMs = now() - populateStarted;
    // Statistics after the bulk load, as an operator would gather them after loading a prefecture.
    await sql`ANALYZE`.execute(store.db);

    const lines = batchCodes(codes, options.batchLines, random);
    log(
      `${location.engine}: batch look-up of ${lines.length.toLocaleString('en')} lines, then the raw set look-up`,
    );
    // Warm both paths on a slice, so neither pays for a cold cache the other does not.
    await provisionPath(store, lines.slice(0, BATCH_CHUNK));
    await rawLookup(location, lines.slice(0, RAW_CHUNK));
    const path = await provisionPath(store, lines);
    const rawMs = await rawLookup(location, lines);

    log(`${location.engine}: ${kept.length} four-item searches`);
    const latencies: number[] = [];
    let foundSelf = 0;
    for (const person of kept) {
      const criteria = criteriaFor(person, random);
      const started = now();
      const found = await searchFourItems(store, criteria);
      latencies.push(now() - started);
      if (found.matches.some((match) => match.residentCode === person.residentCode)) foundSelf += 1;
    }
    const linesPerSecond = perSecond(lines.length, path.ms);
    const rawPerSecond = perSecond(lines.length, rawMs);
    return {
      engine: location.engine,
      population: codes.length,
      populateMs: Math.round(populateMs),
      batch: {
        lines: lines.length,
        found: path.found,
        linesPerSecond,
        rawPerSecond,
        ratio: linesPerSecond / rawPerSecond,
      },
      search: {
        searches: kept.length,
        p50Ms: percentile(latencies, 0.5),
        p99Ms: percentile(latencies, 0.99),
        maxMs: percentile(latencies, 1),
        foundSelf,
      },
    };
  } finally {
    await store.close();
  }
}
