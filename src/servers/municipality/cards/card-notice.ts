// The 交付通知書 (notice that a resident card is ready) as PDF: the resident's name and address, the card, where and
// until when to collect it, and the notice number handover checks. Same font and 和暦 as the certificates
// (docs/certificates.md, docs/card-issuance.md).

import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { formatWareki, utcMidnightOf } from '../../../domain/index.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import { CERTIFICATE_FONT_NAME, loadCertificateFont, subsetSafeFontkit } from '../certificates/index.js';

/** What a 交付通知書 prints. */
export interface CardNotice {
  /** The issuing municipality (東京都文京区). */
  readonly municipality: string;
  /** The mayor's title the notice is sent in the name of (東京都文京区長). */
  readonly issuerTitle: string;
  readonly name: string;
  readonly address: string;
  readonly cardId: string;
  readonly faceVersion: 'A' | 'B';
  readonly noticeNumber: string;
  /** Where to collect the card. */
  readonly collectAt: string;
  /** ISO dates. */
  readonly collectUntil: string;
  readonly issuedOn: string;
  readonly reissue: boolean;
}

const JST_OFFSET_MS = 9 * 3_600_000;
const PAGE = { width: 595.28, height: 841.89 };
const LEFT = 64;
const BLACK = rgb(0, 0, 0);

/** The lines a notice prints, in order: pure, so a test can read a notice without a PDF. */
export function cardNoticeLines(notice: CardNotice): { label: string; value: string }[] {
  return [
    { label: '氏名', value: `${notice.name} 様` },
    { label: '住所', value: notice.address },
    { label: 'カード番号', value: notice.cardId },
    { label: 'カードの種類', value: `住民基本台帳カード（${notice.faceVersion === 'A' ? 'A' : 'B'}様式）` },
    { label: '交付場所', value: notice.collectAt },
    { label: '交付期限', value: formatWareki(notice.collectUntil) },
    { label: '通知番号', value: notice.noticeNumber },
  ];
}

const INSTRUCTIONS = [
  'この通知書、本人確認書類（運転免許証、旅券など）をお持ちのうえ、',
  'ご本人が交付場所へお越しください。交付の際に暗証番号（数字4桁）を設定していただきます。',
  '交付期限を過ぎたカードは廃棄することがあります。',
];

function checkGlyphs(texts: readonly string[], hasGlyph: (codePoint: number) => boolean): void {
  for (const text of texts) {
    for (const char of text) {
      const codePoint = char.codePointAt(0) ?? 0;
      if (!hasGlyph(codePoint)) {
        const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
        throw new JukinetError(
          'JUKI_ERR_CERTIFICATE_GLYPH_MISSING',
          `${quote(char)} (U+${hex}) in ${quote(text)}`,
        );
      }
    }
  }
}

function drawAt(
  page: PDFPage,
  text: string,
  options: { x: number; y: number; size: number; font: PDFFont },
): void {
  page.drawText(text, { ...options, color: BLACK });
}

/** Renders the notice as PDF bytes; the same notice gives the same bytes (document dates are the issue date). */
export async function renderCardNotice(notice: CardNotice): Promise<Uint8Array> {
  const title = notice.reissue ? '住民基本台帳カード再交付通知書' : '住民基本台帳カード交付通知書';
  const lines = cardNoticeLines(notice);
  const issuedOn = formatWareki(notice.issuedOn);
  const texts = [
    title,
    issuedOn,
    notice.issuerTitle,
    ...lines.flatMap((line) => [line.label, line.value]),
    ...INSTRUCTIONS,
    '様の住民基本台帳カードができましたのでお知らせします。',
  ];
  const font = await loadCertificateFont();
  checkGlyphs(texts, font.hasGlyph);

  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(subsetSafeFontkit);
  const embedded = await doc.embedFont(font.bytes, {
    subset: true,
    customName: `JKCARD+${CERTIFICATE_FONT_NAME}`,
  });
  const issued = new Date(utcMidnightOf(notice.issuedOn).getTime() - JST_OFFSET_MS);
  doc.setTitle(`${title}（${notice.municipality}）`, { showInWindowTitleBar: true });
  doc.setAuthor(notice.municipality);
  doc.setCreator('Jukinet');
  doc.setProducer('Jukinet (pdf-lib)');
  doc.setLanguage('ja-JP');
  doc.setCreationDate(issued);
  doc.setModificationDate(issued);

  const page = doc.addPage([PAGE.width, PAGE.height]);
  const right = (text: string, y: number, size: number): void => {
    drawAt(page, text, {
      x: PAGE.width - LEFT - embedded.widthOfTextAtSize(text, size),
      y,
      size,
      font: embedded,
    });
  };
  let y = PAGE.height - 72;
  right(issuedOn, y, 10.5);
  y -= 18;
  right(notice.issuerTitle, y, 10.5);
  y -= 48;
  const titleWidth = embedded.widthOfTextAtSize(title, 16);
  drawAt(page, title, { x: (PAGE.width - titleWidth) / 2, y, size: 16, font: embedded });
  y -= 40;
  drawAt(page, `${notice.name}様の住民基本台帳カードができましたのでお知らせします。`, {
    x: LEFT,
    y,
    size: 10.5,
    font: embedded,
  });
  y -= 32;
  for (const line of lines) {
    drawAt(page, line.label, { x: LEFT, y, size: 11, font: embedded });
    drawAt(page, line.value, { x: LEFT + 110, y, size: 11, font: embedded });
    y -= 24;
  }
  y -= 16;
  for (const instruction of INSTRUCTIONS) {
    drawAt(page, instruction, { x: LEFT, y, size: 9.5, font: embedded });
    y -= 16;
  }
  return doc.save();
}
