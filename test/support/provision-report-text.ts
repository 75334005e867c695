// Reads an annual provision report PDF back as text with pdftotext (poppler) and takes its table apart again, and
// tallies a provision log the naive way, so that tests compare the printed numbers with the log: per recipient, month
// and method, each recipient's total, the total.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The PDF as `pdftotext -layout` reads it, pages separated by form feeds. */
export async function pdfText(pdf: Uint8Array): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jukinet-report-'));
  try {
    const path = join(dir, 'report.pdf');
    await writeFile(path, pdf);
    return (await run('pdftotext', ['-layout', '-enc', 'UTF-8', path, '-'])).stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The numbers a printed report shows: keys `agency|month|method` (method online or batch). */
export interface PrintedReport {
  readonly rows: Map<string, [provisions: number, records: number]>;
  readonly recipients: Map<string, [provisions: number, records: number]>;
  readonly total: { recipients: number; provisions: number; records: number } | undefined;
}

const DATA = /(?:^|\s)(\d{1,2})月\s+(オンライン|媒体)\s+([\d,]+)\s+([\d,]+)\s*$/;
const SUBTOTAL = /(?:^|\s)計\s+([\d,]+)\s+([\d,]+)\s*$/;
const TOTAL = /合計\s+(\d+)提供先\s+([\d,]+)\s+([\d,]+)\s*$/;
const AGENCY = /^\s*(agency-[a-z0-9-]+)\s/;

function count(text: string): number {
  return Number(text.replaceAll(',', ''));
}

/** Takes the table of a report's text apart; a recipient's id is carried down to the lines below it. */
export function printedReportOf(text: string): PrintedReport {
  const rows = new Map<string, [number, number]>();
  const recipients = new Map<string, [number, number]>();
  let total: PrintedReport['total'];
  let agency: string | undefined;
  for (const line of text.split(/\r?\n|\f/)) {
    agency = AGENCY.exec(line)?.[1] ?? agency;
    const data = DATA.exec(line);
    const subtotal = SUBTOTAL.exec(line);
    const grand = TOTAL.exec(line);
    if (data !== null && agency !== undefined) {
      const method = data[2] === 'オンライン' ? 'online' : 'batch';
      rows.set(`${agency}|${Number(data[1])}|${method}`, [count(data[3]!), count(data[4]!)]);
    } else if (subtotal !== null && agency !== undefined) {
      recipients.set(agency, [count(subtotal[1]!), count(subtotal[2]!)]);
    } else if (grand !== null) {
      total = { recipients: Number(grand[1]), provisions: count(grand[2]!), records: count(grand[3]!) };
    }
  }
  return { rows, recipients, total };
}

const JAPAN_YEAR_MONTH = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: 'numeric',
});

/** The year and month of an instant in Japan, through Intl and the IANA zone (not the report's own arithmetic). */
export function japanYearMonth(at: string): { year: number; month: number } {
  const parts = new Map(JAPAN_YEAR_MONTH.formatToParts(new Date(at)).map((part) => [part.type, part.value]));
  return { year: Number(parts.get('year')), month: Number(parts.get('month')) };
}

/**
 * A log tallied the naive way, entry by entry in memory: keys `agency|month|method` of the provisions in `year`
 * (Japan time), each with its provisions and records.
 */
export function tallyProvisionLog(
  entries: readonly { at: string; agency: string; method: string; count: number }[],
  year: number,
): Map<string, [provisions: number, records: number]> {
  const tally = new Map<string, [number, number]>();
  for (const entry of entries) {
    const when = japanYearMonth(entry.at);
    if (when.year !== year) continue;
    const key = `${entry.agency}|${when.month}|${entry.method}`;
    const [provisions, records] = tally.get(key) ?? [0, 0];
    tally.set(key, [provisions + 1, records + entry.count]);
  }
  return tally;
}
