// The batch provision routes on the national server's network port (agency certificates only): create a batch for an
// affair, upload its sealed file in pieces, submit it, follow its progress and download its sealed result parts
// (docs/protocol/agency-batch.md, "Routes").

import type { z } from 'zod';
import { certificateFingerprint } from '../../crypto/index.js';
import type { NodeId } from '../../domain/index.js';
import { byRoles, type NetworkRoute } from '../../net/index.js';
import {
  AGENCY_BATCHES_PATH,
  AGENCY_BATCH_INPUT_PATH,
  AGENCY_BATCH_PATH,
  AGENCY_BATCH_RESULT_PATH,
  AGENCY_BATCH_SUBMIT_PATH,
  agencyBatchCreateRequestSchema,
  agencyBatchInputPartSchema,
  agencyBatchSubmitRequestSchema,
  describeIssues,
  type AgencyBatchResultPart,
} from '../../protocol/index.js';
import { JukinetError, quote } from '../../shared/errors.js';
import { registeredAgency } from '../common/provision/index.js';
import {
  batchOf,
  batchStatusOf,
  createBatch,
  resultPartOf,
  storeInputPart,
  submitBatch,
  type BatchProvisionOptions,
} from './provision-batch.js';

function parseRequest<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    throw new JukinetError('JUKI_ERR_BATCH_UPLOAD_INVALID', describeIssues(parsed.error.issues, 'body'));
  }
  return parsed.data;
}

function partNumber(text: string | undefined): number {
  if (text === undefined || !/^(0|[1-9][0-9]{0,8})$/.test(text)) {
    throw new JukinetError('JUKI_ERR_BATCH_UPLOAD_INVALID', `part ${quote(text ?? '')} is not a number`);
  }
  return Number(text);
}

/**
 * The batch routes. Each checks that the agency is registered (a security event otherwise); a batch is found only
 * for the agency that created it. `onSubmitted` wakes the worker.
 */
export function provisionBatchRoutes(
  options: BatchProvisionOptions & { onSubmitted: () => void },
): NetworkRoute[] {
  const { store } = options;
  const allow = byRoles('agency');

  async function registered(agency: NodeId, path: string): Promise<void> {
    await registeredAgency(store.db, { agency, detail: { path, method: 'batch' } }, options);
  }

  return [
    {
      method: 'POST',
      path: AGENCY_BATCHES_PATH,
      allow,
      async handler({ peer, body }) {
        const request = parseRequest(agencyBatchCreateRequestSchema, body);
        const status = await createBatch(
          { agency: peer.nodeId, peerFingerprint: peer.fingerprint, ...request },
          { ...options, certificateFingerprint },
        );
        return { body: status };
      },
    },
    {
      method: 'POST',
      path: AGENCY_BATCH_INPUT_PATH,
      allow,
      async handler({ peer, params, body }) {
        await registered(peer.nodeId, AGENCY_BATCH_INPUT_PATH);
        const { data } = parseRequest(agencyBatchInputPartSchema, body);
        await storeInputPart(store, {
          agency: peer.nodeId,
          id: params['id'] ?? '',
          part: partNumber(params['part']),
          data: Buffer.from(data, 'base64'),
        });
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      path: AGENCY_BATCH_SUBMIT_PATH,
      allow,
      async handler({ peer, params, body }) {
        await registered(peer.nodeId, AGENCY_BATCH_SUBMIT_PATH);
        const announced = parseRequest(agencyBatchSubmitRequestSchema, body);
        const status = await submitBatch(
          { agency: peer.nodeId, id: params['id'] ?? '', ...announced },
          options,
        );
        options.onSubmitted();
        return { body: status };
      },
    },
    {
      method: 'GET',
      path: AGENCY_BATCH_PATH,
      allow,
      async handler({ peer, params }) {
        await registered(peer.nodeId, AGENCY_BATCH_PATH);
        return { body: batchStatusOf(await batchOf(store.db, peer.nodeId, params['id'] ?? '')) };
      },
    },
    {
      method: 'GET',
      path: AGENCY_BATCH_RESULT_PATH,
      allow,
      async handler({ peer, params }) {
        await registered(peer.nodeId, AGENCY_BATCH_RESULT_PATH);
        const part = await resultPartOf(store.db, {
          agency: peer.nodeId,
          id: params['id'] ?? '',
          part: partNumber(params['part']),
        });
        const answer: AgencyBatchResultPart = {
          part: part.part,
          lines: part.lines,
          data: Buffer.from(part.data).toString('base64'),
        };
        return { body: answer };
      },
    },
  ];
}
