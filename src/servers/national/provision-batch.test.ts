// Batch provision at the national server on every engine, without the network: every refusal of an upload is typed
// and changes nothing, the worker answers a queued batch chunk by chunk with one sealed result part per chunk and the
// provision log written with it, a second worker finds nothing left to do, and a batch whose affair was withdrawn
// before it was processed fails without providing anything.

import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../test/support/engines.js';
import { waitUntil } from '../../../test/support/wait.js';
import {
  certificateFingerprint,
  openSealedFile,
  openSoftwareKeyStore,
  sealFile,
  type SealingParty,
} from '../../crypto/index.js';
import { createTestPki, type TestNode } from '../../crypto/testing/test-pki.js';
import type { NodeId } from '../../domain/index.js';
import {
  BATCH_INPUT_COLUMNS,
  batchInputLabel,
  batchResultLabel,
  parseBatchResult,
} from '../../protocol/index.js';
import { systemClock } from '../../shared/clock.js';
import { isJukinetError } from '../../shared/errors.js';
import type { Store } from '../../store/index.js';
import { recordIdentityVersion } from '../common/identity-history.js';
import { listProvisions, registerAgency } from '../common/provision/index.js';
import { createSecurityEventLog } from '../common/security-event-log.js';
import { testIdentityInfo, testResidentCode } from '../common/testing/identity-fixtures.js';
import {
  batchOf,
  createBatch,
  createBatchWorker,
  resultPartOf,
  storeInputPart,
  submitBatch,
  type BatchProvisionOptions,
} from './provision-batch.js';

const MHLW = 'agency-mhlw' as NodeId;
const AFFAIR = 'mhlw-unemployment-benefit';
const logger = pino({ enabled: false });
let dir: string;
let national: SealingParty;
let agency: SealingParty;
let agencyNode: TestNode;

async function partyOf(node: TestNode, name: string): Promise<SealingParty> {
  const keyStore = openSoftwareKeyStore(join(dir, name), { passphrase: 'batch test' });
  await keyStore.importKey('tls', node.privateKeyPem);
  return { keyStore, keyAlias: 'tls', certificatePem: node.certificatePem };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jukinet-batch-'));
  const pki = await createTestPki();
  national = await partyOf(await pki.issue('national'), 'national');
  agencyNode = await pki.issue('agency-mhlw');
  agency = await partyOf(agencyNode, 'agency');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isJukinetError(error)) return error.code;
    throw error;
  }
  return 'accepted';
}

const CODES = [1, 2, 3, 4, 5].map((n) => testResidentCode(n));
const FILE = [
  BATCH_INPUT_COLUMNS.join(','),
  ...CODES.map((code, index) => `a${index},${code},,,,,,`),
  `b0,${testResidentCode(99)},,,,,,`,
  'b1,123,,,,,,',
  'b2,,山田 太郎,,1980-04-01,male,,',
  'b3,,,,1980-04-01,male,,',
].join('\n');

describeEachEngine('batch provision at the national server', ({ openFresh }) => {
  async function setup(store: Store): Promise<BatchProvisionOptions> {
    await registerAgency(store, { id: MHLW, kind: 'mhlw', affairs: [AFFAIR] });
    await store.transaction(async (trx) => {
      for (const code of CODES) {
        await recordIdentityVersion(trx, {
          info: testIdentityInfo(code, {
            name: code === CODES[0] ? '山田 太郎' : `山田 次郎${code.slice(-2)}`,
          }),
          origin: 'muni-131059' as NodeId,
          recordedAt: new Date(),
        });
      }
    });
    const securityEvents = createSecurityEventLog(store, { clock: systemClock, logger });
    return { store, clock: systemClock, securityEvents, credentials: () => Promise.resolve(national) };
  }

  async function upload(options: BatchProvisionOptions, text: string, label?: (id: string) => string) {
    const batch = await createBatch(
      {
        agency: MHLW,
        peerFingerprint: certificateFingerprint(agency.certificatePem),
        affair: AFFAIR,
        agencyCertificatePem: agency.certificatePem,
      },
      { ...options, certificateFingerprint },
    );
    const sealed = Buffer.from(
      await sealFile(Buffer.from(text, 'utf8'), {
        recipientCertificatePem: national.certificatePem,
        sender: agency,
        label: (label ?? batchInputLabel)(batch.id),
      }),
    );
    const half = Math.ceil(sealed.length / 2);
    await storeInputPart(options.store, {
      agency: MHLW,
      id: batch.id,
      part: 0,
      data: sealed.subarray(0, half),
    });
    await storeInputPart(options.store, { agency: MHLW, id: batch.id, part: 1, data: sealed.subarray(half) });
    const announced = {
      inputParts: 2,
      inputBytes: sealed.length,
      sha256: createHash('sha256').update(sealed).digest('hex'),
    };
    return { id: batch.id, sealed, announced };
  }

  it('refuses bad uploads with typed errors and changes nothing', async () => {
    const store = await openFresh();
    const options = await setup(store);
    const peerFingerprint = certificateFingerprint(agency.certificatePem);
    const base = { agency: MHLW, peerFingerprint, agencyCertificatePem: agency.certificatePem };
    const withFingerprint = { ...options, certificateFingerprint };
    expect(await refusal(createBatch({ ...base, affair: 'mic-pension' }, withFingerprint))).toBe(
      'JUKI_ERR_AGENCY_AFFAIR_FORBIDDEN',
    );
    expect(
      await refusal(
        createBatch(
          { ...base, affair: AFFAIR, agencyCertificatePem: national.certificatePem },
          withFingerprint,
        ),
      ),
    ).toBe('JUKI_ERR_BATCH_UPLOAD_INVALID');
    expect(await store.db.selectFrom('provision_batch').select('id').execute()).toEqual([]);
    await options.securityEvents.flush();
    const events = await store.db.selectFrom('security_event').select(['kind', 'detail']).execute();
    expect(events.map((event) => [event.kind, JSON.parse(event.detail) as unknown])).toEqual([
      ['agency-affair-refused', expect.objectContaining({ affair: 'mic-pension', method: 'batch' })],
    ]);

    const { id, sealed, announced } = await upload(options, FILE);
    const submit = (changes: Partial<typeof announced>) =>
      refusal(submitBatch({ agency: MHLW, id, ...announced, ...changes }, options));
    expect(
      await refusal(storeInputPart(store, { agency: 'agency-mof' as NodeId, id, part: 0, data: sealed })),
    ).toBe('JUKI_ERR_BATCH_NOT_FOUND');
    expect(await refusal(storeInputPart(store, { agency: MHLW, id, part: 999, data: sealed }))).toBe(
      'JUKI_ERR_BATCH_UPLOAD_INVALID',
    );
    expect(await refusal(storeInputPart(store, { agency: MHLW, id, part: 0, data: Buffer.alloc(0) }))).toBe(
      'JUKI_ERR_BATCH_UPLOAD_INVALID',
    );
    expect(await submit({ inputParts: 3 })).toBe('JUKI_ERR_BATCH_UPLOAD_INVALID');
    expect(await submit({ inputBytes: sealed.length + 1 })).toBe('JUKI_ERR_BATCH_UPLOAD_INVALID');
    expect(await submit({ sha256: '0'.repeat(64) })).toBe('JUKI_ERR_BATCH_UPLOAD_INVALID');
    expect((await batchOf(store.db, MHLW, id)).status).toBe('uploading');

    const otherBatch = await upload(options, FILE, () => batchInputLabel(id));
    expect(
      await refusal(submitBatch({ agency: MHLW, id: otherBatch.id, ...otherBatch.announced }, options)),
    ).toBe('JUKI_ERR_SEALED_FILE_SIGNATURE');
    const noHeader = await upload(options, 'a0,12345678901,,,,,,\n');
    expect(
      await refusal(submitBatch({ agency: MHLW, id: noHeader.id, ...noHeader.announced }, options)),
    ).toBe('JUKI_ERR_BATCH_FILE_INVALID');
    const statuses = await store.db.selectFrom('provision_batch').select('status').execute();
    expect(statuses.map((row) => row.status)).toEqual(['uploading', 'uploading', 'uploading']);

    expect(await submit({})).toBe('accepted');
    expect((await batchOf(store.db, MHLW, id)).total_lines).toBe(9);
    expect(await submit({})).toBe('JUKI_ERR_BATCH_STATE');
    expect(await refusal(storeInputPart(store, { agency: MHLW, id, part: 0, data: sealed }))).toBe(
      'JUKI_ERR_BATCH_STATE',
    );
    expect(await refusal(resultPartOf(store.db, { agency: MHLW, id, part: 0 }))).toBe('JUKI_ERR_BATCH_STATE');
  });

  it('answers a queued batch chunk by chunk, logs each chunk with it, and never twice', async () => {
    const store = await openFresh();
    const options = await setup(store);
    const { id, announced } = await upload(options, FILE);
    await submitBatch({ agency: MHLW, id, ...announced }, options);
    const worker = createBatchWorker({ ...options, logger, linesPerChunk: 4, pollIntervalMs: 10 });
    worker.start();
    try {
      await waitUntil('the batch is done', async () => (await batchOf(store.db, MHLW, id)).status === 'done');
    } finally {
      await worker.stop();
    }
    const row = await batchOf(store.db, MHLW, id);
    expect(row).toMatchObject({ processed_lines: 9, result_parts: 3, found_lines: 6, not_found_lines: 1 });
    expect([Number(row.invalid_lines), Number(row.too_many_lines)]).toEqual([2, 0]);

    let text = '';
    for (let part = 0; part < 3; part++) {
      const sealed = await resultPartOf(store.db, { agency: MHLW, id, part });
      const opened = await openSealedFile(sealed.data, {
        recipient: agency,
        senderCertificatePem: national.certificatePem,
        label: batchResultLabel(id, part),
      });
      text += Buffer.from(opened.plaintext).toString('utf8');
    }
    const result = parseBatchResult(text);
    expect(result.ok && result.value.map((line) => [line.line, line.lineId, line.status])).toEqual([
      [2, 'a0', 'found'],
      [3, 'a1', 'found'],
      [4, 'a2', 'found'],
      [5, 'a3', 'found'],
      [6, 'a4', 'found'],
      [7, 'b0', 'not-found'],
      [8, 'b1', 'invalid'],
      [9, 'b2', 'found'],
      [10, 'b3', 'invalid'],
    ]);

    const again = createBatchWorker({ ...options, logger, linesPerChunk: 4, pollIntervalMs: 10 });
    again.start();
    await again.stop();
    const log = await listProvisions(store.db, { agency: MHLW });
    expect(log.every((entry) => entry.method === 'batch')).toBe(true);
    expect(log.flatMap((entry) => entry.residentCodes).sort()).toEqual([...CODES, CODES[0]].sort());
  });

  it('fails a batch whose affair was withdrawn before it was processed, providing nothing', async () => {
    const store = await openFresh();
    const options = await setup(store);
    const { id, announced } = await upload(options, FILE);
    await submitBatch({ agency: MHLW, id, ...announced }, options);
    await registerAgency(store, { id: MHLW, kind: 'mhlw', affairs: ['mhlw-workers-compensation'] });
    const worker = createBatchWorker({ ...options, logger, pollIntervalMs: 10 });
    worker.start();
    try {
      await waitUntil(
        'the batch failed',
        async () => (await batchOf(store.db, MHLW, id)).status === 'failed',
      );
    } finally {
      await worker.stop();
    }
    const row = await batchOf(store.db, MHLW, id);
    expect(JSON.parse(row.error ?? '{}')).toMatchObject({ code: 'JUKI_ERR_AGENCY_AFFAIR_FORBIDDEN' });
    expect(row.result_parts).toBe(0);
    expect(await listProvisions(store.db, { agency: MHLW })).toEqual([]);
  });

  it('fails a batch that meets an unexpected fault again and again, rather than retry it for ever', async () => {
    const store = await openFresh();
    const options = await setup(store);
    const { id, announced } = await upload(options, FILE);
    await submitBatch({ agency: MHLW, id, ...announced }, options);
    let faults = 0;
    const worker = createBatchWorker({
      ...options,
      // A fault outside the catalogue each time the result is to be sealed: a bug, not a refusal.
      credentials: () => {
        faults += 1;
        return Promise.reject(new TypeError('the key store broke'));
      },
      logger,
      pollIntervalMs: 10,
      maxUnexpectedFailures: 3,
    });
    worker.start();
    try {
      await waitUntil(
        'the batch failed',
        async () => (await batchOf(store.db, MHLW, id)).status === 'failed',
      );
    } finally {
      await worker.stop();
    }
    expect(faults).toBe(3);
    const row = await batchOf(store.db, MHLW, id);
    expect(JSON.parse(row.error ?? '{}')).toMatchObject({ code: 'JUKI_ERR_INTERNAL' });
    expect(row.result_parts).toBe(0);
    expect(await listProvisions(store.db, { agency: MHLW })).toEqual([]);
  });
});
