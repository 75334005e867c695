// The annual report of provision on every engine: months by Japan time across month and year boundaries, methods,
// registered names, totals, and (fast-check) the report's counts equal to a naive count of the log.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../../../test/support/engines.js';
import { tallyProvisionLog } from '../../../../test/support/provision-report-text.js';
import type { NodeId, ResidentCode } from '../../../domain/index.js';
import { BugIndicatingError } from '../../../shared/assert.js';
import { createFixedClock } from '../../../shared/clock.js';
import type { Store } from '../../../store/index.js';
import { testResidentCode } from '../testing/identity-fixtures.js';
import { registerAgency } from './agencies.js';
import { listProvisions, recordProvision, type ProvisionMethod } from './provision.js';
import {
  buildProvisionReport,
  japanMonthStarts,
  provisionReportOf,
  type ProvisionReport,
  type ProvisionReportRow,
} from './provision-report.js';

const MHLW = 'agency-mhlw' as NodeId;
const MLIT = 'agency-mlit' as NodeId;
/** Logged by an agency that is not (or no longer) registered here: counted, without a name. */
const GONE = 'agency-gone' as NodeId;

/** Logs one provision of `count` records to `agency` at `at`. */
async function logAt(
  store: Store,
  at: string,
  entry: { agency: NodeId; method?: ProvisionMethod; count: number },
): Promise<void> {
  const codes: ResidentCode[] = Array.from({ length: entry.count }, (_, index) =>
    testResidentCode(index + 1),
  );
  await recordProvision(
    store,
    {
      agency: entry.agency,
      affair: 'mhlw-unemployment-benefit',
      registryVersion: 1,
      method: entry.method ?? 'online',
      query: 'code',
      asOf: null,
      count: entry.count,
      truncated: false,
      residentCodes: codes,
    },
    { clock: createFixedClock(new Date(at)) },
  );
}

function row(
  agency: string,
  agencyName: string,
  month: number,
  method: ProvisionMethod,
  counts: [provisions: number, records: number],
): ProvisionReportRow {
  return { agency, agencyName, month, method, provisions: counts[0], records: counts[1] };
}

/** The report counted the naive way: every logged provision read back and tallied in memory. */
async function naiveReport(store: Store, year: number): Promise<Map<string, [number, number]>> {
  return tallyProvisionLog(await listProvisions(store.db), year);
}

function tallyOf(report: ProvisionReport): Map<string, [number, number]> {
  return new Map(
    report.rows.map((line) => [
      `${line.agency}|${line.month}|${line.method}`,
      [line.provisions, line.records],
    ]),
  );
}

describe('japanMonthStarts()', () => {
  it('gives the UTC instants Japan months begin at, the next year’s January last', () => {
    const starts = japanMonthStarts(2027);
    expect(starts).toHaveLength(13);
    expect(starts[0]).toBe('2026-12-31T15:00:00.000Z');
    expect(starts[1]).toBe('2027-01-31T15:00:00.000Z');
    expect(starts[2]).toBe('2027-02-28T15:00:00.000Z');
    expect(starts[12]).toBe('2027-12-31T15:00:00.000Z');
    expect(japanMonthStarts(2028)[2]).toBe('2028-02-29T15:00:00.000Z');
  });

  it('treats a year out of range as a bug of the caller', () => {
    expect(() => japanMonthStarts(2026.5)).toThrow(BugIndicatingError);
    expect(() => japanMonthStarts(1872)).toThrow(BugIndicatingError);
    expect(() => japanMonthStarts(10_000)).toThrow(BugIndicatingError);
  });
});

describe('provisionReportOf()', () => {
  it('orders rows by recipient, month and method (online first) and totals each recipient and the year', () => {
    const report = provisionReportOf(2026, [
      row(MLIT, '国土交通省', 1, 'online', [1, 1]),
      row(MHLW, '厚生労働省', 3, 'online', [2, 2]),
      row(MHLW, '厚生労働省', 1, 'batch', [1, 500]),
      row(MHLW, '厚生労働省', 1, 'online', [4, 3]),
    ]);
    expect(report.rows.map((line) => [line.agency, line.month, line.method])).toEqual([
      [MHLW, 1, 'online'],
      [MHLW, 1, 'batch'],
      [MHLW, 3, 'online'],
      [MLIT, 1, 'online'],
    ]);
    expect(report.recipients).toEqual([
      { agency: MHLW, agencyName: '厚生労働省', provisions: 7, records: 505 },
      { agency: MLIT, agencyName: '国土交通省', provisions: 1, records: 1 },
    ]);
    expect(report.total).toEqual({ provisions: 8, records: 506 });
  });

  it('is empty, with zero totals, for a year without provisions', () => {
    expect(provisionReportOf(2026, [])).toEqual({
      year: 2026,
      rows: [],
      recipients: [],
      total: { provisions: 0, records: 0 },
    });
  });
});

describeEachEngine('the annual report of provision', ({ openFresh }) => {
  it('counts each provision in its Japan month, by recipient and method, with names and totals', async () => {
    const store = await openFresh();
    await registerAgency(store, {
      id: MHLW,
      kind: 'mhlw',
      affairs: ['mhlw-unemployment-benefit'],
      name: '厚生労働省職業安定局',
    });
    await registerAgency(store, { id: MLIT, kind: 'mlit', affairs: ['mlit-construction-permit'] });
    // The last instant of 2026 in Japan, and the first of 2027.
    await logAt(store, '2026-12-31T14:59:59.999Z', { agency: MHLW, count: 1 });
    await logAt(store, '2026-12-31T15:00:00.000Z', { agency: MHLW, count: 2 });
    await logAt(store, '2026-12-31T15:30:00.000Z', { agency: MHLW, count: 0 });
    await logAt(store, '2027-01-15T03:00:00.000Z', { agency: MHLW, method: 'batch', count: 7 });
    await logAt(store, '2027-01-20T03:00:00.000Z', { agency: MHLW, method: 'batch', count: 3 });
    // 1 February in Japan starts at 15:00 UTC on 31 January.
    await logAt(store, '2027-01-31T14:59:59.999Z', { agency: MLIT, count: 1 });
    await logAt(store, '2027-01-31T15:00:00.000Z', { agency: MLIT, count: 1 });
    await logAt(store, '2027-06-01T00:00:00.000Z', { agency: GONE, count: 4 });
    await logAt(store, '2027-12-31T15:00:00.000Z', { agency: MLIT, count: 9 });

    const report = await buildProvisionReport(store.db, 2027);
    expect(report.rows).toEqual([
      row(GONE, '', 6, 'online', [1, 4]),
      row(MHLW, '厚生労働省職業安定局', 1, 'online', [2, 2]),
      row(MHLW, '厚生労働省職業安定局', 1, 'batch', [2, 10]),
      row(MLIT, '国土交通省', 1, 'online', [1, 1]),
      row(MLIT, '国土交通省', 2, 'online', [1, 1]),
    ]);
    expect(report.recipients).toEqual([
      { agency: GONE, agencyName: '', provisions: 1, records: 4 },
      { agency: MHLW, agencyName: '厚生労働省職業安定局', provisions: 4, records: 12 },
      { agency: MLIT, agencyName: '国土交通省', provisions: 2, records: 2 },
    ]);
    expect(report.total).toEqual({ provisions: 7, records: 18 });

    const before = await buildProvisionReport(store.db, 2026);
    expect(before.rows).toEqual([row(MHLW, '厚生労働省職業安定局', 12, 'online', [1, 1])]);
    const after = await buildProvisionReport(store.db, 2028);
    expect(after.rows).toEqual([row(MLIT, '国土交通省', 1, 'online', [1, 9])]);
    expect((await buildProvisionReport(store.db, 2025)).total).toEqual({ provisions: 0, records: 0 });
  });

  it('counts what a naive tally of the log counts, for random logs around month and year ends (fast-check)', async () => {
    const store = await openFresh();
    await registerAgency(store, { id: MHLW, kind: 'mhlw', affairs: ['mhlw-unemployment-benefit'] });
    // Instants within a day of a Japan month's start (15:00 UTC the day before), in 2025–2027.
    const instant = fc
      .record({
        year: fc.integer({ min: 2025, max: 2027 }),
        month: fc.integer({ min: 0, max: 11 }),
        offsetMs: fc.integer({ min: -86_400_000, max: 86_400_000 }),
      })
      .map(({ year, month, offsetMs }) =>
        new Date(Date.UTC(year, month, 1, 0, 0, 0) - 9 * 3_600_000 + offsetMs).toISOString(),
      );
    const entry = fc.record({
      at: instant,
      agency: fc.constantFrom(MHLW, MLIT, GONE),
      method: fc.constantFrom<ProvisionMethod>('online', 'batch'),
      count: fc.integer({ min: 0, max: 10 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 25 }), async (entries) => {
        await store.db.deleteFrom('provision_log_code').execute();
        await store.db.deleteFrom('provision_log').execute();
        for (const { at, ...rest } of entries) await logAt(store, at, rest);
        for (const year of [2025, 2026, 2027]) {
          const report = await buildProvisionReport(store.db, year);
          expect(tallyOf(report)).toEqual(await naiveReport(store, year));
          const sum = [...(await naiveReport(store, year)).values()].reduce(
            (total, [provisions, records]) => ({
              provisions: total.provisions + provisions,
              records: total.records + records,
            }),
            { provisions: 0, records: 0 },
          );
          expect(report.total).toEqual(sum);
        }
      }),
      { seed: 2026, numRuns: 20 },
    );
  });
});
