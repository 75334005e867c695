// A node's own provisions about a person's codes, as a disclosure tells them (docs/self-disclosure.md, "What the
// answer contains"): from the provision log this node keeps, each with the agency's name as registered here and the
// affair's name and legal basis from the registry version the provision was made under, and only the person's own
// codes (never the others a four-item search answered). Also the network route that answers them to another window.

import type { Kysely, Transaction } from 'kysely';
import { findAffair, type NodeId, type ResidentCode } from '../../../domain/index.js';
import { byRoles, type NetworkRoute } from '../../../net/index.js';
import {
  DISCLOSURE_PROVISIONS_PATH,
  disclosureProvisionsRequestSchema,
  type DisclosedProvision,
  type DisclosureProvisionsAnswer,
} from '../../../protocol/index.js';
import type { Clock } from '../../../shared/clock.js';
import type { Database, Store } from '../../../store/index.js';
import { heldAffairRegistries } from '../provision/index.js';
import { parseBody } from '../terminal-api/index.js';
import { recordPeerDisclosure } from './disclosure-record.js';

type Db = Kysely<Database> | Transaction<Database>;

/** This node's provisions about `residentCodes`, oldest first, each with which of those codes it carried. */
export async function listDisclosedProvisions(
  db: Db,
  request: { readonly node: NodeId; readonly residentCodes: readonly ResidentCode[] },
): Promise<DisclosedProvision[]> {
  const codes = [...new Set(request.residentCodes)];
  if (codes.length === 0) return [];
  const rows = await db
    .selectFrom('provision_log as p')
    .innerJoin('provision_log_code as c', 'c.provision_id', 'p.id')
    .select([
      'p.id',
      'p.at',
      'p.agency',
      'p.affair',
      'p.registry_version',
      'p.method',
      'p.query',
      'p.as_of',
      'c.resident_code',
    ])
    .where('c.resident_code', 'in', codes)
    .orderBy('p.at')
    .orderBy('p.id')
    .orderBy('c.resident_code')
    .execute();
  if (rows.length === 0) return [];
  const registries = new Map(
    (await heldAffairRegistries(db)).map((held) => [held.registry.version, held.registry] as const),
  );
  const agencyNames = new Map(
    (
      await db
        .selectFrom('agency')
        .select(['id', 'name'])
        .where('id', 'in', [...new Set(rows.map((row) => row.agency))])
        .execute()
    ).map((agency) => [agency.id, agency.name] as const),
  );
  const provisions = new Map<string, DisclosedProvision>();
  for (const row of rows) {
    const held = provisions.get(row.id);
    if (held !== undefined) {
      provisions.set(row.id, {
        ...held,
        residentCodes: [...held.residentCodes, row.resident_code as ResidentCode],
      });
      continue;
    }
    const version = Number(row.registry_version);
    const registry = registries.get(version);
    const affair = registry === undefined ? undefined : findAffair(registry, row.affair);
    provisions.set(row.id, {
      id: row.id,
      provider: request.node,
      at: row.at,
      // An agency withdrawn since is still named by its id: the provision happened.
      agency: { id: row.agency, name: agencyNames.get(row.agency) ?? row.agency },
      affair: {
        id: row.affair,
        name: affair?.name ?? null,
        law: affair?.legalBasis.law ?? null,
        article: affair?.legalBasis.article ?? null,
      },
      registryVersion: version,
      method: row.method === 'batch' ? 'batch' : 'online',
      query: row.query === 'four-items' ? 'four-items' : 'code',
      asOf: row.as_of,
      residentCodes: [row.resident_code as ResidentCode],
    });
  }
  return [...provisions.values()];
}

/**
 * The route answering this node's provisions about a person's codes to the self-disclosure window of the national
 * server or a prefecture (docs/protocol/disclosure.md). The answer is recorded (`disclosure_log`, kind `peer`)
 * before it leaves.
 */
export function disclosureProvisionsRoute(options: {
  readonly nodeId: NodeId;
  readonly store: Store;
  readonly clock: Clock;
}): NetworkRoute {
  return {
    method: 'POST',
    path: DISCLOSURE_PROVISIONS_PATH,
    allow: byRoles('national', 'prefecture'),
    async handler({ peer, body }) {
      const request = parseBody(disclosureProvisionsRequestSchema, body);
      const residentCodes = request.residentCodes as ResidentCode[];
      const provisions = await options.store.transaction(async (trx) => {
        const found = await listDisclosedProvisions(trx, { node: options.nodeId, residentCodes });
        await recordPeerDisclosure(trx, {
          disclosureId: request.disclosureId,
          requestedBy: peer.nodeId,
          residentCodes,
          provisionIds: found.map((provision) => provision.id),
          at: options.clock.now(),
        });
        return found;
      });
      const answer: DisclosureProvisionsAnswer = { node: options.nodeId, provisions };
      return { body: answer };
    },
  };
}
