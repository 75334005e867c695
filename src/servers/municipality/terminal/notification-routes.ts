// 届出 on the municipal terminal (docs/terminal-api.md): a clerk checks and enters a 届出, kept pending (受付); an
// examiner confirms it (決裁: the register records it and the identity change leaves through the outbox) or rejects
// it. Each route runs through perform(), so the right is checked and the operation logged with the codes it touched.

import type { Server } from 'node:https';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Outbox } from '../../common/node-module.js';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { canPerform, japanDateOf, type Rights } from '../../../domain/index.js';
import type { Clock } from '../../../shared/clock.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import { newUuidV7 } from '../../../shared/ids.js';
import { ok } from '../../../shared/result.js';
import { withSavepoint, type Database, type Store } from '../../../store/index.js';
import type { NodeContext, TerminalRouteContext } from '../../common/node-module.js';
import type { OperationRequest } from '../../common/operators/index.js';
import { callerOf, parseBody } from '../../common/terminal-api/index.js';
import {
  createRegisterReader,
  LikelyDuplicateError,
  type Register,
  type ResidentRecord,
} from '../register/index.js';
import { nodePerformer, type NodeOperationScope } from './node-operation.js';
import {
  applyNotification,
  filingPeriodOf,
  functionOfKind,
  NOTIFICATION_KINDS,
  NotificationStatus,
  parseNotificationInput,
  type NotificationInput,
  type NotificationKind,
  type SpecialMoveNotifications,
} from './notification.js';
import {
  decideNotification,
  insertNotification,
  listNotifications,
  readNotification,
  readNotificationKind,
  type NotificationView,
} from './notification-store.js';
import { residentSummaryOf } from './register-routes.js';

/** What the notification routes need of the node besides the operators. */
export interface NotificationRouteOptions {
  /** The node's store, to read a notification's kind (which names the right) before the operation. */
  readonly store: Store;
  /** The node's clock: 届出日 and 異動日 default to today in Japan by it. */
  readonly clock: Clock;
  /** The node's transactions with their outbox (NodeContext.transaction). */
  readonly transaction: NodeContext['transaction'];
  /** The register with its writes inside the caller's transaction and outbox. */
  readonly registerWithin: (trx: Transaction<Database>, outbox: Outbox) => Register;
  /**
   * The one-visit move's 届出 (付記転出届, 特例転入届) inside the caller's transaction and outbox, as `operator`;
   * without it those kinds are refused (docs/special-move.md).
   */
  readonly specialMoveWithin?: (
    trx: Transaction<Database>,
    outbox: Outbox,
    context: { readonly operator: string },
  ) => SpecialMoveNotifications;
}

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const listQuery = z.strictObject({ status: z.enum(NotificationStatus).optional() });
const rejectBody = z.strictObject({ reason: z.string().trim().min(1).max(200) });

/** The kinds an operator may see: the 届出 with notification read, the 職権 acts with official-action read. */
function visibleKinds(rights: Rights): NotificationKind[] {
  return NOTIFICATION_KINDS.filter((kind) => canPerform(rights, functionOfKind(kind), 'read'));
}

/** Adds the 届出 routes to the terminal. */
export function registerNotificationRoutes(
  app: FastifyInstance<Server>,
  context: TerminalRouteContext,
  options: NotificationRouteOptions,
): void {
  const today = (): string => japanDateOf(options.clock.now());

  const perform = nodePerformer(context, options.transaction);

  /**
   * The function a read is performed under: `notification`, or `official-action` for an operator who may read only
   * the 職権 acts. A caller without a valid session is left to perform() to refuse and log.
   */
  async function readFunctionOf(request: FastifyRequest): Promise<'notification' | 'official-action'> {
    const session = await context
      .operators()
      .service.authenticate(callerOf(request))
      .catch(() => undefined);
    if (session === undefined) return 'notification';
    const { rights } = session.operator;
    return !canPerform(rights, 'notification', 'read') && canPerform(rights, 'official-action', 'read')
      ? 'official-action'
      : 'notification';
  }

  /** Touches the resident codes of the record or household the input names. */
  async function touchSubject(scope: NodeOperationScope, input: NotificationInput): Promise<void> {
    const reader = createRegisterReader(scope.trx);
    const ids =
      input.residentId !== null
        ? [input.residentId]
        : input.householdId !== null
          ? ((await reader.getHousehold(input.householdId))?.memberIds ?? [])
          : [];
    for (const id of ids) {
      const record = await reader.getResident(id);
      if (record !== undefined) scope.touch(record.residentCode);
    }
  }

  /** Applies the input to the register in the operation's transaction; a likely duplicate's candidates are touched. */
  async function apply(
    scope: NodeOperationScope,
    input: NotificationInput,
    operator: string,
  ): Promise<ResidentRecord[]> {
    const specialMove = options.specialMoveWithin?.(scope.trx, scope.outbox, { operator });
    try {
      return await applyNotification(options.registerWithin(scope.trx, scope.outbox), input, {
        operator,
        ...(specialMove === undefined ? {} : { specialMove }),
      });
    } catch (error) {
      if (error instanceof LikelyDuplicateError) {
        scope.touch(...error.candidates.map((candidate) => candidate.residentCode));
      }
      throw error;
    }
  }

  /** Tries the input on the register and undoes everything it wrote (records, code takes, outbox rows). */
  async function check(scope: NodeOperationScope, input: NotificationInput): Promise<void> {
    await touchSubject(scope, input);
    await withSavepoint(scope.trx, () => apply(scope, input, scope.session.operator.id), { keep: false });
  }

  async function readOrRefuse(trx: Transaction<Database>, id: string): Promise<NotificationView> {
    const notification = await readNotification(trx, id);
    if (notification === undefined) throw new JukinetError('JUKI_ERR_NOTIFICATION_NOT_FOUND', quote(id));
    return notification;
  }

  /** The resident codes a notification's view shows: its subject's and its results'. */
  function codesOf(notification: NotificationView): string[] {
    return [notification.subject, ...notification.results].flatMap((summary) =>
      summary === null ? [] : [summary.residentCode],
    );
  }

  /** The right a decision on notification `id` needs: execute on its kind's function. */
  async function decisionRight(id: string): Promise<OperationRequest> {
    const kind = await readNotificationKind(options.store.db, id);
    return {
      fn: kind === undefined ? 'notification' : functionOfKind(kind),
      access: 'execute',
      records: [id],
    };
  }

  app.post('/api/notifications/check', async (request) => {
    const input = parseNotificationInput(request.body, { today: today() });
    return perform(request, { fn: functionOfKind(input.kind), access: 'write' }, async (scope) => {
      await check(scope, input);
      return ok({ ok: true, ...filingPeriodOf(input) });
    });
  });

  app.post('/api/notifications', async (request, reply) => {
    const input = parseNotificationInput(request.body, { today: today() });
    const notification = await perform(
      request,
      { fn: functionOfKind(input.kind), access: 'write' },
      async (scope) => {
        await check(scope, input);
        const id = newUuidV7(scope.now.getTime());
        scope.touch(id);
        await insertNotification(scope.trx, {
          id,
          input,
          late: filingPeriodOf(input).late,
          enteredBy: scope.session.operator.id,
          enteredAt: scope.now,
        });
        return ok(await readOrRefuse(scope.trx, id));
      },
    );
    return reply.code(201).send({ notification });
  });

  app.get('/api/notifications', async (request) => {
    const query = parseBody(listQuery, request.query);
    const fn = await readFunctionOf(request);
    return perform(request, { fn, access: 'read' }, async ({ trx, session, touch }) => {
      const notifications = await listNotifications(trx, {
        kinds: visibleKinds(session.operator.rights),
        ...(query.status === undefined ? {} : { status: query.status }),
      });
      touch(...notifications.flatMap((notification) => codesOf(notification)));
      return ok({ notifications });
    });
  });

  app.get('/api/notifications/:id', async (request) => {
    const { id } = parseBody(idParams, request.params);
    const fn = await readFunctionOf(request);
    return perform(request, { fn, access: 'read', records: [id] }, async ({ trx, session, touch }) => {
      const notification = await readOrRefuse(trx, id);
      if (!visibleKinds(session.operator.rights).includes(notification.kind)) {
        throw new JukinetError(
          'JUKI_ERR_OPERATOR_FORBIDDEN',
          `${quote(functionOfKind(notification.kind))} (read)`,
        );
      }
      touch(...codesOf(notification));
      return ok({ notification });
    });
  });

  app.post('/api/notifications/:id/confirm', async (request) => {
    const { id } = parseBody(idParams, request.params);
    return perform(request, await decisionRight(id), async (scope) => {
      const notification = await readOrRefuse(scope.trx, id);
      if (notification.enteredBy.id === scope.session.operator.id) {
        throw new JukinetError('JUKI_ERR_NOTIFICATION_SELF_CONFIRM', quote(id));
      }
      if (notification.status !== NotificationStatus.pending) {
        throw new JukinetError('JUKI_ERR_NOTIFICATION_NOT_PENDING', `${quote(id)} is ${notification.status}`);
      }
      const input: NotificationInput = {
        kind: notification.kind,
        residentId: notification.residentId,
        householdId: notification.householdId,
        request: notification.request,
      };
      await touchSubject(scope, input);
      // The action names the operator who took the 届出; the examiner who confirmed it is on the notification.
      const records = await apply(scope, input, notification.enteredBy.id);
      scope.touch(...records.map((record) => record.residentCode));
      const decided = await decideNotification(scope.trx, id, {
        status: NotificationStatus.applied,
        decidedBy: scope.session.operator.id,
        decidedAt: scope.now,
        results: records.map(residentSummaryOf),
      });
      if (!decided) throw new JukinetError('JUKI_ERR_NOTIFICATION_NOT_PENDING', quote(id));
      return ok({ notification: await readOrRefuse(scope.trx, id) });
    });
  });

  app.post('/api/notifications/:id/reject', async (request) => {
    const { id } = parseBody(idParams, request.params);
    const { reason } = parseBody(rejectBody, request.body);
    return perform(request, await decisionRight(id), async (scope) => {
      const notification = await readOrRefuse(scope.trx, id);
      if (notification.status !== NotificationStatus.pending) {
        throw new JukinetError('JUKI_ERR_NOTIFICATION_NOT_PENDING', `${quote(id)} is ${notification.status}`);
      }
      const decided = await decideNotification(scope.trx, id, {
        status: NotificationStatus.rejected,
        decidedBy: scope.session.operator.id,
        decidedAt: scope.now,
        reason,
      });
      if (!decided) throw new JukinetError('JUKI_ERR_NOTIFICATION_NOT_PENDING', quote(id));
      const rejected = await readOrRefuse(scope.trx, id);
      scope.touch(...codesOf(rejected));
      return ok({ notification: rejected });
    });
  });
}
