// Savepoints inside a transaction the caller holds, the same on SQLite and PostgreSQL: a part of the work that can be
// undone alone (one message of a batch) or is always undone (a dry run), while the transaction goes on.

import { sql, type Transaction } from 'kysely';
import type { Database } from './schema.js';

let counter = 0;

/**
 * Runs `fn` inside a savepoint of `trx`. With `keep: true` (the default) what `fn` wrote stays in the transaction when
 * it resolves and is undone when it throws; with `keep: false` it is undone either way (a dry run). The transaction
 * itself goes on in both cases, also on PostgreSQL after a failed statement. Savepoints nest.
 */
export async function withSavepoint<T>(
  trx: Transaction<Database>,
  fn: () => Promise<T>,
  options: { readonly keep?: boolean } = {},
): Promise<T> {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  const name = sql.id(`jukinet_sp_${counter}`);
  await sql`savepoint ${name}`.execute(trx);
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    await sql`rollback to savepoint ${name}`.execute(trx);
    await sql`release savepoint ${name}`.execute(trx);
    throw error;
  }
  if (options.keep === false) await sql`rollback to savepoint ${name}`.execute(trx);
  await sql`release savepoint ${name}`.execute(trx);
  return result;
}
