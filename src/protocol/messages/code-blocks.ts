// POST /v1/code-blocks: a request/response call (not an outbox message) by which a prefecture asks the national server,
// and a municipality its prefecture, for a block of resident codes (住基法第30条の2, 第30条の3; docs/protocol/code-blocks.md).

import { z } from 'zod';
import { isResidentCode } from '../../domain/resident-code.js';
import { JukinetError } from '../../shared/errors.js';
import { describeIssues } from '../zod-issues.js';

/** The path of the call on the national and prefectural network ports. */
export const CODE_BLOCKS_PATH = '/v1/code-blocks';

/** The largest block one request may ask for; larger asks are refused with JUKI_ERR_CODE_BLOCK_SIZE. */
export const CODE_BLOCK_MAX_SIZE = 10_000;

/**
 * The request: a request id the asker chooses once and reuses on every retry (the grant is idempotent by
 * (asker, requestId)), and the number of codes. The size range is checked by the granter (JUKI_ERR_CODE_BLOCK_SIZE).
 */
export const codeBlockRequestSchema = z.strictObject({
  requestId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, {
    error: 'must be 1-100 letters, digits, dots, dashes or underscores',
  }),
  size: z.number().int({ error: 'must be an integer' }),
});
export type CodeBlockRequest = z.infer<typeof codeBlockRequestSchema>;

const residentCodeSchema = z.string().refine(isResidentCode, { error: 'must be a valid resident code' });

/** The answer: the block's id (the granter's) and its codes, each valid and none twice. */
export const codeBlockResponseSchema = z
  .strictObject({
    blockId: z.string().min(1).max(100),
    codes: z.array(residentCodeSchema).min(1).max(CODE_BLOCK_MAX_SIZE),
  })
  .refine((block) => new Set(block.codes).size === block.codes.length, {
    error: 'codes must not repeat',
    path: ['codes'],
  });
export type CodeBlockResponse = z.infer<typeof codeBlockResponseSchema>;

/** Reads a code block request body, throwing JUKI_ERR_REQUEST_INVALID naming each bad field. */
export function parseCodeBlockRequest(body: unknown): CodeBlockRequest {
  const parsed = codeBlockRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw new JukinetError('JUKI_ERR_REQUEST_INVALID', describeIssues(parsed.error.issues, 'body'));
  }
  return parsed.data;
}

/**
 * Reads a granter's answer, throwing JUKI_ERR_CODE_BLOCK_INVALID naming each bad field; with `size`, the block must
 * hold exactly that many codes.
 */
export function parseCodeBlockResponse(body: unknown, options: { size?: number } = {}): CodeBlockResponse {
  const parsed = codeBlockResponseSchema.safeParse(body);
  if (!parsed.success) {
    throw new JukinetError('JUKI_ERR_CODE_BLOCK_INVALID', describeIssues(parsed.error.issues, 'body'));
  }
  if (options.size !== undefined && parsed.data.codes.length !== options.size) {
    throw new JukinetError(
      'JUKI_ERR_CODE_BLOCK_INVALID',
      `asked for ${options.size} codes, got ${parsed.data.codes.length}`,
    );
  }
  return parsed.data;
}
