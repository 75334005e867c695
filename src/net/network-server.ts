// The network port: an HTTP/2 server over TLS 1.3 that accepts only peers with a valid node certificate from our CA,
// takes their identity from that certificate, checks each route's rule, and answers JSON (docs/protocol/envelope.md).

import { constants as cryptoConstants } from 'node:crypto';
import {
  constants,
  createSecureServer,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { SecureContextOptions, TLSSocket } from 'node:tls';
import { pino, type Logger } from 'pino';
import { JukinetError, quote } from '../shared/errors.js';
import { err, ok, type Result } from '../shared/result.js';
import { httpStatusOf } from './error-status.js';
import { peerIdentityFromCertificate, type PeerIdentity } from './peer-identity.js';
import type { HttpMethod, NetworkRoute } from './routes.js';
import { secureContextOptions, type NodeTlsMaterial, type TlsUpdate } from './tls-config.js';

/** What a refusal on the network port was; every refusal is logged and reported as one of these. */
export const SecurityEventKind = {
  /** The TLS handshake failed: no client certificate, another CA, expired, revoked, or not TLS 1.3. */
  handshakeRefused: 'handshake-refused',
  /** TLS succeeded without h2 (HTTP/1.1 clients). */
  protocolRefused: 'protocol-refused',
  /** The certificate verified but names no valid node id and role. */
  unauthenticated: 'unauthenticated',
  /** The route's rule does not allow this peer. */
  forbidden: 'forbidden',
  routeNotFound: 'route-not-found',
  requestInvalid: 'request-invalid',
  /** A handler refused with a security error (e.g. a message whose sender is not the peer). */
  handlerRefused: 'handler-refused',
} as const;
export type SecurityEventKind = (typeof SecurityEventKind)[keyof typeof SecurityEventKind];

/** A refusal, for the audit log and the suspicious-pattern monitor. `peer` is the node id when it is known. */
export interface SecurityEvent {
  readonly kind: SecurityEventKind;
  readonly peer?: string;
  readonly detail: Record<string, unknown>;
}

export interface NetworkServerOptions {
  readonly tls: NodeTlsMaterial;
  readonly routes: readonly NetworkRoute[];
  readonly logger?: Logger;
  /** Called once per refusal; a failure in it is logged and does not change the answer. */
  readonly onSecurityEvent?: (event: SecurityEvent) => void | Promise<void>;
  /** Largest request body accepted, in bytes (16 MiB unless told); a larger one is answered 413. */
  readonly maxBodyBytes?: number;
}

export interface NetworkServer {
  /** Starts listening (port 0 picks a free one); resolves with the port. */
  listen(port?: number, host?: string): Promise<{ port: number }>;
  /** Stops listening and destroys every open session. */
  close(): Promise<void>;
  /**
   * Replaces TLS material, e.g. a new CRL from the directory. New handshakes use it at once, and every open session is
   * closed gracefully (in-flight requests finish) so that each peer re-authenticates against the new material.
   */
  updateTls(material: TlsUpdate): void;
  /** The listening port, once listening. */
  readonly port: number | undefined;
}

/** Requests larger than this are refused unless `maxBodyBytes` says otherwise. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

interface CompiledRoute {
  readonly route: NetworkRoute;
  readonly segments: readonly string[];
}

interface RequestContext {
  readonly method: string;
  readonly path: string;
  readonly remoteAddress: string | undefined;
  peer?: PeerIdentity;
}

/** Creates the network port of a node; nothing listens until `listen()`. */
export function createNetworkServer(options: NetworkServerOptions): NetworkServer {
  let material = options.tls;
  const logger = (options.logger ?? pino({ enabled: false })).child({
    component: 'network-server',
    node: material.nodeId,
  });
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const routes = compileRoutes(options.routes);
  const sessions = new Set<Http2Session>();
  const identities = new WeakMap<Http2Session, Result<PeerIdentity, JukinetError>>();
  let port: number | undefined;

  const server = createSecureServer({
    ...serverContextOptions(material),
    requestCert: true,
    rejectUnauthorized: true,
    allowHTTP1: false,
  });

  function report(event: SecurityEvent): void {
    logger.warn({ event: event.kind, peer: event.peer, ...event.detail }, `Refused: ${event.kind}`);
    if (options.onSecurityEvent === undefined) return;
    try {
      void Promise.resolve(options.onSecurityEvent(event)).catch((error: unknown) => {
        logger.error({ err: error }, 'Security event handler failed');
      });
    } catch (error) {
      logger.error({ err: error }, 'Security event handler failed');
    }
  }

  server.on('tlsClientError', (error: Error & { code?: string }, socket: TLSSocket) => {
    // Node checks the client certificate after the handshake and destroys the socket on failure, so the error here
    // is often only a reset; the verification result itself is on the socket (CERT_HAS_EXPIRED, CERT_REVOKED, …).
    const verification = socket.authorizationError as unknown as string | Error | null | undefined;
    const reason =
      verification instanceof Error
        ? ((verification as { code?: string }).code ?? verification.message)
        : (verification ?? error.code ?? 'TLS_ERROR');
    report({
      kind: SecurityEventKind.handshakeRefused,
      detail: { reason, message: error.message.trim(), remoteAddress: socket.remoteAddress },
    });
  });

  server.on('unknownProtocol', (socket: TLSSocket) => {
    report({
      kind: SecurityEventKind.protocolRefused,
      detail: { alpn: socket.alpnProtocol || null, remoteAddress: socket.remoteAddress },
    });
    socket.destroy();
  });

  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', (error) => logger.debug({ err: error }, 'Session error'));
  });

  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    stream.on('error', (error) => logger.debug({ err: error }, 'Stream error'));
    handleStream(stream, headers).catch((error: unknown) => {
      logger.error({ err: error }, 'Request handling failed');
      respond(stream, 500, { error: new JukinetError('JUKI_ERR_INTERNAL').toJSON() });
    });
  });

  function identityOf(session: Http2Session): Result<PeerIdentity, JukinetError> {
    const known = identities.get(session);
    if (known !== undefined) return known;
    const socket = session.socket as TLSSocket;
    let identity: Result<PeerIdentity, JukinetError>;
    if (!socket.authorized) {
      const reason =
        socket.authorizationError instanceof Error ? socket.authorizationError.message : 'unverified';
      identity = err(new JukinetError('JUKI_ERR_PEER_UNAUTHENTICATED', reason));
    } else {
      try {
        identity = ok(peerIdentityFromCertificate(socket.getPeerCertificate(true)));
      } catch (error) {
        if (!(error instanceof JukinetError)) throw error;
        identity = err(error);
      }
    }
    identities.set(session, identity);
    return identity;
  }

  function refuse(
    stream: ServerHttp2Stream,
    kind: SecurityEventKind,
    error: JukinetError,
    context: RequestContext,
    status = httpStatusOf(error),
  ): void {
    report({
      kind,
      ...(context.peer === undefined ? {} : { peer: context.peer.nodeId }),
      detail: {
        code: error.code,
        status,
        method: context.method,
        path: context.path,
        remoteAddress: context.remoteAddress,
        message: error.message,
      },
    });
    respond(stream, status, { error: error.toJSON() });
  }

  async function handleStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): Promise<void> {
    const method = String(headers[constants.HTTP2_HEADER_METHOD] ?? '');
    const rawPath = String(headers[constants.HTTP2_HEADER_PATH] ?? '/');
    const url = new URL(rawPath, 'https://network-port.invalid');
    const context: RequestContext = {
      method,
      path: url.pathname,
      remoteAddress: stream.session?.socket.remoteAddress,
    };
    const session = stream.session;
    if (session === undefined) return;

    const identity = identityOf(session);
    if (!identity.ok) return refuse(stream, SecurityEventKind.unauthenticated, identity.reason, context);
    const peer = identity.value;
    context.peer = peer;

    const match = findRoute(routes, method, url.pathname);
    if (match.kind === 'none') {
      const error = new JukinetError('JUKI_ERR_ROUTE_NOT_FOUND', `${method} ${quote(url.pathname)}`);
      return refuse(stream, SecurityEventKind.routeNotFound, error, context);
    }
    if (match.kind === 'method') {
      const error = new JukinetError(
        'JUKI_ERR_ROUTE_NOT_FOUND',
        `${method} ${quote(url.pathname)}: method not allowed`,
      );
      return refuse(stream, SecurityEventKind.routeNotFound, error, context, 405);
    }
    const { route, params } = match;
    if (!route.allow(peer)) {
      const error = new JukinetError(
        'JUKI_ERR_PEER_FORBIDDEN',
        `${quote(peer.nodeId)} (${peer.role}) on ${route.method} ${quote(route.path)}`,
      );
      return refuse(stream, SecurityEventKind.forbidden, error, context);
    }

    const body = await readJsonBody(stream, headers, maxBodyBytes);
    if (!body.ok) {
      refuse(stream, SecurityEventKind.requestInvalid, body.reason.error, context, body.reason.status);
      // RFC 9113 §8.1: after a complete answer the server may stop the client's upload with NO_ERROR.
      stream.close(constants.NGHTTP2_NO_ERROR);
      return;
    }

    let answer: { status: number; body: unknown };
    try {
      const response = await route.handler({
        peer,
        method: route.method,
        path: url.pathname,
        params,
        query: url.searchParams,
        headers,
        body: body.value,
      });
      answer = { status: response.status ?? (response.body === undefined ? 204 : 200), body: response.body };
    } catch (error) {
      if (!(error instanceof JukinetError)) throw error;
      if (error.category === 'security')
        return refuse(stream, SecurityEventKind.handlerRefused, error, context);
      const status = httpStatusOf(error);
      logger.info({ peer: peer.nodeId, code: error.code, status, path: url.pathname }, error.message);
      respond(stream, status, { error: error.toJSON() });
      return;
    }
    respond(stream, answer.status, answer.body);
  }

  return {
    listen(listenPort = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const onError = (error: Error): void => reject(error);
        server.once('error', onError);
        server.listen(listenPort, host, () => {
          server.off('error', onError);
          port = (server.address() as AddressInfo).port;
          logger.info({ port, host }, 'Network port listening');
          resolve({ port });
        });
      });
    },
    close() {
      for (const session of sessions) session.destroy();
      sessions.clear();
      return new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => {
          port = undefined;
          resolve();
        });
      });
    },
    updateTls(update) {
      material = { ...material, ...update, nodeId: material.nodeId };
      server.setSecureContext(serverContextOptions(material));
      for (const session of sessions) session.close();
      logger.info({ fields: Object.keys(update) }, 'TLS material updated; open sessions closed');
    },
    get port() {
      return port;
    },
  };
}

/**
 * The server's secure context. No session tickets: a resumed TLS session skips the certificate and CRL checks, and
 * Node keeps its ticket keys across setSecureContext(), so a revoked peer could otherwise resume (0003-transport.md).
 */
function serverContextOptions(material: NodeTlsMaterial): SecureContextOptions {
  return { ...secureContextOptions(material), secureOptions: cryptoConstants.SSL_OP_NO_TICKET };
}

function compileRoutes(routes: readonly NetworkRoute[]): CompiledRoute[] {
  const seen = new Set<string>();
  return routes.map((route) => {
    const key = `${route.method} ${route.path.replace(/:[^/]+/g, ':')}`;
    if (seen.has(key)) throw new TypeError(`Route ${key} is defined twice`);
    seen.add(key);
    return { route, segments: route.path.split('/') };
  });
}

type RouteMatch =
  | { readonly kind: 'found'; readonly route: NetworkRoute; readonly params: Record<string, string> }
  | { readonly kind: 'method' }
  | { readonly kind: 'none' };

function findRoute(routes: readonly CompiledRoute[], method: string, path: string): RouteMatch {
  const segments = path.split('/');
  let pathMatched = false;
  for (const compiled of routes) {
    const params = matchSegments(compiled.segments, segments);
    if (params === undefined) continue;
    if (compiled.route.method === (method as HttpMethod))
      return { kind: 'found', route: compiled.route, params };
    pathMatched = true;
  }
  return pathMatched ? { kind: 'method' } : { kind: 'none' };
}

function matchSegments(
  pattern: readonly string[],
  segments: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, expected] of pattern.entries()) {
    const actual = segments[index]!;
    if (expected.startsWith(':')) {
      if (actual === '') return undefined;
      try {
        params[expected.slice(1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}

type BodyResult = Result<unknown, { readonly status: number; readonly error: JukinetError }>;

async function readJsonBody(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  maxBodyBytes: number,
): Promise<BodyResult> {
  const tooLarge = (): BodyResult =>
    err({
      status: 413,
      error: new JukinetError('JUKI_ERR_REQUEST_INVALID', `body larger than ${maxBodyBytes} bytes`),
    });
  const declared = Number(headers[constants.HTTP2_HEADER_CONTENT_LENGTH] ?? 0);
  if (declared > maxBodyBytes) return tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  // Events rather than for-await: leaving a for-await loop early destroys the stream, and the 413 could not be sent.
  const outcome = await new Promise<'complete' | 'too-large' | 'aborted'>((resolve) => {
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        stream.off('data', onData);
        stream.pause();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    stream.on('data', onData);
    stream.once('end', () => resolve('complete'));
    stream.once('close', () => resolve('aborted'));
  });
  if (outcome === 'too-large') return tooLarge();
  if (outcome === 'aborted') {
    return err({
      status: 400,
      error: new JukinetError('JUKI_ERR_REQUEST_INVALID', 'request aborted by the peer'),
    });
  }
  if (size === 0) return ok(undefined);
  try {
    return ok(JSON.parse(Buffer.concat(chunks, size).toString('utf8')));
  } catch {
    return err({ status: 400, error: new JukinetError('JUKI_ERR_REQUEST_INVALID', 'body is not JSON') });
  }
}

function respond(stream: ServerHttp2Stream, status: number, body: unknown): void {
  if (stream.destroyed || stream.closed || stream.headersSent) return;
  if (body === undefined) {
    stream.respond({ [constants.HTTP2_HEADER_STATUS]: status }, { endStream: true });
    return;
  }
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  stream.respond({
    [constants.HTTP2_HEADER_STATUS]: status,
    [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/json; charset=utf-8',
    [constants.HTTP2_HEADER_CONTENT_LENGTH]: payload.length,
    [constants.HTTP2_HEADER_CACHE_CONTROL]: 'no-store',
  });
  stream.end(payload);
}
