// The 本人確認情報開示回答書 as PDF (docs/self-disclosure.md, "The answer document"): the resident's identity
// information, every provision about them with its date and time, recipient, affair, legal basis and method, the
// nodes asked and whether each answered, in the name of the body whose window answered. 和暦 dates, Noto Sans JP
// embedded (the servers' common font, src/servers/common/pdf/).

import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import {
  changeReasonLabel,
  formatJapanDateTime,
  formatWareki,
  japanDateOf,
  sexLabel,
} from '../../../domain/index.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import { fontSubsetTag, JAPANESE_FONT_NAME, loadJapaneseFont, subsetSafeFontkit } from '../pdf/index.js';
import type { DisclosureAnswer, DisclosureAnswerProvision } from './disclosure-answer.js';

export const DISCLOSURE_DOCUMENT_TITLE = '本人確認情報開示回答書';

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 56;
const BLACK = rgb(0, 0, 0);
const LABEL_WIDTH = 110;

/** One printed line: a label (may be empty) and its text, at a size, indented or not. */
interface Line {
  readonly label: string;
  readonly text: string;
  readonly size: number;
  readonly indent?: number;
  /** Space above the line. */
  readonly gap?: number;
}

const METHOD_LABEL = { online: '電気通信回線', batch: '媒体' } as const;
const QUERY_LABEL = {
  code: '住民票コードによる照会',
  'four-items': '4情報（氏名・生年月日・性別・住所）による照会',
} as const;

/** How a provision was made, in words: 電気通信回線・住民票コードによる照会（令和3年3月31日時点の情報）. */
export function provisionMethodLabel(provision: DisclosureAnswerProvision): string {
  const asOf = provision.asOf === null ? '' : `（${formatWareki(provision.asOf)}時点の情報）`;
  return `${METHOD_LABEL[provision.method]}・${QUERY_LABEL[provision.query]}${asOf}`;
}

/** The affair and its legal basis, in words: 基本手当の支給に関する事務（雇用保険法第13条）. */
export function provisionAffairLabel(provision: DisclosureAnswerProvision): string {
  const name = provision.affair.name ?? provision.affair.id;
  const basis =
    provision.affair.law === null ? '' : `（${provision.affair.law}${provision.affair.article ?? ''}）`;
  return `${name}${basis}`;
}

/** The lines the answer prints, in order: pure, so that a test can read an answer without a PDF. */
export function disclosureLines(answer: DisclosureAnswer): Line[] {
  const { identity } = answer;
  const item = (label: string, text: string): Line => ({ label, text, size: 10.5, indent: 12 });
  const lines: Line[] = [
    { label: '', text: `${identity.name} 様`, size: 11, gap: 8 },
    {
      label: '',
      text: '住民基本台帳法に基づく本人確認情報の開示の請求について、次のとおり回答します。',
      size: 10.5,
      gap: 10,
    },
    { label: '', text: '1\u3000本人確認情報', size: 11.5, gap: 18 },
    item('住民票コード', identity.residentCode),
    ...(answer.formerResidentCodes.length === 0
      ? []
      : [item('以前の住民票コード', answer.formerResidentCodes.join('、'))]),
    item('氏名', identity.name),
    ...(identity.nameKana === undefined ? [] : [item('フリガナ', identity.nameKana)]),
    ...(identity.commonName === undefined ? [] : [item('通称', identity.commonName)]),
    item('生年月日', formatWareki(identity.birthDate)),
    item('性別', sexLabel(identity.sex)),
    item('住所', identity.address),
    item('異動事由', changeReasonLabel(identity.change.reason)),
    item('異動年月日', formatWareki(identity.change.date)),
    {
      label: '',
      text: `2\u3000本人確認情報の提供の状況（${answer.provisions.length}件）`,
      size: 11.5,
      gap: 18,
    },
  ];
  if (answer.provisions.length === 0) {
    lines.push({ label: '', text: '本人確認情報を提供した記録はありません。', size: 10.5, indent: 12 });
  }
  for (const [index, provision] of answer.provisions.entries()) {
    const entry = (label: string, text: string): Line => ({ label, text, size: 9.5, indent: 24 });
    lines.push(
      {
        label: '',
        text: `(${index + 1}) ${formatJapanDateTime(new Date(provision.at))}`,
        size: 10,
        indent: 12,
        gap: 6,
      },
      entry('提供先', `${provision.agency.name}（${provision.agency.id}）`),
      entry('事務・根拠法令', provisionAffairLabel(provision)),
      entry('提供の方法', provisionMethodLabel(provision)),
      entry('提供した者', provision.providerName),
      entry('住民票コード', provision.residentCodes.join('、')),
    );
  }
  lines.push({ label: '', text: '3\u3000照会したサーバ', size: 11.5, gap: 18 });
  for (const source of answer.sources) {
    lines.push({
      label: '',
      text:
        source.state === 'answered'
          ? `${source.name}\u3000回答あり（${source.count}件）`
          : `${source.name}\u3000回答なし（${source.error ?? '応答なし'}）`,
      size: 10,
      indent: 12,
    });
  }
  if (!answer.complete) {
    lines.push({
      label: '',
      text: '※ 回答の得られなかったサーバがあるため、この回答に含まれない提供の記録があり得ます。後日改めて開示を請求してください。',
      size: 10,
      indent: 12,
      gap: 8,
    });
  }
  return lines;
}

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

/** `text` cut into pieces no wider than `width` at `size` (Japanese text breaks between any two characters). */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const char of text) {
    if (current !== '' && font.widthOfTextAtSize(current + char, size) > width) {
      pieces.push(current);
      current = '';
    }
    current += char;
  }
  return [...pieces, current];
}

/** Renders the answer as PDF bytes; the same answer gives the same bytes (document dates are the answer's). */
export async function renderDisclosureAnswer(answer: DisclosureAnswer): Promise<Uint8Array> {
  const lines = disclosureLines(answer);
  const issuedOn = formatWareki(japanDateOf(new Date(answer.at)));
  const texts = [
    DISCLOSURE_DOCUMENT_TITLE,
    issuedOn,
    answer.window.body,
    `開示番号 ${answer.id}`,
    ...lines.flatMap((line) => [line.label, line.text]),
  ];
  const font = await loadJapaneseFont();
  checkGlyphs(texts, font.hasGlyph);

  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(subsetSafeFontkit);
  const embedded = await doc.embedFont(font.bytes, {
    subset: true,
    customName: `${fontSubsetTag(texts)}+${JAPANESE_FONT_NAME}`,
  });
  const at = new Date(answer.at);
  doc.setTitle(`${DISCLOSURE_DOCUMENT_TITLE}（${answer.window.body}）`, { showInWindowTitleBar: true });
  doc.setAuthor(answer.window.body);
  doc.setCreator('Jukinet');
  doc.setProducer('Jukinet (pdf-lib)');
  doc.setLanguage('ja-JP');
  doc.setCreationDate(at);
  doc.setModificationDate(at);

  let page = doc.addPage([PAGE.width, PAGE.height]);
  const draw = (target: PDFPage, text: string, x: number, y: number, size: number): void => {
    target.drawText(text, { x, y, size, font: embedded, color: BLACK });
  };
  const right = (text: string, y: number, size: number): void => {
    draw(page, text, PAGE.width - MARGIN - embedded.widthOfTextAtSize(text, size), y, size);
  };
  let y = PAGE.height - 64;
  right(issuedOn, y, 10.5);
  y -= 16;
  right(answer.window.body, y, 10.5);
  y -= 14;
  right(`開示番号 ${answer.id}`, y, 8);
  y -= 40;
  const titleWidth = embedded.widthOfTextAtSize(DISCLOSURE_DOCUMENT_TITLE, 16);
  draw(page, DISCLOSURE_DOCUMENT_TITLE, (PAGE.width - titleWidth) / 2, y, 16);
  y -= 16;

  for (const line of lines) {
    const x = MARGIN + (line.indent ?? 0);
    const textX = line.label === '' ? x : x + LABEL_WIDTH;
    const pieces = wrap(line.text, embedded, line.size, PAGE.width - MARGIN - textX);
    const height = (line.gap ?? 0) + pieces.length * (line.size + 6);
    if (y - height < MARGIN) {
      page = doc.addPage([PAGE.width, PAGE.height]);
      y = PAGE.height - MARGIN;
    }
    y -= line.gap ?? 0;
    for (const [index, piece] of pieces.entries()) {
      y -= line.size + 6;
      if (index === 0 && line.label !== '') draw(page, line.label, x, y, line.size);
      draw(page, piece, textX, y, line.size);
    }
  }
  return doc.save();
}
