// The terminal API of 操作者管理 (operator administration): list, enrol, enrol a key for, disable and enable
// operators. The service checks the administrator's session and right, and logs each call.

import type { FastifyInstance } from 'fastify';
import type { Server } from 'node:https';
import { z } from 'zod';
import { OPERATOR_ROLES } from '../../../domain/index.js';
import { parseBody } from './replies.js';
import type { TerminalOperators } from './session-routes.js';
import { callerOf } from './terminal-identity.js';
import { operatorView } from './views.js';

const enrolment = z.strictObject({
  loginName: z.string().max(64),
  displayName: z.string().max(128),
  role: z.enum(OPERATOR_ROLES as [string, ...string[]]),
  password: z.string().max(1024),
});
const keyCompletion = z.strictObject({
  enrolmentId: z.string().min(1).max(128),
  response: z.record(z.string(), z.unknown()),
});
const operatorParams = z.strictObject({ id: z.string().min(1).max(64) });

export function registerOperatorRoutes(
  app: FastifyInstance<Server>,
  operators: () => TerminalOperators,
): void {
  app.get('/api/operators', async (request) => {
    const list = await operators().service.listOperators(callerOf(request));
    return { operators: list.map(operatorView) };
  });

  app.post('/api/operators', async (request) => {
    const body = parseBody(enrolment, request.body);
    const operator = await operators().service.enrolOperator(callerOf(request), {
      ...body,
      role: body.role as (typeof OPERATOR_ROLES)[number],
    });
    return { operator: operatorView(operator) };
  });

  app.get('/api/operators/:id', async (request) => {
    const { id } = parseBody(operatorParams, request.params);
    const { operator, credentials } = await operators().service.getOperator(callerOf(request), id);
    return {
      operator: operatorView(operator),
      keys: credentials.map((key) => ({ id: key.id, createdAt: key.createdAt, lastUsedAt: key.lastUsedAt })),
    };
  });

  app.post('/api/operators/:id/keys/begin', async (request) => {
    const { id } = parseBody(operatorParams, request.params);
    return operators().service.beginKeyEnrolment(callerOf(request), id);
  });

  app.post('/api/operators/:id/keys/complete', async (request) => {
    parseBody(operatorParams, request.params);
    const body = parseBody(keyCompletion, request.body);
    const key = await operators().service.completeKeyEnrolment(callerOf(request), body);
    return { key: { id: key.id, createdAt: key.createdAt } };
  });

  app.post('/api/operators/:id/disable', async (request) => {
    const { id } = parseBody(operatorParams, request.params);
    return { operator: operatorView(await operators().service.disableOperator(callerOf(request), id)) };
  });

  app.post('/api/operators/:id/enable', async (request) => {
    const { id } = parseBody(operatorParams, request.params);
    return { operator: operatorView(await operators().service.enableOperator(callerOf(request), id)) };
  });
}
