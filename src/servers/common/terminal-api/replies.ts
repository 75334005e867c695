// The terminal API's edge: request bodies validated with zod, and every failure answered as
// `{ error: { code, origin, category, message } }` with the HTTP status chosen here, from the error code
// (STYLE.md: "HTTP status codes are chosen at the edge only").

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { describeIssues } from '../../../protocol/index.js';
import { JukinetError, isJukinetError, type ErrorCode } from '../../../shared/errors.js';

/** Codes whose status is not their category's. */
const STATUS_OF_CODE: Partial<Record<ErrorCode, number>> = {
  JUKI_ERR_ROUTE_NOT_FOUND: 404,
  JUKI_ERR_OPERATOR_NOT_FOUND: 404,
  JUKI_ERR_CREDENTIAL_NOT_FOUND: 404,
  JUKI_ERR_RESIDENT_NOT_FOUND: 404,
  JUKI_ERR_HOUSEHOLD_NOT_FOUND: 404,
  JUKI_ERR_NOTIFICATION_NOT_FOUND: 404,
  JUKI_ERR_CARD_APPLICATION_NOT_FOUND: 404,
  JUKI_ERR_LOGIN_PASSWORD: 401,
  JUKI_ERR_LOGIN_KEY: 401,
  JUKI_ERR_LOGIN_KEY_UNKNOWN: 401,
  JUKI_ERR_SESSION_INVALID: 401,
  JUKI_ERR_SESSION_EXPIRED: 401,
  JUKI_ERR_CHALLENGE_INVALID: 400,
  JUKI_ERR_KEY_ENROLMENT_REFUSED: 400,
};

/** The HTTP status of an error: by code where it differs, otherwise by category. */
export function httpStatusOf(error: JukinetError): number {
  const byCode = STATUS_OF_CODE[error.code];
  if (byCode !== undefined) return byCode;
  switch (error.category) {
    case 'validation':
      return 400;
    case 'security':
      return 403;
    case 'business':
      return 409;
    case 'system':
      return 500;
  }
}

/** Parses a request body with `schema`; JUKI_ERR_REQUEST_INVALID listing the issues otherwise. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    throw new JukinetError('JUKI_ERR_REQUEST_INVALID', describeIssues(parsed.error.issues, 'body'));
  }
  return parsed.data;
}

/**
 * The error handler of the terminal server: a JukinetError as it is; Fastify's own client errors (bad JSON, a body
 * too large) as JUKI_ERR_REQUEST_INVALID; anything else as JUKI_ERR_INTERNAL, logged, its detail kept from the client.
 */
export function replyWithError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger?: Logger,
): FastifyReply {
  let answer: JukinetError;
  if (isJukinetError(error)) {
    answer = error;
  } else if (isClientError(error)) {
    answer = new JukinetError('JUKI_ERR_REQUEST_INVALID', error.message);
  } else {
    logger?.error({ err: error, method: request.method, url: request.url }, 'Terminal request failed');
    answer = new JukinetError('JUKI_ERR_INTERNAL');
  }
  return reply.code(httpStatusOf(answer)).send({ error: answer });
}

function isClientError(error: unknown): error is FastifyError {
  const status = (error as Partial<FastifyError> | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}
