// Self-disclosure (本人確認情報の開示, DESIGN.md §5.7, docs/self-disclosure.md) at the national server's and the
// prefectural servers' windows: the window with its card reader and terminal key, the answer gathered from every node
// that may have provided the person's information, the record, the answer document, and the routes.

export { disclosingBodyOf } from './disclosing-body.js';
export {
  disclosureSourcesOf,
  gatherDisclosedProvisions,
  type DisclosureAnswer,
  type DisclosureAnswerProvision,
  type DisclosureAnswerSource,
  type DisclosureSubject,
} from './disclosure-answer.js';
export { disclosureProvisionsRoute, listDisclosedProvisions } from './disclosed-provisions.js';
export {
  DISCLOSURE_DOCUMENT_TITLE,
  disclosureLines,
  provisionAffairLabel,
  provisionMethodLabel,
  renderDisclosureAnswer,
} from './disclosure-pdf.js';
export { recordPeerDisclosure, recordWindowDisclosure, type DisclosureSource } from './disclosure-record.js';
export {
  registerDisclosureRoutes,
  type DisclosureReaderCardView,
  type DisclosureRouteOptions,
  type DisclosureView,
} from './disclosure-routes.js';
export {
  certifyAtNational,
  createDisclosureWindow,
  nationalDisclosureSubject,
  type DisclosureWindow,
  type DisclosureWindowSetup,
} from './disclosure-window.js';
