// The wide-area copy (住民票の写しの広域交付, 住基法第12条の4) as two request/response calls, not outbox messages: the
// issuing municipality asks the national server which municipality holds a code, then asks that municipality's CS for
// at most the 8 items of 第12条の4 (docs/protocol/wide-area-copy.md). Strict schemas: an unknown field is refused.

import { z } from 'zod';
import { isResidentCode } from '../../domain/resident-code.js';
import { JukinetError } from '../../shared/errors.js';
import { describeIssues } from '../zod-issues.js';

/** The national server's look-up of the municipality holding a code (`GET`, municipalities only). */
export const WIDE_AREA_LOCATE_PATH = '/v1/identity/:code/municipality';

/** The address municipality's answer with the items of a copy (`POST`, municipalities only). */
export const WIDE_AREA_COPY_PATH = '/v1/wide-area/copy';

/** The most household members one request may name, and one answer may carry. */
export const WIDE_AREA_MEMBERS_MAX = 50;

const residentCodeSchema = z.string().refine(isResidentCode, { error: 'must be a valid resident code' });
const lgCodeSchema = z.string().regex(/^[0-9]{6}$/, { error: 'must be a 6-digit local government code' });
const isoDateSchema = z.iso.date();
const textSchema = z.string().trim().min(1).max(200);

/** The national server's answer: the LG code of the municipality whose register holds the code, nothing else. */
export const wideAreaLocateAnswerSchema = z.strictObject({ lgCode: lgCodeSchema });
export type WideAreaLocateAnswer = z.output<typeof wideAreaLocateAnswerSchema>;

/**
 * The request to the address municipality. `household`: false for the person alone, true for every current member
 * of the person's household, or the codes of the members wanted besides the person. `requestedBy` must name the
 * caller's own municipality (its certificate decides who asks, not this field).
 */
export const wideAreaCopyRequestSchema = z.strictObject({
  residentCode: residentCodeSchema,
  household: z.union([z.boolean(), z.array(residentCodeSchema).min(1).max(WIDE_AREA_MEMBERS_MAX)]),
  requestedBy: z.strictObject({ lgCode: lgCodeSchema }),
});
export type WideAreaCopyRequest = z.output<typeof wideAreaCopyRequestSchema>;

/**
 * One person's items: 氏名, 出生の年月日, 男女の別, 世帯主との続柄, 住民となった年月日, 住所を定めた旨の届出の年月日
 * and 従前の住所, 住民票コード; 住所 and the head's name are the household's. Nothing else has a field here.
 */
export const wideAreaMemberSchema = z.strictObject({
  residentCode: residentCodeSchema,
  name: textSchema,
  birthDate: isoDateSchema,
  sex: z.enum(['male', 'female']),
  relationship: textSchema.optional(),
  residentSince: isoDateSchema,
  addressNotifiedOn: isoDateSchema,
  previousAddress: textSchema.optional(),
});
export type WideAreaMember = z.output<typeof wideAreaMemberSchema>;

/**
 * The answer: the answering municipality's id of it (for matching the two logs), the household's 住所 and 世帯主の
 * 氏名, whether the members are the whole current household, and the members in household order (the head first).
 */
export const wideAreaCopyAnswerSchema = z
  .strictObject({
    answerId: z.string().min(1).max(64),
    address: textSchema,
    householdHead: textSchema,
    wholeHousehold: z.boolean(),
    members: z.array(wideAreaMemberSchema).min(1).max(WIDE_AREA_MEMBERS_MAX),
  })
  .refine(
    (answer) => new Set(answer.members.map((member) => member.residentCode)).size === answer.members.length,
    { error: 'a member must not repeat', path: ['members'] },
  );
export type WideAreaCopyAnswer = z.output<typeof wideAreaCopyAnswerSchema>;

/** Reads a wide-area copy request, throwing JUKI_ERR_REQUEST_INVALID naming each bad or unknown field. */
export function parseWideAreaCopyRequest(body: unknown): WideAreaCopyRequest {
  const parsed = wideAreaCopyRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw new JukinetError('JUKI_ERR_REQUEST_INVALID', describeIssues(parsed.error.issues, 'body'));
  }
  return parsed.data;
}

/** Reads the address municipality's answer, throwing JUKI_ERR_WIDE_AREA_ANSWER_INVALID naming each bad field. */
export function parseWideAreaCopyAnswer(body: unknown): WideAreaCopyAnswer {
  const parsed = wideAreaCopyAnswerSchema.safeParse(body);
  if (!parsed.success) {
    throw new JukinetError('JUKI_ERR_WIDE_AREA_ANSWER_INVALID', describeIssues(parsed.error.issues, 'body'));
  }
  return parsed.data;
}

/** Reads the national server's answer to the look-up, throwing JUKI_ERR_WIDE_AREA_ANSWER_INVALID when malformed. */
export function parseWideAreaLocateAnswer(body: unknown): WideAreaLocateAnswer {
  const parsed = wideAreaLocateAnswerSchema.safeParse(body);
  if (!parsed.success) {
    throw new JukinetError('JUKI_ERR_WIDE_AREA_ANSWER_INVALID', describeIssues(parsed.error.issues, 'body'));
  }
  return parsed.data;
}
