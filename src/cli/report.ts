// `jukinet report provision --year YYYY`: the annual report of provision (本人確認情報の提供状況) of one providing node,
// the national server or a prefectural server, counted from its provision log and written as CSV and PDF
// (docs/provision-report.md).

import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../crypto/index.js';
import { parseNodeId, roleOf, type NodeId } from '../domain/index.js';
import { displayNameOf, loadNodeConfig, type NodeConfig } from '../servers/common/index.js';
import {
  FIRST_REPORT_YEAR,
  buildProvisionReport,
  provisionReportCsv,
  provisionReportTitle,
  renderProvisionReportPdf,
  type ProvisionReport,
} from '../servers/common/provision/index.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { JukinetError, quote } from '../shared/errors.js';
import { openStore } from '../store/index.js';

/** The files the report can be written as. */
export const ReportFormat = { csv: 'csv', pdf: 'pdf' } as const;
export type ReportFormat = (typeof ReportFormat)[keyof typeof ReportFormat];

/** What `jukinet report provision` takes, as the command line gives it. */
export interface ProvisionReportCommandOptions {
  /** The calendar year (Japan time), YYYY. */
  readonly year: string;
  /** The network directory `jukinet up` wrote; `.jukinet` by default. */
  readonly dir?: string;
  /** The providing node: `national` (the default) or `pref-NN`. */
  readonly node?: string;
  /** The node's node.json, instead of finding it in `dir`. */
  readonly config?: string;
  /** Where the files go; the current directory by default. */
  readonly out?: string;
  /** `csv`, `pdf` or both, comma-separated; both by default. */
  readonly format?: string;
  readonly clock?: Clock;
}

/** What the command did: the report and the files written. */
export interface ProvisionReportOutcome {
  readonly node: NodeId;
  readonly report: ProvisionReport;
  readonly files: readonly { readonly format: ReportFormat; readonly path: string }[];
}

function refuse(detail: string): never {
  throw new JukinetError('JUKI_ERR_CLI_ARGUMENT', detail);
}

/** The year asked for: four digits, from the first 和暦 year to the current year in Japan. */
export function parseReportYear(text: string, now: Date): number {
  if (!/^[0-9]{4}$/.test(text)) refuse(`--year ${quote(text)}: expected a year YYYY`);
  const year = Number(text);
  // The Japan year now: 2026-12-31T15:30Z is already 2027 in Japan.
  const current = new Date(now.getTime() + 9 * 3_600_000).getUTCFullYear();
  if (year < FIRST_REPORT_YEAR || year > current) {
    refuse(`--year ${quote(text)}: expected a year from ${FIRST_REPORT_YEAR} to ${current}`);
  }
  return year;
}

/** The formats asked for, each once, in the order given. */
export function parseReportFormats(text: string): ReportFormat[] {
  const formats: ReportFormat[] = [];
  for (const part of text.split(',').map((item) => item.trim())) {
    if (part !== ReportFormat.csv && part !== ReportFormat.pdf) {
      refuse(`--format ${quote(text)}: expected csv, pdf or csv,pdf`);
    }
    if (!formats.includes(part)) formats.push(part);
  }
  return formats;
}

/** The providing node's configuration: from --config, or nodes/<node>/node.json in the network directory. */
async function providerConfig(options: ProvisionReportCommandOptions): Promise<NodeConfig> {
  const node = options.node ?? 'national';
  let id: NodeId;
  try {
    id = parseNodeId(node).id;
  } catch {
    refuse(`--node ${quote(node)}: expected national or pref-NN`);
  }
  if (roleOf(id) !== 'national' && roleOf(id) !== 'prefecture') {
    refuse(
      `--node ${quote(node)}: only the national and prefectural servers provide; expected national or pref-NN`,
    );
  }
  let path = options.config;
  if (path === undefined) {
    const dir = options.dir ?? '.jukinet';
    path = join(resolve(dir), 'nodes', id, 'node.json');
    try {
      await access(path);
    } catch {
      refuse(`--node ${quote(id)}: no such node in the network directory ${quote(dir)}`);
    }
  }
  const config = await loadNodeConfig(path);
  const role = roleOf(config.nodeId);
  if (role !== 'national' && role !== 'prefecture') {
    refuse(
      `${quote(config.nodeId)} does not provide identity information: give the national or a prefectural node`,
    );
  }
  if (options.node !== undefined && config.nodeId !== id) {
    refuse(`--node ${quote(id)} and --config ${quote(path)} (node ${quote(config.nodeId)}) disagree`);
  }
  return config;
}

/** The file a format of the report is written to: provision-report-2026-national.csv. */
function reportFileName(year: number, node: NodeId, format: ReportFormat): string {
  return `provision-report-${year}-${node}.${format}`;
}

/**
 * Counts the provision log of one node for a year and writes the report as CSV and PDF into `out`. Every argument is
 * checked before anything is opened or written (JUKI_ERR_CLI_ARGUMENT); both files are made before either is
 * written, and each is written atomically and synced.
 */
export async function runProvisionReport(
  options: ProvisionReportCommandOptions,
): Promise<ProvisionReportOutcome> {
  const clock = options.clock ?? systemClock;
  const now = clock.now();
  const year = parseReportYear(options.year, now);
  const formats = parseReportFormats(options.format ?? 'csv,pdf');
  const config = await providerConfig(options);
  const store = await openStore(config.database);
  let report: ProvisionReport;
  try {
    report = await buildProvisionReport(store.db, year);
  } finally {
    await store.close();
  }
  const node = { id: config.nodeId, name: displayNameOf(config.nodeId) };
  const contents = new Map<ReportFormat, string | Uint8Array>();
  for (const format of formats) {
    contents.set(
      format,
      format === ReportFormat.csv
        ? provisionReportCsv(report)
        : await renderProvisionReportPdf(report, { node, generatedAt: now }),
    );
  }
  const out = resolve(options.out ?? '.');
  const files: { format: ReportFormat; path: string }[] = [];
  for (const [format, content] of contents) {
    const path = join(out, reportFileName(year, config.nodeId, format));
    // A published report: readable by all, unlike the keys and configuration the same helper writes.
    await writeFileAtomic(path, content, { mode: 0o644, directoryMode: 0o755 });
    files.push({ format, path });
  }
  return { node: config.nodeId, report, files };
}

/** What the command prints: the files, then the totals of the year, overall and per recipient. */
export function formatProvisionReportOutcome(outcome: ProvisionReportOutcome): string[] {
  const { report } = outcome;
  return [
    ...outcome.files.map((file) => `wrote ${file.path}`),
    `${provisionReportTitle(report.year)} (${outcome.node}): ${report.recipients.length} recipients, ${report.total.provisions} provisions, ${report.total.records} records`,
    ...report.recipients.map(
      (recipient) =>
        `  ${recipient.agency}  ${recipient.agencyName}: ${recipient.provisions} provisions, ${recipient.records} records`,
    ),
  ];
}

/** Adds `jukinet report provision`. */
export function registerReportCommands(program: Command): void {
  const report = program.command('report').description('reports made from the logs');
  report
    .command('provision')
    .description('the annual report of provision to agencies (本人確認情報の提供状況), as CSV and PDF')
    .requiredOption('--year <year>', 'the calendar year, Japan time (YYYY)')
    .option('--dir <dir>', 'the network directory', '.jukinet')
    .option('--node <node>', 'the providing node: national (the default) or pref-NN')
    .option('--config <file>', "the providing node's node.json (instead of --dir and --node)")
    .option('--out <dir>', 'where to write the files', '.')
    .option('--format <formats>', 'csv, pdf or csv,pdf', 'csv,pdf')
    .action(async (options: ProvisionReportCommandOptions) => {
      const outcome = await runProvisionReport(options);
      process.stdout.write(
        formatProvisionReportOutcome(outcome)
          .map((line) => `${line}\n`)
          .join(''),
      );
    });
}
