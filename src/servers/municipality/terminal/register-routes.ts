// The clerk's read-only register on the municipal terminal: 住民検索 (GET /api/residents) and 住民票照会
// (GET /api/residents/:id). Every route runs through the operator service's perform(), which checks the right and
// logs the operation with the resident codes it touched (docs/operators.md, "Operations").

import type { Server } from 'node:https';
import type { FastifyInstance } from 'fastify';
import { ok } from '../../../shared/result.js';
import { z } from 'zod';
import { JukinetError, quote } from '../../../shared/errors.js';
import type { TerminalRouteContext } from '../../common/node-module.js';
import { callerOf, parseBody } from '../../common/terminal-api/index.js';
import { inHouseholdOrder } from './certificate-adapter.js';
import {
  createRegisterReader,
  SEARCH_LIMIT,
  type RegisterReader,
  type ResidentRecord,
} from '../register/index.js';

/** A record as a search lists it: enough to tell people apart and open one. */
export interface ResidentSummary {
  readonly id: string;
  readonly residentCode: string;
  readonly name: string;
  readonly nameKana?: string;
  readonly birthDate: string;
  readonly sex: string;
  readonly address: string;
  readonly relationship?: string;
  readonly householdId: string;
  readonly closed: boolean;
}

/** The summary of a record for lists (search results, household members). */
export function residentSummaryOf(record: ResidentRecord): ResidentSummary {
  return {
    id: record.id,
    residentCode: record.residentCode,
    name: record.name,
    ...(record.nameKana === undefined ? {} : { nameKana: record.nameKana }),
    birthDate: record.birthDate,
    sex: record.sex,
    address: record.address,
    ...(record.relationship === undefined ? {} : { relationship: record.relationship }),
    householdId: record.householdId,
    closed: record.closed,
  };
}

const text = z.string().trim().min(1).max(200);
const searchQuery = z.strictObject({
  code: text.optional(),
  name: text.optional(),
  nameKana: text.optional(),
  birthDate: text.optional(),
  address: text.optional(),
  includeClosed: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(SEARCH_LIMIT.max).optional(),
});
type SearchQuery = z.output<typeof searchQuery>;
const residentParams = z.strictObject({ id: z.string().min(1).max(64) });

/** The one search a query asks for: by code, by name (with the birth date), or by address. */
type Criteria =
  | { readonly by: 'code'; readonly code: string }
  | { readonly by: 'name'; readonly name?: string; readonly nameKana?: string; readonly birthDate?: string }
  | { readonly by: 'address'; readonly address: string };

/**
 * The search a query names; JUKI_ERR_REGISTER_REQUEST_INVALID when it names none, more than one (a code with a
 * name), or a birth date without a name.
 */
export function searchCriteriaOf(query: SearchQuery): Criteria {
  const byName = query.name !== undefined || query.nameKana !== undefined;
  const given = [
    query.code === undefined ? undefined : 'code',
    byName ? 'name' : undefined,
    query.address === undefined ? undefined : 'address',
  ].filter((by) => by !== undefined);
  if (given.length === 0) {
    const detail =
      query.birthDate === undefined
        ? 'search: give a code, a name or an address'
        : 'search: a birth date needs a name';
    throw new JukinetError('JUKI_ERR_REGISTER_REQUEST_INVALID', detail);
  }
  if (given.length > 1) {
    throw new JukinetError(
      'JUKI_ERR_REGISTER_REQUEST_INVALID',
      `search: give one of code, name or address, not ${given.map((by) => quote(by)).join(' and ')}`,
    );
  }
  if (query.code !== undefined) {
    if (query.birthDate !== undefined) {
      throw new JukinetError('JUKI_ERR_REGISTER_REQUEST_INVALID', 'search: a birth date goes with a name');
    }
    return { by: 'code', code: query.code };
  }
  if (query.address !== undefined) {
    if (query.birthDate !== undefined) {
      throw new JukinetError('JUKI_ERR_REGISTER_REQUEST_INVALID', 'search: a birth date goes with a name');
    }
    return { by: 'address', address: query.address };
  }
  return {
    by: 'name',
    ...(query.name === undefined ? {} : { name: query.name }),
    ...(query.nameKana === undefined ? {} : { nameKana: query.nameKana }),
    ...(query.birthDate === undefined ? {} : { birthDate: query.birthDate }),
  };
}

async function search(
  reader: RegisterReader,
  criteria: Criteria,
  options: { includeClosed: boolean; limit?: number },
): Promise<ResidentRecord[]> {
  const searchOptions = {
    includeClosed: options.includeClosed,
    ...(options.limit === undefined ? {} : { limit: options.limit }),
  };
  switch (criteria.by) {
    case 'code': {
      const found = await reader.findByCode(criteria.code);
      return found === undefined || (found.closed && !options.includeClosed) ? [] : [found];
    }
    case 'name': {
      const { by: _by, ...name } = criteria;
      return reader.searchByName({ ...name, ...searchOptions });
    }
    case 'address':
      return reader.searchByAddress(criteria.address, searchOptions);
  }
}

/** Adds 住民検索 and 住民票照会 to the terminal. */
export function registerResidentRoutes(app: FastifyInstance<Server>, context: TerminalRouteContext): void {
  app.get('/api/residents', async (request) => {
    const query = parseBody(searchQuery, request.query);
    return context
      .operators()
      .service.perform(
        callerOf(request),
        { fn: 'resident-search', access: 'read' },
        async ({ trx, touch }) => {
          const criteria = searchCriteriaOf(query);
          const records = await search(createRegisterReader(trx), criteria, {
            includeClosed: query.includeClosed === 'true',
            ...(query.limit === undefined ? {} : { limit: query.limit }),
          });
          touch(...records.map((record) => record.residentCode));
          return ok({ residents: records.map(residentSummaryOf) });
        },
      );
  });

  app.get('/api/residents/:id', async (request) => {
    const { id } = parseBody(residentParams, request.params);
    return context
      .operators()
      .service.perform(
        callerOf(request),
        { fn: 'resident-view', access: 'read', records: [id] },
        async ({ trx, touch }) => {
          const reader = createRegisterReader(trx);
          const resident = await reader.getResident(id);
          if (resident === undefined) throw new JukinetError('JUKI_ERR_RESIDENT_NOT_FOUND', quote(id));
          touch(resident.residentCode);
          const household = await reader.getHousehold(resident.householdId);
          const members: ResidentRecord[] = [];
          for (const memberId of household?.memberIds ?? []) {
            const member = await reader.getResident(memberId);
            if (member !== undefined) members.push(member);
          }
          touch(...members.map((member) => member.residentCode));
          const history = await reader.residentHistory(id);
          return ok({
            resident,
            household:
              household === undefined
                ? null
                : {
                    id: household.id,
                    address: household.address,
                    headResidentId: household.headResidentId,
                    closed: household.closed,
                    members: inHouseholdOrder(members, household.headResidentId).map(residentSummaryOf),
                  },
            history,
          });
        },
      );
  });
}
