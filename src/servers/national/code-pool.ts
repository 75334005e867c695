// The national code pool (住基法第30条の2: the centre generates resident codes so that none repeats): random valid codes,
// every one recorded in code_pool so it is never generated or handed out twice, granted to prefectures in blocks.

import type { Kysely, Transaction } from 'kysely';
import type { NodeId } from '../../domain/node-id.js';
import { generateResidentCode, type ResidentCode } from '../../domain/resident-code.js';
import type { NetworkRoute } from '../../net/index.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { JukinetError, quote } from '../../shared/errors.js';
import { newUuidV7 } from '../../shared/ids.js';
import { secureRandomBytes, type RandomBytes } from '../../shared/random.js';
import { toIsoTimestamp, type Database } from '../../store/index.js';
import {
  checkCodeBlockSize,
  codeBlockRoutes,
  findGrantedBlock,
  type CodeBlock,
} from '../common/code-holding.js';
import type { NodeContext } from '../common/node-module.js';

/** How many new codes one insert writes (three parameters each: well inside both engines' limits). */
const INSERT_BATCH = 1000;

/**
 * Grants a block of `size` new codes to a prefecture. Idempotent by (holder, requestId): the same request returns the
 * same block, so a retry after a lost answer neither burns nor duplicates codes; the same id with another size is
 * refused (JUKI_ERR_CODE_BLOCK_REQUEST_REUSED). Each code is drawn from `random` (cryptographic unless a test injects
 * one) and kept only if code_pool has never held it; a repeat is drawn again. If `random` cannot produce enough new
 * codes within a generous number of draws, JUKI_ERR_CODE_POOL_EXHAUSTED and nothing is granted.
 */
export async function grantCodeBlock(
  trx: Transaction<Database>,
  options: {
    readonly holder: NodeId;
    readonly requestId: string;
    readonly size: number;
    readonly random?: RandomBytes;
    readonly clock?: Clock;
  },
): Promise<CodeBlock> {
  checkCodeBlockSize(options.size);
  const random = options.random ?? secureRandomBytes;
  const now = (options.clock ?? systemClock).now();
  const blockId = newUuidV7(now.getTime());
  const at = toIsoTimestamp(now);
  // ON CONFLICT DO NOTHING rather than catching a unique violation, which would abort the transaction on PostgreSQL.
  const created = await trx
    .insertInto('code_block')
    .values({
      id: blockId,
      holder: options.holder,
      request_id: options.requestId,
      size: options.size,
      granted_at: at,
    })
    .onConflict((conflict) => conflict.columns(['holder', 'request_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (created === undefined) {
    const existing = await findGrantedBlock(trx, options);
    if (existing === undefined) {
      throw new JukinetError('JUKI_ERR_INTERNAL', `code block ${quote(options.requestId)} vanished`);
    }
    return { blockId: existing.id, codes: await poolCodes(trx, existing.id) };
  }

  const codes: ResidentCode[] = [];
  const maxDraws = options.size * 20 + 1000;
  let draws = 0;
  while (codes.length < options.size) {
    const wanted = Math.min(INSERT_BATCH, options.size - codes.length);
    const candidates = new Set<ResidentCode>();
    while (candidates.size < wanted && draws < maxDraws) {
      candidates.add(generateResidentCode(random));
      draws += 1;
    }
    if (candidates.size > 0) {
      const inserted = await trx
        .insertInto('code_pool')
        .values([...candidates].map((code) => ({ code, block_id: blockId, generated_at: at })))
        .onConflict((conflict) => conflict.column('code').doNothing())
        .returning('code')
        .execute();
      for (const row of inserted) codes.push(row.code as ResidentCode);
    }
    if (draws >= maxDraws && codes.length < options.size) {
      throw new JukinetError(
        'JUKI_ERR_CODE_POOL_EXHAUSTED',
        `${codes.length} of ${options.size} new codes after ${draws} draws`,
      );
    }
  }
  return { blockId, codes: codes.sort() };
}

/** How many codes the national server has ever generated. */
export async function countGeneratedCodes(db: Kysely<Database> | Transaction<Database>): Promise<number> {
  const row = await db
    .selectFrom('code_pool')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * The national node's `POST /v1/code-blocks` (docs/protocol/code-blocks.md): prefectures ask for blocks, granted by
 * grantCodeBlock with the node's clock. The national module adds these to its network routes.
 */
export function nationalCodeBlockRoutes(context: NodeContext): readonly NetworkRoute[] {
  return codeBlockRoutes(context, {
    grant: (trx, request) => grantCodeBlock(trx, { ...request, clock: context.clock }),
  });
}

async function poolCodes(trx: Transaction<Database>, blockId: string): Promise<ResidentCode[]> {
  const rows = await trx
    .selectFrom('code_pool')
    .select('code')
    .where('block_id', '=', blockId)
    .orderBy('code')
    .execute();
  return rows.map((row) => row.code as ResidentCode);
}
