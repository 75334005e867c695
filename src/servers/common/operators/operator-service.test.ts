// The operator service on both engines, with software security keys that @simplewebauthn verifies for real: the
// first administrator, enrolment, the two-step login, sessions that end after inactivity, refusals (wrong password,
// wrong key, unknown key, replayed or expired challenge, disabled operator), rights, and the operation log.

import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../../test/support/engines.js';
import { createFixedClock } from '../../../shared/clock.js';
import { isJukinetError, type ErrorCode } from '../../../shared/errors.js';
import type { Store } from '../../../store/index.js';
import { resolveOperatorSettings } from './operator-config.js';
import { createOperatorService, type OperatorService } from './operator-service.js';
import type { Caller } from './sessions.js';
import { createSoftAuthenticator, type SoftAuthenticator } from './testing/soft-authenticator.js';

const ORIGIN = 'https://terminal.jukinet.test:8443';
const TERMINAL = 'terminal-01';
const ADMIN_PASSWORD = 'sakura no hana ga saku';
const CLERK_PASSWORD = 'tsukimi dango 2024';
const MINUTE = 60_000;

const settings = resolveOperatorSettings({
  rpId: 'terminal.jukinet.test',
  origins: [ORIGIN],
  maxFailedLogins: 4,
  // Cheap argon2id so that the suite stays fast; the production cost is tested in passwords.test.ts.
  passwordHashing: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
});

async function refusal(promise: Promise<unknown>): Promise<ErrorCode> {
  try {
    await promise;
  } catch (error) {
    if (isJukinetError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

interface Fixture {
  readonly store: Store;
  readonly service: OperatorService;
  readonly clock: ReturnType<typeof createFixedClock>;
  readonly admin: Caller;
  readonly adminKey: SoftAuthenticator;
}

/** An empty node with its first administrator enrolled (with a key) and logged in. */
async function setUp(openFresh: () => Promise<Store>): Promise<Fixture> {
  const store = await openFresh();
  const clock = createFixedClock(new Date('2024-04-01T00:00:00.000Z'));
  const service = createOperatorService(store, { settings, clock });
  const adminKey = createSoftAuthenticator();
  const { enrolment } = await service.enrolFirstAdministrator({
    loginName: 'kanri',
    displayName: '管理 花子',
    password: ADMIN_PASSWORD,
    terminal: TERMINAL,
  });
  await service.completeFirstAdministratorKey({
    enrolmentId: enrolment.enrolmentId,
    response: adminKey.register(enrolment.options, ORIGIN),
    terminal: TERMINAL,
  });
  const admin = await login(service, { loginName: 'kanri', password: ADMIN_PASSWORD, key: adminKey });
  return { store, service, clock, admin, adminKey };
}

async function login(
  service: OperatorService,
  input: { loginName: string; password: string; key: SoftAuthenticator; terminal?: string },
): Promise<Caller> {
  const terminal = input.terminal ?? TERMINAL;
  const pending = await service.beginLogin({
    loginName: input.loginName,
    password: input.password,
    terminal,
  });
  const { token } = await service.completeLogin({
    loginId: pending.loginId,
    response: input.key.authenticate(pending.options, ORIGIN),
    terminal,
  });
  return { token, terminal };
}

/** Enrols a 窓口担当 with one key, as the administrator. */
async function enrolClerk(fixture: Fixture, loginName = 'madoguchi') {
  const key = createSoftAuthenticator();
  const operator = await fixture.service.enrolOperator(fixture.admin, {
    loginName,
    displayName: '窓口 太郎',
    role: 'counter-clerk',
    password: CLERK_PASSWORD,
  });
  const enrolment = await fixture.service.beginKeyEnrolment(fixture.admin, operator.id);
  const credential = await fixture.service.completeKeyEnrolment(fixture.admin, {
    enrolmentId: enrolment.enrolmentId,
    response: key.register(enrolment.options, ORIGIN),
  });
  return { operator, key, credential };
}

describeEachEngine('operator service', ({ openFresh }) => {
  it('enrol, log in with password and key, use the session, and lose it after 15 idle minutes', async () => {
    const fixture = await setUp(openFresh);
    const { service, clock, admin } = fixture;
    const { operator, key, credential } = await enrolClerk(fixture);
    expect(operator).toMatchObject({ loginName: 'madoguchi', role: 'counter-clerk', disabled: false });
    expect(credential).toMatchObject({ id: key.credentialId, operatorId: operator.id });

    const pending = await service.beginLogin({
      loginName: 'madoguchi',
      password: CLERK_PASSWORD,
      terminal: TERMINAL,
    });
    expect(pending.options).toMatchObject({
      rpId: 'terminal.jukinet.test',
      userVerification: 'preferred',
      allowCredentials: [{ id: key.credentialId }],
    });
    const session = await service.completeLogin({
      loginId: pending.loginId,
      response: key.authenticate(pending.options, ORIGIN),
      terminal: TERMINAL,
    });
    expect(session.operator.id).toBe(operator.id);
    const clerk: Caller = { token: session.token, terminal: TERMINAL };

    const search = () =>
      service.perform(
        clerk,
        { fn: 'resident-search', access: 'read', records: ['12345678906'] },
        ({ session: active, touch }) => {
          touch('98765432103');
          return Promise.resolve({ ok: true, value: active.operator.loginName });
        },
      );
    expect(await search()).toBe('madoguchi');
    // Each use touches the session: 14 minutes, twice, is never 15 idle minutes.
    clock.advance(14 * MINUTE);
    expect((await service.authenticate(clerk)).operator.id).toBe(operator.id);
    clock.advance(14 * MINUTE);
    expect(await search()).toBe('madoguchi');
    clock.advance(15 * MINUTE);
    expect(await refusal(search())).toBe('JUKI_ERR_SESSION_EXPIRED');
    expect(await refusal(search())).toBe('JUKI_ERR_SESSION_INVALID');
    expect(await refusal(service.authenticate(clerk))).toBe('JUKI_ERR_SESSION_INVALID');

    // The administrator's session ended too (idle for 43 minutes); a new login works, and logout ends it.
    expect(await refusal(service.listOperators(admin))).toBe('JUKI_ERR_SESSION_EXPIRED');
    const again = await login(service, { loginName: 'madoguchi', password: CLERK_PASSWORD, key });
    await service.logout(again);
    expect(await refusal(service.authenticate(again))).toBe('JUKI_ERR_SESSION_INVALID');
    // The periodic sweep ends idle sessions before anyone uses them again.
    const idle = await login(service, { loginName: 'madoguchi', password: CLERK_PASSWORD, key });
    clock.advance(15 * MINUTE);
    expect(await service.endIdleSessions()).toBe(1);
    expect(await refusal(service.authenticate(idle))).toBe('JUKI_ERR_SESSION_INVALID');
    const ended = await fixture.store.db.selectFrom('operator_session').select('ended_reason').execute();
    expect(ended.map((row) => row.ended_reason).sort()).toEqual(['idle', 'idle', 'idle', 'logout']);

    const log = await fixture.store.db.selectFrom('operation_log').selectAll().orderBy('seq').execute();
    expect(log.filter((row) => row.function === 'resident-search').map((row) => row.outcome)).toEqual([
      'ok',
      'ok',
      'refused',
      'refused',
    ]);
    expect(log.find((row) => row.function === 'resident-search')).toMatchObject({
      operator_id: operator.id,
      terminal: TERMINAL,
      access: 'read',
      records: '["12345678906","98765432103"]',
    });
    expect(log.filter((row) => row.function === 'logout').map((row) => row.outcome)).toEqual(['ok']);
    expect(await service.verifyOperationLog()).toMatchObject({ ok: true });
  });

  it('refuses a wrong password, an unknown name, a wrong key, an unknown key, a replayed or expired challenge', async () => {
    const fixture = await setUp(openFresh);
    const { service, clock } = fixture;
    const { operator, key } = await enrolClerk(fixture);
    const begin = (password = CLERK_PASSWORD, terminal = TERMINAL) =>
      service.beginLogin({ loginName: 'madoguchi', password, terminal });

    expect(await refusal(begin('tsukimi dango 2025'))).toBe('JUKI_ERR_LOGIN_PASSWORD');
    expect(
      await refusal(
        service.beginLogin({ loginName: 'nobody', password: CLERK_PASSWORD, terminal: TERMINAL }),
      ),
    ).toBe('JUKI_ERR_LOGIN_PASSWORD');

    // A key that claims the enrolled credential id but holds another private key: the signature fails.
    const forged = createSoftAuthenticator({ credentialId: key.credentialId });
    let pending = await begin();
    expect(
      await refusal(
        service.completeLogin({
          loginId: pending.loginId,
          response: forged.authenticate(pending.options, ORIGIN),
          terminal: TERMINAL,
        }),
      ),
    ).toBe('JUKI_ERR_LOGIN_KEY');

    // A key never enrolled, answering although not asked for.
    const stranger = createSoftAuthenticator();
    pending = await begin();
    expect(
      await refusal(
        service.completeLogin({
          loginId: pending.loginId,
          response: stranger.authenticate(pending.options, ORIGIN, { ignoreAllowCredentials: true }),
          terminal: TERMINAL,
        }),
      ),
    ).toBe('JUKI_ERR_LOGIN_KEY_UNKNOWN');
    const failures = await fixture.store.db
      .selectFrom('operator')
      .select('failed_logins')
      .where('id', '=', operator.id)
      .executeTakeFirstOrThrow();
    expect(failures.failed_logins).toBe(3);

    // A good login, then its answer replayed: with the same handle (used), and against a new challenge.
    pending = await begin();
    const answer = key.authenticate(pending.options, ORIGIN);
    await service.completeLogin({ loginId: pending.loginId, response: answer, terminal: TERMINAL });
    expect(
      await refusal(
        service.completeLogin({ loginId: pending.loginId, response: answer, terminal: TERMINAL }),
      ),
    ).toBe('JUKI_ERR_CHALLENGE_INVALID');
    pending = await begin();
    expect(
      await refusal(
        service.completeLogin({ loginId: pending.loginId, response: answer, terminal: TERMINAL }),
      ),
    ).toBe('JUKI_ERR_LOGIN_KEY');

    // An expired challenge, and one answered from another terminal.
    pending = await begin();
    clock.advance(settings.challengeTimeoutMs);
    expect(
      await refusal(
        service.completeLogin({
          loginId: pending.loginId,
          response: key.authenticate(pending.options, ORIGIN),
          terminal: TERMINAL,
        }),
      ),
    ).toBe('JUKI_ERR_CHALLENGE_INVALID');
    pending = await begin();
    expect(
      await refusal(
        service.completeLogin({
          loginId: pending.loginId,
          response: key.authenticate(pending.options, ORIGIN),
          terminal: 'terminal-02',
        }),
      ),
    ).toBe('JUKI_ERR_CHALLENGE_INVALID');

    // The right key used on another site (a phishing page relaying the challenge): the origin does not match.
    pending = await begin();
    expect(
      await refusal(
        service.completeLogin({
          loginId: pending.loginId,
          response: key.authenticate(pending.options, 'https://terminal.evil.test'),
          terminal: TERMINAL,
        }),
      ),
    ).toBe('JUKI_ERR_LOGIN_KEY');

    const refused = await fixture.store.db
      .selectFrom('operation_log')
      .select(['function', 'operator_id', 'error_code'])
      .where('outcome', '=', 'refused')
      .orderBy('seq')
      .execute();
    expect(refused).toEqual([
      { function: 'login-password', operator_id: operator.id, error_code: 'JUKI_ERR_LOGIN_PASSWORD' },
      { function: 'login-password', operator_id: null, error_code: 'JUKI_ERR_LOGIN_PASSWORD' },
      { function: 'login', operator_id: operator.id, error_code: 'JUKI_ERR_LOGIN_KEY' },
      { function: 'login', operator_id: operator.id, error_code: 'JUKI_ERR_LOGIN_KEY_UNKNOWN' },
      { function: 'login', operator_id: null, error_code: 'JUKI_ERR_CHALLENGE_INVALID' },
      { function: 'login', operator_id: operator.id, error_code: 'JUKI_ERR_LOGIN_KEY' },
      { function: 'login', operator_id: operator.id, error_code: 'JUKI_ERR_CHALLENGE_INVALID' },
      { function: 'login', operator_id: operator.id, error_code: 'JUKI_ERR_CHALLENGE_INVALID' },
      { function: 'login', operator_id: operator.id, error_code: 'JUKI_ERR_LOGIN_KEY' },
    ]);
    expect(await service.verifyOperationLog()).toMatchObject({ ok: true });
  });

  it('locks an operator after too many failures, refuses a disabled one and ends their sessions', async () => {
    const fixture = await setUp(openFresh);
    const { service, admin } = fixture;
    const { operator, key } = await enrolClerk(fixture);
    // User verification is preferred, not required: a second key, used without its PIN, logs in too.
    const noPin = createSoftAuthenticator({ userVerified: false });
    const enrolment = await service.beginKeyEnrolment(admin, operator.id);
    await service.completeKeyEnrolment(admin, {
      enrolmentId: enrolment.enrolmentId,
      response: noPin.register(enrolment.options, ORIGIN),
    });
    const clerk = await login(service, { loginName: 'madoguchi', password: CLERK_PASSWORD, key: noPin });

    await service.disableOperator(admin, operator.id);
    expect(await refusal(service.authenticate(clerk))).toBe('JUKI_ERR_SESSION_INVALID');
    expect(await refusal(login(service, { loginName: 'madoguchi', password: CLERK_PASSWORD, key }))).toBe(
      'JUKI_ERR_OPERATOR_DISABLED',
    );
    // A wrong password still says only that the password is wrong.
    expect(await refusal(login(service, { loginName: 'madoguchi', password: 'x'.repeat(12), key }))).toBe(
      'JUKI_ERR_LOGIN_PASSWORD',
    );
    await service.enableOperator(admin, operator.id);
    await login(service, { loginName: 'madoguchi', password: CLERK_PASSWORD, key });

    for (let attempt = 1; attempt <= settings.maxFailedLogins; attempt++) {
      expect(await refusal(login(service, { loginName: 'madoguchi', password: 'x'.repeat(12), key }))).toBe(
        'JUKI_ERR_LOGIN_PASSWORD',
      );
    }
    expect(await refusal(login(service, { loginName: 'madoguchi', password: CLERK_PASSWORD, key }))).toBe(
      'JUKI_ERR_OPERATOR_DISABLED',
    );
    const { operator: locked } = await service.getOperator(admin, operator.id);
    expect(locked).toMatchObject({ disabled: true, failedLogins: settings.maxFailedLogins });
  });

  it('checks the acting operator’s rights for every function, and an administrator never changes their own account', async () => {
    const fixture = await setUp(openFresh);
    const { service, admin } = fixture;
    const { operator, key, credential } = await enrolClerk(fixture);
    const clerk = await login(service, { loginName: 'madoguchi', password: CLERK_PASSWORD, key });
    const adminId = (await service.authenticate(admin)).operator.id;

    const noop = () => Promise.resolve({ ok: true as const, value: undefined });
    expect(await refusal(service.perform(clerk, { fn: 'notification', access: 'execute' }, noop))).toBe(
      'JUKI_ERR_OPERATOR_FORBIDDEN',
    );
    await service.perform(clerk, { fn: 'notification', access: 'write' }, noop);
    expect(await refusal(service.perform(admin, { fn: 'resident-view', access: 'read' }, noop))).toBe(
      'JUKI_ERR_OPERATOR_FORBIDDEN',
    );
    expect(await refusal(service.listOperators(clerk))).toBe('JUKI_ERR_OPERATOR_FORBIDDEN');
    expect(await refusal(service.readOperationLog(clerk))).toBe('JUKI_ERR_OPERATOR_FORBIDDEN');
    expect(
      await refusal(
        service.enrolOperator(clerk, {
          loginName: 'akuyaku',
          displayName: '悪役',
          role: 'system-administrator',
          password: CLERK_PASSWORD,
        }),
      ),
    ).toBe('JUKI_ERR_OPERATOR_FORBIDDEN');

    // Rights change at once, on the next use of the session.
    await service.changeOperatorRights(admin, operator.id, {
      overrides: { grant: [{ fn: 'notification', access: 'execute' }], revoke: [] },
    });
    await service.perform(clerk, { fn: 'notification', access: 'execute' }, noop);
    expect(
      await refusal(
        service.changeOperatorRights(admin, operator.id, {
          overrides: { grant: [{ fn: 'operator-administration', access: 'write' }] },
        }),
      ),
    ).toBe('JUKI_ERR_OPERATOR_RIGHTS_INVALID');
    const examiner = await service.changeOperatorRights(admin, operator.id, { role: 'examiner' });
    expect(examiner.overrides).toEqual({ grant: [], revoke: [] });
    expect(await refusal(service.perform(clerk, { fn: 'notification', access: 'write' }, noop))).toBe(
      'JUKI_ERR_OPERATOR_FORBIDDEN',
    );

    for (const own of [
      () => service.disableOperator(admin, adminId),
      () => service.changeOperatorRights(admin, adminId, { role: 'counter-clerk' }),
      () => service.resetOperatorPassword(admin, adminId, 'a whole new passphrase'),
      () => service.beginKeyEnrolment(admin, adminId),
    ]) {
      expect(await refusal(own())).toBe('JUKI_ERR_OPERATOR_SELF_CHANGE');
    }

    expect(
      await refusal(
        service.enrolOperator(admin, {
          loginName: 'madoguchi',
          displayName: '二人目',
          role: 'counter-clerk',
          password: CLERK_PASSWORD,
        }),
      ),
    ).toBe('JUKI_ERR_OPERATOR_EXISTS');
    expect(
      await refusal(
        service.enrolOperator(admin, {
          loginName: 'shinjin',
          displayName: '新人',
          role: 'counter-clerk',
          password: 'short',
        }),
      ),
    ).toBe('JUKI_ERR_PASSWORD_POLICY');
    expect(
      await refusal(
        service.enrolOperator(admin, {
          loginName: 'Bad Name',
          displayName: '新人',
          role: 'counter-clerk',
          password: CLERK_PASSWORD,
        }),
      ),
    ).toBe('JUKI_ERR_OPERATOR_REQUEST_INVALID');
    expect(
      await refusal(
        service.enrolFirstAdministrator({
          loginName: 'second',
          displayName: '二人目',
          password: ADMIN_PASSWORD,
          terminal: TERMINAL,
        }),
      ),
    ).toBe('JUKI_ERR_OPERATORS_EXIST');

    // A password reset ends the operator's sessions; removing their key stops the key login.
    await service.resetOperatorPassword(admin, operator.id, 'a whole new passphrase');
    expect(await refusal(service.authenticate(clerk))).toBe('JUKI_ERR_SESSION_INVALID');
    await service.removeKey(admin, credential.id);
    expect(await refusal(service.removeKey(admin, credential.id))).toBe('JUKI_ERR_CREDENTIAL_NOT_FOUND');
    expect(
      await refusal(
        service.beginLogin({
          loginName: 'madoguchi',
          password: 'a whole new passphrase',
          terminal: TERMINAL,
        }),
      ),
    ).toBe('JUKI_ERR_LOGIN_NO_KEY');

    // Enrolment: the same key twice is refused, and a used enrolment handle is refused.
    const enrolment = await service.beginKeyEnrolment(admin, operator.id);
    await service.completeKeyEnrolment(admin, {
      enrolmentId: enrolment.enrolmentId,
      response: key.register(enrolment.options, ORIGIN),
    });
    const twice = await service.beginKeyEnrolment(admin, operator.id);
    expect(twice.options.excludeCredentials).toEqual([expect.objectContaining({ id: key.credentialId })]);
    const replayed = await service.beginKeyEnrolment(admin, operator.id);
    expect(
      await refusal(
        service.completeKeyEnrolment(admin, {
          enrolmentId: replayed.enrolmentId,
          response: key.register({ ...replayed.options, excludeCredentials: [] }, ORIGIN),
        }),
      ),
    ).toBe('JUKI_ERR_KEY_ENROLMENT_REFUSED');
    expect(
      await refusal(
        service.completeKeyEnrolment(admin, {
          enrolmentId: replayed.enrolmentId,
          response: createSoftAuthenticator().register(replayed.options, ORIGIN),
        }),
      ),
    ).toBe('JUKI_ERR_CHALLENGE_INVALID');

    // Own log for everyone, the whole log for the administrator only.
    const own = await service.readOwnOperationLog(admin, { limit: 1000 });
    expect(own.every((record) => record.operatorId === adminId)).toBe(true);
    const clerkLog = await service.readOperationLog(admin, { operatorId: operator.id, limit: 1000 });
    expect(
      clerkLog.map((record) => [record.fn, record.access, record.outcome, record.errorCode]),
    ).toContainEqual(['notification', 'execute', 'refused', 'JUKI_ERR_OPERATOR_FORBIDDEN']);
    expect(await service.verifyOperationLog()).toMatchObject({ ok: true });
  });

  it('the operation log of a working day verifies, and a tampered or removed row is found', async () => {
    const fixture = await setUp(openFresh);
    const { service, store } = fixture;
    await enrolClerk(fixture);
    const head = await service.verifyOperationLog();
    expect(head.ok).toBe(true);
    if (!head.ok) return;
    expect(head.value.count).toBeGreaterThan(5);

    const victim = Math.ceil(head.value.count / 2);
    await store.db
      .updateTable('operation_log')
      .set({ outcome: 'ok', error_code: null, terminal: 'x' })
      .where('seq', '=', victim)
      .execute();
    expect(await service.verifyOperationLog()).toEqual({
      ok: false,
      reason: { seq: victim, problem: 'hash-mismatch' },
    });
    await store.db.deleteFrom('operation_log').where('seq', '=', victim).execute();
    expect(await service.verifyOperationLog()).toEqual({
      ok: false,
      reason: { seq: victim, problem: 'missing-row' },
    });
  });
});
