// File delivery at a prefectural server (ファイルデリバリ, DESIGN.md §3): on a schedule it asks the national server which
// files it delivers, fetches each affair registry (別表) version it does not hold, verifies it as the national server
// does (the national key, the network CA, the schema, a higher version), keeps it, and reports the outcome
// (docs/file-delivery.md). The registry in force here then governs provision to the prefecture's bodies.

import {
  DeliveredFile,
  FILE_REPORTS_PATH,
  FILES_PATH,
  deliveredFilesAnswerSchema,
  describeIssues,
  fileVersionPath,
  type FileReport,
} from '../../protocol/index.js';
import { canonicalJson } from '../../crypto/index.js';
import type { NodeId } from '../../domain/index.js';
import { JukinetError, isJukinetError } from '../../shared/errors.js';
import { createHash } from 'node:crypto';
import type { NodeContext } from '../common/node-module.js';
import { loadSignedAffairRegistry } from '../common/provision/index.js';
import { startRepeatingTask } from '../common/repeating-task.js';
import type { SecurityEventLog } from '../common/security-event-log.js';

const NATIONAL = 'national' as NodeId;

/** What one round of delivery did. */
export interface FileSyncOutcome {
  /** The registry versions fetched, verified and kept in this round. */
  readonly applied: readonly number[];
  /** The versions refused, with why (also reported to the national server and recorded as security events). */
  readonly refused: readonly { readonly version: number; readonly reason: string }[];
}

/** The running schedule: `syncNow` runs a round at once (one at a time); `stop` ends the schedule. */
export interface FileDelivery {
  syncNow(): Promise<FileSyncOutcome>;
  stop(): Promise<void>;
}

/** The highest registry version this node keeps from a delivered file (0 when none). */
async function heldVersion(context: NodeContext): Promise<number> {
  const row = await context.store.db
    .selectFrom('affair_registry')
    .select((eb) => eb.fn.max('version').as('version'))
    .executeTakeFirst();
  return Number(row?.version ?? 0);
}

/** One round: the list, then each newer version in order; a refused version is reported and the round goes on. */
async function syncFiles(context: NodeContext, securityEvents: SecurityEventLog): Promise<FileSyncOutcome> {
  const listed = deliveredFilesAnswerSchema.safeParse(
    await context.call(NATIONAL, { method: 'GET', path: FILES_PATH }),
  );
  if (!listed.success) {
    throw new JukinetError(
      'JUKI_ERR_PEER_ERROR',
      `file list: ${describeIssues(listed.error.issues, 'answer')}`,
    );
  }
  const held = await heldVersion(context);
  const applied: number[] = [];
  const refused: { version: number; reason: string }[] = [];
  const newer = listed.data.files
    .filter((entry) => entry.file === DeliveredFile.affairRegistry && entry.version > held)
    .sort((a, b) => a.version - b.version);
  for (const entry of newer) {
    const file = await context.call<unknown>(NATIONAL, {
      method: 'GET',
      path: fileVersionPath(DeliveredFile.affairRegistry, entry.version),
    });
    let report: FileReport;
    try {
      const digest = createHash('sha256').update(canonicalJson(file), 'utf8').digest('hex');
      if (digest !== entry.digest) {
        throw new JukinetError(
          'JUKI_ERR_REGISTRY_SIGNATURE',
          'the file is not the one listed (digest differs)',
        );
      }
      const registry = await loadSignedAffairRegistry(context.store, file, {
        caPem: context.caPem,
        clock: context.clock,
      });
      if (registry.version !== entry.version) {
        throw new JukinetError(
          'JUKI_ERR_REGISTRY_VERSION',
          `listed as ${entry.version}, holds ${registry.version}`,
        );
      }
      applied.push(entry.version);
      report = { file: DeliveredFile.affairRegistry, version: entry.version, outcome: 'applied' };
      context.logger.info(
        { version: entry.version, effectiveDate: registry.effectiveDate },
        'Affair registry delivered',
      );
    } catch (error) {
      if (!isJukinetError(error)) throw error;
      const reason = `${error.code}: ${error.message}`;
      refused.push({ version: entry.version, reason });
      securityEvents.record({
        kind: 'file-refused',
        peer: NATIONAL,
        detail: { file: DeliveredFile.affairRegistry, version: entry.version, reason },
      });
      report = {
        file: DeliveredFile.affairRegistry,
        version: entry.version,
        outcome: 'refused',
        detail: reason.slice(0, 2000),
      };
    }
    await context.call(NATIONAL, { method: 'POST', path: FILE_REPORTS_PATH, body: report });
  }
  return { applied, refused };
}

/**
 * Starts the delivery schedule: a round now and every `intervalMs` after the last one ended, backing off after a
 * failure (the national server unreachable, say) up to ten intervals. A refused file is not a failure: it is reported.
 */
export function startFileDelivery(
  context: NodeContext,
  options: { securityEvents: SecurityEventLog; intervalMs: number },
): FileDelivery {
  const logger = context.logger.child({ component: 'file-delivery' });
  const task = startRepeatingTask({
    run: () => syncFiles(context, options.securityEvents),
    intervalMs: options.intervalMs,
    backoff: (failures) => options.intervalMs * Math.min(10, 2 ** Math.min(failures, 4)),
    onFailure: (error, failures, retryInMs) =>
      logger.warn({ err: error, failures, retryInMs }, 'File delivery round failed'),
  });
  return { syncNow: task.runNow, stop: task.stop };
}
