// The terminal API over the real HTTPS listener, on both engines, with software security keys that @simplewebauthn
// verifies for real: 初期設定 with the CLI's set-up code, the two login steps and the session cookie, 操作者管理,
// the own log, logout, and the refusals (no terminal header, wrong password, bad body, another browser's cookie,
// inactivity, a clerk at 操作者管理).

import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../../test/support/engines.js';
import type { NodeId } from '../../../domain/node-id.js';
import { createFixedClock } from '../../../shared/clock.js';
import type { Store } from '../../../store/index.js';
import { createSoftAuthenticator, type SoftAuthenticator } from '../operators/testing/soft-authenticator.js';
import { SESSION_COOKIE, TERMINAL_COOKIE } from './index.js';
import {
  ADMIN_PASSWORD,
  errorCodeOf as errorCode,
  logIn as login,
  setUpFirstAdministrator,
  startTestTerminal,
  type TestBrowser,
  type TestTerminal,
} from './testing/terminal-client.js';

const CLERK_PASSWORD = 'tsukimi dango 2024';

async function startTerminal(
  store: Store,
  cleanups: (() => Promise<unknown>)[],
): Promise<TestTerminal & { clock: ReturnType<typeof createFixedClock> }> {
  const clock = createFixedClock(new Date('2026-04-01T00:00:00.000Z'));
  const terminal = await startTestTerminal(store, { nodeId: 'muni-131059' as NodeId, clock, cleanups });
  return Object.assign(terminal, { clock });
}

/** The first administrator with their key registered through 初期設定; the set-up code is spent afterwards. */
async function setUpAdministrator(
  terminal: TestTerminal,
): Promise<{ browser: TestBrowser; key: SoftAuthenticator }> {
  const { browser, key, setupCode } = await setUpFirstAdministrator(terminal);
  const again = await browser.call('POST', '/api/setup/begin', { code: setupCode });
  expect([again.status, errorCode(again)]).toEqual([400, 'JUKI_ERR_CHALLENGE_INVALID']);
  return { browser, key };
}

describeEachEngine('terminal API', ({ openFresh }) => {
  it('sets up the first key, logs in with password and key, enrols a clerk and shows their own log', async () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    try {
      const terminal = await startTerminal(await openFresh(), cleanups);
      const { browser: admin, key: adminKey } = await setUpAdministrator(terminal);

      const loggedIn = await login(admin, terminal.origin, {
        loginName: 'kanri',
        password: ADMIN_PASSWORD,
        key: adminKey,
      });
      expect(loggedIn.status).toBe(200);
      expect(loggedIn.body).toMatchObject({
        operator: { loginName: 'kanri', displayName: '管理 花子', role: 'system-administrator' },
        idleTimeoutMs: 15 * 60_000,
      });
      const sessionCookie = loggedIn.setCookies.find((line) => line.startsWith(`${SESSION_COOKIE}=`));
      expect(sessionCookie).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
      expect(admin.cookies.get(TERMINAL_COOKIE)).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect((await admin.call('GET', '/api/session')).body).toMatchObject({
        operator: { loginName: 'kanri' },
      });

      const enrolled = await admin.call('POST', '/api/operators', {
        loginName: 'madoguchi',
        displayName: '窓口 太郎',
        role: 'counter-clerk',
        password: CLERK_PASSWORD,
      });
      expect(enrolled.status).toBe(200);
      const clerkId = (enrolled.body['operator'] as { id: string }).id;
      const clerkKey = createSoftAuthenticator();
      const begun = await admin.call('POST', `/api/operators/${clerkId}/keys/begin`);
      const { enrolmentId, options } = begun.body as { enrolmentId: string; options: never };
      const completed = await admin.call('POST', `/api/operators/${clerkId}/keys/complete`, {
        enrolmentId,
        response: clerkKey.register(options, terminal.origin),
      });
      expect(completed.status).toBe(200);
      const list = await admin.call('GET', '/api/operators');
      expect((list.body['operators'] as { loginName: string }[]).map((o) => o.loginName)).toEqual([
        'kanri',
        'madoguchi',
      ]);

      const clerk = terminal.browser();
      expect(
        (
          await login(clerk, terminal.origin, {
            loginName: 'madoguchi',
            password: CLERK_PASSWORD,
            key: clerkKey,
          })
        ).status,
      ).toBe(200);
      const forbidden = await clerk.call('GET', '/api/operators');
      expect([forbidden.status, errorCode(forbidden)]).toEqual([403, 'JUKI_ERR_OPERATOR_FORBIDDEN']);
      const log = await clerk.call('GET', '/api/log/mine');
      expect(
        (log.body['records'] as { function: string; outcome: string }[]).map((r) => [r.function, r.outcome]),
      ).toEqual([
        ['login-password', 'ok'],
        ['login', 'ok'],
        ['operator-administration', 'refused'],
      ]);

      const out = await clerk.call('POST', '/api/logout');
      expect(out.status).toBe(200);
      expect(out.setCookies.some((line) => line.startsWith(`${SESSION_COOKIE}=;`))).toBe(true);
      const after = await clerk.call('GET', '/api/session');
      expect([after.status, errorCode(after)]).toEqual([401, 'JUKI_ERR_SESSION_INVALID']);
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup();
    }
  });

  it('refuses a missing terminal header, a wrong password, a bad body, a copied cookie and an idle session', async () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    try {
      const terminal = await startTerminal(await openFresh(), cleanups);
      const { browser, key } = await setUpAdministrator(terminal);

      const noHeader = await browser.call(
        'POST',
        '/api/login/password',
        { loginName: 'kanri', password: ADMIN_PASSWORD },
        { 'x-jukinet-terminal': '' },
      );
      expect([noHeader.status, noHeader.body]).toEqual([
        403,
        {
          error: {
            code: 'JUKI_ERR_TERMINAL_HEADER',
            origin: 'terminal',
            category: 'security',
            message: 'State-changing request lacks the terminal header: POST /api/login/password',
          },
        },
      ]);
      const wrong = await browser.call('POST', '/api/login/password', {
        loginName: 'kanri',
        password: 'not the password at all',
      });
      expect([wrong.status, errorCode(wrong)]).toEqual([401, 'JUKI_ERR_LOGIN_PASSWORD']);
      const bad = await browser.call('POST', '/api/login/password', { loginName: 'kanri' });
      expect([bad.status, errorCode(bad)]).toEqual([400, 'JUKI_ERR_REQUEST_INVALID']);
      const notJson = await browser.call('POST', '/api/login/password', undefined, {
        'content-type': 'application/json',
      });
      expect([notJson.status, errorCode(notJson)]).toEqual([400, 'JUKI_ERR_REQUEST_INVALID']);
      const none = await terminal.browser().call('GET', '/api/session');
      expect([none.status, errorCode(none)]).toEqual([401, 'JUKI_ERR_SESSION_INVALID']);

      expect(
        (await login(browser, terminal.origin, { loginName: 'kanri', password: ADMIN_PASSWORD, key })).status,
      ).toBe(200);
      // The session cookie in another browser (another terminal id) is refused.
      const thief = terminal.browser();
      thief.cookies.set(SESSION_COOKIE, browser.cookies.get(SESSION_COOKIE)!);
      const stolen = await thief.call('GET', '/api/session');
      expect([stolen.status, errorCode(stolen)]).toEqual([401, 'JUKI_ERR_SESSION_INVALID']);

      terminal.clock.advance(15 * 60_000);
      const idle = await browser.call('GET', '/api/session');
      expect([idle.status, errorCode(idle)]).toEqual([401, 'JUKI_ERR_SESSION_EXPIRED']);
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup();
    }
  });
});
