// Readiness: the GET /v1/health route every node answers, and waiting until an upstream node answers it ready
// (national → prefectures → municipalities, docs/decisions/0004-servers.md "Start and stop order").

import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { parseNodeId, prefectureNodeOf, type NodeId, type NodeRole } from '../../domain/node-id.js';
import { anyPeer, type NetworkRoute } from '../../net/index.js';
import { JukinetError, quote } from '../../shared/errors.js';

/** The path of the health route. */
export const HEALTH_PATH = '/v1/health';

/** What GET /v1/health answers. */
export interface NodeHealth {
  readonly nodeId: NodeId;
  readonly role: NodeRole;
  /** True once the node's upstream answered and its module started. */
  readonly ready: boolean;
  /** When the directory in hand was issued ('' before the first). */
  readonly directoryIssuedAt: string;
}

const healthSchema = z.object({ nodeId: z.string(), ready: z.boolean() });

/** The GET /v1/health route for any authenticated peer. */
export function healthRoute(health: () => NodeHealth): NetworkRoute {
  return { method: 'GET', path: HEALTH_PATH, allow: anyPeer(), handler: () => ({ body: health() }) };
}

/** The node a node waits for before it is ready: national for a prefecture, its prefecture for a municipality. */
export function upstreamOf(nodeId: NodeId): NodeId | undefined {
  const parsed = parseNodeId(nodeId);
  switch (parsed.role) {
    case 'national':
      return undefined;
    case 'prefecture':
    case 'agency':
      return 'national' as NodeId;
    case 'municipality':
      return prefectureNodeOf(parsed.id);
  }
}

/**
 * Retries `attempt` with capped exponential backoff and full jitter until it resolves; throws the last error wrapped
 * in JUKI_ERR_UPSTREAM_UNAVAILABLE once `timeoutMs` has passed, or the signal's reason when aborted.
 */
export async function retryUntil<T>(
  what: string,
  attempt: () => Promise<T>,
  options: {
    timeoutMs?: number;
    signal?: AbortSignal;
    initialMs?: number;
    maxMs?: number;
    onRetry?: (error: unknown, attempt: number) => void;
  } = {},
): Promise<T> {
  const started = performance.now();
  const initialMs = options.initialMs ?? 100;
  const maxMs = options.maxMs ?? 5_000;
  for (let count = 1; ; count += 1) {
    options.signal?.throwIfAborted();
    try {
      return await attempt();
    } catch (error) {
      options.signal?.throwIfAborted();
      const elapsed = performance.now() - started;
      if (options.timeoutMs !== undefined && elapsed >= options.timeoutMs) {
        throw new JukinetError(
          'JUKI_ERR_UPSTREAM_UNAVAILABLE',
          `${what} after ${Math.round(elapsed)} ms: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      options.onRetry?.(error, count);
      const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(count - 1, 20));
      await sleep(Math.max(10, Math.floor(Math.random() * ceiling)), undefined, {
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
    }
  }
}

/** Resolves once `peer` answers GET /v1/health with ready: true (see retryUntil for the limits). */
export async function waitForReady(
  call: (peer: NodeId, path: string) => Promise<unknown>,
  peer: NodeId,
  options: Parameters<typeof retryUntil>[2] = {},
): Promise<void> {
  await retryUntil(
    `waiting for ${quote(peer)}`,
    async () => {
      const parsed = healthSchema.safeParse(await call(peer, HEALTH_PATH));
      if (!parsed.success || parsed.data.nodeId !== peer) {
        throw new JukinetError('JUKI_ERR_PEER_ERROR', `${quote(peer)} answered a malformed health`);
      }
      if (!parsed.data.ready)
        throw new JukinetError('JUKI_ERR_UPSTREAM_UNAVAILABLE', `${quote(peer)} is not ready`);
    },
    options,
  );
}
