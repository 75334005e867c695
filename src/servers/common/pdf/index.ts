// What the servers share to print PDFs: the embedded Japanese font (Noto Sans JP) and its subsetting
// (japanese-font.ts).

export {
  JAPANESE_FONT_NAME,
  fontSubsetTag,
  loadJapaneseFont,
  subsetSafeFontkit,
  type JapaneseFont,
} from './japanese-font.js';
