// The Japanese font certificates print in, under the names the certificates use: the servers' common Noto Sans JP
// and its patched fontkit (src/servers/common/pdf/japanese-font.ts, where the font and the workaround live).

export {
  JAPANESE_FONT_NAME as CERTIFICATE_FONT_NAME,
  loadJapaneseFont as loadCertificateFont,
  subsetSafeFontkit,
  type JapaneseFont as CertificateFont,
} from '../../common/pdf/index.js';
