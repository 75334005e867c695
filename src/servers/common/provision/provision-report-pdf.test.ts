// The annual report as PDF, read back with pdftotext: the title with the year in 和暦, the node and the date, the
// table by recipient and month with totals, page breaks that repeat the head, and the embedded Noto Sans JP.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { pdfText, printedReportOf } from '../../../../test/support/provision-report-text.js';
import { provisionReportTitle, renderProvisionReportPdf, warekiYearOf } from './provision-report-pdf.js';
import { provisionReportOf, type ProvisionReportRow } from './provision-report.js';

const run = promisify(execFile);
const NATIONAL = { id: 'national', name: '全国サーバ' };
/** 2027-01-05 09:30 in Japan. */
const GENERATED_AT = new Date('2027-01-05T00:30:00.000Z');

const REPORT = provisionReportOf(2026, [
  {
    agency: 'agency-mhlw',
    agencyName: '厚生労働省職業安定局',
    month: 1,
    method: 'online',
    provisions: 3,
    records: 2,
  },
  {
    agency: 'agency-mhlw',
    agencyName: '厚生労働省職業安定局',
    month: 1,
    method: 'batch',
    provisions: 1,
    records: 1234,
  },
  {
    agency: 'agency-mhlw',
    agencyName: '厚生労働省職業安定局',
    month: 12,
    method: 'online',
    provisions: 5,
    records: 5,
  },
  { agency: 'agency-jma', agencyName: '気象庁', month: 4, method: 'online', provisions: 1, records: 0 },
]);

describe('renderProvisionReportPdf()', () => {
  it('prints the 和暦 title, the node, the date and the table with each recipient’s total and the total', async () => {
    const text = await pdfText(
      await renderProvisionReportPdf(REPORT, { node: NATIONAL, generatedAt: GENERATED_AT }),
    );
    expect(text).toContain('令和8年 本人確認情報の提供状況');
    expect(text).toContain('（2026年1月1日から12月31日まで、日本時間）');
    expect(text).toContain('作成：全国サーバ（national）');
    expect(text).toContain('作成日：令和9年1月5日');
    expect(text).toMatch(/提供先\s+提供先名称\s+月\s+提供方法\s+提供回数\s+提供件数/);
    expect(text).toMatch(/agency-jma\s+気象庁\s+4月\s+オンライン\s+1\s+0/);
    expect(text).toMatch(/agency-mhlw\s+厚生労働省職業安定局\s+1月\s+オンライン\s+3\s+2/);
    expect(text).toMatch(/1月\s+媒体\s+1\s+1,234/);
    expect(text).toMatch(/合計\s+2提供先\s+10\s+1,241/);

    const printed = printedReportOf(text);
    expect([...printed.rows]).toEqual([
      ['agency-jma|4|online', [1, 0]],
      ['agency-mhlw|1|online', [3, 2]],
      ['agency-mhlw|1|batch', [1, 1234]],
      ['agency-mhlw|12|online', [5, 5]],
    ]);
    expect([...printed.recipients]).toEqual([
      ['agency-jma', [1, 0]],
      ['agency-mhlw', [9, 1241]],
    ]);
    expect(printed.total).toEqual({ recipients: 2, provisions: 10, records: 1241 });
  });

  it('says so for a year without provisions', async () => {
    const text = await pdfText(
      await renderProvisionReportPdf(provisionReportOf(2025, []), {
        node: { id: 'pref-13', name: '東京都サーバ' },
        generatedAt: GENERATED_AT,
      }),
    );
    expect(text).toContain('令和7年 本人確認情報の提供状況');
    expect(text).toContain('作成：東京都サーバ（pref-13）');
    expect(text).toContain('この年の提供はありません');
    expect(printedReportOf(text).total).toEqual({ recipients: 0, provisions: 0, records: 0 });
  });

  it('breaks a long table over pages, repeating the head, the column names and the recipient', async () => {
    const rows: ProvisionReportRow[] = [];
    for (let agency = 1; agency <= 12; agency += 1) {
      for (let month = 1; month <= 12; month += 1) {
        for (const method of ['online', 'batch'] as const) {
          rows.push({
            agency: `agency-a${String(agency).padStart(2, '0')}`,
            agencyName: `機関${agency}`,
            month,
            method,
            provisions: agency * 100 + month,
            records: agency * 1000 + month * 10 + (method === 'batch' ? 1 : 0),
          });
        }
      }
    }
    const report = provisionReportOf(2026, rows);
    const pdf = await renderProvisionReportPdf(report, { node: NATIONAL, generatedAt: GENERATED_AT });
    const pageCount = (await PDFDocument.load(pdf, { updateMetadata: false })).getPageCount();
    expect(pageCount).toBeGreaterThan(5);
    const text = await pdfText(pdf);
    const pages = text.split('\f').filter((page) => page.trim() !== '');
    expect(pages).toHaveLength(pageCount);
    pages.forEach((page, index) => {
      expect(page).toContain('令和8年 本人確認情報の提供状況');
      expect(page).toMatch(/提供先\s+提供先名称\s+月\s+提供方法\s+提供回数\s+提供件数/);
      expect(page).toContain(`${index + 1} / ${pageCount}`);
      // Every page's first table line names its recipient, the continuation pages too.
      const firstLine = page.split('\n').find((line) => /\d{1,2}月\s+(オンライン|媒体)|\s計\s/.test(line));
      expect(firstLine).toMatch(/agency-a\d\d\s+機関\d+/);
    });
    const printed = printedReportOf(text);
    expect(printed.rows).toEqual(
      new Map(rows.map((row) => [`${row.agency}|${row.month}|${row.method}`, [row.provisions, row.records]])),
    );
    expect(printed.recipients).toEqual(
      new Map(
        report.recipients.map((recipient) => [recipient.agency, [recipient.provisions, recipient.records]]),
      ),
    );
    expect(printed.total).toEqual({ recipients: 12, ...report.total });
  });

  it('embeds a Noto Sans JP subset, on A4, dated when it was made, the same bytes each time', async () => {
    const options = { node: NATIONAL, generatedAt: GENERATED_AT };
    const [first, second] = await Promise.all([
      renderProvisionReportPdf(REPORT, options),
      renderProvisionReportPdf(REPORT, options),
    ]);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'jukinet-report-'));
    try {
      const path = join(dir, 'report.pdf');
      await writeFile(path, first);
      const { stdout } = await run('pdffonts', [path]);
      expect(stdout).toMatch(/[A-Z]{6}\+NotoSansJP-Regular\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const doc = await PDFDocument.load(first, { updateMetadata: false });
    expect(doc.getTitle()).toBe('令和8年 本人確認情報の提供状況（全国サーバ）');
    expect(doc.getCreationDate()?.toISOString()).toBe(GENERATED_AT.toISOString());
    expect(doc.getPage(0).getSize()).toEqual({ width: 595.28, height: 841.89 });
  });

  it('prints 〓 for a character the font cannot draw', async () => {
    const report = provisionReportOf(2026, [
      {
        agency: 'agency-x',
        agencyName: '機関\u{1F600}',
        month: 2,
        method: 'online',
        provisions: 1,
        records: 1,
      },
    ]);
    const text = await pdfText(
      await renderProvisionReportPdf(report, { node: NATIONAL, generatedAt: GENERATED_AT }),
    );
    expect(text).toMatch(/agency-x\s+機関〓\s+2月/);
  });
});

describe('provisionReportTitle()', () => {
  it('writes the year in 和暦, naming both eras in a year the era changed', () => {
    expect(provisionReportTitle(2026)).toBe('令和8年 本人確認情報の提供状況');
    expect(warekiYearOf(2019)).toBe('平成31年・令和元年');
    expect(warekiYearOf(2020)).toBe('令和2年');
    expect(warekiYearOf(1989)).toBe('昭和64年・平成元年');
    expect(warekiYearOf(2002)).toBe('平成14年');
  });
});
