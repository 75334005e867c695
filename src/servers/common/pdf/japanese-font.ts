// The Japanese font the servers print PDFs in (certificates, card notices, the provision report, disclosure answers):
// Noto Sans JP Regular (SIL OFL 1.1) from @expo-google-fonts/noto-sans-jp, read and parsed once per process and kept
// in memory, and the fontkit pdf-lib subsets it with (patched, see subsetSafeFontkit).

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument } from 'pdf-lib';

const FONT_MODULE_PATH = '@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf';

/** The PostScript name the subset is embedded under (after its subset tag). */
export const JAPANESE_FONT_NAME = 'NotoSansJP-Regular';

/** The font's bytes and a parsed copy for glyph checks. */
export interface JapaneseFont {
  readonly bytes: Uint8Array;
  /** True when the font can draw the code point; a document must never print a missing-glyph box. */
  readonly hasGlyph: (codePoint: number) => boolean;
}

let loading: Promise<JapaneseFont> | undefined;

async function readFont(): Promise<JapaneseFont> {
  const path = createRequire(import.meta.url).resolve(FONT_MODULE_PATH);
  const bytes = new Uint8Array(await readFile(path));
  const parsed = subsetSafeFontkit.create(bytes);
  return { bytes, hasGlyph: (codePoint) => parsed.hasGlyphForCodePoint(codePoint) };
}

/** Loads the font, from disk the first time and from memory afterwards. */
export function loadJapaneseFont(): Promise<JapaneseFont> {
  if (loading === undefined) {
    loading = readFont();
    // A failed read is not cached: the next document tries again.
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];
type Font = ReturnType<Fontkit['create']>;

/** Parsed fonts by their bytes: parsing Noto Sans JP takes tens of milliseconds, and every document embeds it. */
const parsedFonts = new WeakMap<Uint8Array, Font>();

/** The private parts of @pdf-lib/fontkit's TTFSubset the patch touches (dist/fontkit.es.js, class TTFSubset). */
interface TrueTypeSubsetInternals {
  _addGlyph?: (glyphId: number) => number;
  glyf?: Uint8Array[];
  offset?: number;
}

/** A Node-style buffer class, as fontkit's bundled `buffer` polyfill has it. */
interface BufferClass {
  alloc(size: number): Uint8Array;
  concat(list: readonly Uint8Array[]): Uint8Array;
}

/**
 * Pads every glyph record of a TrueType subset to an even length. @pdf-lib/fontkit 1.1.1 (a fork of fontkit 1.7)
 * writes a subset's `loca` in the short format, which stores offsets halved, without padding `glyf` records: after
 * the first odd-length glyph every offset is one byte off and viewers draw blanks, while pdftotext still reads the
 * text (pdf-lib issue #1232; fixed upstream by foliojs/fontkit#191, fontkit 1.8). Trailing padding is valid TrueType.
 */
function padGlyphRecords(subset: TrueTypeSubsetInternals): void {
  const addGlyph = subset._addGlyph?.bind(subset);
  if (addGlyph === undefined) return;
  subset._addGlyph = (glyphId) => {
    const index = addGlyph(glyphId);
    const record = subset.glyf?.[index];
    if (record !== undefined && record.length % 2 === 1 && subset.glyf !== undefined) {
      // Keep the polyfill's own Buffer class: fontkit's encoder refuses any other chunk type.
      const buffer = record.constructor as unknown as BufferClass;
      subset.glyf[index] = buffer.concat([record, buffer.alloc(1)]);
      subset.offset = (subset.offset ?? 0) + 1;
    }
    return index;
  };
}

/**
 * @pdf-lib/fontkit with TrueType subsets that render in every viewer; give it to PDFDocument.registerFontkit. A font
 * is parsed once per byte array (pdf-lib passes the caller's Uint8Array through) and shared: each embedding makes its
 * own subset.
 */
export const subsetSafeFontkit: Fontkit = {
  create(buffer, postscriptName) {
    const cached = postscriptName === undefined ? parsedFonts.get(buffer) : undefined;
    if (cached !== undefined) return cached;
    const font = fontkit.create(buffer, postscriptName);
    const createSubset = font.createSubset.bind(font);
    font.createSubset = () => {
      const subset = createSubset();
      padGlyphRecords(subset as unknown as TrueTypeSubsetInternals);
      return subset;
    };
    if (postscriptName === undefined) parsedFonts.set(buffer, font);
    return font;
  },
};

/**
 * A subset's tag (ISO 32000-1 §9.6.4: six capital letters, then a plus sign before the font name), derived from the
 * characters it holds so that the same document gives the same bytes, where pdf-lib would pick a random suffix.
 */
export function fontSubsetTag(texts: readonly string[]): string {
  const characters = [...new Set(texts.flatMap((text) => [...text]))].sort().join('');
  const digest = createHash('sha256').update(characters).digest();
  return [...digest.subarray(0, 6)].map((byte) => String.fromCharCode(65 + (byte % 26))).join('');
}
