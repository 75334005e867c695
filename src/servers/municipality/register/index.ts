// The municipal register (既存住基) module: records, actions, households and the requests a clerk files.

export {
  createRegister,
  type HouseholdView,
  type LinkageSink,
  type Register,
  type RegisterOptions,
} from './register.js';
export type { Household } from './register-store.js';
export {
  requestSchemas,
  type BirthRequest,
  type CodeChangeRequest,
  type DeathRequest,
  type EntryFromAbroadRequest,
  type FilingOptions,
  type HouseholdChoice,
  type MoveInRequest,
  type MoveOutRequest,
  type MoveWithinRequest,
  type NameChangeRequest,
  type OfficialEntryRequest,
  type PersonRequest,
} from './requests.js';
export {
  applyAction,
  changeReasonOf,
  deriveResidentRecord,
  type ActionPayload,
  type OpeningPayload,
  type PersonItems,
  type ResidentAction,
  type ResidentRecord,
} from './resident-record.js';
