// The annual report of provision as CSV (docs/provision-report.md, "CSV"): UTF-8 with a byte order mark so that
// Excel in Japan reads it as UTF-8, CRLF line ends and RFC 4180 quoting, one line per recipient, month and method.

import { PROVISION_METHOD_LABELS, type ProvisionReport } from './provision-report.js';

/** The header line's columns, in order. */
export const PROVISION_REPORT_CSV_COLUMNS = [
  '提供先',
  '提供先名称',
  '年',
  '月',
  '提供方法',
  '提供回数',
  '提供件数',
] as const;

/** The byte order mark the file starts with. */
const BOM = '\uFEFF';
const CRLF = '\r\n';

/** A field as RFC 4180 writes it: quoted, with quotes doubled, when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + CRLF;
}

/**
 * The report as CSV text: the header, then one line per row of the report (recipient id, registered name, year,
 * month 1–12, method label, provisions, records). Totals are not lines of their own, so every line is data.
 */
export function provisionReportCsv(report: ProvisionReport): string {
  const lines = [csvLine(PROVISION_REPORT_CSV_COLUMNS)];
  for (const row of report.rows) {
    lines.push(
      csvLine([
        row.agency,
        row.agencyName,
        String(report.year),
        String(row.month),
        PROVISION_METHOD_LABELS[row.method],
        String(row.provisions),
        String(row.records),
      ]),
    );
  }
  return BOM + lines.join('');
}
