// The shape of a network route (method, path, who may call it, what it does) and the usual permission rules.

import type { IncomingHttpHeaders } from 'node:http2';
import type { NodeId, NodeRole } from '../domain/node-id.js';
import type { PeerIdentity } from './peer-identity.js';

export const HttpMethod = { GET: 'GET', POST: 'POST' } as const;
export type HttpMethod = (typeof HttpMethod)[keyof typeof HttpMethod];

/** What a route handler receives: the authenticated peer and the parsed request. */
export interface NetworkRequest {
  readonly peer: PeerIdentity;
  readonly method: HttpMethod;
  /** The path without the query string. */
  readonly path: string;
  /** Values of `:name` segments in the route path. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined when the request had none. */
  readonly body: unknown;
}

/** What a handler answers: a JSON body (none when undefined) and a status (200, or 204 without a body). */
export interface NetworkResponse {
  readonly status?: number;
  readonly body?: unknown;
}

/** Decides from the certificate identity alone whether a peer may call a route. */
export type PeerRule = (peer: PeerIdentity) => boolean;

/**
 * One route on the network port. `path` is exact, with `:name` segments for parameters (`/v1/copies/:code`).
 * `allow` runs before the body is read; a handler throws JukinetError to refuse, and the server picks the status.
 */
export interface NetworkRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly allow: PeerRule;
  readonly handler: (request: NetworkRequest) => NetworkResponse | Promise<NetworkResponse>;
}

/** Allows peers whose certificate names one of `roles`. */
export function byRoles(...roles: readonly NodeRole[]): PeerRule {
  const allowed = new Set<string>(roles);
  return (peer) => allowed.has(peer.role);
}

/** Allows exactly the peers whose certificate names one of `ids`. */
export function byNodes(...ids: readonly NodeId[]): PeerRule {
  const allowed = new Set<string>(ids);
  return (peer) => allowed.has(peer.nodeId);
}

/** Allows every authenticated peer (a node certificate from our CA, not revoked): for link checks such as node.ping. */
export function anyPeer(): PeerRule {
  return () => true;
}
