// Online provision to agencies (住基法第30条の9, 別表): the calls an agency makes to the national server over mTLS to
// receive identity information by resident code or by the four items, always citing an affair of the registry
// (docs/protocol/agency-provision.md). Strict schemas: an unknown field is refused.

import { z } from 'zod';
import { isIsoDate } from '../../domain/civil-date.js';
import { ChangeReason, Sex } from '../../domain/identity-info.js';
import { isResidentCode } from '../../domain/resident-code.js';

/** The affairs the calling agency may cite (`GET`). */
export const AGENCY_AFFAIRS_PATH = '/v1/agency/affairs';
/** Identity information by resident code (`POST`, so that the code never appears in a URL or an access log). */
export const AGENCY_IDENTITY_BY_CODE_PATH = '/v1/agency/identity/by-code';
/** Identity information by the four items (`POST`). */
export const AGENCY_IDENTITY_SEARCH_PATH = '/v1/agency/identity/search';
/** The OpenAPI 3.1 document of the agency API (`GET`). */
export const AGENCY_OPENAPI_PATH = '/v1/agency/openapi.json';

const affairIdSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: 'must be an affair id of the registry' })
  .max(63)
  .describe('The id of the registry row (別表) the query is made for, e.g. "mhlw-unemployment-benefit"');
const isoDateSchema = z.iso.date().refine(isIsoDate, { error: 'must be a date YYYY-MM-DD' });
const residentCodeSchema = z
  .string()
  .regex(/^[0-9]{11}$/, { error: 'must have 11 digits' })
  .refine(isResidentCode, { error: 'must be a valid resident code' })
  .describe('住民票コード: 11 digits with the check digit');
const asOfSchema = isoDateSchema.describe(
  'Answer with the identity information in effect at the end of this date (Japan), from the history; today when left out',
);
const searchTextSchema = z.string().min(1).max(200);

/** A query by resident code. */
export const agencyByCodeRequestSchema = z.strictObject({
  affair: affairIdSchema,
  residentCode: residentCodeSchema,
  asOf: asOfSchema.optional(),
});
export type AgencyByCodeRequest = z.input<typeof agencyByCodeRequestSchema>;

/**
 * A query by the four items: birth date and sex exactly, name or kana exactly after normalisation, the address as a
 * prefix (docs/agencies.md, "Matching rules").
 */
export const agencySearchRequestSchema = z.strictObject({
  affair: affairIdSchema,
  name: searchTextSchema.optional().describe('氏名, compared whole after normalisation'),
  nameKana: searchTextSchema.optional().describe('The reading (katakana or hiragana), compared whole'),
  birthDate: isoDateSchema.describe('出生の年月日, exactly'),
  sex: z.enum(Sex).describe('男女の別'),
  address: searchTextSchema.optional().describe('住所, or its beginning (prefix match)'),
  asOf: asOfSchema.optional(),
});
export type AgencySearchRequest = z.input<typeof agencySearchRequestSchema>;

/** One person's identity information as provided: 本人確認情報 and nothing else (no 通称, no internal codes). */
export const providedIdentitySchema = z.strictObject({
  residentCode: residentCodeSchema,
  name: z.string(),
  nameKana: z.string().optional(),
  birthDate: isoDateSchema,
  sex: z.enum(Sex),
  address: z.string(),
  change: z
    .strictObject({ reason: z.enum(ChangeReason), date: isoDateSchema })
    .describe('変更情報: the latest change (異動事由, 異動年月日) at the date answered for'),
  status: z
    .enum(['registered', 'closed'])
    .describe('closed: the record was taken off the register by that change (転出, 死亡, …)'),
});
export type ProvidedIdentity = z.output<typeof providedIdentitySchema>;

/** The answer to either query: the provision's id in the national log, and the records provided. */
export const agencyProvisionAnswerSchema = z.strictObject({
  provisionId: z.string().describe('The id of the provision in the national provision log'),
  affair: affairIdSchema,
  asOf: isoDateSchema.nullable().describe('The date answered for; null for the current information'),
  count: z.number().int().min(0).describe('How many records were provided (the length of results)'),
  truncated: z
    .boolean()
    .describe('True when more records matched than the cap (10): narrow the criteria, nothing more is sent'),
  results: z.array(providedIdentitySchema),
});
export type AgencyProvisionAnswer = z.output<typeof agencyProvisionAnswerSchema>;

/** The affairs the calling agency may cite under the registry in force. */
export const agencyAffairsAnswerSchema = z.strictObject({
  agency: z.string(),
  kind: z.string(),
  registryVersion: z.number().int(),
  affairs: z.array(
    z.strictObject({
      id: affairIdSchema,
      name: z.string(),
      law: z.string(),
      article: z.string().optional(),
    }),
  ),
});
export type AgencyAffairsAnswer = z.output<typeof agencyAffairsAnswerSchema>;
