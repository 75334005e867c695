// The terminal port (DESIGN.md §7, §10): HTTPS with the node's certificate, serving the terminal web application
// (src/web/client, built into dist/web/client) and its JSON API: the node's status, and operator login, sessions and
// administration (terminal-api/), and the routes each node kind adds (NodeModule.terminalRoutes).

import { existsSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { fastify, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { NodeId, NodeRole } from '../../domain/node-id.js';
import type { PeerDeliveryStats } from '../../net/index.js';
import { JukinetError, quote } from '../../shared/errors.js';
import {
  identifyTerminal,
  registerOperatorRoutes,
  registerSessionRoutes,
  replyWithError,
  type TerminalOperators,
} from './terminal-api/index.js';

/** What GET /api/status answers. */
export interface NodeStatus {
  readonly nodeId: NodeId;
  readonly role: NodeRole;
  readonly name: string;
  readonly ready: boolean;
  /** Undelivered outbox messages per peer, as the dispatcher last saw them. */
  readonly queue: Readonly<
    Record<string, { readonly queued: number; readonly state: PeerDeliveryStats['state'] }>
  >;
  readonly directoryIssuedAt: string;
}

export interface TerminalServer {
  listen(port: number, host: string): Promise<{ port: number }>;
  close(): Promise<void>;
  /** Serves a renewed certificate from the next connection on. */
  updateCertificate(material: { certificatePem: string; privateKey: KeyObject | string }): void;
}

const ROLE_NAMES: Readonly<Record<NodeRole, string>> = {
  national: '全国サーバ',
  prefecture: '都道府県サーバ',
  municipality: '市町村CS',
  agency: '国の機関等',
};

/** Where `npm run build` puts the terminal application (from src/ under tsx and from dist/ alike: both are 3 deep). */
export const DEFAULT_CLIENT_DIRECTORY = fileURLToPath(new URL('../../../dist/web/client/', import.meta.url));

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
} as const;

/**
 * Creates the terminal server; nothing listens until listen(). It serves the built application from
 * `clientDirectory` (by default dist/web/client) with every other GET outside /api answered by its index.html, so the
 * application's own paths load; without a build it answers the plain status page instead.
 */
export function createTerminalServer(options: {
  certificatePem: string;
  privateKey: KeyObject | string;
  status: () => NodeStatus;
  clientDirectory?: string;
  /** The node's operators; without them the API answers only the status. Read per request (see runtime.ts). */
  operators?: () => TerminalOperators;
  /** The node kind's own API routes (NodeModule.terminalRoutes); added only with `operators`. */
  routes?: (app: FastifyInstance<Server>, operators: () => TerminalOperators) => void;
  logger?: Logger;
}): TerminalServer {
  const clientDirectory = options.clientDirectory ?? DEFAULT_CLIENT_DIRECTORY;
  const built = existsSync(`${clientDirectory}/index.html`);
  const app: FastifyInstance<Server> = fastify({
    https: { cert: options.certificatePem, key: keyPem(options.privateKey), minVersion: 'TLSv1.2' },
    logger: false,
    forceCloseConnections: true,
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.headers(SECURITY_HEADERS);
    done(null, payload);
  });
  app.setErrorHandler((error, request, reply) => replyWithError(error, request, reply, options.logger));
  app.addHook('onRequest', (request, reply, done) => {
    try {
      if (request.url.startsWith('/api/')) identifyTerminal(request, reply);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
  app.get('/api/status', (_request, reply) => reply.send(options.status()));
  if (options.operators !== undefined) {
    registerSessionRoutes(app, options.operators);
    registerOperatorRoutes(app, options.operators);
    options.routes?.(app, options.operators);
  }
  app.all('/api/*', (request, reply) =>
    reply.code(404).send({
      error: new JukinetError('JUKI_ERR_ROUTE_NOT_FOUND', `${request.method} ${quote(request.url)}`),
    }),
  );
  if (built) {
    // One wildcard route reading from disk, not a route per file: the application's ~500 font files would cost every
    // node about 3 MB of routes, and `jukinet up --municipalities all` runs some 1,900 nodes in one process.
    void app.register(fastifyStatic, {
      root: clientDirectory,
      prefix: '/',
      wildcard: true,
      index: 'index.html',
    });
  }
  app.setNotFoundHandler((request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return reply.code(405).header('allow', 'GET, HEAD').send();
    }
    if (built) return reply.type('text/html; charset=utf-8').sendFile('index.html');
    return reply.type('text/html; charset=utf-8').send(statusPage(options.status()));
  });
  return {
    async listen(port, host) {
      await app.listen({ port, host });
      return { port: (app.server.address() as AddressInfo).port };
    },
    async close() {
      await app.close();
    },
    updateCertificate(material) {
      app.server.setSecureContext({ cert: material.certificatePem, key: keyPem(material.privateKey) });
    },
  };
}

/** The status page: node name, role, state, queued messages per peer, last directory update. */
export function statusPage(status: NodeStatus): string {
  const rows = Object.entries(status.queue)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(
      ([peer, stats]) =>
        `<tr><td>${escapeHtml(peer)}</td><td>${stats.queued}</td><td>${stats.state}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>${escapeHtml(status.name)} — 住基ネット</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .6em}</style>
</head><body>
<h1>${escapeHtml(status.name)}</h1>
<dl>
<dt>ノード名</dt><dd>${escapeHtml(status.nodeId)}</dd>
<dt>役割</dt><dd>${ROLE_NAMES[status.role]}</dd>
<dt>状態</dt><dd>${status.ready ? '稼働中' : '起動中'}</dd>
<dt>最終ディレクトリ更新</dt><dd>${status.directoryIssuedAt === '' ? '未取得' : escapeHtml(status.directoryIssuedAt)}</dd>
</dl>
<h2>送信待ち件数</h2>
${rows === '' ? '<p>送信先なし</p>' : `<table><thead><tr><th>送信先</th><th>件数</th><th>状態</th></tr></thead><tbody>${rows}</tbody></table>`}
</body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function keyPem(key: KeyObject | string): string {
  return typeof key === 'string' ? key : key.export({ type: 'pkcs8', format: 'pem' }).toString();
}
