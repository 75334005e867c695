// The export of our register as linkage messages (docs/linkage.md "Export"): every message the register sent, rebuilt
// from its stored actions, so that another register product, or a fresh CS, can be seeded from ours.

import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../store/index.js';
import { formatLinkageCsv } from './linkage-csv.js';
import type { RegisterChange } from './linkage.js';
import {
  applyAction,
  linkageMessageOf,
  type ActionPayload,
  type ResidentAction,
  type ResidentRecord,
} from './register/index.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The linkage messages the register emitted, for every record (open and 除票), in the order they were recorded: by
 * `action.recordedAt`, and within one millisecond the 除票 first, then by the record's opening (then its id) and the
 * action's number (the store keeps no finer order).
 * Each is rebuilt by folding the record's actions exactly as the register did when it sent it; actions that send
 * nothing (household changes, corrections of other items) are left out. Holds the whole register in memory: fine for
 * a municipality's register; a very large one would want a streamed form.
 */
export async function exportLinkageMessages(db: Db): Promise<RegisterChange[]> {
  const rows = await db
    .selectFrom('resident_action')
    .innerJoin('resident', 'resident.id', 'resident_action.resident_id')
    .select([
      'resident_action.id',
      'resident_action.resident_id',
      'resident_action.seq',
      'resident_action.payload',
      'resident_action.filed_on',
      'resident_action.effective_on',
      'resident_action.recorded_at',
      'resident_action.operator',
    ])
    .orderBy('resident.created_at')
    .orderBy('resident.id')
    .orderBy('resident_action.seq')
    .execute();
  const messages: RegisterChange[] = [];
  const closed = new Set<string>();
  let record: ResidentRecord | undefined;
  for (const row of rows) {
    const action: ResidentAction = {
      id: row.id,
      residentId: row.resident_id,
      seq: Number(row.seq),
      payload: JSON.parse(row.payload) as ActionPayload,
      filedOn: row.filed_on,
      effectiveOn: row.effective_on,
      recordedAt: row.recorded_at,
      operator: row.operator,
    };
    const before = record?.id === action.residentId ? record : undefined;
    record = applyAction(before, action);
    if (record.closed) closed.add(record.id);
    else closed.delete(record.id);
    const previousResidentCode =
      action.payload.kind === 'code-change' && before !== undefined ? before.residentCode : undefined;
    const message = linkageMessageOf(record, action, previousResidentCode);
    if (message !== undefined) messages.push(message);
  }
  // A stable sort: within one millisecond the 除票 come first (a code's closed records precede its open one: a person
  // who moved out and back in), then the record-then-action order of the query.
  const rank = (message: RegisterChange): number => (closed.has(message.resident.id) ? 0 : 1);
  return messages.sort((a, b) =>
    a.action.recordedAt < b.action.recordedAt
      ? -1
      : a.action.recordedAt > b.action.recordedAt
        ? 1
        : rank(a) - rank(b),
  );
}

/** The register's linkage messages (exportLinkageMessages) as a linkage CSV (linkage-csv.ts). */
export async function exportLinkageCsv(db: Db): Promise<string> {
  return formatLinkageCsv(await exportLinkageMessages(db));
}
