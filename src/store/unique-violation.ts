// Recognises a unique or primary-key violation from either engine, so that callers can treat "already there" as an
// outcome (a duplicate message is a no-op) without knowing which engine they run on.

const SQLITE_UNIQUE_CODES: ReadonlySet<string> = new Set([
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
]);
/** PostgreSQL's SQLSTATE unique_violation (primary keys report it too). */
const PG_UNIQUE_VIOLATION = '23505';

/** True when `error` is a unique or primary-key constraint violation from SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (SQLITE_UNIQUE_CODES.has(code) || code === PG_UNIQUE_VIOLATION);
}
