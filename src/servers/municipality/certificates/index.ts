// Certificates a municipal window issues from the register as PDF: 住民票の写し, 除票の写し and 住民票記載事項証明書
// (docs/certificates.md). Callers build a CertificateRequest from their own records and call renderCertificate().

export {
  buildCertificateContent,
  CERTIFICATE_TITLES,
  CERTIFICATION_LINES,
  foreignResidentCategoryLabel,
  type CertificateContent,
  type CertificateRow,
  type PersonBlock,
} from './certificate-content.js';
export {
  CERTIFICATE_FONT_NAME,
  loadCertificateFont,
  subsetSafeFontkit,
  type CertificateFont,
} from './certificate-font.js';
export {
  CERTIFICATE_ITEMS,
  CertificateItem,
  CertificateKind,
  ForeignResidentCategory,
  membersOf,
  validateCertificateRequest,
  type CertificateHousehold,
  type CertificateIssuer,
  type CertificatePerson,
  type CertificateRequest,
  type ForeignResidentItems,
  type ItemPermission,
} from './certificate-request.js';
export {
  HOUSEHOLD_ITEMS,
  ITEMS_OMITTED_UNLESS_REQUESTED,
  selectItems,
  type ItemSelection,
  type PersonSelection,
} from './item-selection.js';
export { renderCertificate } from './render-certificate.js';
