// Self-disclosure (本人確認情報の開示, 住基法第30条の37): the calls a national or prefectural window makes over mTLS to
// tell a resident, confirmed by card and PIN, their identity information and every provision of it. One asks the
// national server who the person is across code changes and where their history lies; the other asks each node for
// its own provision log about the person's codes (docs/protocol/disclosure.md). Strict schemas.

import { z } from 'zod';
import { isIsoDate } from '../../domain/civil-date.js';
import { isNodeId } from '../../domain/node-id.js';
import { isResidentCode } from '../../domain/resident-code.js';

/** Who the card holder is (`POST`, national server only): identity, every code they held, their prefectures. */
export const DISCLOSURE_SUBJECT_PATH = '/v1/disclosure/subject';
/** The answering node's own provisions about the given codes (`POST`, national and prefectural servers). */
export const DISCLOSURE_PROVISIONS_PATH = '/v1/disclosure/provisions';

/** The most codes one disclosure asks about: the current code and the former ones (a code change is rare). */
export const DISCLOSURE_MAX_CODES = 32;

const residentCodeSchema = z
  .string()
  .regex(/^[0-9]{11}$/, { error: 'must have 11 digits' })
  .refine(isResidentCode, { error: 'must be a valid resident code' });
const nodeIdSchema = z.string().refine(isNodeId, { error: 'must be a node id' });
const disclosureIdSchema = z.uuid();

/** The window's request for the card holder, once the card proved itself and took the PIN. */
export const disclosureSubjectRequestSchema = z.strictObject({
  disclosureId: disclosureIdSchema,
  residentCode: residentCodeSchema,
  cardId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
});
export type DisclosureSubjectRequest = z.output<typeof disclosureSubjectRequestSchema>;

/**
 * The card holder as the national server knows them: the current version of their identity information (checked by
 * the receiver as IdentityInfo), the codes they held (the current one first, then the former ones, found through code
 * changes in the history), and the prefectural servers of the municipalities in that history.
 */
export const disclosureSubjectAnswerSchema = z.strictObject({
  identity: z.unknown(),
  residentCodes: z.array(residentCodeSchema).min(1).max(DISCLOSURE_MAX_CODES),
  prefectures: z.array(nodeIdSchema).max(47),
});
export type DisclosureSubjectAnswer = z.output<typeof disclosureSubjectAnswerSchema>;

/** A window's request for a node's own provisions about a person's codes. */
export const disclosureProvisionsRequestSchema = z.strictObject({
  disclosureId: disclosureIdSchema,
  residentCodes: z.array(residentCodeSchema).min(1).max(DISCLOSURE_MAX_CODES),
});
export type DisclosureProvisionsRequest = z.output<typeof disclosureProvisionsRequestSchema>;

/**
 * One provision as disclosed: who received it (the agency's id and name as registered where it was logged), for
 * which affair (id, name and legal basis from the registry version logged), how, when, and which of the person's
 * codes it carried. Never the other people a four-item search answered, nor their number.
 */
export const disclosedProvisionSchema = z.strictObject({
  id: z.string().min(1),
  /** The node that provided and logged it: `national` or `pref-NN`. */
  provider: nodeIdSchema,
  at: z.iso.datetime(),
  agency: z.strictObject({ id: z.string().min(1), name: z.string().min(1) }),
  affair: z.strictObject({
    id: z.string().min(1),
    /** Null when the node no longer holds the registry version logged (not expected: versions are kept). */
    name: z.string().nullable(),
    law: z.string().nullable(),
    article: z.string().nullable(),
  }),
  registryVersion: z.number().int().positive(),
  method: z.enum(['online', 'batch']),
  query: z.enum(['code', 'four-items']),
  asOf: z.string().refine(isIsoDate).nullable(),
  residentCodes: z.array(residentCodeSchema).min(1),
});
export type DisclosedProvision = z.output<typeof disclosedProvisionSchema>;

/** A node's answer: its id and its provisions about the codes, oldest first. */
export const disclosureProvisionsAnswerSchema = z.strictObject({
  node: nodeIdSchema,
  provisions: z.array(disclosedProvisionSchema),
});
export type DisclosureProvisionsAnswer = z.output<typeof disclosureProvisionsAnswerSchema>;
