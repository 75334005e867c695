// The terminal API of one's own session: the two login steps, logout, "who am I", the operator's own log, and the
// browser's 初期設定 of the first administrator's key (docs/operators.md, "The terminal's API").

import type { FastifyInstance } from 'fastify';
import type { Server } from 'node:https';
import { z } from 'zod';
import type { OperatorService, OperatorSettings } from '../operators/index.js';
import { parseBody } from './replies.js';
import { callerOf, clearSessionCookie, setSessionCookie, terminalOf } from './terminal-identity.js';
import { operationView, operatorView } from './views.js';

/** The operator service of the node and its settings, once the terminal knows its own origin. */
export interface TerminalOperators {
  readonly service: OperatorService;
  readonly settings: OperatorSettings;
}

const handle = z.string().min(1).max(128);
const passwordLogin = z.strictObject({ loginName: z.string().max(64), password: z.string().max(1024) });
const keyLogin = z.strictObject({ loginId: handle, response: z.record(z.string(), z.unknown()) });
const setupBegin = z.strictObject({ code: handle });
const setupComplete = z.strictObject({ enrolmentId: handle, response: z.record(z.string(), z.unknown()) });
const logQuery = z.strictObject({ afterSeq: z.coerce.number().int().min(0).optional() });

export function registerSessionRoutes(
  app: FastifyInstance<Server>,
  operators: () => TerminalOperators,
): void {
  app.post('/api/login/password', async (request) => {
    const body = parseBody(passwordLogin, request.body);
    const pending = await operators().service.beginLogin({ ...body, terminal: terminalOf(request) });
    return { loginId: pending.loginId, options: pending.options };
  });

  app.post('/api/login/key', async (request, reply) => {
    const body = parseBody(keyLogin, request.body);
    const { service, settings } = operators();
    const session = await service.completeLogin({ ...body, terminal: terminalOf(request) });
    setSessionCookie(reply, session.token);
    return { operator: operatorView(session.operator), idleTimeoutMs: settings.idleTimeoutMs };
  });

  app.post('/api/logout', async (request, reply) => {
    clearSessionCookie(reply);
    await operators().service.logout(callerOf(request));
    return { ok: true };
  });

  app.get('/api/session', async (request) => {
    const { service, settings } = operators();
    const session = await service.authenticate(callerOf(request));
    return { operator: operatorView(session.operator), idleTimeoutMs: settings.idleTimeoutMs };
  });

  app.get('/api/log/mine', async (request) => {
    const query = parseBody(logQuery, request.query);
    const records = await operators().service.readOwnOperationLog(callerOf(request), {
      limit: 1000,
      ...(query.afterSeq === undefined ? {} : { afterSeq: query.afterSeq }),
    });
    return { records: records.map(operationView) };
  });

  app.post('/api/setup/begin', async (request) => {
    const body = parseBody(setupBegin, request.body);
    return operators().service.beginFirstAdministratorKey({
      setupCode: body.code,
      terminal: terminalOf(request),
    });
  });

  app.post('/api/setup/complete', async (request) => {
    const body = parseBody(setupComplete, request.body);
    await operators().service.completeFirstAdministratorKey({ ...body, terminal: terminalOf(request) });
    return { ok: true };
  });
}
