// Renders a certificate's content as an A4 portrait PDF with pdf-lib and an embedded, subset Noto Sans JP: title,
// household rows, a block per person (page breaks between blocks), the certification and the certifier.

import { createHash } from 'node:crypto';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { utcMidnightOf } from '../../../domain/index.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import {
  buildCertificateContent,
  type CertificateContent,
  type CertificateRow,
  type PersonBlock,
} from './certificate-content.js';
import {
  CERTIFICATE_FONT_NAME,
  loadCertificateFont,
  subsetSafeFontkit,
  type CertificateFont,
} from './certificate-font.js';
import type { CertificateRequest } from './certificate-request.js';

/** A4 portrait in PDF points (210 × 297 mm). */
const PAGE = { width: 595.28, height: 841.89 } as const;
const MARGIN = { top: 48, bottom: 56, left: 48, right: 48 } as const;
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const LABEL_WIDTH = 150;
const TEXT_SIZE = 10;
const LINE_HEIGHT = 14;
const CELL_PADDING = 4;
const BLOCK_HEADING_HEIGHT = 16;
const BLOCK_GAP = 10;
const TITLE_SIZE = 18;
const CLOSING_HEIGHT = 130;
/** The note below the certifier: its size, and where its first line sits under the closing's top. */
const NOTE_SIZE = 9;
const NOTE_OFFSET = 124;
const LINE_COLOUR = rgb(0.35, 0.35, 0.35);
const LABEL_FILL = rgb(0.93, 0.93, 0.93);
const BLACK = rgb(0, 0, 0);
/** 以下余白: the customary mark that nothing follows, so that nothing can be added below. */
const END_MARK = '以下余白';
/** Characters that may not start a line (禁則); they stay on the line before, a little past the width. */
const NO_LINE_START = new Set([...'、。，．・：；？！）」』】〕｝〉》ー']);
/** Japan has no daylight saving: midnight in Japan is 15:00 UTC the day before. */
const JST_OFFSET_MS = 9 * 3_600_000;

/** Breaks a text into lines that fit `width` at `size`, character by character (Japanese has no spaces). */
function wrapText(text: string, width: number, font: PDFFont, size: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const char of text) {
    const candidate = line + char;
    if (line !== '' && font.widthOfTextAtSize(candidate, size) > width && !NO_LINE_START.has(char)) {
      lines.push(line);
      line = char;
    } else {
      line = candidate;
    }
  }
  lines.push(line);
  return lines;
}

interface MeasuredRow {
  readonly label: readonly string[];
  readonly value: readonly string[];
  readonly height: number;
}

function measureRow(row: CertificateRow, font: PDFFont): MeasuredRow {
  const label = wrapText(row.label, LABEL_WIDTH - 2 * CELL_PADDING, font, TEXT_SIZE);
  const value = wrapText(row.value, CONTENT_WIDTH - LABEL_WIDTH - 2 * CELL_PADDING, font, TEXT_SIZE);
  return { label, value, height: Math.max(label.length, value.length) * LINE_HEIGHT + 2 * CELL_PADDING };
}

function heightOf(rows: readonly MeasuredRow[]): number {
  return rows.reduce((sum, row) => sum + row.height, 0);
}

/** A piece of a person's block placed on one page: all its rows, or a run of them when it had to split. */
interface BlockPart {
  readonly number: number;
  readonly continued: boolean;
  readonly rows: readonly MeasuredRow[];
}

interface PagePlan {
  readonly parts: BlockPart[];
  closing: boolean;
}

/**
 * Splits the person blocks over pages: a block that fits on the page stays whole; one that does not moves to a new
 * page, and only a block taller than a whole page is split between its rows. The closing goes after the last block.
 */
function planPages(
  blocks: readonly PersonBlock[],
  font: PDFFont,
  space: { readonly body: number; readonly closing: number },
): PagePlan[] {
  const bodyHeight = space.body;
  const pages: PagePlan[] = [{ parts: [], closing: false }];
  let free = bodyHeight;
  const newPage = (): void => {
    pages.push({ parts: [], closing: false });
    free = bodyHeight;
  };
  for (const block of blocks) {
    const rows = block.rows.map((row) => measureRow(row, font));
    const needed = BLOCK_HEADING_HEIGHT + heightOf(rows) + BLOCK_GAP;
    if (needed > free && free < bodyHeight) newPage();
    let pending = rows;
    let continued = false;
    while (pending.length > 0) {
      const taken: MeasuredRow[] = [];
      let used = BLOCK_HEADING_HEIGHT;
      for (const row of pending) {
        // Take at least one row, so a row taller than a page still prints (clipped) instead of looping.
        if (taken.length > 0 && used + row.height + BLOCK_GAP > free) break;
        taken.push(row);
        used += row.height;
      }
      pages.at(-1)?.parts.push({ number: block.number, continued, rows: taken });
      free -= used + BLOCK_GAP;
      pending = pending.slice(taken.length);
      continued = true;
      if (pending.length > 0) newPage();
    }
  }
  if (free < space.closing) newPage();
  const last = pages.at(-1);
  if (last !== undefined) last.closing = true;
  return pages;
}

/** Draws text lines top-down from `top`, left-aligned at `x`. */
function drawLines(page: PDFPage, lines: readonly string[], x: number, top: number, font: PDFFont): void {
  lines.forEach((line, index) => {
    // The baseline sits about one em below the line's top for Noto Sans JP at this line height.
    page.drawText(line, { x, y: top - (index + 1) * LINE_HEIGHT + 3, size: TEXT_SIZE, font, color: BLACK });
  });
}

/** Draws labelled rows as a ruled table from `top`; returns the y below the table. */
function drawRows(page: PDFPage, rows: readonly MeasuredRow[], top: number, font: PDFFont): number {
  let y = top;
  for (const row of rows) {
    const bottom = y - row.height;
    page.drawRectangle({
      x: MARGIN.left,
      y: bottom,
      width: LABEL_WIDTH,
      height: row.height,
      color: LABEL_FILL,
    });
    page.drawRectangle({
      x: MARGIN.left,
      y: bottom,
      width: CONTENT_WIDTH,
      height: row.height,
      borderColor: LINE_COLOUR,
      borderWidth: 0.5,
    });
    page.drawLine({
      start: { x: MARGIN.left + LABEL_WIDTH, y: bottom },
      end: { x: MARGIN.left + LABEL_WIDTH, y },
      thickness: 0.5,
      color: LINE_COLOUR,
    });
    drawLines(page, row.label, MARGIN.left + CELL_PADDING, y - CELL_PADDING, font);
    drawLines(page, row.value, MARGIN.left + LABEL_WIDTH + CELL_PADDING, y - CELL_PADDING, font);
    y = bottom;
  }
  return y;
}

function drawCentred(page: PDFPage, text: string, y: number, size: number, font: PDFFont): void {
  const width = font.widthOfTextAtSize(text, size);
  page.drawText(text, { x: (PAGE.width - width) / 2, y, size, font, color: BLACK });
}

function drawRight(page: PDFPage, text: string, y: number, size: number, font: PDFFont): void {
  const width = font.widthOfTextAtSize(text, size);
  page.drawText(text, { x: PAGE.width - MARGIN.right - width, y, size, font, color: BLACK });
}

/** The page head every page repeats: the municipality, the title (and scope) and the household rows. */
function drawHead(
  page: PDFPage,
  content: CertificateContent,
  household: readonly MeasuredRow[],
  font: PDFFont,
): number {
  let y = PAGE.height - MARGIN.top;
  drawRight(page, content.municipality, y - 9, 9, font);
  y -= 16 + TITLE_SIZE;
  drawCentred(page, content.title, y, TITLE_SIZE, font);
  y -= 8;
  if (content.scope !== undefined) {
    y -= 12;
    drawCentred(page, `（${content.scope}）`, y, 10, font);
  }
  y -= 14;
  return drawRows(page, household, y, font) - BLOCK_GAP;
}

function headHeight(content: CertificateContent, household: readonly MeasuredRow[]): number {
  return 16 + TITLE_SIZE + 8 + (content.scope === undefined ? 0 : 12) + 14 + heightOf(household) + BLOCK_GAP;
}

function drawPart(page: PDFPage, part: BlockPart, top: number, font: PDFFont): number {
  page.drawRectangle({
    x: MARGIN.left,
    y: top - BLOCK_HEADING_HEIGHT,
    width: CONTENT_WIDTH,
    height: BLOCK_HEADING_HEIGHT,
    color: LABEL_FILL,
    borderColor: LINE_COLOUR,
    borderWidth: 0.5,
  });
  const heading = `（${part.number}）${part.continued ? '　続き' : ''}`;
  page.drawText(heading, { x: MARGIN.left + CELL_PADDING, y: top - 12, size: 9, font, color: BLACK });
  return drawRows(page, part.rows, top - BLOCK_HEADING_HEIGHT, font) - BLOCK_GAP;
}

/** The note's lines, wrapped to the content width (none without a note). */
function noteLines(content: CertificateContent, font: PDFFont): string[] {
  return content.note === undefined ? [] : wrapText(content.note, CONTENT_WIDTH - 12, font, NOTE_SIZE);
}

/** The height the closing needs: the certification and certifier, and the note's lines below them. */
function closingHeightOf(content: CertificateContent, font: PDFFont): number {
  const lines = noteLines(content, font).length;
  return lines === 0 ? CLOSING_HEIGHT : NOTE_OFFSET + lines * LINE_HEIGHT;
}

function drawClosing(page: PDFPage, content: CertificateContent, top: number, font: PDFFont): void {
  drawRight(page, END_MARK, top - 10, 9, font);
  let y = top - 40;
  page.drawText(content.certification, { x: MARGIN.left + 12, y, size: 11, font, color: BLACK });
  y -= 28;
  page.drawText(content.certifiedOn, { x: MARGIN.left + 12, y, size: 11, font, color: BLACK });
  y -= 32;
  drawRight(page, content.certifier, y, 12, font);
  noteLines(content, font).forEach((line, index) => {
    const baseline = top - NOTE_OFFSET - index * LINE_HEIGHT + 3;
    page.drawText(line, { x: MARGIN.left + 12, y: baseline, size: NOTE_SIZE, font, color: BLACK });
  });
}

function drawFooter(
  page: PDFPage,
  content: CertificateContent,
  index: number,
  count: number,
  font: PDFFont,
): void {
  drawCentred(page, `${index + 1} / ${count}`, MARGIN.bottom - 24, 8, font);
  if (content.serialNumber !== undefined) {
    page.drawText(`証明書番号 ${content.serialNumber}`, {
      x: MARGIN.left,
      y: MARGIN.bottom - 24,
      size: 8,
      font,
      color: BLACK,
    });
  }
}

/** Every text the certificate draws, to check the glyphs and to name the subset. */
function textsOf(content: CertificateContent): string[] {
  return [
    content.title,
    content.scope === undefined ? '' : `（${content.scope}）`,
    ...content.household.flatMap((row) => [row.label, row.value]),
    ...content.persons.flatMap((block) => block.rows.flatMap((row) => [row.label, row.value])),
    content.certification,
    content.certifiedOn,
    content.municipality,
    content.certifier,
    content.serialNumber === undefined ? '' : `証明書番号 ${content.serialNumber}`,
    content.note ?? '',
    END_MARK,
    '（）　続き0123456789 /',
  ];
}

/** Refuses a certificate with a character the font cannot draw (an 外字 the register keeps as an image, say). */
function checkGlyphs(texts: readonly string[], font: CertificateFont): void {
  for (const text of texts) {
    for (const char of text) {
      const codePoint = char.codePointAt(0) ?? 0;
      if (!font.hasGlyph(codePoint)) {
        const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
        throw new JukinetError(
          'JUKI_ERR_CERTIFICATE_GLYPH_MISSING',
          `${quote(char)} (U+${hex}) in ${quote(text)}`,
        );
      }
    }
  }
}

/**
 * The subset's tag (ISO 32000-1 §9.6.4: six capital letters and a plus sign), derived from the characters it holds
 * so that the same certificate gives the same bytes, where pdf-lib would pick a random suffix.
 */
function subsetTag(texts: readonly string[]): string {
  const characters = [...new Set(texts.flatMap((text) => [...text]))].sort().join('');
  const digest = createHash('sha256').update(characters).digest();
  return [...digest.subarray(0, 6)].map((byte) => String.fromCharCode(65 + (byte % 26))).join('');
}

/**
 * Renders the certificate a request asks for as PDF bytes. Validates the request (see validateCertificateRequest)
 * and prints only the items selectItems() lets through. The same request gives the same bytes: the document dates
 * are the issue date, midnight in Japan.
 */
export async function renderCertificate(request: CertificateRequest): Promise<Uint8Array> {
  const content = buildCertificateContent(request);
  const fontSource = await loadCertificateFont();
  const texts = textsOf(content);
  checkGlyphs(texts, fontSource);

  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(subsetSafeFontkit);
  const font = await doc.embedFont(fontSource.bytes, {
    subset: true,
    customName: `${subsetTag(texts)}+${CERTIFICATE_FONT_NAME}`,
  });

  const issued = new Date(utcMidnightOf(request.issuedOn).getTime() - JST_OFFSET_MS);
  doc.setTitle(`${content.title}（${content.municipality}）`, { showInWindowTitleBar: true });
  doc.setAuthor(content.municipality);
  doc.setSubject(content.certification);
  doc.setCreator('Jukinet');
  doc.setProducer('Jukinet (pdf-lib)');
  doc.setLanguage('ja-JP');
  doc.setCreationDate(issued);
  doc.setModificationDate(issued);

  const household = content.household.map((row) => measureRow(row, font));
  const top = PAGE.height - headHeight(content, household);
  const plans = planPages(content.persons, font, {
    body: top - MARGIN.bottom,
    closing: closingHeightOf(content, font),
  });
  plans.forEach((plan, index) => {
    const page = doc.addPage([PAGE.width, PAGE.height]);
    let y = drawHead(page, content, household, font);
    for (const part of plan.parts) y = drawPart(page, part, y, font);
    if (plan.closing) drawClosing(page, content, y, font);
    drawFooter(page, content, index, plans.length, font);
  });
  return doc.save();
}
