// The annual report of provision as an A4 PDF (docs/provision-report.md, "PDF"): the year in 和暦 in the title, the
// node that made it and the date, and a table by recipient and month with each recipient's total and the grand total,
// over as many pages as it needs, in the embedded Noto Sans JP (../pdf/).

import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import {
  eraLabel,
  eraOf,
  formatWareki,
  isoDateOf,
  japanDateOf,
  type EraYear,
} from '../../../domain/index.js';
import {
  JAPANESE_FONT_NAME,
  fontSubsetTag,
  loadJapaneseFont,
  subsetSafeFontkit,
  type JapaneseFont,
} from '../pdf/index.js';
import { PROVISION_METHOD_LABELS, type ProvisionReport } from './provision-report.js';

/** A4 portrait in PDF points (210 × 297 mm). */
const PAGE = { width: 595.28, height: 841.89 } as const;
const MARGIN = { top: 48, bottom: 56, left: 48, right: 48 } as const;
const TEXT_SIZE = 9;
const LINE_HEIGHT = 12;
const CELL_PADDING = 4;
const TITLE_SIZE = 16;
const LINE_COLOUR = rgb(0.35, 0.35, 0.35);
const HEADER_FILL = rgb(0.88, 0.88, 0.88);
const SUBTOTAL_FILL = rgb(0.95, 0.95, 0.95);
const BLACK = rgb(0, 0, 0);
/** 〓 (ゲタ): the customary stand-in for a character the font cannot print; the CSV keeps the exact text. */
const STAND_IN = '〓';
const LEGEND =
  '提供回数：提供の求めに応じた回数（該当なしの回答を含む）　提供件数：提供した本人確認情報の件数';

type Align = 'left' | 'centre' | 'right';

/** The table's columns; their widths add up to the content width (A4 less the margins). */
const COLUMNS: readonly { readonly label: string; readonly width: number; readonly align: Align }[] = [
  { label: '提供先', width: 100, align: 'left' },
  { label: '提供先名称', width: 165.28, align: 'left' },
  { label: '月', width: 40, align: 'centre' },
  { label: '提供方法', width: 64, align: 'centre' },
  { label: '提供回数', width: 65, align: 'right' },
  { label: '提供件数', width: 65, align: 'right' },
];

/** Who made the report and when. */
export interface ProvisionReportDocumentOptions {
  /** The node whose log was counted: its id and its name for people (全国サーバ, 東京都サーバ). */
  readonly node: { readonly id: string; readonly name: string };
  /** When the report was made; its Japan date is printed and it is the document's date. */
  readonly generatedAt: Date;
}

type RowKind = 'data' | 'subtotal' | 'total' | 'empty';

/** A table row before layout: its cells, and the recipient it belongs to (to repeat on a new page). */
interface TableRow {
  readonly kind: RowKind;
  readonly cells: readonly string[];
  readonly recipient?: readonly [string, string];
}

interface MeasuredRow {
  readonly kind: RowKind;
  readonly lines: readonly (readonly string[])[];
  readonly height: number;
}

function eraYearText(eraYear: EraYear): string {
  return `${eraLabel(eraYear.era)}${eraYear.year === 1 ? '元' : eraYear.year}年`;
}

/**
 * The year in 和暦: 令和8年 for 2026; a year in which the era changed names both eras, 平成31年・令和元年 for 2019.
 */
export function warekiYearOf(year: number): string {
  const first = eraOf(isoDateOf(year, 1, 1));
  const last = eraOf(isoDateOf(year, 12, 31));
  return first.era === last.era ? eraYearText(first) : `${eraYearText(first)}・${eraYearText(last)}`;
}

/** The report's title: 令和8年 本人確認情報の提供状況. */
export function provisionReportTitle(year: number): string {
  return `${warekiYearOf(year)} 本人確認情報の提供状況`;
}

function formatCount(value: number): string {
  return value.toLocaleString('ja-JP');
}

/** The rows of the table: per recipient its months and methods, then its total; the grand total last. */
function tableRows(report: ProvisionReport): TableRow[] {
  const rows: TableRow[] = [];
  for (const recipient of report.recipients) {
    const own = report.rows.filter((row) => row.agency === recipient.agency);
    const names = [recipient.agency, recipient.agencyName] as const;
    own.forEach((row, index) => {
      rows.push({
        kind: 'data',
        recipient: names,
        cells: [
          ...(index === 0 ? names : ['', '']),
          `${row.month}月`,
          PROVISION_METHOD_LABELS[row.method],
          formatCount(row.provisions),
          formatCount(row.records),
        ],
      });
    });
    rows.push({
      kind: 'subtotal',
      recipient: names,
      cells: ['', '', '計', '', formatCount(recipient.provisions), formatCount(recipient.records)],
    });
  }
  if (report.rows.length === 0) {
    rows.push({ kind: 'empty', cells: ['この年の提供はありません', '', '', '', '', ''] });
  }
  rows.push({
    kind: 'total',
    cells: [
      '合計',
      `${report.recipients.length}提供先`,
      '',
      '',
      formatCount(report.total.provisions),
      formatCount(report.total.records),
    ],
  });
  return rows;
}

/** Breaks a text into lines that fit `width`, character by character (Japanese has no spaces). */
function wrapText(text: string, width: number, font: PDFFont): string[] {
  const lines: string[] = [];
  let line = '';
  for (const char of text) {
    const candidate = line + char;
    if (line !== '' && font.widthOfTextAtSize(candidate, TEXT_SIZE) > width) {
      lines.push(line);
      line = char;
    } else {
      line = candidate;
    }
  }
  lines.push(line);
  return lines;
}

function measureRow(kind: RowKind, cells: readonly string[], font: PDFFont): MeasuredRow {
  // The notice of an empty year spans the whole table; every other cell keeps to its column.
  const lines = cells.map((cell, index) =>
    kind === 'empty' || COLUMNS[index]!.align !== 'left'
      ? [cell]
      : wrapText(cell, COLUMNS[index]!.width - 2 * CELL_PADDING, font),
  );
  const height = Math.max(...lines.map((cell) => cell.length)) * LINE_HEIGHT + 2 * CELL_PADDING;
  return { kind, lines, height };
}

/**
 * Splits the rows over pages of `body` points each. A row that starts a page repeats its recipient's id and name,
 * so that every page can be read alone.
 */
function planPages(rows: readonly TableRow[], body: number, font: PDFFont): MeasuredRow[][] {
  const pages: MeasuredRow[][] = [[]];
  let free = body;
  for (const row of rows) {
    let measured = measureRow(row.kind, row.cells, font);
    if (measured.height > free && pages.at(-1)!.length > 0) {
      pages.push([]);
      free = body;
      if (row.recipient !== undefined && row.cells[0] === '') {
        measured = measureRow(row.kind, [...row.recipient, ...row.cells.slice(2)], font);
      }
    }
    pages.at(-1)!.push(measured);
    free -= measured.height;
  }
  return pages;
}

function drawCentred(page: PDFPage, text: string, y: number, size: number, font: PDFFont): void {
  const width = font.widthOfTextAtSize(text, size);
  page.drawText(text, { x: (PAGE.width - width) / 2, y, size, font, color: BLACK });
}

function drawRight(page: PDFPage, text: string, y: number, size: number, font: PDFFont): void {
  const width = font.widthOfTextAtSize(text, size);
  page.drawText(text, { x: PAGE.width - MARGIN.right - width, y, size, font, color: BLACK });
}

/** Draws one row of the table from `top`; returns the y below it. */
function drawRow(page: PDFPage, row: MeasuredRow | 'header', top: number, font: PDFFont): number {
  const measured =
    row === 'header'
      ? measureRow(
          'data',
          COLUMNS.map((column) => column.label),
          font,
        )
      : row;
  const bottom = top - measured.height;
  const fill =
    row === 'header' || measured.kind === 'total'
      ? HEADER_FILL
      : measured.kind === 'subtotal'
        ? SUBTOTAL_FILL
        : undefined;
  const width = COLUMNS.reduce((sum, column) => sum + column.width, 0);
  page.drawRectangle({
    x: MARGIN.left,
    y: bottom,
    width,
    height: measured.height,
    ...(fill === undefined ? {} : { color: fill }),
    borderColor: LINE_COLOUR,
    borderWidth: 0.5,
  });
  let x = MARGIN.left;
  COLUMNS.forEach((column, index) => {
    if (index > 0 && measured.kind !== 'empty') {
      page.drawLine({
        start: { x, y: bottom },
        end: { x, y: top },
        thickness: 0.5,
        color: LINE_COLOUR,
      });
    }
    const align = row === 'header' ? 'centre' : column.align;
    (measured.lines[index] ?? []).forEach((line, number) => {
      const lineWidth = font.widthOfTextAtSize(line, TEXT_SIZE);
      const left =
        align === 'left'
          ? x + CELL_PADDING
          : align === 'right'
            ? x + column.width - CELL_PADDING - lineWidth
            : x + (column.width - lineWidth) / 2;
      const y = top - CELL_PADDING - (number + 1) * LINE_HEIGHT + 3;
      page.drawText(line, { x: left, y, size: TEXT_SIZE, font, color: BLACK });
    });
    x += column.width;
  });
  return bottom;
}

/** The head every page repeats: the title, the period, the node and date, the legend; returns the y below it. */
function drawHead(page: PDFPage, lines: HeadLines, font: PDFFont): number {
  let y = PAGE.height - MARGIN.top - TITLE_SIZE;
  drawCentred(page, lines.title, y, TITLE_SIZE, font);
  y -= 18;
  drawCentred(page, lines.period, y, 10, font);
  y -= 22;
  drawRight(page, lines.producer, y, 9, font);
  y -= 13;
  drawRight(page, lines.date, y, 9, font);
  y -= 18;
  page.drawText(lines.legend, { x: MARGIN.left, y, size: 8, font, color: BLACK });
  y -= 8;
  return drawRow(page, 'header', y, font);
}

/** The height drawHead takes, the table's header row included. */
const HEAD_HEIGHT = TITLE_SIZE + 18 + 22 + 13 + 18 + 8 + LINE_HEIGHT + 2 * CELL_PADDING;

interface HeadLines {
  readonly title: string;
  readonly period: string;
  readonly producer: string;
  readonly date: string;
  readonly legend: string;
}

/** Replaces each character the font cannot draw with 〓. */
function printable(text: string, font: JapaneseFont): string {
  return [...text].map((char) => (font.hasGlyph(char.codePointAt(0) ?? 0) ? char : STAND_IN)).join('');
}

/**
 * Renders the report as PDF bytes: A4 portrait, the title with the year in 和暦, the node and the date it was made,
 * then the table, split over pages with its header on each. The same report and options give the same bytes.
 */
export async function renderProvisionReportPdf(
  report: ProvisionReport,
  options: ProvisionReportDocumentOptions,
): Promise<Uint8Array> {
  const fontSource = await loadJapaneseFont();
  const head: HeadLines = {
    title: provisionReportTitle(report.year),
    period: `（${report.year}年1月1日から12月31日まで、日本時間）`,
    producer: printable(`作成：${options.node.name}（${options.node.id}）`, fontSource),
    date: `作成日：${formatWareki(japanDateOf(options.generatedAt))}`,
    legend: LEGEND,
  };
  const rows = tableRows(report).map((row) => ({
    ...row,
    cells: row.cells.map((cell) => printable(cell, fontSource)),
    ...(row.recipient === undefined
      ? {}
      : { recipient: row.recipient.map((cell) => printable(cell, fontSource)) as [string, string] }),
  }));
  const texts = [
    head.title,
    head.period,
    head.producer,
    head.date,
    head.legend,
    ...COLUMNS.map((column) => column.label),
    ...rows.flatMap((row) => row.cells),
    '0123456789 /',
  ];

  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(subsetSafeFontkit);
  const font = await doc.embedFont(fontSource.bytes, {
    subset: true,
    customName: `${fontSubsetTag(texts)}+${JAPANESE_FONT_NAME}`,
  });
  doc.setTitle(`${head.title}（${options.node.name}）`, { showInWindowTitleBar: true });
  doc.setAuthor(options.node.name);
  doc.setCreator('Jukinet');
  doc.setProducer('Jukinet (pdf-lib)');
  doc.setLanguage('ja-JP');
  doc.setCreationDate(options.generatedAt);
  doc.setModificationDate(options.generatedAt);

  const body = PAGE.height - MARGIN.top - HEAD_HEIGHT - MARGIN.bottom;
  const pages = planPages(rows, body, font);
  pages.forEach((rowsOnPage, index) => {
    const page = doc.addPage([PAGE.width, PAGE.height]);
    let y = drawHead(page, head, font);
    for (const row of rowsOnPage) y = drawRow(page, row, y, font);
    drawCentred(page, `${index + 1} / ${pages.length}`, MARGIN.bottom - 24, 8, font);
  });
  return doc.save();
}
