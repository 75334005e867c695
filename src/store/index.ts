// The store layer's public surface: open a store, its typed schema, migrations, and engine-neutral error checks.

export { StoreEngine, type OpenStoreOptions, type Store, type StoreLogger } from './store.js';
export { openStore, parseStoreLocation, type StoreLocation } from './open-store.js';
export { SQLITE_MEMORY } from './sqlite-store.js';
export {
  fromIsoTimestamp,
  toIsoTimestamp,
  type CardApplicationTable,
  type CardEventTable,
  type CardStatusTable,
  type CodeBlockTable,
  type CodeHoldingTable,
  type CodePoolTable,
  type Database,
  type IdentityCurrentTable,
  type IdentityVersionTable,
  type InboxChannelTable,
  type InboxPendingTable,
  type InboxTable,
  type IsoTimestamp,
  type MetaTable,
  type NotificationTable,
  type OperationLogTable,
  type OperatorChallengeTable,
  type OperatorCredentialTable,
  type OperatorSessionTable,
  type OperatorTable,
  type OutboxChannelTable,
  type OutboxTable,
  type RelaySeenTable,
  type SecurityEventTable,
} from './schema.js';
export { MIGRATIONS, migrateToLatest, type MigrationOutcome } from './migrations/migrate.js';
export { isUniqueViolation } from './unique-violation.js';
export { withSavepoint } from './savepoint.js';
