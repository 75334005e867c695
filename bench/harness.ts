// The benchmark harness: figures, percentiles, a concurrency-limited load loop, the printed table and the JSON file.
// Benchmarks are not tests: they measure and print, and assert nothing about time.

import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** One measured figure with its unit, e.g. { value: 1234.5, unit: 'changes/s' }. */
export interface Figure {
  readonly value: number;
  readonly unit: string;
}

/** The value at quantile q (0–1) of the samples, nearest-rank; NaN when there are none. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Milliseconds since an arbitrary origin, with sub-millisecond precision. */
export function now(): number {
  return performance.now();
}

/**
 * Runs `task(i)` for i = 0 … total − 1 with at most `concurrency` in flight; resolves with the wall time in ms and
 * each task's latency in ms. A failing task fails the run: a benchmark of errors would measure nothing.
 */
export async function runLoad(
  total: number,
  task: (index: number) => Promise<void>,
  options: { concurrency: number },
): Promise<{ elapsedMs: number; latenciesMs: number[] }> {
  const latenciesMs: number[] = new Array<number>(total);
  let next = 0;
  const started = now();
  async function worker(): Promise<void> {
    while (next < total) {
      const index = next++;
      const begin = now();
      await task(index);
      latenciesMs[index] = now() - begin;
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.concurrency, total) }, () => worker()));
  return { elapsedMs: now() - started, latenciesMs };
}

/** A rate per second from a count and a duration in ms. */
export function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs <= 0 ? Number.NaN : (count * 1000) / elapsedMs;
}

/** The machine a run measured, so that figures from different machines are not compared by mistake. */
export function machineInfo(): Record<string, unknown> {
  const cpuList = cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
  };
}

function format(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/** One printed row: a label, a figure, and what it is compared with. */
export interface Row {
  readonly label: string;
  readonly figure: Figure;
  readonly note?: string;
}

/** Prints rows as an aligned table under a title. */
export function printTable(title: string, rows: readonly Row[]): void {
  const width = Math.max(...rows.map((row) => row.label.length));
  const values = rows.map((row) => `${format(row.figure.value)} ${row.figure.unit}`);
  const valueWidth = Math.max(...values.map((value) => value.length));
  process.stdout.write(`\n${title}\n${'-'.repeat(title.length)}\n`);
  rows.forEach((row, i) => {
    const note = row.note === undefined ? '' : `  ${row.note}`;
    process.stdout.write(`  ${row.label.padEnd(width)}  ${values[i]!.padStart(valueWidth)}${note}\n`);
  });
}

/** Writes the run's results as `<dir>/<ISO timestamp>.json` and returns the path. */
export async function writeResults(dir: string, results: Record<string, unknown>): Promise<string> {
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/:/g, '-');
  const path = join(dir, `${stamp}.json`);
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
}
