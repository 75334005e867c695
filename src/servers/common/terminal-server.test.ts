// The terminal port over real TLS: the status API, the built application with its own paths, the plain status page
// without a build, and refusals.

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createTestPki } from '../../crypto/testing/test-pki.js';
import type { NodeId } from '../../domain/node-id.js';
import { createTerminalServer, type NodeStatus, type TerminalServer } from './terminal-server.js';

const STATUS: NodeStatus = {
  nodeId: 'muni-131059' as NodeId,
  role: 'municipality',
  name: '東京都文京区',
  ready: true,
  queue: { 'pref-13': { queued: 2, state: 'idle' } },
  directoryIssuedAt: '2026-12-01T00:00:00.000Z',
};

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(clientDirectory: string): Promise<{ port: number; caPem: string }> {
  const pki = await createTestPki();
  const node = await pki.issue(STATUS.nodeId);
  const server: TerminalServer = createTerminalServer({
    certificatePem: node.certificatePem,
    privateKey: node.privateKeyPem,
    status: () => STATUS,
    clientDirectory,
  });
  const { port } = await server.listen(0, '127.0.0.1');
  cleanups.push(() => server.close());
  return { port, caPem: pki.ca.certificatePem };
}

function get(
  target: { port: number; caPem: string },
  path: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        path,
        method,
        ca: target.caPem,
        checkServerIdentity: () => undefined,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function clientBuild(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'jukinet-client-'));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  await mkdir(join(directory, 'assets'));
  await writeFile(
    join(directory, 'index.html'),
    '<!doctype html><title>端末</title><script src="/assets/app.js"></script>',
  );
  await writeFile(join(directory, 'assets', 'app.js'), 'console.log("端末");');
  return directory;
}

it('answers GET /api/status with the node status as JSON, with the security headers', async () => {
  const target = await start(await clientBuild());
  const answer = await get(target, '/api/status');
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.body)).toEqual(STATUS);
  expect(answer.headers['content-security-policy']).toContain("script-src 'self'");
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
});

it('serves the built application, its assets, and its index.html for the application’s own paths', async () => {
  const target = await start(await clientBuild());
  expect((await get(target, '/')).body).toContain('<title>端末</title>');
  const asset = await get(target, '/assets/app.js');
  expect(asset.status).toBe(200);
  expect(asset.headers['content-type']).toMatch(/javascript/);
  const deep = await get(target, '/residents/12345678903');
  expect(deep.status).toBe(200);
  expect(deep.body).toContain('<title>端末</title>');
});

it('answers an unknown API path with 404 and a catalogue code, and a write to a page with 405', async () => {
  const target = await start(await clientBuild());
  const unknown = await get(target, '/api/nothing');
  expect(unknown.status).toBe(404);
  expect(JSON.parse(unknown.body)).toMatchObject({ error: { code: 'JUKI_ERR_ROUTE_NOT_FOUND' } });
  const write = await get(target, '/', 'POST');
  expect(write.status).toBe(405);
  expect(write.headers['allow']).toBe('GET, HEAD');
});

it('answers the plain status page in Japanese when the application has not been built', async () => {
  const empty = await mkdtemp(join(tmpdir(), 'jukinet-client-'));
  cleanups.push(() => rm(empty, { recursive: true, force: true }));
  const target = await start(empty);
  const page = await get(target, '/');
  expect(page.status).toBe(200);
  expect(page.body).toContain('<h1>東京都文京区</h1>');
  expect(page.body).toContain('稼働中');
});
