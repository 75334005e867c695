// perform() in the node's own transaction: the work of a terminal operation gets the outbox of that transaction, so
// that a register change, the identity.changed it queues and the operation's log row commit together or not at all.

import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { assert } from '../../../shared/assert.js';
import type { Database } from '../../../store/index.js';
import type { NodeContext, Outbox, TerminalRouteContext } from '../../common/node-module.js';
import { callerOf } from '../../common/terminal-api/index.js';
import type {
  Caller,
  OperationRequest,
  OperationResult,
  OperationScope,
  OperatorService,
} from '../../common/operators/index.js';

/** What the work of an operation in the node's transaction gets: perform()'s scope and the transaction's outbox. */
export interface NodeOperationScope extends OperationScope {
  readonly outbox: Outbox;
}

/**
 * Performs one operation for `caller` (checking the right and logging it, as perform() does) with its work in a
 * transaction of the node (NodeContext.transaction), whose outbox the work gets: its messages commit with its
 * writes and its log row, and the dispatcher is woken after the commit.
 */
export function performWithOutbox<T>(
  operation: {
    readonly service: OperatorService;
    readonly transaction: NodeContext['transaction'];
    readonly caller: Caller;
    readonly request: OperationRequest;
  },
  work: (scope: NodeOperationScope) => Promise<OperationResult<T>>,
): Promise<T> {
  const outboxes = new WeakMap<Transaction<Database>, Outbox>();
  return operation.service.perform(
    operation.caller,
    {
      ...operation.request,
      transaction: (fn) =>
        operation.transaction((trx, outbox) => {
          outboxes.set(trx, outbox);
          return fn(trx);
        }),
    },
    (scope) => {
      const outbox = outboxes.get(scope.trx);
      assert(outbox !== undefined, 'perform() runs the work in the transaction it was given');
      return work({ ...scope, outbox });
    },
  );
}

/** The perform() of a route file: each request's operation in a transaction of the node, with its outbox. */
export type NodePerform = <T>(
  request: FastifyRequest,
  operation: OperationRequest,
  work: (scope: NodeOperationScope) => Promise<OperationResult<T>>,
) => Promise<T>;

/** A NodePerform over the terminal's operator service and the node's `transaction`. */
export function nodePerformer(
  context: TerminalRouteContext,
  transaction: NodeContext['transaction'],
): NodePerform {
  return (request, operation, work) =>
    performWithOutbox(
      { service: context.operators().service, transaction, caller: callerOf(request), request: operation },
      work,
    );
}
