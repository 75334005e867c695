// The record of every self-disclosure (disclosure_log, migration 0015): one row for a disclosure made at this node's
// window, one for this node's part of a disclosure made at another node's window. Written in the transaction of the
// disclosure, before its answer leaves.

import type { Transaction } from 'kysely';
import type { NodeId, ResidentCode } from '../../../domain/index.js';
import { newUuidV7 } from '../../../shared/ids.js';
import type { Database } from '../../../store/index.js';

/** How a node asked for its part of a disclosure answered. */
export interface DisclosureSource {
  readonly node: NodeId;
  /** `answered`, or `unavailable` when the node did not answer (the disclosure is then incomplete). */
  readonly state: 'answered' | 'unavailable';
  /** The provisions it told; 0 when unavailable. */
  readonly count: number;
  /** Why it did not answer: the error code. */
  readonly error?: string;
}

/** Records a disclosure made at this node's window. */
export async function recordWindowDisclosure(
  trx: Transaction<Database>,
  entry: {
    readonly id: string;
    readonly operator: string;
    readonly cardId: string;
    readonly residentCodes: readonly ResidentCode[];
    /** `<node>:<provision id>`. */
    readonly provisionIds: readonly string[];
    readonly sources: readonly DisclosureSource[];
    readonly at: Date;
  },
): Promise<void> {
  await trx
    .insertInto('disclosure_log')
    .values({
      id: entry.id,
      at: entry.at.toISOString(),
      kind: 'window',
      disclosure_id: entry.id,
      requested_by: entry.operator,
      card_id: entry.cardId,
      resident_codes: JSON.stringify(entry.residentCodes),
      provision_ids: JSON.stringify(entry.provisionIds),
      sources: JSON.stringify(entry.sources),
      complete: entry.sources.every((source) => source.state === 'answered') ? 1 : 0,
    })
    .execute();
}

/** Records this node's part of a disclosure made at `requestedBy`'s window. */
export async function recordPeerDisclosure(
  trx: Transaction<Database>,
  entry: {
    readonly disclosureId: string;
    readonly requestedBy: string;
    readonly residentCodes: readonly ResidentCode[];
    readonly provisionIds: readonly string[];
    readonly at: Date;
  },
): Promise<void> {
  await trx
    .insertInto('disclosure_log')
    .values({
      id: newUuidV7(entry.at.getTime()),
      at: entry.at.toISOString(),
      kind: 'peer',
      disclosure_id: entry.disclosureId,
      requested_by: entry.requestedBy,
      card_id: null,
      resident_codes: JSON.stringify(entry.residentCodes),
      provision_ids: JSON.stringify(entry.provisionIds),
      sources: '[]',
      complete: 1,
    })
    .execute();
}
