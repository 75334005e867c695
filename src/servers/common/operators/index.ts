// Operators of the terminal (操作者): passwords and security keys, the two-step login, sessions that end after
// inactivity, the administrator's functions, and the hash-chained operation log (操作履歴) (docs/operators.md).

export {
  DEFAULT_CHALLENGE_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_FAILED_LOGINS,
  operatorSettingsOf,
  operatorsConfigSchema,
  resolveOperatorSettings,
  type OperatorSettings,
  type OperatorsConfigInput,
} from './operator-config.js';
export {
  GENESIS_HASH,
  OperationOutcome,
  SessionFunction,
  outcomeOfError,
  readOperationRecords,
  recordOperation,
  verifyOperationLog,
  type OperationEntry,
  type OperationFunction,
  type OperationLogDefect,
  type OperationLogHead,
  type OperationRecord,
} from './operation-log.js';
export type { Operator, OperatorCredential } from './operator-records.js';
export {
  SETUP_TERMINAL,
  createOperatorService,
  type LoginSession,
  type OperationRequest,
  type OperationResult,
  type OperationScope,
  type OperationTransaction,
  type OperatorEnrolment,
  type OperatorService,
  type PendingEnrolment,
  type PendingLogin,
} from './operator-service.js';
export {
  DEFAULT_PASSWORD_HASHING,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PasswordPolicyViolation,
  checkPasswordPolicy,
  hashPassword,
  verifyPassword,
  type PasswordHashing,
} from './passwords.js';
export { SessionEndReason, type ActiveSession, type Caller } from './sessions.js';
export { ChallengePurpose } from './webauthn.js';
