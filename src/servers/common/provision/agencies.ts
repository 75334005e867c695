// Agencies (国の機関等) registered at the national server: each with a kind of the affair registry and the affairs of
// that kind it may cite. Registration is checked against the registry in force; the certificate is issued only after
// it (src/cli/agency.ts), so nothing outside the registry obtains one (docs/agencies.md, "Agencies").

import type { Kysely, Transaction } from 'kysely';
import {
  checkAgencyRegistration,
  describeRegistrationProblem,
  findAgencyKind,
  type AgencyCategory,
  parseNodeId,
  type NodeId,
} from '../../../domain/index.js';
import { systemClock, type Clock } from '../../../shared/clock.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import type { Database, Store } from '../../../store/index.js';
import { currentAffairRegistry } from './affair-registry-store.js';

type Db = Kysely<Database> | Transaction<Database>;

/** An agency as registered. */
export interface RegisteredAgency {
  readonly id: NodeId;
  /** The registry's kind of body. */
  readonly kind: string;
  readonly name: string;
  /** The affair ids it may cite, in registry order. */
  readonly affairs: readonly string[];
  /** The registry version the registration was checked against. */
  readonly registryVersion: number;
  readonly registeredAt: string;
  readonly updatedAt: string;
}

/**
 * Registers the agency `id` (`agency-<slug>`) as a body of `kind` for `affairs`, or replaces the affairs of one already
 * registered with the same kind. JUKI_ERR_AGENCY_REGISTRATION when the registry in force lists no such kind (there is
 * no private-sector kind), an affair is not listed for the kind, or the agency is registered with another kind.
 */
export async function registerAgency(
  store: Store,
  input: { id: string; kind: string; affairs: readonly string[]; name?: string },
  options: {
    clock?: Clock;
    /**
     * The categories of body this node provides to: a prefectural server answers only the prefecture's own organs
     * (住基法第30条の11, 第30条の12: `local-government`). Default: every category the registry has.
     */
    categories?: readonly AgencyCategory[];
  } = {},
): Promise<RegisteredAgency> {
  const parsed = parseNodeId(input.id);
  if (parsed.role !== 'agency') {
    throw new JukinetError(
      'JUKI_ERR_AGENCY_REGISTRATION',
      `${quote(input.id)} is not an agency id (agency-<slug>)`,
    );
  }
  const now = (options.clock ?? systemClock).now();
  return store.transaction(async (trx) => {
    const registry = await currentAffairRegistry(trx, now);
    const checked = checkAgencyRegistration(registry, input.kind, input.affairs);
    if (!checked.ok) {
      throw new JukinetError(
        'JUKI_ERR_AGENCY_REGISTRATION',
        `${quote(parsed.id)}: ${describeRegistrationProblem(checked.reason)}`,
      );
    }
    const category = findAgencyKind(registry, input.kind)?.category;
    if (
      options.categories !== undefined &&
      category !== undefined &&
      !options.categories.includes(category)
    ) {
      throw new JukinetError(
        'JUKI_ERR_AGENCY_REGISTRATION',
        `${quote(parsed.id)}: a ${quote(category)} body is not provided for here (only ${options.categories.join(', ')})`,
      );
    }
    const existing = await findAgency(trx, parsed.id);
    if (existing !== undefined && existing.kind !== input.kind) {
      throw new JukinetError(
        'JUKI_ERR_AGENCY_REGISTRATION',
        `${quote(parsed.id)} is registered as ${quote(existing.kind)}, not ${quote(input.kind)}`,
      );
    }
    const at = now.toISOString();
    const row = {
      kind: input.kind,
      name: input.name ?? existing?.name ?? findAgencyKind(registry, input.kind)!.name,
      affairs: JSON.stringify(checked.value),
      registry_version: registry.version,
      updated_at: at,
    };
    await trx
      .insertInto('agency')
      .values({ id: parsed.id, ...row, registered_at: at })
      .onConflict((conflict) => conflict.column('id').doUpdateSet(row))
      .execute();
    return {
      id: parsed.id,
      kind: row.kind,
      name: row.name,
      affairs: checked.value,
      registryVersion: registry.version,
      registeredAt: existing?.registeredAt ?? at,
      updatedAt: at,
    };
  });
}

/** The registered agency `id`, or undefined. */
export async function findAgency(db: Db, id: string): Promise<RegisteredAgency | undefined> {
  const row = await db.selectFrom('agency').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    id: row.id as NodeId,
    kind: row.kind,
    name: row.name,
    affairs: JSON.parse(row.affairs) as string[],
    registryVersion: Number(row.registry_version),
    registeredAt: row.registered_at,
    updatedAt: row.updated_at,
  };
}

/** Every registered agency, by id. */
export async function listAgencies(db: Db): Promise<RegisteredAgency[]> {
  const rows = await db.selectFrom('agency').select('id').orderBy('id').execute();
  const agencies: RegisteredAgency[] = [];
  for (const row of rows) {
    const agency = await findAgency(db, row.id);
    if (agency !== undefined) agencies.push(agency);
  }
  return agencies;
}
