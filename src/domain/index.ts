// The domain layer's public API: pure rules for codes, dates, the local government directory and identity
// information. Other layers import from here, never from the files behind it.

export {
  checkResidentCode,
  formatResidentCode,
  generateResidentCode,
  isResidentCode,
  parseResidentCode,
  residentCodeCheckDigit,
  ResidentCodeInvalidReason,
  type ResidentCode,
} from './resident-code.js';
export {
  checkLocalGovernmentCode,
  lgCheckDigit,
  LgCodeInvalidReason,
  parseLocalGovernmentCode,
  prefectureOf,
  type LocalGovernmentCode,
} from './local-government-code.js';
export {
  findLocalGovernmentByCode,
  listMunicipalities,
  listPrefectures,
  LocalGovernmentKind,
  localGovernmentSource,
  searchLocalGovernments,
  type LocalGovernment,
} from './local-governments.js';
export {
  isNodeId,
  nodeIdOf,
  NodeRole,
  parseNodeId,
  prefectureNodeOf,
  roleOf,
  type NodeId,
  type ParsedNodeId,
} from './node-id.js';
export {
  addDays,
  checkIsoDate,
  compareIsoDates,
  daysBetween,
  isIsoDate,
  isoDateOf,
  japanDateOf,
  parseIsoDate,
  utcMidnightOf,
} from './civil-date.js';
export {
  Era,
  eraLabel,
  eraOf,
  formatWareki,
  parseWareki,
  WAREKI_FIRST_DATE,
  type EraYear,
} from './wareki.js';
export {
  ChangeReason,
  changeReasonLabel,
  identityInfoSchema,
  isClosingReason,
  parseIdentityInfo,
  Sex,
  sexLabel,
  validateIdentityInfo,
  type IdentityInfo,
} from './identity-info.js';
export {
  ACCESS_KINDS,
  AccessKind,
  canPerform,
  checkRightsOverrides,
  defaultRights,
  effectiveRights,
  FUNCTION_ACCESS,
  isAccessKind,
  isOperatorRole,
  isTerminalFunction,
  listRights,
  NO_OVERRIDES,
  OPERATOR_ROLES,
  OperatorRole,
  operatorRoleLabel,
  RESERVED_FUNCTIONS,
  RightsOverridesInvalidReason,
  TERMINAL_FUNCTIONS,
  TerminalFunction,
  terminalFunctionLabel,
  type Right,
  type Rights,
  type RightsOverrides,
} from './operator-rights.js';
