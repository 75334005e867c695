// The wide-area copy (住民票の写しの広域交付, 住基法第12条の4; docs/wide-area-copy.md): the address municipality's
// answer on the network port, the issuing municipality's terminal routes, their tables and the items that travel.

export { municipalityLabelOf, wideAreaNetworkRoute, type WideAreaAnswerOptions } from './wide-area-answer.js';
export {
  chooseWideAreaMembers,
  WIDE_AREA_ITEMS,
  WIDE_AREA_OPTIONAL_ITEMS,
  wideAreaCertificateOf,
  wideAreaMemberOf,
  wideAreaNoteOf,
  type WideAreaCertificate,
  type WideAreaOptionalItem,
} from './wide-area-items.js';
export {
  PhotoIdDocument,
  photoIdDocumentLabel,
  registerWideAreaRoutes,
  wideAreaCopyBodySchema,
  type WideAreaCopyBody,
  type WideAreaRouteOptions,
} from './wide-area-routes.js';
export { wideAreaSettingsOf, type WideAreaSettings } from './wide-area-settings.js';
export {
  listWideAreaAnswers,
  listWideAreaCopies,
  recordWideAreaAnswer,
  recordWideAreaCopy,
  RequesterMethod,
  RESIDENT_CARD_DOCUMENT,
  WIDE_AREA_LIST_LIMIT,
  type WideAreaAnswerEntry,
  type WideAreaCopyView,
} from './wide-area-store.js';
