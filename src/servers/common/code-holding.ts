// The resident codes a prefecture or municipality holds (住基法第30条の3): receiving blocks from upstream, granting
// sub-blocks, taking one for a person, the POST /v1/code-blocks route and the refill that keeps a holding above its
// low-water mark (docs/protocol/code-blocks.md).

import type { Kysely, Transaction } from 'kysely';
import { nodeIdOf, prefectureNodeOf, type NodeId } from '../../domain/node-id.js';
import type { ResidentCode } from '../../domain/resident-code.js';
import type { NetworkRoute } from '../../net/index.js';
import {
  CODE_BLOCKS_PATH,
  CODE_BLOCK_MAX_SIZE,
  parseCodeBlockRequest,
  parseCodeBlockResponse,
  type CodeBlockRequest,
} from '../../protocol/index.js';
import { assert } from '../../shared/assert.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { JukinetError, isJukinetError, quote } from '../../shared/errors.js';
import { newUuidV7 } from '../../shared/ids.js';
import { toIsoTimestamp, type Database } from '../../store/index.js';
import type { NodeContext } from './node-module.js';
import { startRepeatingTask } from './repeating-task.js';

/** A block of codes as granted: the granter's block id and the codes, sorted. */
export interface CodeBlock {
  readonly blockId: string;
  readonly codes: readonly ResidentCode[];
}

/** Grants one block to `holder` inside `trx`, idempotently by (holder, requestId). */
export type GrantCodeBlock = (
  trx: Transaction<Database>,
  request: { readonly holder: NodeId; readonly requestId: string; readonly size: number },
) => Promise<CodeBlock>;

/** The `meta` key under which a holder keeps the block request it has asked for and not yet stored. */
export const CODE_REFILL_PENDING_KEY = 'code-refill.pending';

/** How many codes one insert writes (three parameters each: well inside both engines' limits). */
const INSERT_BATCH = 1000;
/** A prefecture's refill from the national server, when the municipality's ask is smaller. */
const DEFAULT_UPSTREAM_BLOCK_SIZE = 5000;

type Queryable = Kysely<Database> | Transaction<Database>;

/** Throws JUKI_ERR_CODE_BLOCK_SIZE unless `size` is a whole number from 1 to CODE_BLOCK_MAX_SIZE. */
export function checkCodeBlockSize(size: number): void {
  if (!Number.isInteger(size) || size < 1 || size > CODE_BLOCK_MAX_SIZE) {
    throw new JukinetError('JUKI_ERR_CODE_BLOCK_SIZE', quote(size));
  }
}

/**
 * Stores a block received from upstream as available codes. Receiving the same block again does nothing (a retried
 * request gets the same block back), so this returns how many codes are new. A code this node already holds from
 * another block means upstream handed a code out twice: JUKI_ERR_CODE_BLOCK_INVALID, and nothing is stored.
 */
export async function receiveCodeBlock(
  trx: Transaction<Database>,
  block: CodeBlock,
  options: { readonly receivedAt?: Date } = {},
): Promise<number> {
  const known = await trx
    .selectFrom('code_holding')
    .select('code')
    .where('block_id', '=', block.blockId)
    .limit(1)
    .executeTakeFirst();
  if (known !== undefined) return 0;
  const receivedAt = toIsoTimestamp(options.receivedAt ?? new Date());
  let stored = 0;
  for (let start = 0; start < block.codes.length; start += INSERT_BATCH) {
    const rows = block.codes.slice(start, start + INSERT_BATCH).map((code) => ({
      code,
      block_id: block.blockId,
      received_at: receivedAt,
    }));
    // ON CONFLICT DO NOTHING rather than catching a unique violation, which would abort the transaction on PostgreSQL.
    const inserted = await trx
      .insertInto('code_holding')
      .values(rows)
      .onConflict((conflict) => conflict.column('code').doNothing())
      .returning('code')
      .execute();
    stored += inserted.length;
  }
  if (stored !== block.codes.length) {
    throw new JukinetError(
      'JUKI_ERR_CODE_BLOCK_INVALID',
      `block ${quote(block.blockId)} repeats ${block.codes.length - stored} codes this node already holds`,
    );
  }
  return stored;
}

/**
 * Takes one available code for a person (first record, or a code change: 住基法第30条の3). A taken code is never
 * available again, even if the transaction that recorded the person is the only place it is used. Throws
 * JUKI_ERR_CODE_POOL_EMPTY when the holding is empty (refill with startCodeRefill's refillNow(), then retry).
 */
export async function takeCode(
  trx: Transaction<Database>,
  options: { readonly takenAt?: Date } = {},
): Promise<ResidentCode> {
  const takenAt = toIsoTimestamp(options.takenAt ?? new Date());
  const taken = await trx
    .updateTable('code_holding')
    .set({ taken_at: takenAt })
    .where('code', '=', availableCodes(trx).select('code').orderBy('received_at').orderBy('code').limit(1))
    .where('granted_to', 'is', null)
    .where('taken_at', 'is', null)
    .returning('code')
    .executeTakeFirst();
  if (taken === undefined) throw new JukinetError('JUKI_ERR_CODE_POOL_EMPTY', 'no code to assign');
  return taken.code as ResidentCode;
}

/** How many codes this node holds that are neither granted on nor taken. */
export async function countAvailableCodes(db: Queryable): Promise<number> {
  const row = await availableCodes(db)
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * A prefecture grants a sub-block of its holding to one of its municipalities (住基法第30条の3: the governor designates
 * the codes a municipality may assign). Idempotent by (holder, requestId): a retry gets the same codes, and the same
 * request id with another size is refused (JUKI_ERR_CODE_BLOCK_REQUEST_REUSED). When the holding cannot cover `size`
 * it throws JUKI_ERR_CODE_POOL_EMPTY and grants nothing: the caller refills from the national server first.
 */
export async function grantFromHolding(
  trx: Transaction<Database>,
  options: {
    readonly holder: NodeId;
    readonly requestId: string;
    readonly size: number;
    readonly clock?: Clock;
  },
): Promise<CodeBlock> {
  checkCodeBlockSize(options.size);
  const existing = await findGrantedBlock(trx, options);
  if (existing !== undefined) {
    return { blockId: existing.id, codes: await grantedCodes(trx, existing.id) };
  }
  const available = await countAvailableCodes(trx);
  if (available < options.size) {
    throw new JukinetError(
      'JUKI_ERR_CODE_POOL_EMPTY',
      `${quote(options.holder)} asked for ${options.size} codes, ${available} held`,
    );
  }
  const now = (options.clock ?? systemClock).now();
  const blockId = newUuidV7(now.getTime());
  const grantedAt = toIsoTimestamp(now);
  await trx
    .insertInto('code_block')
    .values({
      id: blockId,
      holder: options.holder,
      request_id: options.requestId,
      size: options.size,
      granted_at: grantedAt,
    })
    .execute();
  const granted = await trx
    .updateTable('code_holding')
    .set({ granted_to: options.holder, granted_block: blockId, granted_at: grantedAt })
    .where(
      'code',
      'in',
      availableCodes(trx).select('code').orderBy('received_at').orderBy('code').limit(options.size),
    )
    .where('granted_to', 'is', null)
    .where('taken_at', 'is', null)
    .returning('code')
    .execute();
  assert(granted.length === options.size, 'A holding that covers a grant grants all of it');
  return { blockId, codes: granted.map((row) => row.code as ResidentCode).sort() };
}

/**
 * The block a granter already granted to (holder, requestId), or undefined. JUKI_ERR_CODE_BLOCK_REQUEST_REUSED when
 * that request id was granted with another size.
 */
export async function findGrantedBlock(
  db: Queryable,
  request: { readonly holder: NodeId; readonly requestId: string; readonly size: number },
): Promise<{ id: string; size: number } | undefined> {
  const row = await db
    .selectFrom('code_block')
    .select(['id', 'size'])
    .where('holder', '=', request.holder)
    .where('request_id', '=', request.requestId)
    .executeTakeFirst();
  if (row !== undefined && row.size !== request.size) {
    throw new JukinetError(
      'JUKI_ERR_CODE_BLOCK_REQUEST_REUSED',
      `${quote(request.requestId)} of ${quote(request.holder)} was for ${row.size} codes, not ${request.size}`,
    );
  }
  return row;
}

/**
 * The network route `POST /v1/code-blocks` (docs/protocol/code-blocks.md). On the national node it grants to
 * prefectures with `options.grant` (the national module passes its code pool's grant: servers-common cannot import
 * it); on a prefecture it grants to that prefecture's municipalities from its holding, refilling from the national
 * server first when the holding cannot cover the ask (outside any transaction). Other nodes have no such route.
 */
export function codeBlockRoutes(
  context: NodeContext,
  options: { readonly grant?: GrantCodeBlock; readonly upstreamBlockSize?: number } = {},
): readonly NetworkRoute[] {
  switch (context.role) {
    case 'national': {
      const grant = options.grant;
      assert(grant !== undefined, 'The national code block route needs the code pool grant');
      return [
        {
          method: 'POST',
          path: CODE_BLOCKS_PATH,
          allow: (peer) => peer.role === 'prefecture',
          handler: async (request) => {
            const ask = readAsk(request.body);
            const block = await context.transaction((trx) =>
              grant(trx, { holder: request.peer.nodeId, ...ask }),
            );
            return { body: { blockId: block.blockId, codes: block.codes } };
          },
        },
      ];
    }
    case 'prefecture': {
      const upstreamBlockSize = options.upstreamBlockSize ?? DEFAULT_UPSTREAM_BLOCK_SIZE;
      checkCodeBlockSize(upstreamBlockSize);
      return [
        {
          method: 'POST',
          path: CODE_BLOCKS_PATH,
          allow: (peer) => peer.role === 'municipality' && prefectureNodeOf(peer.nodeId) === context.nodeId,
          handler: async (request) => {
            const ask = readAsk(request.body);
            const block = await grantFromPrefecture(context, {
              holder: request.peer.nodeId,
              ...ask,
              upstreamBlockSize,
            });
            return { body: { blockId: block.blockId, codes: block.codes } };
          },
        },
      ];
    }
    case 'municipality':
    case 'agency':
      return [];
  }
}

/** The background work that keeps a holding above its low-water mark. */
export interface CodeRefill {
  /** Stops the schedule and waits for a refill in progress. */
  stop(): Promise<void>;
  /** Refills now (or joins the refill in progress) and rejects with its failure; for start-up and tests. */
  refillNow(): Promise<void>;
}

/**
 * Keeps this node's holding at or above `lowWater` by asking `upstream` for blocks of `blockSize` codes: at once, then
 * every `intervalMs` (5 s), backing off after a failure up to `maxBackoffMs` (60 s). Each request id is stored in `meta`
 * before the call, so after a crash or a lost answer the retry uses the same id and gets the same block, and no code is
 * burned or held twice.
 */
export function startCodeRefill(
  context: NodeContext,
  options: {
    readonly upstream: NodeId;
    readonly lowWater: number;
    readonly blockSize: number;
    readonly intervalMs?: number;
    readonly maxBackoffMs?: number;
  },
): CodeRefill {
  checkCodeBlockSize(options.blockSize);
  const intervalMs = options.intervalMs ?? 5000;
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;
  const logger = context.logger.child({ component: 'code-refill', upstream: options.upstream });
  const task = startRepeatingTask({
    run: () =>
      ensureAvailable(context, {
        upstream: options.upstream,
        atLeast: options.lowWater,
        blockSize: options.blockSize,
      }),
    intervalMs,
    backoff: (failures) => Math.min(maxBackoffMs, intervalMs * 2 ** Math.min(failures, 16)),
    onFailure: (error, failures, retryInMs) =>
      logger.warn({ err: error, failures, retryInMs }, 'Code block refill failed'),
  });
  return { refillNow: task.runNow, stop: task.stop };
}

function readAsk(body: unknown): CodeBlockRequest {
  const ask = parseCodeBlockRequest(body);
  checkCodeBlockSize(ask.size);
  return ask;
}

function availableCodes(db: Queryable) {
  return db.selectFrom('code_holding').where('granted_to', 'is', null).where('taken_at', 'is', null);
}

async function grantedCodes(db: Queryable, blockId: string): Promise<ResidentCode[]> {
  const rows = await db
    .selectFrom('code_holding')
    .select('code')
    .where('granted_block', '=', blockId)
    .orderBy('code')
    .execute();
  return rows.map((row) => row.code as ResidentCode);
}

/**
 * Grants to a municipality from the prefecture's holding; when it cannot cover the ask, refills from the national
 * server (a network call, so outside the transaction) and tries again. A concurrent grant can take the refill first,
 * so this tries a few times before answering JUKI_ERR_CODE_POOL_EMPTY (the municipality retries later).
 */
async function grantFromPrefecture(
  context: NodeContext,
  request: CodeBlockRequest & { readonly holder: NodeId; readonly upstreamBlockSize: number },
): Promise<CodeBlock> {
  const { holder, requestId, size } = request;
  for (let attempt = 1; ; attempt++) {
    try {
      return await context.transaction((trx) =>
        grantFromHolding(trx, { holder, requestId, size, clock: context.clock }),
      );
    } catch (error) {
      if (!isJukinetError(error, 'JUKI_ERR_CODE_POOL_EMPTY') || attempt >= 3) throw error;
    }
    await ensureAvailable(context, {
      upstream: nodeIdOf('national'),
      atLeast: size,
      blockSize: request.upstreamBlockSize,
    });
  }
}

interface PendingRequest {
  readonly upstream: NodeId;
  readonly requestId: string;
  readonly size: number;
}

/** Refills queued one after another per store, shared by the refill schedule and the prefecture's route. */
const refilling = new WeakMap<object, Promise<void>>();

/**
 * Fetches blocks from `upstream` until at least `atLeast` codes are available, first finishing any request asked
 * before and not yet stored (its block is already reserved for us upstream).
 */
async function ensureAvailable(
  context: NodeContext,
  options: { readonly upstream: NodeId; readonly atLeast: number; readonly blockSize: number },
): Promise<void> {
  const previous = refilling.get(context.store) ?? Promise.resolve();
  const work = previous.catch(() => undefined).then(() => fillUp(context, options));
  refilling.set(context.store, work);
  try {
    await work;
  } finally {
    if (refilling.get(context.store) === work) refilling.delete(context.store);
  }
}

async function fillUp(
  context: NodeContext,
  options: { readonly upstream: NodeId; readonly atLeast: number; readonly blockSize: number },
): Promise<void> {
  // A bound, so that an upstream answering with too little never keeps us asking forever in one go.
  const rounds = Math.ceil(options.atLeast / options.blockSize) + 2;
  for (let round = 0; round < rounds; round++) {
    const pending = await readPending(context.store.db);
    let size = options.blockSize;
    if (pending === undefined) {
      const available = await countAvailableCodes(context.store.db);
      if (available >= options.atLeast) return;
      size = Math.min(CODE_BLOCK_MAX_SIZE, Math.max(options.blockSize, options.atLeast - available));
    }
    await fetchBlock(context, { upstream: options.upstream, size });
  }
}

/** Asks upstream for one block under a request id stored before the call, and stores the answer. */
async function fetchBlock(
  context: NodeContext,
  options: { readonly upstream: NodeId; readonly size: number },
): Promise<void> {
  const pending = await context.transaction(async (trx) => {
    const known = await readPending(trx);
    if (known !== undefined) return known;
    const created: PendingRequest = {
      upstream: options.upstream,
      requestId: newUuidV7(context.clock.now().getTime()),
      size: options.size,
    };
    await trx
      .insertInto('meta')
      .values({ key: CODE_REFILL_PENDING_KEY, value: JSON.stringify(created) })
      .execute();
    return created;
  });
  let answer: unknown;
  try {
    answer = await context.call(pending.upstream, {
      method: 'POST',
      path: CODE_BLOCKS_PATH,
      body: { requestId: pending.requestId, size: pending.size },
    });
  } catch (error) {
    // A validation refusal means upstream granted nothing under this id: forget it so the next try asks afresh.
    if (error instanceof JukinetError && error.category === 'validation')
      await clearPending(context, pending);
    throw error;
  }
  const block = parseCodeBlockResponse(answer, { size: pending.size });
  const received = await context.transaction(async (trx) => {
    const count = await receiveCodeBlock(trx, block, { receivedAt: context.clock.now() });
    await deletePending(trx, pending);
    return count;
  });
  context.logger.info(
    { upstream: pending.upstream, blockId: block.blockId, received },
    'Received a code block',
  );
}

async function readPending(db: Queryable): Promise<PendingRequest | undefined> {
  const row = await db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', CODE_REFILL_PENDING_KEY)
    .executeTakeFirst();
  return row === undefined ? undefined : (JSON.parse(row.value) as PendingRequest);
}

async function clearPending(context: NodeContext, pending: PendingRequest): Promise<void> {
  await context.transaction((trx) => deletePending(trx, pending));
}

async function deletePending(trx: Transaction<Database>, pending: PendingRequest): Promise<void> {
  await trx
    .deleteFrom('meta')
    .where('key', '=', CODE_REFILL_PENDING_KEY)
    .where('value', '=', JSON.stringify(pending))
    .execute();
}
