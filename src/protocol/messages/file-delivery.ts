// File delivery (ファイルデリバリ, DESIGN.md §3): the national server lists the signed files it delivers, a node fetches
// a version it does not hold, verifies and applies it, and reports the outcome (docs/protocol/file-delivery.md). The
// one delivered file for now is the affair registry (別表), which prefectural servers need to provide.

import { z } from 'zod';

/** The files the national server delivers, with their versions (`GET`). */
export const FILES_PATH = '/v1/files';
/** One delivered file version (`GET /v1/files/:file/:version`): the signed file exactly as published. */
export const FILE_VERSION_PATH = '/v1/files/:file/:version';
/** A node's report on a delivered file version it fetched (`POST`). */
export const FILE_REPORTS_PATH = '/v1/files/reports';

/** The files delivered by name. */
export const DeliveredFile = { affairRegistry: 'affair-registry' } as const;
export type DeliveredFile = (typeof DeliveredFile)[keyof typeof DeliveredFile];

const fileNameSchema = z.enum([DeliveredFile.affairRegistry]);

/** The path of one version of a delivered file. */
export function fileVersionPath(file: DeliveredFile, version: number): string {
  return `/v1/files/${file}/${version}`;
}

export const deliveredFilesAnswerSchema = z.strictObject({
  files: z.array(
    z.strictObject({
      file: fileNameSchema,
      version: z.number().int().positive(),
      /** The first day (Japan) the version takes effect. */
      effectiveDate: z.iso.date(),
      /** SHA-256 of the signed file's canonical JSON, lowercase hex. */
      digest: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});
export type DeliveredFilesAnswer = z.output<typeof deliveredFilesAnswerSchema>;

export const fileReportSchema = z.strictObject({
  file: fileNameSchema,
  version: z.number().int().positive(),
  outcome: z.enum(['applied', 'refused']),
  /** Why the file was refused: an error code and its message. */
  detail: z.string().max(2000).optional(),
});
export type FileReport = z.output<typeof fileReportSchema>;
