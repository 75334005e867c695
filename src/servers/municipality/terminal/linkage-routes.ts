// The linkage's JSON message API on the municipal terminal (docs/linkage.md "The JSON message API"): POST
// /api/linkage/messages, as an operator with official-action execute, each call in the operation log. The messages are
// applied in the operation's transaction, each in a savepoint of its own, so that a refused one changes nothing while
// the others, the identity.changed messages they queue and the log row commit together.

import type { Server } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { NodeId } from '../../../domain/index.js';
import type { Clock } from '../../../shared/clock.js';
import { ok } from '../../../shared/result.js';
import { withSavepoint } from '../../../store/index.js';
import type { NodeContext, TerminalRouteContext } from '../../common/node-module.js';
import { callerOf } from '../../common/terminal-api/index.js';
import { receiveLinkageMessages } from '../linkage-api.js';
import { performWithOutbox } from './node-operation.js';

/** What the linkage route needs of the node besides the operators. */
export interface LinkageRouteOptions {
  /** The origin of the identity.changed messages. */
  readonly nodeId: NodeId;
  readonly clock: Clock;
  /** The node's transactions with their outbox (NodeContext.transaction). */
  readonly transaction: NodeContext['transaction'];
}

/** Adds POST /api/linkage/messages to the terminal. */
export function registerLinkageRoutes(
  app: FastifyInstance<Server>,
  context: TerminalRouteContext,
  options: LinkageRouteOptions,
): void {
  app.post('/api/linkage/messages', async (request) =>
    performWithOutbox(
      {
        service: context.operators().service,
        transaction: options.transaction,
        caller: callerOf(request),
        request: { fn: 'official-action', access: 'execute' },
      },
      async ({ trx, outbox, touch }) => {
        const report = await receiveLinkageMessages(
          {
            nodeId: options.nodeId,
            clock: options.clock,
            // Each message in a savepoint of the operation's transaction: a refusal undoes that message only.
            transaction: (fn) => withSavepoint(trx, () => fn(trx, outbox)),
          },
          request.body,
        );
        touch(
          ...report.results.flatMap((result) => (result.status === 'refused' ? [] : [result.residentCode])),
        );
        return ok(report);
      },
    ),
  );
}
