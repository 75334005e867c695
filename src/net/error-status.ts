// The one place a JukinetError becomes an HTTP status (STYLE.md: status codes are chosen at the edge only).

import type { ErrorCode, JukinetError } from '../shared/errors.js';

/** Codes whose status is more precise than their category's. */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  JUKI_ERR_PEER_UNAUTHENTICATED: 401,
  JUKI_ERR_PEER_FORBIDDEN: 403,
  JUKI_ERR_ROUTE_NOT_FOUND: 404,
  JUKI_ERR_MESSAGE_SEQ_CONFLICT: 409,
  JUKI_ERR_INTERNAL: 500,
};

/**
 * The HTTP status for an error answered on the network port: by code where one is listed, otherwise by category
 * (validation 400, business 422, security 403, system 503, so that a sender retries only what may succeed later).
 */
export function httpStatusOf(error: JukinetError): number {
  const byCode = STATUS_BY_CODE[error.code];
  if (byCode !== undefined) return byCode;
  switch (error.category) {
    case 'validation':
      return 400;
    case 'business':
      return 422;
    case 'security':
      return 403;
    case 'system':
      return 503;
  }
}
