// Every inter-node message type Jukinet defines, one file each; add a new type here and in docs/protocol/.

import type { MessageDefinition } from '../message-types.js';
import { cardStatusChanged } from './card-status-changed.js';
import { cardTransferred } from './card-transferred.js';
import { identityChanged } from './identity-changed.js';
import { nodePing } from './node-ping.js';
import { nodeRelay } from './node-relay.js';
import { moveInNotice } from './special-move.js';

export {
  AGENCY_AFFAIRS_PATH,
  AGENCY_IDENTITY_BY_CODE_PATH,
  AGENCY_IDENTITY_SEARCH_PATH,
  AGENCY_OPENAPI_PATH,
  agencyAffairsAnswerSchema,
  agencyByCodeRequestSchema,
  agencyProvisionAnswerSchema,
  agencySearchRequestSchema,
  providedIdentitySchema,
  type AgencyAffairsAnswer,
  type AgencyByCodeRequest,
  type AgencyProvisionAnswer,
  type AgencySearchRequest,
  type ProvidedIdentity,
} from './agency-provision.js';
export {
  CARD_STATUS_PATH,
  CardNetworkState,
  cardStatusAnswerSchema,
  cardStatusChanged,
  type CardStatusAnswer,
  type CardStatusChangedBody,
} from './card-status-changed.js';
export { cardTransferred, type CardTransferredBody } from './card-transferred.js';
export {
  DeliveredFile,
  FILE_REPORTS_PATH,
  FILE_VERSION_PATH,
  FILES_PATH,
  deliveredFilesAnswerSchema,
  fileReportSchema,
  fileVersionPath,
  type DeliveredFilesAnswer,
  type FileReport,
} from './file-delivery.js';
export {
  CARD_TERMINAL_CA_PATH,
  CARD_TERMINAL_CERTIFICATES_PATH,
  cardTerminalCaAnswerSchema,
  cardTerminalCertificateAnswerSchema,
  cardTerminalCertificateRequestSchema,
  IDENTITY_CONFIRMATION_PATH,
  identityConfirmationRequestSchema,
  type CardTerminalCertificateRequest,
  type IdentityConfirmationRequest,
} from './card-terminals.js';
export { identityChanged, type IdentityChangedBody } from './identity-changed.js';
export { nodePing } from './node-ping.js';
export { nodeRelay } from './node-relay.js';
export {
  moveOutPersonSchema,
  SPECIAL_MOVE_OUT_INFO_PATH,
  moveInNotice,
  specialMoveOutInfoRequestSchema,
  moveOutCertificateInfoSchema,
  type MoveOutPerson,
  type MoveInNoticeBody,
  type MoveOutCertificateInfo,
  type SpecialMoveOutInfoRequest,
} from './special-move.js';

/** All defined message types, for `createMessageRegistry(ALL_MESSAGES)`. */
export const ALL_MESSAGES: readonly MessageDefinition[] = [
  nodePing,
  nodeRelay,
  identityChanged,
  cardStatusChanged,
  cardTransferred,
  moveInNotice,
];
