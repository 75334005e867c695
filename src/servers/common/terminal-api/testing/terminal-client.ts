// Test helper: a terminal server on port 0 over a real store, browsers with their own cookie jars talking to it over
// TLS, and operators enrolled and logged in with software security keys, for route tests of any node kind.

import { readFile } from 'node:fs/promises';
import { request, type Server } from 'node:https';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { createTestPki } from '../../../../crypto/testing/test-pki.js';
import type { NodeId } from '../../../../domain/node-id.js';
import type { OperatorRole } from '../../../../domain/index.js';
import type { Clock } from '../../../../shared/clock.js';
import type { Store } from '../../../../store/index.js';
import {
  SETUP_TERMINAL,
  createOperatorService,
  resolveOperatorSettings,
  type OperatorService,
} from '../../operators/index.js';
import {
  createSoftAuthenticator,
  type SoftAuthenticator,
} from '../../operators/testing/soft-authenticator.js';
import { operatorSettingsFor, type NodeConfig } from '../../config.js';
import type { NodeModule, TerminalRouteContext } from '../../node-module.js';
import type { RunningNode } from '../../runtime.js';
import { createTerminalServer, type NodeStatus } from '../../terminal-server.js';
import type { TerminalOperators } from '../session-routes.js';

/** One answer: the status, the cookies set, the body as JSON (or {} when it is not JSON) and as bytes. */
export interface TestAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly setCookies: readonly string[];
  readonly body: Record<string, unknown>;
  readonly bytes: Buffer;
}

/** One browser: its own cookie jar, talking to the terminal over TLS. */
export interface TestBrowser {
  /** `headers` are added to (or replace) the browser's own: the terminal header on a POST, the cookies. */
  call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers?: Readonly<Record<string, string>>,
  ): Promise<TestAnswer>;
  readonly cookies: Map<string, string>;
}

export interface TestTerminal {
  readonly origin: string;
  readonly service: OperatorService;
  browser(): TestBrowser;
}

/**
 * Starts a terminal for `nodeId` with the operator service on `store` and the node kind's `routes`; the server is
 * closed by one of `cleanups`.
 */
export async function startTestTerminal(
  store: Store,
  options: {
    readonly nodeId: NodeId;
    readonly clock: Clock;
    /** The node kind's terminal routes, as NodeModule.terminalRoutes. */
    readonly routes?: (app: FastifyInstance<Server>, context: TerminalRouteContext) => void;
    readonly cleanups: (() => Promise<unknown>)[];
  },
): Promise<TestTerminal> {
  const pki = await createTestPki();
  const node = await pki.issue(options.nodeId);
  const status: NodeStatus = {
    nodeId: options.nodeId,
    role: 'municipality',
    name: options.nodeId,
    ready: true,
    queue: {},
    directoryIssuedAt: '',
  };
  const operators: { current?: TerminalOperators } = {};
  const server = createTerminalServer({
    certificatePem: node.certificatePem,
    privateKey: node.privateKeyPem,
    status: () => status,
    clientDirectory: '/nonexistent',
    operators: () => operators.current!,
    ...(options.routes === undefined
      ? {}
      : { routes: (app, current) => options.routes?.(app, { operators: current }) }),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  options.cleanups.push(() => server.close());
  const origin = `https://localhost:${port}`;
  const settings = resolveOperatorSettings({
    rpId: 'localhost',
    origins: [origin],
    passwordHashing: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
  });
  const service = createOperatorService(store, { settings, clock: options.clock });
  operators.current = { service, settings };
  return connectTestTerminal({ origin, caPem: pki.ca.certificatePem, service });
}

/**
 * A TestTerminal for a terminal that is already listening at `origin` (`https://HOST:PORT`, e.g. a running node's),
 * trusting `caPem`; `service` is an operator service over the node's store with its settings, for the first
 * administrator only (everything else goes over HTTPS).
 */
export function connectTestTerminal(options: {
  readonly origin: string;
  readonly caPem: string;
  readonly service: OperatorService;
}): TestTerminal {
  const port = Number(new URL(options.origin).port);
  return {
    origin: options.origin,
    service: options.service,
    browser() {
      const cookies = new Map<string, string>();
      return {
        cookies,
        call: (method, path, body, headers = {}) =>
          send({ port, caPem: options.caPem, cookies }, { method, path, body, headers }),
      };
    },
  };
}

function send(
  target: { port: number; caPem: string; cookies: Map<string, string> },
  call: { method: string; path: string; body: unknown; headers: Readonly<Record<string, string>> },
): Promise<TestAnswer> {
  const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
  const cookie = [...target.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: call.path,
        method: call.method,
        ca: target.caPem,
        checkServerIdentity: () => undefined,
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...(call.method === 'POST' ? { 'x-jukinet-terminal': '1' } : {}),
          ...(cookie === '' ? {} : { cookie }),
          ...call.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const setCookies = response.headers['set-cookie'] ?? [];
          for (const line of setCookies) {
            const [pair = ''] = line.split(';');
            const at = pair.indexOf('=');
            if (/Max-Age=0/.test(line)) target.cookies.delete(pair.slice(0, at));
            else target.cookies.set(pair.slice(0, at), pair.slice(at + 1));
          }
          const bytes = Buffer.concat(chunks);
          const contentType = response.headers['content-type'] ?? '';
          resolve({
            status: response.statusCode ?? 0,
            contentType,
            setCookies,
            body:
              contentType.startsWith('application/json') && bytes.length > 0
                ? (JSON.parse(bytes.toString('utf8')) as Record<string, unknown>)
                : {},
            bytes,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The error code of a refusal. */
export function errorCodeOf(answer: TestAnswer): unknown {
  return (answer.body['error'] as { code?: string } | undefined)?.code;
}

/** Password then key, as the login screen does; expects both to succeed and answers the key step's answer. */
export async function logIn(
  browser: TestBrowser,
  origin: string,
  input: { loginName: string; password: string; key: SoftAuthenticator },
): Promise<TestAnswer> {
  const first = await browser.call('POST', '/api/login/password', {
    loginName: input.loginName,
    password: input.password,
  });
  expect(first.status).toBe(200);
  const { loginId, options } = first.body as { loginId: string; options: never };
  const second = await browser.call('POST', '/api/login/key', {
    loginId,
    response: input.key.authenticate(options, origin),
  });
  expect(second.status).toBe(200);
  return second;
}

/** The first administrator's password in tests. */
export const ADMIN_PASSWORD = 'sakura no hana ga saku';

/**
 * The first administrator (`kanri`) made as `jukinet operator init` makes them, with a key registered through
 * 初期設定 in a new browser, not yet logged in. Answers the browser, the key and the spent set-up code.
 */
export async function setUpFirstAdministrator(
  terminal: TestTerminal,
): Promise<{ browser: TestBrowser; key: SoftAuthenticator; setupCode: string }> {
  const { enrolment } = await terminal.service.enrolFirstAdministrator({
    loginName: 'kanri',
    displayName: '管理 花子',
    password: ADMIN_PASSWORD,
    terminal: SETUP_TERMINAL,
  });
  const browser = terminal.browser();
  const key = createSoftAuthenticator();
  const begun = await browser.call('POST', '/api/setup/begin', { code: enrolment.enrolmentId });
  expect(begun.status).toBe(200);
  const { enrolmentId, options } = begun.body as { enrolmentId: string; options: never };
  const completed = await browser.call('POST', '/api/setup/complete', {
    enrolmentId,
    response: key.register(options, terminal.origin),
  });
  expect(completed.status).toBe(200);
  return { browser, key, setupCode: enrolment.enrolmentId };
}

/**
 * Makes the first administrator (as the CLI and 初期設定 do), has them enrol one operator per entry of `operators`
 * with a key, and answers a logged-in browser for each operator, by login name, and the administrator's as `kanri`.
 */
export async function logInOperators(
  terminal: TestTerminal,
  operators: readonly { loginName: string; displayName: string; role: OperatorRole }[],
): Promise<Map<string, TestBrowser>> {
  const { browser: admin, key: adminKey } = await setUpFirstAdministrator(terminal);
  await logIn(admin, terminal.origin, { loginName: 'kanri', password: ADMIN_PASSWORD, key: adminKey });
  const browsers = new Map<string, TestBrowser>([['kanri', admin]]);
  for (const [index, operator] of operators.entries()) {
    const password = `tsukimi dango ${2024 + index}`;
    const enrolled = await admin.call('POST', '/api/operators', { ...operator, password });
    expect(enrolled.status).toBe(200);
    const id = (enrolled.body['operator'] as { id: string }).id;
    const key = createSoftAuthenticator();
    const keyBegun = await admin.call('POST', `/api/operators/${id}/keys/begin`);
    const { enrolmentId, options } = keyBegun.body as { enrolmentId: string; options: never };
    const completed = await admin.call('POST', `/api/operators/${id}/keys/complete`, {
      enrolmentId,
      response: key.register(options, terminal.origin),
    });
    expect(completed.status).toBe(200);
    const browser = terminal.browser();
    await logIn(browser, terminal.origin, { loginName: operator.loginName, password, key });
    browsers.set(operator.loginName, browser);
  }
  return browsers;
}

/**
 * A TestTerminal for the terminal of a running node, from its configuration: trusting the network CA, with an operator
 * service over the node's store and settings for the first administrator.
 */
export async function connectNodeTerminal(
  node: Pick<RunningNode<NodeModule>, 'terminalUrl' | 'context'>,
  config: NodeConfig,
): Promise<TestTerminal> {
  const origin = node.terminalUrl.replace(/\/$/, '');
  return connectTestTerminal({
    origin,
    caPem: await readFile(config.pki.caCertificate, 'utf8'),
    service: createOperatorService(node.context.store, {
      settings: operatorSettingsFor(config, Number(new URL(origin).port)),
      clock: node.context.clock,
    }),
  });
}
