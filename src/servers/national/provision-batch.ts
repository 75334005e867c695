// Batch provision (媒体による提供, 住基法第30条の9; docs/protocol/agency-batch.md): batches an agency uploads as sealed
// files of queries, their progress, and the background worker that answers them chunk by chunk. Each chunk's answers,
// their provision log entries and the progress commit in one transaction, so a restart resumes where the last
// committed chunk ended and no line is answered or logged twice.

import { createHash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import { openSealedFile, sealFile, type KeyStore } from '../../crypto/index.js';
import { japanDateOf, type FourItemCriteria, type NodeId, type ResidentCode } from '../../domain/index.js';
import {
  BATCH_RESULT_COLUMNS,
  BatchLineStatus,
  BatchStatus,
  MAX_BATCH_INPUT_PARTS,
  MAX_BATCH_INPUT_PART_BYTES,
  batchInputLabel,
  batchResultLabel,
  checkBatchHeader,
  formatBatchResultLine,
  readBatchLine,
  splitCsvLines,
  type AgencyBatchStatus,
  type BatchLine,
  type BatchResultLine,
} from '../../protocol/index.js';
import { assert } from '../../shared/assert.js';
import type { Clock } from '../../shared/clock.js';
import { JukinetError, isJukinetError, quote } from '../../shared/errors.js';
import { newUuidV7 } from '../../shared/ids.js';
import type { Database, Store } from '../../store/index.js';
import {
  ProvisionMethod,
  ProvisionQuery,
  authoriseAffair,
  checkCriteria,
  lookUpIdentities,
  providedIdentityOf,
  recordProvision,
  searchFourItems,
  type AuthorisedAffair,
} from '../common/provision/index.js';
import type { IdentityVersion } from '../common/identity-history.js';
import type { SecurityEventLog } from '../common/security-event-log.js';

/** Query lines answered per transaction unless told otherwise. */
export const BATCH_LINES_PER_CHUNK = 1000;

/** The national node's own key and certificate: uploads are sealed to it, results are signed with it. */
export interface BatchCredentials {
  readonly keyStore: KeyStore;
  readonly keyAlias: string;
  readonly certificatePem: string;
}

/** What batch provision needs from the national module. */
export interface BatchProvisionOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly securityEvents: SecurityEventLog;
  readonly credentials: () => Promise<BatchCredentials>;
}

type Db = Store['db'] | Transaction<Database>;

/** What the agency says it uploaded: piece count, size and (at submit) digest of the sealed file. */
interface Announced {
  readonly inputParts: number;
  readonly inputBytes: number;
  readonly sha256?: string;
}
type BatchRow = Awaited<ReturnType<typeof findBatch>>;

function findBatch(db: Db, id: string) {
  return db.selectFrom('provision_batch').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The batch `id` of `agency`; JUKI_ERR_BATCH_NOT_FOUND for an unknown id and for another agency's batch alike. */
export async function batchOf(db: Db, agency: NodeId, id: string): Promise<NonNullable<BatchRow>> {
  const row = await findBatch(db, id);
  if (row === undefined || row.agency !== agency)
    throw new JukinetError('JUKI_ERR_BATCH_NOT_FOUND', quote(id));
  return row;
}

/** A batch row as the agency sees it. */
export function batchStatusOf(row: NonNullable<BatchRow>): AgencyBatchStatus {
  let error: AgencyBatchStatus['error'] = null;
  if (row.error !== null) {
    const parsed = JSON.parse(row.error) as { code: string; message: string };
    error = { code: parsed.code, message: parsed.message };
  }
  return {
    id: row.id,
    affair: row.affair,
    status: row.status as BatchStatus,
    totalLines: row.total_lines === null ? null : Number(row.total_lines),
    processedLines: Number(row.processed_lines),
    counts: {
      found: Number(row.found_lines),
      notFound: Number(row.not_found_lines),
      invalid: Number(row.invalid_lines),
      tooMany: Number(row.too_many_lines),
    },
    resultParts: Number(row.result_parts),
    error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
  };
}

/**
 * Creates a batch in `uploading` once the purpose check passed for its affair with method `batch` (a refusal is a
 * security event, as online). The certificate the agency names must be the one its connection presented.
 */
export async function createBatch(
  request: {
    agency: NodeId;
    peerFingerprint: string;
    affair: string;
    agencyCertificatePem: string;
  },
  options: BatchProvisionOptions & { certificateFingerprint: (pem: string) => string },
): Promise<AgencyBatchStatus> {
  const { store, clock } = options;
  const authorised = await authoriseAffair(
    store.db,
    {
      agency: request.agency,
      affair: request.affair,
      method: ProvisionMethod.batch,
      query: ProvisionQuery.code,
    },
    options,
  );
  let fingerprint: string;
  try {
    fingerprint = options.certificateFingerprint(request.agencyCertificatePem);
  } catch {
    throw new JukinetError('JUKI_ERR_BATCH_UPLOAD_INVALID', 'agencyCertificatePem is not a certificate');
  }
  if (fingerprint !== request.peerFingerprint) {
    throw new JukinetError(
      'JUKI_ERR_BATCH_UPLOAD_INVALID',
      'agencyCertificatePem is not the certificate this connection presented',
    );
  }
  const now = clock.now();
  const at = now.toISOString();
  const id = newUuidV7(now.getTime());
  await store.db
    .insertInto('provision_batch')
    .values({
      id,
      agency: authorised.agency.id,
      affair: authorised.affair,
      registry_version: authorised.registry.version,
      status: BatchStatus.uploading,
      agency_certificate: request.agencyCertificatePem,
      input_bytes: 0,
      input_parts: 0,
      total_lines: null,
      processed_lines: 0,
      found_lines: 0,
      not_found_lines: 0,
      invalid_lines: 0,
      too_many_lines: 0,
      result_parts: 0,
      error: null,
      created_at: at,
      updated_at: at,
      completed_at: null,
    })
    .execute();
  return batchStatusOf(await batchOf(store.db, request.agency, id));
}

/** Stores piece `part` of a batch's sealed input (again is allowed while uploading: a retry replaces it). */
export async function storeInputPart(
  store: Store,
  request: { agency: NodeId; id: string; part: number; data: Uint8Array },
): Promise<void> {
  await store.transaction(async (trx) => {
    const batch = await batchOf(trx, request.agency, request.id);
    if (batch.status !== BatchStatus.uploading) {
      throw new JukinetError('JUKI_ERR_BATCH_STATE', `batch ${quote(batch.id)} is ${batch.status}`);
    }
    if (!Number.isInteger(request.part) || request.part < 0 || request.part >= MAX_BATCH_INPUT_PARTS) {
      throw new JukinetError(
        'JUKI_ERR_BATCH_UPLOAD_INVALID',
        `part ${request.part}: parts are numbered from 0 to ${MAX_BATCH_INPUT_PARTS - 1}`,
      );
    }
    if (request.data.length === 0 || request.data.length > MAX_BATCH_INPUT_PART_BYTES) {
      throw new JukinetError(
        'JUKI_ERR_BATCH_UPLOAD_INVALID',
        `part ${request.part} has ${request.data.length} bytes (1 to ${MAX_BATCH_INPUT_PART_BYTES})`,
      );
    }
    await trx
      .deleteFrom('provision_batch_part')
      .where('batch_id', '=', batch.id)
      .where('kind', '=', 'input')
      .where('part_index', '=', request.part)
      .execute();
    await trx
      .insertInto('provision_batch_part')
      .values({ batch_id: batch.id, kind: 'input', part_index: request.part, data: request.data, lines: 0 })
      .execute();
  });
}

async function sealedInputOf(db: Db, batch: NonNullable<BatchRow>, announced: Announced): Promise<Buffer> {
  const parts = await db
    .selectFrom('provision_batch_part')
    .select(['part_index', 'data'])
    .where('batch_id', '=', batch.id)
    .where('kind', '=', 'input')
    .orderBy('part_index')
    .execute();
  const numbers = parts.map((part) => Number(part.part_index));
  if (numbers.length !== announced.inputParts || numbers.some((number, index) => number !== index)) {
    throw new JukinetError(
      'JUKI_ERR_BATCH_UPLOAD_INVALID',
      `parts ${numbers.join(', ') || 'none'} uploaded, 0 to ${announced.inputParts - 1} announced`,
    );
  }
  const sealed = Buffer.concat(parts.map((part) => Buffer.from(part.data)));
  if (sealed.length !== announced.inputBytes) {
    throw new JukinetError(
      'JUKI_ERR_BATCH_UPLOAD_INVALID',
      `${sealed.length} bytes uploaded, ${announced.inputBytes} announced`,
    );
  }
  if (
    announced.sha256 !== undefined &&
    createHash('sha256').update(sealed).digest('hex') !== announced.sha256
  ) {
    throw new JukinetError(
      'JUKI_ERR_BATCH_UPLOAD_INVALID',
      'the uploaded bytes do not have the announced SHA-256',
    );
  }
  return sealed;
}

/** Opens a batch's sealed input with the national key: signed by the batch's agency, for this batch. */
async function openInput(
  db: Db,
  batch: NonNullable<BatchRow>,
  credentials: BatchCredentials,
  announced: Announced = { inputParts: Number(batch.input_parts), inputBytes: Number(batch.input_bytes) },
): Promise<string[]> {
  const { plaintext } = await openSealedFile(await sealedInputOf(db, batch, announced), {
    recipient: credentials,
    senderCertificatePem: batch.agency_certificate,
    label: batchInputLabel(batch.id),
  });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  } catch {
    throw new JukinetError('JUKI_ERR_BATCH_FILE_INVALID', 'the file is not UTF-8');
  }
  const lines = splitCsvLines(text);
  const header = checkBatchHeader(lines[0]);
  if (!header.ok) throw new JukinetError('JUKI_ERR_BATCH_FILE_INVALID', header.reason);
  return lines.slice(1);
}

/**
 * Ends the upload: the pieces are the announced ones and make the announced size and digest, the file opens (sealed to this node, for this batch, signed
 * by the agency's certificate), is UTF-8 and starts with the header. Then the batch is queued with its line count.
 * Any refusal leaves the batch as it was, uploading.
 */
export async function submitBatch(
  request: { agency: NodeId; id: string } & Required<Announced>,
  options: BatchProvisionOptions,
): Promise<AgencyBatchStatus> {
  const { store, clock } = options;
  const batch = await batchOf(store.db, request.agency, request.id);
  if (batch.status !== BatchStatus.uploading) {
    throw new JukinetError('JUKI_ERR_BATCH_STATE', `batch ${quote(batch.id)} is ${batch.status}`);
  }
  const lines = await openInput(store.db, batch, await options.credentials(), request);
  await store.transaction(async (trx) => {
    const updated = await trx
      .updateTable('provision_batch')
      .set({
        status: BatchStatus.queued,
        input_parts: request.inputParts,
        input_bytes: request.inputBytes,
        total_lines: lines.length,
        updated_at: clock.now().toISOString(),
      })
      .where('id', '=', batch.id)
      .where('status', '=', BatchStatus.uploading)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      throw new JukinetError('JUKI_ERR_BATCH_STATE', `batch ${quote(batch.id)} was submitted already`);
    }
  });
  return batchStatusOf(await batchOf(store.db, request.agency, request.id));
}

/** Sealed result part `part` of a done (or still processing) batch. */
export async function resultPartOf(
  db: Db,
  request: { agency: NodeId; id: string; part: number },
): Promise<{ part: number; lines: number; data: Uint8Array }> {
  const batch = await batchOf(db, request.agency, request.id);
  const row = await db
    .selectFrom('provision_batch_part')
    .select(['data', 'lines'])
    .where('batch_id', '=', batch.id)
    .where('kind', '=', 'result')
    .where('part_index', '=', request.part)
    .executeTakeFirst();
  if (row === undefined) {
    throw new JukinetError(
      'JUKI_ERR_BATCH_STATE',
      `batch ${quote(batch.id)} has ${batch.result_parts} result parts, not part ${request.part}`,
    );
  }
  return { part: request.part, lines: Number(row.lines), data: row.data };
}

/** The answers to one chunk of lines, and what goes into the provision log for them. */
interface ChunkAnswer {
  readonly results: readonly BatchResultLine[];
  readonly provisions: readonly {
    readonly query: ProvisionQuery;
    readonly asOf: string | null;
    readonly codes: readonly ResidentCode[];
    readonly truncated: boolean;
  }[];
}

/** Words for a four-item problem, in the file's column names. */
function criteriaProblem(error: unknown): string {
  if (isJukinetError(error, 'JUKI_ERR_PROVISION_REQUEST_INVALID')) {
    return (error.detail ?? error.message).replace('nameKana', 'name_kana');
  }
  throw error;
}

/** What one readable query line came to: a person, or a status other than found with the reason. */
type Finding =
  | { readonly version: IdentityVersion }
  | { readonly status: BatchLineStatus; readonly reason: string; readonly truncated?: boolean };

/** A four-item line under the rules of the online search; more than one match provides nobody. */
async function findByFourItems(
  store: Store,
  criteria: FourItemCriteria,
  asOf: string | undefined,
): Promise<Finding> {
  try {
    checkCriteria(criteria);
  } catch (error) {
    return { status: BatchLineStatus.invalid, reason: criteriaProblem(error) };
  }
  const matches = await searchFourItems(store, criteria, { cap: 1, ...(asOf === undefined ? {} : { asOf }) });
  const [version] = matches.matches;
  if (matches.total > 1) {
    return {
      status: BatchLineStatus.tooMany,
      reason: `${matches.total} records match: give more items (name_kana, address) to narrow the search`,
      truncated: true,
    };
  }
  return version === undefined
    ? { status: BatchLineStatus.notFound, reason: 'no record matches these items' }
    : { version };
}

/** The look-ups by code of `lines`, in one set per `as_of` date: code → version, by date ('' for now). */
async function lookUpCodes(
  store: Store,
  lines: readonly BatchLine[],
): Promise<Map<string, Map<ResidentCode, IdentityVersion>>> {
  const codesByDate = new Map<string, ResidentCode[]>();
  for (const line of lines) {
    if (!line.ok || line.query.kind !== 'code') continue;
    const key = line.query.asOf ?? '';
    codesByDate.set(key, [...(codesByDate.get(key) ?? []), line.query.residentCode]);
  }
  const found = new Map<string, Map<ResidentCode, IdentityVersion>>();
  for (const [date, codes] of codesByDate) {
    found.set(date, await lookUpIdentities(store, codes, date === '' ? undefined : date));
  }
  return found;
}

/**
 * Answers `lines` (numbered from `firstLine` in the file): look-ups by code in sets per date, four-item searches one
 * by one under the rules of the online search, and a result line for each, in order, with the provision log entries
 * they make (one per kind of query and date).
 */
export async function answerLines(
  store: Store,
  lines: readonly string[],
  options: { firstLine: number; today: string },
): Promise<ChunkAnswer> {
  const read = lines.map((line) => readBatchLine(line, { today: options.today }));
  const byCode = await lookUpCodes(store, read);
  const groups = new Map<
    string,
    { query: ProvisionQuery; asOf: string | null; codes: ResidentCode[]; truncated: boolean }
  >();
  const results: BatchResultLine[] = [];
  for (const [index, line] of read.entries()) {
    const at = { line: options.firstLine + index, lineId: line.lineId };
    if (!line.ok) {
      results.push({ ...at, status: BatchLineStatus.invalid, reason: line.reason });
      continue;
    }
    const { query } = line;
    let finding: Finding;
    if (query.kind === 'code') {
      const version = byCode.get(query.asOf ?? '')?.get(query.residentCode);
      const when = query.asOf === undefined ? '' : ` as of ${query.asOf}`;
      finding =
        version === undefined
          ? { status: BatchLineStatus.notFound, reason: `no record of ${query.residentCode}${when}` }
          : { version };
    } else {
      finding = await findByFourItems(store, query.criteria, query.asOf);
    }
    if ('status' in finding && finding.status === BatchLineStatus.invalid) {
      results.push({ ...at, status: finding.status, reason: finding.reason });
      continue;
    }
    const kind = query.kind === 'code' ? ProvisionQuery.code : ProvisionQuery.fourItems;
    const key = `${kind}|${query.asOf ?? ''}`;
    const group = groups.get(key) ?? { query: kind, asOf: query.asOf ?? null, codes: [], truncated: false };
    groups.set(key, group);
    if ('version' in finding) {
      group.codes.push(finding.version.residentCode);
      results.push({
        ...at,
        status: BatchLineStatus.found,
        reason: '',
        identity: providedIdentityOf(finding.version),
      });
    } else {
      group.truncated ||= finding.truncated === true;
      results.push({ ...at, status: finding.status, reason: finding.reason });
    }
  }
  return { results, provisions: [...groups.values()] };
}

/** A view of `store` whose transaction() runs inside `trx`, so that recordProvision() writes in the caller's transaction. */
function storeInside(store: Store, trx: Transaction<Database>): Store {
  return {
    engine: store.engine,
    db: trx,
    transaction: (fn) => fn(trx),
    close: () => Promise.resolve(),
  };
}

/** What the worker does while it runs; a pino logger fits. */
export type BatchWorkerLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/** The background worker that processes queued batches. */
export interface BatchWorker {
  /** Starts processing (queued batches, and any left processing by a stop or crash). */
  start(): void;
  /** Asks the worker to look for work now (after a submit). */
  wake(): void;
  /** Stops after the chunk in hand is committed; resolves when the worker is idle. */
  stop(): Promise<void>;
}

/**
 * Creates the worker: it takes the oldest batch that is queued or processing, checks the purpose again for each chunk
 * of `linesPerChunk` lines (the registry or the agency's registration may have changed), answers the chunk, seals its
 * result to the agency's certificate, and commits the result part, the provision log entries (method `batch`) and the
 * progress in one transaction that first checks no one committed this chunk before. A refusal or a file that cannot
 * be opened fails the batch with its error; a failure of the system itself is retried after `pollIntervalMs`. An
 * unexpected failure (not in the error catalogue: a fault, not a refusal) is retried too, but a batch that meets one
 * `maxUnexpectedFailures` times in a row (5) is failed with JUKI_ERR_INTERNAL, so that it cannot hold up the batches
 * after it.
 */
export function createBatchWorker(
  options: BatchProvisionOptions & {
    logger: BatchWorkerLogger;
    linesPerChunk?: number;
    pollIntervalMs?: number;
    maxUnexpectedFailures?: number;
  },
): BatchWorker {
  const { store, clock, logger } = options;
  const linesPerChunk = options.linesPerChunk ?? BATCH_LINES_PER_CHUNK;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  const opened = new Map<string, readonly string[]>();
  const maxUnexpectedFailures = options.maxUnexpectedFailures ?? 5;
  /** Unexpected failures in a row, per batch; a chunk committed clears its count. */
  const unexpected = new Map<string, number>();

  function idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, pollIntervalMs);
      function done(): void {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });
  }

  async function nextBatch(): Promise<NonNullable<BatchRow> | undefined> {
    return store.db
      .selectFrom('provision_batch')
      .selectAll()
      .where('status', 'in', [BatchStatus.queued, BatchStatus.processing])
      .orderBy('created_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
  }

  async function fail(id: string, error: JukinetError): Promise<void> {
    const at = clock.now().toISOString();
    await store.db
      .updateTable('provision_batch')
      .set({
        status: BatchStatus.failed,
        error: JSON.stringify({ code: error.code, message: error.message }),
        updated_at: at,
        completed_at: at,
      })
      .where('id', '=', id)
      .where('status', 'in', [BatchStatus.queued, BatchStatus.processing])
      .execute();
    opened.delete(id);
    logger.warn({ batch: id, code: error.code }, 'Batch failed');
  }

  async function inputLines(batch: NonNullable<BatchRow>): Promise<readonly string[]> {
    const cached = opened.get(batch.id);
    if (cached !== undefined) return cached;
    const lines = await openInput(store.db, batch, await options.credentials());
    assert(lines.length === Number(batch.total_lines), `Batch ${batch.id} changed its line count`);
    opened.set(batch.id, lines);
    return lines;
  }

  /** Processes one chunk of `batch`; false when the batch is finished or no longer this worker's to process. */
  async function processChunk(batch: NonNullable<BatchRow>): Promise<boolean> {
    const lines = await inputLines(batch);
    const start = Number(batch.processed_lines);
    const part = Number(batch.result_parts);
    const total = lines.length;
    const authorised: AuthorisedAffair = await authoriseAffair(
      store.db,
      {
        agency: batch.agency as NodeId,
        affair: batch.affair,
        method: ProvisionMethod.batch,
        query: ProvisionQuery.code,
      },
      options,
    );
    const chunk = lines.slice(start, start + linesPerChunk);
    const answer = await answerLines(store, chunk, { firstLine: start + 2, today: japanDateOf(clock.now()) });
    const text =
      (part === 0 ? `${BATCH_RESULT_COLUMNS.join(',')}\n` : '') +
      answer.results.map((result) => `${formatBatchResultLine(result)}\n`).join('');
    const credentials = await options.credentials();
    const sealed = await sealFile(Buffer.from(text, 'utf8'), {
      recipientCertificatePem: batch.agency_certificate,
      sender: credentials,
      label: batchResultLabel(batch.id, part),
    });
    const count = (status: BatchLineStatus) =>
      answer.results.filter((result) => result.status === status).length;
    const processed = start + chunk.length;
    const finished = processed >= total;
    return store.transaction(async (trx) => {
      const now = await findBatch(trx, batch.id);
      if (
        now?.status !== BatchStatus.processing ||
        Number(now.processed_lines) !== start ||
        Number(now.result_parts) !== part
      ) {
        return false;
      }
      const inside = storeInside(store, trx);
      for (const provision of answer.provisions) {
        await recordProvision(
          inside,
          {
            agency: authorised.agency.id,
            affair: authorised.affair,
            registryVersion: authorised.registry.version,
            method: ProvisionMethod.batch,
            query: provision.query,
            asOf: provision.asOf,
            count: provision.codes.length,
            truncated: provision.truncated,
            residentCodes: provision.codes,
          },
          { clock },
        );
      }
      await trx
        .insertInto('provision_batch_part')
        .values({ batch_id: batch.id, kind: 'result', part_index: part, data: sealed, lines: chunk.length })
        .execute();
      const at = clock.now().toISOString();
      await trx
        .updateTable('provision_batch')
        .set({
          processed_lines: processed,
          found_lines: Number(now.found_lines) + count(BatchLineStatus.found),
          not_found_lines: Number(now.not_found_lines) + count(BatchLineStatus.notFound),
          invalid_lines: Number(now.invalid_lines) + count(BatchLineStatus.invalid),
          too_many_lines: Number(now.too_many_lines) + count(BatchLineStatus.tooMany),
          result_parts: part + 1,
          updated_at: at,
          ...(finished ? { status: BatchStatus.done, completed_at: at } : {}),
        })
        .where('id', '=', batch.id)
        .execute();
      return !finished;
    });
  }

  async function processBatch(first: NonNullable<BatchRow>): Promise<void> {
    let batch = first;
    if (batch.status === BatchStatus.queued) {
      await store.db
        .updateTable('provision_batch')
        .set({ status: BatchStatus.processing, updated_at: clock.now().toISOString() })
        .where('id', '=', batch.id)
        .where('status', '=', BatchStatus.queued)
        .execute();
      logger.info({ batch: batch.id, lines: batch.total_lines }, 'Batch processing started');
    }
    for (;;) {
      if (!running) return;
      const current = await findBatch(store.db, batch.id);
      if (current === undefined || current.status !== BatchStatus.processing) break;
      batch = current;
      if (!(await processChunk(batch))) break;
      unexpected.delete(batch.id);
      // better-sqlite3 answers synchronously: let the node serve its peers between chunks.
      await setImmediate();
    }
    opened.delete(batch.id);
  }

  async function run(): Promise<void> {
    while (running) {
      let batch: NonNullable<BatchRow> | undefined;
      try {
        batch = await nextBatch();
        if (batch !== undefined) await processBatch(batch);
      } catch (error) {
        if (!running) return;
        if (batch !== undefined && isJukinetError(error) && error.category !== 'system') {
          await fail(batch.id, error).catch((failure: unknown) => {
            logger.error({ err: failure, batch: batch?.id }, 'Could not mark a batch failed');
          });
          continue;
        }
        if (batch !== undefined && !isJukinetError(error)) {
          const count = (unexpected.get(batch.id) ?? 0) + 1;
          unexpected.set(batch.id, count);
          if (count >= maxUnexpectedFailures) {
            unexpected.delete(batch.id);
            logger.error({ err: error, batch: batch.id, count }, 'Batch failed by unexpected errors');
            const reason = error instanceof Error ? error.message : String(error);
            await fail(
              batch.id,
              new JukinetError('JUKI_ERR_INTERNAL', `${count} unexpected failures, the last: ${reason}`),
            ).catch((failure: unknown) => {
              logger.error({ err: failure, batch: batch?.id }, 'Could not mark a batch failed');
            });
            continue;
          }
        }
        logger.error({ err: error, batch: batch?.id }, 'Batch processing interrupted; trying again later');
        await idle();
        continue;
      }
      if (batch === undefined && running) await idle();
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    wake() {
      wakeUp?.();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
      loop = undefined;
    },
  };
}
