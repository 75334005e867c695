// Test helper for delivery tests: a table, created by the test in a node's own database, that records every message
// the inbox applies, with an autoincrement number giving the order in which they were applied.

import { sql, type Generated, type Transaction } from 'kysely';
import type { Envelope } from '../../protocol/index.js';
import type { Database, Store } from '../../store/index.js';
import type { ApplyMessage } from '../inbox.js';

/** One applied message: `n` counts applications in order, so sorting by `n` gives the apply order. */
export interface AppliedRow {
  readonly n: number;
  readonly from_node: string;
  readonly id: string;
  readonly seq: number;
  readonly type: string;
}

type AppliedLogTables = {
  test_applied: { n: Generated<number>; from_node: string; id: string; seq: number; type: string };
};

/** Creates `test_applied` (if missing) with an engine-appropriate autoincrement key. */
export async function createAppliedLog(store: Store): Promise<void> {
  const key =
    store.engine === 'sqlite'
      ? sql`n integer primary key autoincrement`
      : sql`n integer generated always as identity primary key`;
  await sql`create table if not exists test_applied (${key}, from_node text not null, id text not null, seq integer not null, type text not null)`.execute(
    store.db,
  );
}

/** An `apply` that records the message in `test_applied`, inside the inbox's transaction. */
export function recordingApply(options?: {
  refuse?: (envelope: Envelope) => Error | undefined;
}): ApplyMessage {
  return async (trx: Transaction<Database>, envelope: Envelope) => {
    const refusal = options?.refuse?.(envelope);
    if (refusal !== undefined) throw refusal;
    await trx
      .withTables<AppliedLogTables>()
      .insertInto('test_applied')
      .values({ from_node: envelope.from, id: envelope.id, seq: envelope.seq, type: envelope.type })
      .execute();
  };
}

/** Every applied row, in apply order. */
export async function readAppliedLog(store: Store): Promise<AppliedRow[]> {
  const rows = await store.db
    .withTables<AppliedLogTables>()
    .selectFrom('test_applied')
    .selectAll()
    .orderBy('n')
    .execute();
  return rows.map((row) => ({ ...row, n: Number(row.n), seq: Number(row.seq) }));
}
