// The JSON message API of the linkage (docs/linkage.md "The JSON message API"): an existing register product posts
// version-1 linkage messages and gets one result per message. Fastify-free: the terminal port mounts it.

import { z } from 'zod';
import { describeIssues } from '../../protocol/index.js';
import { JukinetError } from '../../shared/errors.js';
import {
  importLinkageMessages,
  LinkageSource,
  linkageResultSchema,
  type LinkageContext,
  type LinkageReport,
} from './linkage-import.js';

/** The most messages one request may carry. */
export const LINKAGE_BATCH_MAX = 1000;

/**
 * The request: `{ messages: [...] }`, 1 to LINKAGE_BATCH_MAX linkage messages. Each message is checked on its own
 * (registerChangeSchema), so that one bad message is refused alone and the others are applied.
 */
export const linkageRequestSchema = z.strictObject({
  messages: z.array(z.unknown()).min(1).max(LINKAGE_BATCH_MAX),
});
export type LinkageRequest = z.infer<typeof linkageRequestSchema>;

/** The response: one result per message, in the order of the request, and how many of each. */
export const linkageResponseSchema = z.strictObject({
  results: z.array(linkageResultSchema),
  applied: z.number().int().min(0),
  duplicate: z.number().int().min(0),
  refused: z.number().int().min(0),
});
export type LinkageResponse = LinkageReport;

/**
 * Handles one request of the JSON message API: checks its shape (JUKI_ERR_LINKAGE_REQUEST_INVALID when it is not
 * `{ messages: [...] }` with 1 to 1,000 messages), then applies the messages in order, each in its own transaction and
 * once per action id, as the CSV import does. A duplicate is answered as such, so a product can resend a batch
 * after a lost answer. The caller authenticates the operator system and chooses the HTTP status.
 */
export async function receiveLinkageMessages(
  context: LinkageContext,
  body: unknown,
): Promise<LinkageResponse> {
  const request = linkageRequestSchema.safeParse(body);
  if (!request.success) {
    throw new JukinetError('JUKI_ERR_LINKAGE_REQUEST_INVALID', describeIssues(request.error.issues, 'body'));
  }
  return await importLinkageMessages(context, request.data.messages, { source: LinkageSource.api });
}
