// Batch provision to agencies (媒体による提供, 住基法第30条の9): the calls an agency makes to the national server to upload
// a sealed file of queries, follow its processing and download the sealed result (docs/protocol/agency-batch.md).
// Binary parts travel as base64 inside JSON, as every call on the network port is JSON. Strict schemas.

import { z } from 'zod';

/** Creates a batch (`POST`): the affair it cites and the agency's certificate. */
export const AGENCY_BATCHES_PATH = '/v1/agency/batches';
/** A batch's status and progress (`GET`). */
export const AGENCY_BATCH_PATH = '/v1/agency/batches/:id';
/** One piece of the sealed input (`POST`), numbered from 0. */
export const AGENCY_BATCH_INPUT_PATH = '/v1/agency/batches/:id/input/:part';
/** Ends the upload (`POST`): the size, piece count and digest of the sealed file; the server checks it and queues the batch. */
export const AGENCY_BATCH_SUBMIT_PATH = '/v1/agency/batches/:id/submit';
/** One sealed result part (`GET`), numbered from 0. */
export const AGENCY_BATCH_RESULT_PATH = '/v1/agency/batches/:id/result/:part';

/** The most bytes of one uploaded piece (before base64), under the network port's body limit. */
export const MAX_BATCH_INPUT_PART_BYTES = 4 * 1024 * 1024;
/** The most bytes of a sealed query file. */
export const MAX_BATCH_INPUT_BYTES = 512 * 1024 * 1024;
/** The most pieces a sealed query file is uploaded in. */
export const MAX_BATCH_INPUT_PARTS = Math.ceil(MAX_BATCH_INPUT_BYTES / MAX_BATCH_INPUT_PART_BYTES);

/** A path with its `:id` (and `:part`) filled in. */
export function agencyBatchPath(path: string, id: string, part?: number): string {
  return path
    .replace(':id', encodeURIComponent(id))
    .replace(':part', part === undefined ? ':part' : String(part));
}

/** What a batch is doing: being uploaded, waiting, being processed, done, or failed (with the error). */
export const BatchStatus = {
  uploading: 'uploading',
  queued: 'queued',
  processing: 'processing',
  done: 'done',
  failed: 'failed',
} as const;
export type BatchStatus = (typeof BatchStatus)[keyof typeof BatchStatus];

const base64Schema = z
  .string()
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'must be base64' })
  .refine((text) => text.length % 4 === 0, { error: 'must be base64 (length a multiple of 4)' });
const affairIdSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: 'must be an affair id of the registry' })
  .max(63);

/** Creates a batch. */
export const agencyBatchCreateRequestSchema = z.strictObject({
  affair: affairIdSchema.describe('The affair of the registry (別表) every line of the file is queried for'),
  agencyCertificatePem: z
    .string()
    .min(1)
    .max(16_384)
    .describe('The certificate this connection presents: it signs the input, and the result is sealed to it'),
});
export type AgencyBatchCreateRequest = z.input<typeof agencyBatchCreateRequestSchema>;

/** One piece of the sealed input. */
export const agencyBatchInputPartSchema = z.strictObject({
  data: base64Schema.describe('The bytes of this piece, base64'),
});
export type AgencyBatchInputPart = z.input<typeof agencyBatchInputPartSchema>;

/** Ends the upload. */
export const agencyBatchSubmitRequestSchema = z.strictObject({
  inputBytes: z.number().int().min(1).max(MAX_BATCH_INPUT_BYTES).describe('The size of the sealed file'),
  inputParts: z
    .number()
    .int()
    .min(1)
    .max(MAX_BATCH_INPUT_PARTS)
    .describe('How many pieces it was uploaded in, numbered from 0'),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, { error: 'must be 64 lowercase hex digits' })
    .describe('SHA-256 of the sealed file'),
});
export type AgencyBatchSubmitRequest = z.input<typeof agencyBatchSubmitRequestSchema>;

/** A batch as the agency sees it. */
export const agencyBatchStatusSchema = z.strictObject({
  id: z.string(),
  affair: affairIdSchema,
  status: z.enum(BatchStatus),
  totalLines: z.number().int().min(0).nullable().describe('Query lines in the file; null while uploading'),
  processedLines: z.number().int().min(0),
  counts: z.strictObject({
    found: z.number().int().min(0),
    notFound: z.number().int().min(0),
    invalid: z.number().int().min(0),
    tooMany: z.number().int().min(0),
  }),
  resultParts: z.number().int().min(0).describe('Sealed result parts ready to download, in order'),
  error: z
    .strictObject({ code: z.string(), message: z.string() })
    .nullable()
    .describe('Why the batch failed; null otherwise'),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().nullable(),
});
export type AgencyBatchStatus = z.output<typeof agencyBatchStatusSchema>;

/** One sealed result part. */
export const agencyBatchResultPartSchema = z.strictObject({
  part: z.number().int().min(0),
  lines: z.number().int().min(0).describe('How many query lines this part answers'),
  data: base64Schema.describe('The sealed file of this part, base64'),
});
export type AgencyBatchResultPart = z.output<typeof agencyBatchResultPartSchema>;

/** The label an input file is sealed under: it cannot be passed off as another batch's. */
export function batchInputLabel(id: string): string {
  return `provision-batch:${id}:input`;
}

/** The label result part `part` is sealed under. */
export function batchResultLabel(id: string, part: number): string {
  return `provision-batch:${id}:result:${part}`;
}
