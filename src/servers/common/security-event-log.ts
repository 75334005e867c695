// Security events found while applying a message (a relayed original with a bad signature, a municipality speaking for
// someone it may not): written outside the apply transaction, which the refusal rolls back, so the record survives it.

import { AsyncResource } from 'node:async_hooks';
import type { Logger } from 'pino';
import type { Clock } from '../../shared/clock.js';
import type { Store } from '../../store/index.js';

/** One security event, as it lands in `security_event`. */
export interface SecurityEventRecord {
  readonly kind: string;
  /** The authenticated peer that presented the message. */
  readonly peer: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** Records security events from inside a transaction that is about to be rolled back. */
export interface SecurityEventLog {
  /**
   * Queues the event, logs it at once, and writes it to `security_event` on its own connection once the store can take
   * it (on SQLite: after the current transaction ends). Never throws; a failed write is logged.
   */
  record(event: SecurityEventRecord): void;
  /** Resolves once every event recorded so far is written (or its failure logged). */
  flush(): Promise<void>;
}

/**
 * Creates the log for `store`. Call it outside any transaction (when the module is built): writes run in that async
 * context, not in the transaction's, so the store's guard against statements on `store.db` inside a transaction does
 * not apply to them, and on SQLite they wait for the transaction's connection instead of running inside it.
 */
export function createSecurityEventLog(
  store: Store,
  options: { clock: Clock; logger: Logger },
): SecurityEventLog {
  const outside = AsyncResource.bind((fn: () => Promise<void>): Promise<void> => fn());
  let pending: Promise<void> = Promise.resolve();
  return {
    record(event) {
      const at = options.clock.now().toISOString();
      options.logger.warn({ event: event.kind, peer: event.peer, ...event.detail }, 'Refused message');
      const write = (): Promise<void> =>
        outside(async () => {
          await store.db
            .insertInto('security_event')
            .values({ at, kind: event.kind, peer: event.peer, detail: JSON.stringify(event.detail) })
            .execute();
        }).catch((error: unknown) => {
          options.logger.error({ err: error, event: event.kind }, 'Could not record a security event');
        });
      // Not awaited by the caller: the write must wait for the refused transaction to end.
      pending = pending.then(write);
    },
    flush() {
      return pending;
    },
  };
}
