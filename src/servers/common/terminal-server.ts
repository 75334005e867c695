// The terminal port (DESIGN.md §7): HTTPS with the node's certificate over HTTP/1.1 so that a browser can use it.
// For now a Japanese status page and its JSON; no personal data and no writes until operator login (issue 4).

import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KeyObject } from 'node:crypto';
import type { Socket } from 'node:net';
import type { NodeId, NodeRole } from '../../domain/node-id.js';
import type { PeerDeliveryStats } from '../../net/index.js';

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

/** Creates the terminal server; nothing listens until listen(). */
export function createTerminalServer(options: {
  certificatePem: string;
  privateKey: KeyObject | string;
  status: () => NodeStatus;
}): TerminalServer {
  const sockets = new Set<Socket>();
  const server: Server = createServer(
    { cert: options.certificatePem, key: keyPem(options.privateKey), minVersion: 'TLSv1.2' },
    (request, response) => {
      const path = new URL(request.url ?? '/', 'https://terminal.invalid').pathname;
      const headers = {
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      };
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
        return;
      }
      if (path === '/api/status') {
        response
          .writeHead(200, { ...headers, 'content-type': 'application/json; charset=utf-8' })
          .end(JSON.stringify(options.status()));
        return;
      }
      if (path === '/') {
        response
          .writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' })
          .end(statusPage(options.status()));
        return;
      }
      response
        .writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' })
        .end('見つかりません');
    },
  );
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve({ port: (server.address() as AddressInfo).port });
        });
      });
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
      });
    },
    updateCertificate(material) {
      server.setSecureContext({ cert: material.certificatePem, key: keyPem(material.privateKey) });
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
