// identity.changed: a resident's 本人確認情報 after a change, sent municipality → prefecture → national
// (住民基本台帳法第30条の6 and 第30条の7; docs/protocol/identity.changed.md).

import { z } from 'zod';
import {
  checkResidentCode,
  identityInfoSchema,
  type IdentityInfo,
  type ResidentCode,
} from '../../domain/index.js';
import { defineMessage } from '../message-types.js';

/**
 * The identity information of one resident as it stands after a change (異動), with the change's reason and date
 * inside it; for a code change (住民票コード変更), also the code it replaces. The receiver appends it to that
 * resident's history; delivery makes sure it arrives once and in order.
 */
export const identityChanged = defineMessage({
  type: 'identity.changed',
  version: 1,
  body: z
    .strictObject({
      change: identityInfoSchema,
      previousResidentCode: z
        .string()
        .refine(
          (value) => checkResidentCode(value).ok,
          'must be an 11-digit resident code with its check digit',
        )
        .optional(),
    })
    .superRefine((body, ctx) => {
      const isCodeChange = body.change.change.reason === 'code-change';
      // (zod runs this only once the fields themselves parsed)
      if (isCodeChange && body.previousResidentCode === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['previousResidentCode'],
          message: 'a code change names the old code',
        });
      }
      if (!isCodeChange && body.previousResidentCode !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['previousResidentCode'],
          message: 'only a code change names an old code',
        });
      }
      if (body.previousResidentCode === body.change.residentCode) {
        ctx.addIssue({
          code: 'custom',
          path: ['previousResidentCode'],
          message: 'must differ from the new code',
        });
      }
    }),
  description: "A resident's identity information after a change, for the prefectural and national copies",
});

/** The body of identity.changed as a sender builds it and a receiver reads it after validation. */
export interface IdentityChangedBody {
  readonly change: IdentityInfo;
  /** The code this change replaces: present exactly when `change.change.reason` is code-change. */
  readonly previousResidentCode?: ResidentCode;
}
