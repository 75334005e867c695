// An agency's side of batch provision (媒体による提供, docs/protocol/agency-batch.md): seal a CSV file of queries to the
// national server's certificate key, upload it in pieces, follow its processing, download the sealed result parts,
// open each with the agency's key after checking the national server's signature, and check the result is complete.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import {
  openSealedFile,
  openSoftwareKeyStore,
  readNodeIdentity,
  sealFile,
  type SealingParty,
} from '../../crypto/index.js';
import type { NodeId } from '../../domain/index.js';
import { createPeerClient, type PeerClient } from '../../net/index.js';
import {
  AGENCY_BATCHES_PATH,
  AGENCY_BATCH_INPUT_PATH,
  AGENCY_BATCH_PATH,
  AGENCY_BATCH_RESULT_PATH,
  AGENCY_BATCH_SUBMIT_PATH,
  BatchStatus,
  MAX_BATCH_INPUT_PART_BYTES,
  agencyBatchPath,
  agencyBatchResultPartSchema,
  agencyBatchStatusSchema,
  batchInputLabel,
  batchResultLabel,
  describeIssues,
  parseBatchResult,
  type AgencyBatchCreateRequest,
  type AgencyBatchStatus,
  type AgencyBatchSubmitRequest,
  type BatchResultLine,
} from '../../protocol/index.js';
import { ERRORS, JukinetError, isJukinetError, quote, type ErrorCode } from '../../shared/errors.js';
import { fetchDirectory } from '../common/directory.js';
import { NODE_KEY_ALIAS } from '../common/node-credentials.js';
import type { AgencyClientConfig } from './agency-client.js';

/** The stage a batch round trip is in, and how far: bytes uploaded, lines processed, parts downloaded. */
export interface BatchProgress {
  readonly phase: 'upload' | 'processing' | 'download';
  readonly done: number;
  readonly total: number;
}

/** A finished round trip: the batch, the result file as the national server wrote it, and its lines. */
export interface AgencyBatchOutcome {
  readonly status: AgencyBatchStatus;
  /** The result CSV (UTF-8), header included, exactly as sealed by the national server. */
  readonly resultCsv: string;
  readonly results: readonly BatchResultLine[];
}

export interface AgencyBatchOptions {
  /** Called as the round trip advances (for a progress bar). */
  readonly onProgress?: (progress: BatchProgress) => void;
  /** How long to wait between status requests while the batch is processed, in milliseconds (500 unless told). */
  readonly pollIntervalMs?: number;
  /** Bytes per uploaded piece (at most, and by default, MAX_BATCH_INPUT_PART_BYTES). */
  readonly partBytes?: number;
  /** How long the national server may be unreachable while the batch is processed, in milliseconds (120 s). */
  readonly unreachablePatienceMs?: number;
}

/** How long status requests may keep failing (the national server restarting) before the round trip gives up. */
const DEFAULT_UNREACHABLE_PATIENCE_MS = 120_000;

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new JukinetError('JUKI_ERR_CONFIG_INVALID', `${what}: cannot read ${quote(path)}`, {
      cause: error,
    });
  }
}

/** The agency's key (for opening results and signing uploads), certificate and CA, from its configuration. */
async function agencyCredentials(config: AgencyClientConfig): Promise<SealingParty & { caPem: string }> {
  const passphrase =
    (await readText(config.pki.passphraseFile, 'pki.passphraseFile')).split(/\r?\n/)[0] ?? '';
  if (passphrase === '') throw new JukinetError('JUKI_ERR_CONFIG_INVALID', 'pki.passphraseFile is empty');
  const certificatePem = await readText(config.pki.certificate, 'pki.certificate');
  const named = readNodeIdentity(certificatePem).nodeId;
  if (named !== config.agencyId) {
    throw new JukinetError(
      'JUKI_ERR_CONFIG_INVALID',
      `the certificate names ${quote(named)}, not ${quote(config.agencyId)}`,
    );
  }
  return {
    keyStore: openSoftwareKeyStore(config.pki.keyStore, { passphrase }),
    keyAlias: NODE_KEY_ALIAS,
    certificatePem,
    caPem: await readText(config.pki.caCertificate, 'pki.caCertificate'),
  };
}

function checked<S extends z.ZodType>(schema: S, answer: unknown): z.output<S> {
  const parsed = schema.safeParse(answer);
  if (!parsed.success) {
    throw new JukinetError(
      'JUKI_ERR_PEER_ERROR',
      `unexpected answer: ${describeIssues(parsed.error.issues, 'answer')}`,
    );
  }
  return parsed.data;
}

/** The error a failed batch reports, as a JukinetError of the catalogue where the code is one. */
function batchFailure(status: AgencyBatchStatus): JukinetError {
  const code = status.error?.code;
  const message = status.error?.message ?? 'no reason given';
  if (code !== undefined && code in ERRORS)
    return new JukinetError(code as ErrorCode, `batch ${status.id}: ${message}`);
  return new JukinetError('JUKI_ERR_PEER_ERROR', `batch ${status.id} failed: ${message}`);
}

/**
 * Runs one batch: `csv` (a query file, docs/protocol/agency-batch.md "Query file") for `affair`, from upload to the
 * opened result. The national certificate is taken from the signed directory the national server publishes (verified
 * against the network CA); results must be signed with it. Throws the national server's refusal, or the batch's
 * error when it failed; JUKI_ERR_SEALED_FILE_* when a result part does not open; JUKI_ERR_PEER_ERROR when the result
 * is not one line per query line, in order.
 */
export async function runAgencyBatch(
  config: AgencyClientConfig,
  input: { csv: Uint8Array; affair: string },
  options: AgencyBatchOptions = {},
): Promise<AgencyBatchOutcome> {
  if (config.server.nodeId !== 'national') {
    throw new JukinetError(
      'JUKI_ERR_CONFIG_INVALID',
      `batch provision is served by the national server, not ${quote(config.server.nodeId)}`,
    );
  }
  const credentials = await agencyCredentials(config);
  const peer: PeerClient = createPeerClient({
    tls: {
      nodeId: config.agencyId,
      certificatePem: credentials.certificatePem,
      privateKey: await credentials.keyStore.tlsPrivateKey(NODE_KEY_ALIAS),
      caPem: credentials.caPem,
    },
    endpoint: config.server.endpoint,
    expectedNodeId: 'national' as NodeId,
    timeoutMs: config.server.timeoutMs ?? 60_000,
  });
  try {
    return await roundTrip(peer, credentials, input, options);
  } finally {
    await peer.close();
  }
}

/** Uploads `sealed` in pieces and submits it; the batch's status as queued. */
async function upload(
  peer: PeerClient,
  id: string,
  sealed: Uint8Array,
  options: AgencyBatchOptions,
): Promise<AgencyBatchStatus> {
  const progress = options.onProgress ?? (() => undefined);
  const partBytes = Math.min(options.partBytes ?? MAX_BATCH_INPUT_PART_BYTES, MAX_BATCH_INPUT_PART_BYTES);
  const parts = Math.ceil(sealed.length / partBytes);
  progress({ phase: 'upload', done: 0, total: sealed.length });
  for (let part = 0; part < parts; part++) {
    const data = Buffer.from(sealed.subarray(part * partBytes, (part + 1) * partBytes));
    await peer.request('POST', agencyBatchPath(AGENCY_BATCH_INPUT_PATH, id, part), {
      data: data.toString('base64'),
    });
    progress({
      phase: 'upload',
      done: Math.min((part + 1) * partBytes, sealed.length),
      total: sealed.length,
    });
  }
  const submit: AgencyBatchSubmitRequest = {
    inputBytes: sealed.length,
    inputParts: parts,
    sha256: createHash('sha256').update(sealed).digest('hex'),
  };
  return checked(
    agencyBatchStatusSchema,
    await peer.request('POST', agencyBatchPath(AGENCY_BATCH_SUBMIT_PATH, id), submit),
  );
}

/** Polls the batch until it is done (its status) or failed (its error, thrown). */
async function processed(
  peer: PeerClient,
  submitted: AgencyBatchStatus,
  options: AgencyBatchOptions,
): Promise<AgencyBatchStatus> {
  const progress = options.onProgress ?? (() => undefined);
  const total = submitted.totalLines ?? 0;
  const patience = options.unreachablePatienceMs ?? DEFAULT_UNREACHABLE_PATIENCE_MS;
  let status = submitted;
  let failingSince: number | undefined;
  for (;;) {
    progress({ phase: 'processing', done: status.processedLines, total });
    if (status.status === BatchStatus.done) return status;
    if (status.status === BatchStatus.failed) throw batchFailure(status);
    await sleep(options.pollIntervalMs ?? 500);
    try {
      status = checked(
        agencyBatchStatusSchema,
        await peer.request('GET', agencyBatchPath(AGENCY_BATCH_PATH, status.id)),
      );
      failingSince = undefined;
    } catch (error) {
      // The batch goes on at the national server while it is unreachable (a restart resumes it): keep asking.
      failingSince ??= Date.now();
      if (isJukinetError(error) && error.category === 'system' && Date.now() - failingSince < patience)
        continue;
      throw error;
    }
  }
}

/** Downloads and opens every result part of a done batch, in order: the result file. */
async function download(
  peer: PeerClient,
  status: AgencyBatchStatus,
  keys: { recipient: SealingParty; nationalCertificatePem: string },
  options: AgencyBatchOptions,
): Promise<string> {
  const progress = options.onProgress ?? (() => undefined);
  const texts: string[] = [];
  progress({ phase: 'download', done: 0, total: status.resultParts });
  for (let part = 0; part < status.resultParts; part++) {
    const answer = checked(
      agencyBatchResultPartSchema,
      await peer.request('GET', agencyBatchPath(AGENCY_BATCH_RESULT_PATH, status.id, part)),
    );
    const { plaintext } = await openSealedFile(Buffer.from(answer.data, 'base64'), {
      recipient: keys.recipient,
      senderCertificatePem: keys.nationalCertificatePem,
      label: batchResultLabel(status.id, part),
    });
    texts.push(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
    progress({ phase: 'download', done: part + 1, total: status.resultParts });
  }
  return texts.join('');
}

async function roundTrip(
  peer: PeerClient,
  credentials: SealingParty & { caPem: string },
  input: { csv: Uint8Array; affair: string },
  options: AgencyBatchOptions,
): Promise<AgencyBatchOutcome> {
  const directory = await fetchDirectory(peer, { caPem: credentials.caPem });
  const nationalCertificatePem = directory.nodes.find((node) => node.id === 'national')?.certificatePem;
  if (nationalCertificatePem === undefined) {
    throw new JukinetError('JUKI_ERR_DIRECTORY_INVALID', 'the directory lists no "national" node');
  }
  const create: AgencyBatchCreateRequest = {
    affair: input.affair,
    agencyCertificatePem: credentials.certificatePem,
  };
  const created = checked(agencyBatchStatusSchema, await peer.request('POST', AGENCY_BATCHES_PATH, create));
  const sealed = await sealFile(input.csv, {
    recipientCertificatePem: nationalCertificatePem,
    sender: credentials,
    label: batchInputLabel(created.id),
  });
  const status = await processed(peer, await upload(peer, created.id, sealed, options), options);
  const resultCsv = await download(peer, status, { recipient: credentials, nationalCertificatePem }, options);
  const parsed = parseBatchResult(resultCsv);
  const id = status.id;
  const total = status.totalLines ?? 0;
  if (!parsed.ok) throw new JukinetError('JUKI_ERR_PEER_ERROR', `batch ${id}: ${parsed.reason}`);
  const gap = parsed.value.findIndex((line, index) => line.line !== index + 2);
  if (parsed.value.length !== total || gap !== -1) {
    throw new JukinetError(
      'JUKI_ERR_PEER_ERROR',
      `batch ${id}: the result has ${parsed.value.length} lines for ${total} queries${gap === -1 ? '' : `, out of order at ${gap + 2}`}`,
    );
  }
  return { status, resultCsv, results: parsed.value };
}
