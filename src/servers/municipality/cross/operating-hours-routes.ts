// The common operating hours on the municipal terminal (docs/terminal-api.md, "Operating hours"): whether the window
// is open and when it next opens, and the exceptions this municipality has arranged with others, recorded and
// withdrawn under `operating-hours`.

import type { Server } from 'node:https';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  formatJapanDateTime,
  type LocalGovernmentCode,
  type OperatingCalendar,
} from '../../../domain/index.js';
import type { Clock } from '../../../shared/clock.js';
import { ok } from '../../../shared/result.js';
import type { NodeContext, TerminalRouteContext } from '../../common/node-module.js';
import { parseBody } from '../../common/terminal-api/index.js';
import { nodePerformer } from '../terminal/node-operation.js';
import {
  listOperatingExceptions,
  operatingExceptionRequestSchema,
  recordOperatingException,
  withdrawOperatingException,
  type RecordedException,
} from './operating-gate.js';

export interface OperatingHoursRouteOptions {
  readonly lgCode: LocalGovernmentCode;
  readonly calendar: OperatingCalendar;
  readonly clock: Clock;
  readonly transaction: NodeContext['transaction'];
}

const idParams = z.strictObject({ id: z.string().min(1).max(64) });

/** An exception as the terminal shows it. */
function exceptionView(exception: RecordedException): Record<string, unknown> {
  return {
    id: exception.id,
    service: exception.service,
    municipalities: exception.municipalities,
    start: exception.start.toISOString(),
    end: exception.end.toISOString(),
    reason: exception.reason,
    arrangedBy: exception.arrangedBy,
    recordedBy: exception.recordedBy,
    recordedAt: exception.recordedAt,
    withdrawnAt: exception.withdrawnAt,
  };
}

/** Adds the operating hours routes to the terminal. */
export function registerOperatingHoursRoutes(
  app: FastifyInstance<Server>,
  context: TerminalRouteContext,
  options: OperatingHoursRouteOptions,
): void {
  const perform = nodePerformer(context, options.transaction);

  // The window now, the next opening (in 和暦 for the screen) and the exceptions in force or to come.
  app.get('/api/operating-hours', async (request) =>
    perform(request, { fn: 'operating-hours', access: 'read' }, async (scope) => {
      const window = options.calendar.currentWindow(scope.now);
      const nextOpening = options.calendar.nextOpening(scope.now);
      const exceptions = await listOperatingExceptions(scope.trx, { from: scope.now });
      return ok({
        now: scope.now.toISOString(),
        open: window !== undefined,
        window:
          window === undefined
            ? null
            : { date: window.date, opens: window.opens.toISOString(), closes: window.closes.toISOString() },
        nextOpening: nextOpening.toISOString(),
        nextOpeningText: formatJapanDateTime(nextOpening),
        hours: { opens: options.calendar.settings.opens, closes: options.calendar.settings.closes },
        exceptions: exceptions.map(exceptionView),
      });
    }),
  );

  app.post('/api/operating-hours/exceptions', async (request) => {
    const body = parseBody(operatingExceptionRequestSchema, request.body);
    const exception = await perform(request, { fn: 'operating-hours', access: 'write' }, async (scope) =>
      ok(
        await recordOperatingException(scope.trx, body, {
          own: options.lgCode,
          operator: scope.session.operator.id,
          now: scope.now,
        }),
      ),
    );
    return { exception: exceptionView(exception) };
  });

  app.post('/api/operating-hours/exceptions/:id/withdraw', async (request) => {
    const { id } = parseBody(idParams, request.params);
    await perform(request, { fn: 'operating-hours', access: 'write', records: [id] }, async (scope) => {
      await withdrawOperatingException(scope.trx, id, {
        operator: scope.session.operator.id,
        now: scope.now,
      });
      return ok(undefined);
    });
    return { withdrawn: id };
  });
}
