// `jukinet agency batch FILE`: batch provision (媒体による提供) as an agency runs it: the query file sealed and uploaded,
// processed by the national server, and the result downloaded, opened and written, with a progress bar per stage on a
// terminal and a summary (docs/protocol/agency-batch.md).

import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { writeFileAtomic } from '../crypto/index.js';
import { BatchLineStatus } from '../protocol/index.js';
import {
  loadAgencyClientConfig,
  runAgencyBatch,
  type AgencyBatchOutcome,
  type BatchProgress,
} from '../servers/agency/index.js';
import { JukinetError, quote } from '../shared/errors.js';

/** How many result lines came back with each status. */
export interface AgencyBatchSummary {
  readonly batchId: string;
  readonly lines: number;
  readonly found: number;
  readonly notFound: number;
  readonly invalid: number;
  readonly tooMany: number;
  readonly resultPath: string;
}

export interface AgencyBatchFileOptions {
  /** The agency's client configuration (agency.json). */
  readonly config: string;
  readonly affair: string;
  /** Where to write the result CSV; `<FILE>.result.csv` beside the input unless told. */
  readonly out?: string;
  readonly pollIntervalMs?: number;
  readonly onProgress?: (progress: BatchProgress) => void;
}

/** The result path for `file` when no --out is given: `queries.csv` → `queries.result.csv`. */
export function defaultResultPath(file: string): string {
  const extension = extname(file);
  return join(dirname(file), `${basename(file, extension)}.result.csv`);
}

/**
 * Runs the batch round trip for the query file `file` and writes the result CSV (mode 0600: it holds identity
 * information) atomically to `out`. Returns the outcome and its summary.
 */
export async function runAgencyBatchFile(
  file: string,
  options: AgencyBatchFileOptions,
): Promise<{ outcome: AgencyBatchOutcome; summary: AgencyBatchSummary }> {
  let csv: Buffer;
  try {
    csv = await readFile(file);
  } catch (error) {
    throw new JukinetError('JUKI_ERR_CLI_ARGUMENT', `cannot read ${quote(file)}`, { cause: error });
  }
  const config = await loadAgencyClientConfig(options.config);
  if (config.server.nodeId !== 'national') {
    throw new JukinetError(
      'JUKI_ERR_CLI_ARGUMENT',
      `${quote(config.server.nodeId)} answers online queries only: batch provision is the national server's`,
    );
  }
  const outcome = await runAgencyBatch(
    config,
    { csv, affair: options.affair },
    {
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    },
  );
  const resultPath = options.out ?? defaultResultPath(file);
  await writeFileAtomic(resultPath, outcome.resultCsv, { mode: 0o600 });
  const count = (status: BatchLineStatus) => outcome.results.filter((line) => line.status === status).length;
  return {
    outcome,
    summary: {
      batchId: outcome.status.id,
      lines: outcome.results.length,
      found: count(BatchLineStatus.found),
      notFound: count(BatchLineStatus.notFound),
      invalid: count(BatchLineStatus.invalid),
      tooMany: count(BatchLineStatus.tooMany),
      resultPath,
    },
  };
}

const PHASE_LABELS: Record<BatchProgress['phase'], string> = {
  upload: 'upload    ',
  processing: 'processing',
  download: 'download  ',
};

/** A progress reporter drawing one cli-progress bar per stage on `stream`. */
function progressBars(stream: NodeJS.WriteStream): {
  onProgress: (progress: BatchProgress) => void;
  stop: () => void;
} {
  let phase: BatchProgress['phase'] | undefined;
  let bar: cliProgress.SingleBar | undefined;
  return {
    onProgress(progress) {
      if (progress.phase !== phase) {
        bar?.stop();
        phase = progress.phase;
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${PHASE_LABELS[progress.phase]} [{bar}] {percentage}% | {value}/{total}`,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(progress.total, 1), 0);
      }
      bar?.setTotal(Math.max(progress.total, 1));
      bar?.update(progress.done);
    },
    stop() {
      bar?.stop();
    },
  };
}

/** The summary lines the command prints. */
export function formatBatchSummary(summary: AgencyBatchSummary): string[] {
  return [
    `batch ${summary.batchId}: ${summary.lines} line(s)`,
    `  found ${summary.found}, not found ${summary.notFound}, invalid ${summary.invalid}, too many matches ${summary.tooMany}`,
    `  result ${summary.resultPath}`,
  ];
}

/** Adds `agency batch FILE` to the `agency` command. */
export function registerAgencyBatchCommand(agency: Command): void {
  agency
    .command('batch')
    .description('send a CSV file of queries to the national server (sealed), and fetch the sealed result')
    .argument('<file>', 'the query file (docs/protocol/agency-batch.md)')
    .requiredOption('--config <file>', "the agency's client configuration (agency.json)")
    .requiredOption('--affair <id>', 'the affair of the registry every query of the file is made for')
    .option('--out <file>', 'where to write the result CSV (default: FILE.result.csv)')
    .option('--json', 'print the summary as JSON')
    .action(
      async (file: string, options: { config: string; affair: string; out?: string; json?: boolean }) => {
        const bars = process.stderr.isTTY ? progressBars(process.stderr) : undefined;
        let summary: AgencyBatchSummary;
        try {
          ({ summary } = await runAgencyBatchFile(file, {
            config: options.config,
            affair: options.affair,
            ...(options.out === undefined ? {} : { out: options.out }),
            ...(bars === undefined ? {} : { onProgress: bars.onProgress }),
          }));
        } finally {
          bars?.stop();
        }
        const lines =
          options.json === true ? [JSON.stringify(summary, null, 2)] : formatBatchSummary(summary);
        process.stdout.write(lines.map((line) => `${line}\n`).join(''));
      },
    );
}
