// The calling end of a link: an HTTP/2 client over TLS 1.3 that presents our node certificate, accepts only a server
// whose certificate names the node we meant to reach, and turns every failure into a JukinetError.

import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import type { PeerCertificate } from 'node:tls';
import { pino, type Logger } from 'pino';
import { ERRORS, JukinetError, quote, type ErrorCode } from '../shared/errors.js';
import type { NodeId } from '../domain/node-id.js';
import { peerIdentityFromCertificate } from './peer-identity.js';
import type { HttpMethod } from './routes.js';
import { secureContextOptions, type NodeTlsMaterial, type TlsUpdate } from './tls-config.js';

export interface PeerClientOptions {
  readonly tls: NodeTlsMaterial;
  /** The peer's network port, `https://host:port`. */
  readonly endpoint: string;
  /** The node the server's certificate must name; any other is refused with JUKI_ERR_PEER_IDENTITY_MISMATCH. */
  readonly expectedNodeId: NodeId;
  /** Limit for one request, connecting included (10 s unless told). */
  readonly timeoutMs?: number;
  /** Largest answer accepted, in bytes (16 MiB unless told). */
  readonly maxResponseBytes?: number;
  readonly logger?: Logger;
}

export interface PeerClient {
  /**
   * Sends one JSON request and resolves with the peer's JSON answer (undefined for an empty one). Throws
   * JukinetError: the peer's own code when it answered with an error from our catalogue (detail kept), otherwise
   * JUKI_ERR_PEER_ERROR; JUKI_ERR_PEER_TIMEOUT, JUKI_ERR_PEER_UNREACHABLE, or JUKI_ERR_PEER_IDENTITY_MISMATCH.
   * Only a request the peer cannot have seen is retried (once, on a fresh connection); anything else is the
   * caller's to retry, as the outbox dispatcher does.
   */
  request<T = unknown>(method: HttpMethod, path: string, body?: unknown): Promise<T>;
  /** Replaces TLS material (a renewed certificate, a new CRL); the next request connects with it. */
  updateTls(material: TlsUpdate): void;
  /** Closes the connection; a later request opens a new one. */
  close(): Promise<void>;
  readonly expectedNodeId: NodeId;
  readonly endpoint: string;
}

export const DEFAULT_PEER_TIMEOUT_MS = 10_000;

/** The peer provably did not process the request (RST_STREAM REFUSED_STREAM, RFC 9113 §8.7): safe to send again. */
class RequestNotProcessed extends Error {
  override readonly name = 'RequestNotProcessed';
}
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Creates a client for one peer; it connects on the first request and reconnects whenever the session has died. */
export function createPeerClient(options: PeerClientOptions): PeerClient {
  let material = options.tls;
  const { endpoint, expectedNodeId } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PEER_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const logger = (options.logger ?? pino({ enabled: false })).child({
    component: 'peer-client',
    node: material.nodeId,
    peer: expectedNodeId,
  });
  let session: ClientHttp2Session | undefined;
  let connecting: Promise<ClientHttp2Session> | undefined;
  const sessionErrors = new WeakMap<ClientHttp2Session, Error>();

  function unreachable(error: unknown): JukinetError {
    if (error instanceof JukinetError) return error;
    const reason =
      error instanceof Error ? ((error as { code?: string }).code ?? error.message) : String(error);
    const message = error instanceof Error && error.message !== reason ? `: ${error.message}` : '';
    return new JukinetError(
      'JUKI_ERR_PEER_UNREACHABLE',
      `${quote(expectedNodeId)} at ${endpoint}: ${reason}${message}`,
      {
        cause: error,
      },
    );
  }

  function open(): Promise<ClientHttp2Session> {
    return new Promise((resolve, reject) => {
      let identityError: JukinetError | undefined;
      const fresh = connect(endpoint, {
        ...secureContextOptions(material),
        checkServerIdentity: (_host: string, certificate: PeerCertificate) => {
          try {
            const identity = peerIdentityFromCertificate(certificate);
            if (identity.nodeId === expectedNodeId) return undefined;
            identityError = new JukinetError(
              'JUKI_ERR_PEER_IDENTITY_MISMATCH',
              `expected ${quote(expectedNodeId)} at ${endpoint}, the certificate names ${quote(identity.nodeId)}`,
            );
          } catch (error) {
            identityError = new JukinetError(
              'JUKI_ERR_PEER_IDENTITY_MISMATCH',
              `expected ${quote(expectedNodeId)} at ${endpoint}: ${error instanceof Error ? error.message : 'unreadable certificate'}`,
              { cause: error },
            );
          }
          return identityError;
        },
      });
      const forget = (): void => {
        if (session === fresh) session = undefined;
      };
      const onConnectError = (error: Error): void => {
        fresh.destroy();
        reject(identityError ?? unreachable(error));
      };
      fresh.once('error', onConnectError);
      fresh.once('connect', () => {
        fresh.off('error', onConnectError);
        fresh.on('error', (error: Error) => {
          sessionErrors.set(fresh, error);
          logger.debug({ err: error }, 'Session error');
          forget();
        });
        fresh.once('goaway', forget);
        fresh.once('close', forget);
        resolve(fresh);
      });
    });
  }

  async function currentSession(): Promise<ClientHttp2Session> {
    if (session !== undefined && !session.closed && !session.destroyed) return session;
    connecting ??= open().finally(() => {
      connecting = undefined;
    });
    const fresh = await connecting;
    session = fresh;
    return fresh;
  }

  function send(
    current: ClientHttp2Session,
    method: HttpMethod,
    path: string,
    payload: Buffer | undefined,
    onStream: (stream: ClientHttp2Stream) => void,
  ): Promise<unknown> {
    const stream = current.request(
      {
        [constants.HTTP2_HEADER_METHOD]: method,
        [constants.HTTP2_HEADER_PATH]: path,
        [constants.HTTP2_HEADER_ACCEPT]: 'application/json',
        ...(payload === undefined
          ? {}
          : {
              [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/json; charset=utf-8',
              [constants.HTTP2_HEADER_CONTENT_LENGTH]: payload.length,
            }),
      },
      { endStream: payload === undefined },
    );
    onStream(stream);
    return new Promise((resolve, reject) => {
      let status = 0;
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const fail = (error: JukinetError): void => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      stream.on('response', (headers) => {
        status = Number(headers[constants.HTTP2_HEADER_STATUS]);
      });
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxResponseBytes) {
          stream.close(constants.NGHTTP2_CANCEL);
          fail(
            new JukinetError(
              'JUKI_ERR_PEER_ERROR',
              `${quote(expectedNodeId)} answered more than ${maxResponseBytes} bytes`,
            ),
          );
          return;
        }
        chunks.push(chunk);
      });
      stream.on('end', () => {
        if (settled) return;
        settled = true;
        const text = Buffer.concat(chunks, size).toString('utf8');
        if (status === 0) {
          reject(
            unreachable(
              sessionErrors.get(current) ??
                new Error(
                  'the connection closed before an answer (the peer may have refused our certificate)',
                ),
            ),
          );
        } else if (status >= 200 && status < 300) {
          try {
            resolve(text === '' ? undefined : (JSON.parse(text) as unknown));
          } catch (error) {
            reject(
              new JukinetError(
                'JUKI_ERR_PEER_ERROR',
                `${quote(expectedNodeId)} answered ${status} with a body that is not JSON`,
                { cause: error },
              ),
            );
          }
        } else {
          reject(errorFromAnswer(expectedNodeId, status, text));
        }
      });
      stream.on('error', (error) => {
        if (status === 0 && stream.rstCode === constants.NGHTTP2_REFUSED_STREAM && !settled) {
          settled = true;
          reject(new RequestNotProcessed('refused stream', { cause: error }));
          return;
        }
        fail(unreachable(sessionErrors.get(current) ?? error));
      });
      stream.on('close', () => {
        if (!settled)
          fail(
            unreachable(
              sessionErrors.get(current) ?? new Error(`stream closed with code ${stream.rstCode ?? 'none'}`),
            ),
          );
      });
      if (payload !== undefined) stream.end(payload);
    });
  }

  async function attempt(
    method: HttpMethod,
    path: string,
    payload: Buffer | undefined,
    onStream: (stream: ClientHttp2Stream) => void,
  ): Promise<unknown> {
    const current = await currentSession();
    try {
      return await send(current, method, path, payload, onStream);
    } catch (error) {
      // Retried once on a new connection only when the peer cannot have processed the request: current.request()
      // threw because the session closed under us (the peer restarted or sent GOAWAY), or the peer refused the stream
      // while closing the session (it does so after updateTls()).
      if (error instanceof JukinetError) throw error;
      logger.debug({ err: error }, 'Session unusable; reconnecting');
      if (session === current) session = undefined;
      try {
        return await send(await currentSession(), method, path, payload, onStream);
      } catch (retryError) {
        throw unreachable(retryError);
      }
    }
  }

  return {
    expectedNodeId,
    endpoint,
    async request<T = unknown>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
      let stream: ClientHttp2Stream | undefined;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          stream?.close(constants.NGHTTP2_CANCEL);
          reject(
            new JukinetError(
              'JUKI_ERR_PEER_TIMEOUT',
              `${quote(expectedNodeId)} ${method} ${quote(path)}: no answer within ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
      });
      try {
        const answer = await Promise.race([
          attempt(method, path, payload, (opened) => {
            stream = opened;
          }),
          timeout,
        ]);
        return answer as T;
      } finally {
        clearTimeout(timer);
      }
    },
    updateTls(update) {
      material = { ...material, ...update, nodeId: material.nodeId };
      const previous = session;
      session = undefined;
      previous?.close();
    },
    async close() {
      const pending = connecting;
      if (pending !== undefined) await pending.catch(() => undefined);
      const current = session;
      session = undefined;
      if (current === undefined || current.destroyed) return;
      await new Promise<void>((resolve) => {
        current.close(() => resolve());
      });
    },
  };
}

/** Rebuilds the peer's error from `{ error: { code, message } }`: its own code when we know it, else PEER_ERROR. */
function errorFromAnswer(peer: NodeId, status: number, text: string): JukinetError {
  let wire: { code?: unknown; message?: unknown } | undefined;
  try {
    const parsed = JSON.parse(text) as { error?: unknown } | null;
    if (typeof parsed?.error === 'object' && parsed.error !== null) wire = parsed.error;
  } catch {
    wire = undefined;
  }
  const message = typeof wire?.message === 'string' ? wire.message : '';
  const cause = { peer, status, error: wire ?? text.slice(0, 1000) };
  if (typeof wire?.code === 'string' && Object.hasOwn(ERRORS, wire.code)) {
    const code = wire.code as ErrorCode;
    const standard = ERRORS[code].message;
    const detail = message.startsWith(`${standard}: `)
      ? message.slice(standard.length + 2)
      : message === standard || message === ''
        ? undefined
        : message;
    return new JukinetError(code, detail, { cause });
  }
  const code = typeof wire?.code === 'string' ? ` ${quote(wire.code)}` : '';
  const what = message === '' ? '' : `: ${message}`;
  return new JukinetError('JUKI_ERR_PEER_ERROR', `${quote(peer)} answered ${status}${code}${what}`, {
    cause,
  });
}
