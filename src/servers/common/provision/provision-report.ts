// The annual report of provision (本人確認情報の提供状況, docs/provision-report.md): the provision log of one node
// counted by recipient, month (Japan time) and method, with totals per recipient and overall. The counting runs in
// SQL over provision_log, so a year of millions of provisions never leaves the database row by row.

import { sql, type Kysely, type Transaction } from 'kysely';
import { WAREKI_FIRST_DATE, isoDateOf, utcMidnightOf } from '../../../domain/index.js';
import { assert } from '../../../shared/assert.js';
import type { Database } from '../../../store/index.js';
import { ProvisionMethod } from './provision.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Japan has no daylight saving: a Japan date begins at 15:00 UTC the day before. */
const JST_OFFSET_MS = 9 * 3_600_000;

/** The first year a report can be made for: 和暦 (the title's year) starts with the Gregorian calendar. */
export const FIRST_REPORT_YEAR = Number(WAREKI_FIRST_DATE.slice(0, 4));
/** The last year whose instants are written with four digits (ISO 8601 text, as the log stores them). */
export const LAST_REPORT_YEAR = 9998;

/** How the report names each method: オンライン (電気通信回線) and 媒体 (a recording medium, the batch files). */
export const PROVISION_METHOD_LABELS: Readonly<Record<ProvisionMethod, string>> = {
  online: 'オンライン',
  batch: '媒体',
};

/** The order methods appear in within a month. */
const METHOD_ORDER: readonly ProvisionMethod[] = [ProvisionMethod.online, ProvisionMethod.batch];

/** Provisions (requests answered) and the identity records they provided (the sum of their counts). */
export interface ProvisionCounts {
  /** 提供回数: the provisions logged, a query found nothing included. */
  readonly provisions: number;
  /** 提供件数: the identity records provided. */
  readonly records: number;
}

/** One line of the report: a recipient's provisions in one month by one method. */
export interface ProvisionReportRow extends ProvisionCounts {
  /** The recipient's node id, `agency-<slug>`. */
  readonly agency: string;
  /** Its registered name; empty when the agency is no longer registered here. */
  readonly agencyName: string;
  /** 1–12, the month in Japan time. */
  readonly month: number;
  readonly method: ProvisionMethod;
}

/** A recipient's totals for the year. */
export interface ProvisionReportRecipient extends ProvisionCounts {
  readonly agency: string;
  readonly agencyName: string;
}

/** The report of one calendar year (Japan time): rows by recipient, month and method, and their totals. */
export interface ProvisionReport {
  readonly year: number;
  /** Ordered by recipient id, month, then method (online first); only combinations with a provision. */
  readonly rows: readonly ProvisionReportRow[];
  /** One per recipient in `rows`, in the same order. */
  readonly recipients: readonly ProvisionReportRecipient[];
  readonly total: ProvisionCounts;
}

/**
 * The instants (ISO text, UTC) the months of `year` begin at in Japan, and the next year's first: thirteen bounds,
 * so that month m holds the instants from the (m−1)th bound up to the mth.
 */
export function japanMonthStarts(year: number): string[] {
  assert(
    Number.isInteger(year) && year >= FIRST_REPORT_YEAR && year <= LAST_REPORT_YEAR,
    `report year out of range: ${year}`,
  );
  const starts: string[] = [];
  for (let month = 1; month <= 13; month += 1) {
    const date = month === 13 ? isoDateOf(year + 1, 1, 1) : isoDateOf(year, month, 1);
    starts.push(new Date(utcMidnightOf(date).getTime() - JST_OFFSET_MS).toISOString());
  }
  return starts;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRows(a: ProvisionReportRow, b: ProvisionReportRow): number {
  return (
    compareText(a.agency, b.agency) ||
    a.month - b.month ||
    METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method)
  );
}

/** Orders counted rows and adds the totals: the report of `year` from rows counted in any order. */
export function provisionReportOf(year: number, rows: readonly ProvisionReportRow[]): ProvisionReport {
  const ordered = [...rows].sort(compareRows);
  const recipients: ProvisionReportRecipient[] = [];
  for (const row of ordered) {
    const last = recipients.at(-1);
    if (last?.agency === row.agency) {
      recipients[recipients.length - 1] = {
        ...last,
        provisions: last.provisions + row.provisions,
        records: last.records + row.records,
      };
    } else {
      recipients.push({
        agency: row.agency,
        agencyName: row.agencyName,
        provisions: row.provisions,
        records: row.records,
      });
    }
  }
  const total = recipients.reduce(
    (sum, recipient) => ({
      provisions: sum.provisions + recipient.provisions,
      records: sum.records + recipient.records,
    }),
    { provisions: 0, records: 0 },
  );
  return { year, rows: ordered, recipients, total };
}

/** The month (1–12) of a logged instant, as SQL over the ISO text: the bounds compare as text, like the index. */
function monthExpression(starts: readonly string[]) {
  const cases = starts.slice(1, 12).map((start, index) => sql`when at < ${start} then ${sql.lit(index + 1)}`);
  return sql<number>`case ${sql.join(cases, sql` `)} else ${sql.lit(12)} end`;
}

/**
 * The annual report of provision of `year` from this node's provision log: each provision counted once, in the month
 * its answer left in Japan time (2026-12-31T15:30Z is January 2027), grouped in SQL by recipient, month and method,
 * with the recipient's registered name. Both engines give the same report.
 */
export async function buildProvisionReport(db: Db, year: number): Promise<ProvisionReport> {
  const starts = japanMonthStarts(year);
  const logged = db
    .selectFrom('provision_log')
    .select(['agency', 'method', 'count', monthExpression(starts).as('month')])
    .where('at', '>=', starts[0]!)
    .where('at', '<', starts[12]!)
    .as('p');
  const counted = await db
    .selectFrom(logged)
    .leftJoin('agency as a', 'a.id', 'p.agency')
    .select((eb) => [
      'p.agency',
      'p.month',
      'p.method',
      'a.name',
      eb.fn.countAll<number | string>().as('provisions'),
      eb.fn.sum<number | string>('p.count').as('records'),
    ])
    .groupBy(['p.agency', 'p.month', 'p.method', 'a.name'])
    .execute();
  return provisionReportOf(
    year,
    counted.map((row) => {
      assert(
        (METHOD_ORDER as readonly string[]).includes(row.method),
        `unknown provision method: ${row.method}`,
      );
      return {
        agency: row.agency,
        agencyName: row.name ?? '',
        month: Number(row.month),
        method: row.method as ProvisionMethod,
        provisions: Number(row.provisions),
        records: Number(row.records),
      };
    }),
  );
}
