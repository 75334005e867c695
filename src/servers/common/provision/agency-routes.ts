// The agency API on the national server's network port (mTLS, agency certificates only): the affairs an agency may
// cite, identity information by resident code and by the four items, and the OpenAPI document that describes them
// (docs/protocol/agency-provision.md).

import type { z } from 'zod';
import { findAffair, parseResidentCode, type NodeId } from '../../../domain/index.js';
import { byRoles, type NetworkRoute } from '../../../net/index.js';
import {
  AGENCY_AFFAIRS_PATH,
  AGENCY_IDENTITY_BY_CODE_PATH,
  AGENCY_IDENTITY_SEARCH_PATH,
  AGENCY_OPENAPI_PATH,
  agencyByCodeRequestSchema,
  agencySearchRequestSchema,
  describeIssues,
  type AgencyAffairsAnswer,
  type AgencyProvisionAnswer,
} from '../../../protocol/index.js';
import type { Clock } from '../../../shared/clock.js';
import { JukinetError } from '../../../shared/errors.js';
import type { Store } from '../../../store/index.js';
import type { IdentityVersion } from '../identity-history.js';
import type { SecurityEventLog } from '../security-event-log.js';
import { agencyOpenApiDocument } from './agency-openapi.js';
import {
  ProvisionMethod,
  ProvisionQuery,
  authoriseAffair,
  checkAsOf,
  checkCriteria,
  lookUpIdentity,
  providedIdentityOf,
  recordProvision,
  registeredAgency,
  searchFourItems,
  type AuthorisedAffair,
} from './provision.js';

/** What the agency routes need from the national module. */
export interface AgencyRouteOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly securityEvents: SecurityEventLog;
}

function parseRequest<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new JukinetError('JUKI_ERR_PROVISION_REQUEST_INVALID', describeIssues(parsed.error.issues, 'body'));
  }
  return parsed.data;
}

/** The agency routes: `allow` admits agency certificates only; each query then passes the purpose check. */
export function agencyRoutes(options: AgencyRouteOptions): NetworkRoute[] {
  const { store, clock, securityEvents } = options;
  const allow = byRoles('agency');

  function authorise(agency: NodeId, affair: string, query: ProvisionQuery): Promise<AuthorisedAffair> {
    return authoriseAffair(
      store.db,
      { agency, affair, method: ProvisionMethod.online, query },
      { clock, securityEvents },
    );
  }

  async function answer(
    authorised: AuthorisedAffair,
    found: {
      query: ProvisionQuery;
      asOf: string | undefined;
      versions: readonly IdentityVersion[];
      total: number;
    },
  ): Promise<AgencyProvisionAnswer> {
    const results = found.versions.map(providedIdentityOf);
    const record = await recordProvision(
      store,
      {
        agency: authorised.agency.id,
        affair: authorised.affair,
        registryVersion: authorised.registry.version,
        method: ProvisionMethod.online,
        query: found.query,
        asOf: found.asOf ?? null,
        count: results.length,
        truncated: found.total > results.length,
        residentCodes: results.map((result) => parseResidentCode(result.residentCode)),
      },
      { clock },
    );
    return {
      provisionId: record.id,
      affair: authorised.affair,
      asOf: found.asOf ?? null,
      count: results.length,
      truncated: record.truncated,
      results,
    };
  }

  return [
    {
      method: 'GET',
      path: AGENCY_AFFAIRS_PATH,
      allow,
      async handler({ peer }) {
        const { agency, registry } = await registeredAgency(
          store.db,
          { agency: peer.nodeId, detail: { path: AGENCY_AFFAIRS_PATH } },
          { clock, securityEvents },
        );
        const body: AgencyAffairsAnswer = {
          agency: agency.id,
          kind: agency.kind,
          registryVersion: registry.version,
          affairs: agency.affairs.flatMap((id) => {
            const affair = findAffair(registry, id);
            if (affair === undefined || affair.kind !== agency.kind) return [];
            return [
              {
                id,
                name: affair.name,
                law: affair.legalBasis.law,
                ...(affair.legalBasis.article === undefined ? {} : { article: affair.legalBasis.article }),
              },
            ];
          }),
        };
        return { body };
      },
    },
    {
      method: 'POST',
      path: AGENCY_IDENTITY_BY_CODE_PATH,
      allow,
      async handler({ peer, body }) {
        const request = parseRequest(agencyByCodeRequestSchema, body);
        checkAsOf(request.asOf, clock.now());
        const authorised = await authorise(peer.nodeId, request.affair, ProvisionQuery.code);
        const version = await lookUpIdentity(store.db, parseResidentCode(request.residentCode), request.asOf);
        const versions = version === undefined ? [] : [version];
        return {
          body: await answer(authorised, {
            query: ProvisionQuery.code,
            asOf: request.asOf,
            versions,
            total: versions.length,
          }),
        };
      },
    },
    {
      method: 'POST',
      path: AGENCY_IDENTITY_SEARCH_PATH,
      allow,
      async handler({ peer, body }) {
        const { affair, asOf, ...fields } = parseRequest(agencySearchRequestSchema, body);
        const criteria = {
          birthDate: fields.birthDate,
          sex: fields.sex,
          ...(fields.name === undefined ? {} : { name: fields.name }),
          ...(fields.nameKana === undefined ? {} : { nameKana: fields.nameKana }),
          ...(fields.address === undefined ? {} : { address: fields.address }),
        };
        checkCriteria(criteria);
        checkAsOf(asOf, clock.now());
        const authorised = await authorise(peer.nodeId, affair, ProvisionQuery.fourItems);
        const found = await searchFourItems(store, criteria, asOf === undefined ? {} : { asOf });
        return {
          body: await answer(authorised, {
            query: ProvisionQuery.fourItems,
            asOf,
            versions: found.matches,
            total: found.total,
          }),
        };
      },
    },
    {
      method: 'GET',
      path: AGENCY_OPENAPI_PATH,
      allow,
      handler() {
        return { body: agencyOpenApiDocument() };
      },
    },
  ];
}
