// `jukinet report provision`: a report of a prefectural server's empty log, written where asked, and the refusals of
// a bad year, format or node, each a JUKI_ERR_CLI_ARGUMENT that writes nothing.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../test/support/csv.js';
import { pdfText } from '../../test/support/provision-report-text.js';
import type { NodeId } from '../domain/index.js';
import { prepareNetwork } from '../servers/common/network-layout.js';
import { freePortRange } from '../servers/common/testing/free-ports.js';
import { createFixedClock } from '../shared/clock.js';
import { JukinetError } from '../shared/errors.js';
import { main } from './main.js';
import {
  parseReportFormats,
  parseReportYear,
  runProvisionReport,
  type ProvisionReportCommandOptions,
} from './report.js';

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((path) => rm(path, { recursive: true, force: true })));
});

/** 2026-06-01 10:00 in Japan. */
const NOW = new Date('2026-06-01T01:00:00.000Z');

async function temporaryDirectory(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jukinet-report-cli-'));
  directories.push(dir);
  return dir;
}

/** A laid-out network (no node started): the national server, Tokyo and 文京区. */
async function network(): Promise<string> {
  const root = await temporaryDirectory();
  const ids = ['national', 'pref-13', 'muni-131059'] as NodeId[];
  await prepareNetwork(root, { nodeIds: ids, basePort: await freePortRange(ids.length * 2) });
  return root;
}

/** The code a synchronous refusal throws with. */
function codeOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof JukinetError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

async function refusal(promise: Promise<unknown>): Promise<JukinetError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof JukinetError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseReportYear()', () => {
  it('takes four digits from 1873 to the current year in Japan', () => {
    expect(parseReportYear('2026', NOW)).toBe(2026);
    expect(parseReportYear('1873', NOW)).toBe(1873);
    // 2026-12-31T15:30Z is already 2027 in Japan.
    expect(parseReportYear('2027', new Date('2026-12-31T15:30:00.000Z'))).toBe(2027);
  });

  it.each(['26', '2026.0', ' 2026', '２０２６', 'R8', '', '1872', '2027', '99999'])('refuses %j', (text) => {
    expect(codeOf(() => parseReportYear(text, NOW))).toBe('JUKI_ERR_CLI_ARGUMENT');
  });
});

describe('parseReportFormats()', () => {
  it('takes csv, pdf or both, each once', () => {
    expect(parseReportFormats('csv,pdf')).toEqual(['csv', 'pdf']);
    expect(parseReportFormats('pdf')).toEqual(['pdf']);
    expect(parseReportFormats('pdf, csv,pdf')).toEqual(['pdf', 'csv']);
    expect(codeOf(() => parseReportFormats('xlsx'))).toBe('JUKI_ERR_CLI_ARGUMENT');
    expect(codeOf(() => parseReportFormats('csv,'))).toBe('JUKI_ERR_CLI_ARGUMENT');
  });
});

describe('runProvisionReport()', () => {
  it('reports a prefectural server’s log (empty here) as CSV and PDF in the directory asked for', async () => {
    const root = await network();
    const out = join(await temporaryDirectory(), 'reports');
    const outcome = await runProvisionReport({
      year: '2025',
      dir: root,
      node: 'pref-13',
      out,
      clock: createFixedClock(NOW),
    });
    expect(outcome.node).toBe('pref-13');
    expect(outcome.report.total).toEqual({ provisions: 0, records: 0 });
    expect(outcome.files.map((file) => file.path)).toEqual([
      join(out, 'provision-report-2025-pref-13.csv'),
      join(out, 'provision-report-2025-pref-13.pdf'),
    ]);
    expect(parseCsv(await readFile(join(out, 'provision-report-2025-pref-13.csv'), 'utf8'))).toEqual([
      ['提供先', '提供先名称', '年', '月', '提供方法', '提供回数', '提供件数'],
    ]);
    const text = await pdfText(await readFile(join(out, 'provision-report-2025-pref-13.pdf')));
    expect(text).toContain('令和7年 本人確認情報の提供状況');
    expect(text).toContain('作成：東京都サーバ（pref-13）');
    expect(text).toContain('作成日：令和8年6月1日');
    expect(text).toContain('この年の提供はありません');
  });

  it('refuses a bad year, a bad format, an unknown node and a node that does not provide, writing nothing', async () => {
    const root = await network();
    const out = join(await temporaryDirectory(), 'reports');
    const ask = (options: Partial<ProvisionReportCommandOptions>) =>
      refusal(runProvisionReport({ year: '2025', dir: root, out, clock: createFixedClock(NOW), ...options }));
    const refusals = [
      await ask({ year: 'R7' }),
      await ask({ year: '2030' }),
      await ask({ format: 'csv,xlsx' }),
      await ask({ node: 'pref-14' }),
      await ask({ node: 'pref-99' }),
      await ask({ node: 'muni-131059' }),
      await ask({ node: 'prefecture' }),
      await ask({ config: join(root, 'nodes', 'muni-131059', 'node.json') }),
      await ask({ node: 'pref-13', config: join(root, 'nodes', 'national', 'node.json') }),
      await ask({ dir: join(root, 'elsewhere') }),
    ];
    expect(refusals.map((error) => error.code)).toEqual(Array(refusals.length).fill('JUKI_ERR_CLI_ARGUMENT'));
    expect(refusals[3]!.message).toMatch(/"pref-14": no such node in the network directory/);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('runs as `jukinet report provision`, exiting 2 on a bad year', async () => {
    const root = await network();
    const out = join(await temporaryDirectory(), 'reports');
    expect(
      await main(['node', 'jukinet', 'report', 'provision', '--year', '2O25', '--dir', root, '--out', out]),
    ).toBe(2);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
    expect(
      await main([
        'node',
        'jukinet',
        'report',
        'provision',
        '--year',
        '2025',
        '--dir',
        root,
        '--out',
        out,
        '--format',
        'csv',
      ]),
    ).toBe(0);
    expect(await readdir(out)).toEqual(['provision-report-2025-national.csv']);
  });
});
