// The two baselines every figure is compared with, measured in the same run on the same machine: the raw durable
// SQLite commit rate, and a bare Node HTTP/2 mTLS echo server under the same client and certificates as the look-ups.

import { constants, createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { secureContextOptions, type NodeTlsMaterial } from '../src/net/index.js';
import { now, perSecond } from './harness.js';

/** A row about the size of one identity version (the info as canonical JSON and its metadata). */
const SAMPLE_ROW = JSON.stringify({
  residentCode: '12345678901',
  name: '佐藤 和子',
  nameKana: 'サトウ カズコ',
  birthDate: '1948-05-12',
  sex: 'female',
  address: '東京都文京区本郷三丁目12番5号 メゾン本郷203号室',
  lgCode: '131059',
  foreignResident: false,
  change: { reason: 'move-within', date: '2025-04-01' },
});

/**
 * Commits `rows` rows one per transaction into a fresh file database with better-sqlite3, WAL and synchronous=FULL:
 * what the disk and SQLite allow a single writer to make durable per second, with nothing else around it.
 */
export function measureSqliteCommits(
  dir: string,
  rows: number,
): { commitsPerSecond: number; elapsedMs: number } {
  const db = new Database(join(dir, 'baseline.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(
      'CREATE TABLE version (code TEXT NOT NULL, version INTEGER NOT NULL, info TEXT NOT NULL, recorded_at TEXT NOT NULL, PRIMARY KEY (code, version))',
    );
    const insert = db.prepare('INSERT INTO version (code, version, info, recorded_at) VALUES (?, ?, ?, ?)');
    const commitOne = db.transaction((i: number) => {
      insert.run(String(10_000_000_000 + i), 1, SAMPLE_ROW, new Date().toISOString());
    });
    const started = now();
    for (let i = 0; i < rows; i++) commitOne(i);
    const elapsedMs = now() - started;
    return { commitsPerSecond: perSecond(rows, elapsedMs), elapsedMs };
  } finally {
    db.close();
  }
}

/** A running echo server: its endpoint, and close(). */
export interface EchoServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * A bare Node HTTP/2 server with the same TLS options as a node's network port (TLS 1.3, client certificate from the
 * network CA required) that answers every request with its path as JSON: the transport's cost without Jukinet's.
 */
export async function startEchoServer(tls: NodeTlsMaterial): Promise<EchoServer> {
  const server: Http2SecureServer = createSecureServer({
    ...secureContextOptions(tls),
    requestCert: true,
    rejectUnauthorized: true,
  });
  server.on('stream', (stream, headers) => {
    const body = JSON.stringify({ path: headers[constants.HTTP2_HEADER_PATH] });
    stream.respond({ ':status': 200, 'content-type': 'application/json' });
    stream.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // close() waits for sessions; the client closes its own, this only guards against a stray one.
        setTimeout(resolve, 1000).unref();
      }),
  };
}
