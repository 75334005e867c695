// The operator service: the two-step login (password, then security key), sessions, the administrator's functions,
// and `perform()`, which checks the session and the right and logs every operation, whatever its outcome
// (DESIGN.md §6, docs/operators.md).

import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import type { Selectable, Transaction } from 'kysely';
import type { Logger } from 'pino';
import {
  canPerform,
  checkRightsOverrides,
  isOperatorRole,
  NO_OVERRIDES,
  type AccessKind,
  type OperatorRole,
  type TerminalFunction,
} from '../../../domain/index.js';
import { systemClock, type Clock } from '../../../shared/clock.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import { newUuidV7 } from '../../../shared/ids.js';
import { err, ok, type Result } from '../../../shared/result.js';
import {
  fromIsoTimestamp,
  isUniqueViolation,
  toIsoTimestamp,
  type Database,
  type OperatorTable,
  type Store,
} from '../../../store/index.js';
import {
  outcomeOfError,
  readOperationRecords,
  recordOperation,
  verifyOperationLog,
  type OperationFunction,
  type OperationLogDefect,
  type OperationLogHead,
  type OperationRecord,
} from './operation-log.js';
import type { OperatorSettings } from './operator-config.js';
import {
  credentialOf,
  findOperatorRow,
  handleHash,
  listCredentialRows,
  operatorOf,
  type Operator,
  type OperatorCredential,
} from './operator-records.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';
import {
  endIdleSessions,
  endOperatorSessions,
  endSessionRow,
  openSession,
  useSession,
  type ActiveSession,
  type Caller,
} from './sessions.js';
import {
  assertionCredentialId,
  createEnrolmentOptions,
  createLoginOptions,
  storeChallenge,
  takeChallenge,
  verifyEnrolment,
  verifyLoginAssertion,
} from './webauthn.js';

/** The first login step's answer: the handle of the pending login and the options for navigator.credentials.get(). */
export interface PendingLogin {
  readonly loginId: string;
  readonly options: PublicKeyCredentialRequestOptionsJSON;
}

/** A started key enrolment: its handle and the options for navigator.credentials.create(). */
export interface PendingEnrolment {
  readonly enrolmentId: string;
  readonly options: PublicKeyCredentialCreationOptionsJSON;
}

/** A completed login: the session token the terminal sends with every request, and who logged in. */
export interface LoginSession {
  readonly token: string;
  readonly operator: Operator;
}

/** A new operator, as the administrator enters it. */
export interface OperatorEnrolment {
  readonly loginName: string;
  readonly displayName: string;
  readonly role: OperatorRole;
  readonly password: string;
  /** `RightsOverrides`; none when left out. */
  readonly overrides?: unknown;
}

/** An operation a terminal asks for: which function, which access, and the records it names up front. */
export interface OperationRequest {
  readonly fn: TerminalFunction;
  readonly access: AccessKind;
  readonly records?: readonly string[];
  /**
   * Runs the work's transaction in place of the store's own: a node passes a runner over its NodeContext.transaction
   * so that what the work sends through the outbox commits with the work and its log row. It must run `fn` in one
   * transaction of the service's store.
   */
  readonly transaction?: OperationTransaction;
}

/** Runs `fn` in one transaction of the operator service's store (Store.transaction, or a node's with its outbox). */
export type OperationTransaction = <R>(fn: (trx: Transaction<Database>) => Promise<R>) => Promise<R>;

/** What the work of an operation gets: its transaction, the session, and a way to add the records it touched. */
export interface OperationScope {
  readonly trx: Transaction<Database>;
  readonly session: ActiveSession;
  readonly now: Date;
  readonly touch: (...records: string[]) => void;
}

/**
 * The outcome of an operation's work: a value, or a refusal that still commits what the work wrote (a used challenge
 * stays used). Throwing instead rolls the work back; either way the operation is logged.
 */
export type OperationResult<T> = Result<T, JukinetError>;

export interface OperatorService {
  /**
   * Enrols the first システム管理者 of an empty node (from the CLI, at set-up) and starts the enrolment of their
   * key; refused with JUKI_ERR_OPERATORS_EXIST once any operator exists.
   */
  enrolFirstAdministrator(
    input: Omit<OperatorEnrolment, 'role' | 'overrides'> & { readonly terminal: string },
  ): Promise<{ operator: Operator; enrolment: PendingEnrolment }>;
  /**
   * Starts the first administrator's key enrolment again (a new set-up code) while no operator has a key yet, e.g.
   * when the first code expired unused; refused with JUKI_ERR_OPERATORS_EXIST once a key is registered.
   */
  renewFirstAdministratorSetup(input: {
    readonly loginName: string;
    readonly terminal: string;
  }): Promise<{ operator: Operator; enrolment: PendingEnrolment }>;
  /**
   * The terminal's 初期設定: exchanges the set-up code (the handle of the enrolment enrolFirstAdministrator() started
   * at SETUP_TERMINAL) for an enrolment of the first administrator's key at this terminal. The code stays valid until
   * it expires or a key is enrolled, so that a cancelled touch can be tried again.
   */
  beginFirstAdministratorKey(input: {
    readonly setupCode: string;
    readonly terminal: string;
  }): Promise<PendingEnrolment>;
  /** Completes the first administrator's key enrolment (and makes the set-up code unusable). */
  completeFirstAdministratorKey(input: {
    readonly enrolmentId: string;
    readonly response: unknown;
    readonly terminal: string;
  }): Promise<OperatorCredential>;

  /**
   * Login step 1: checks the password and, when right, issues a challenge for one of the operator's keys, bound to
   * the terminal. A wrong password and an unknown login name are refused alike (JUKI_ERR_LOGIN_PASSWORD).
   */
  beginLogin(input: {
    readonly loginName: string;
    readonly password: string;
    readonly terminal: string;
  }): Promise<PendingLogin>;
  /** Login step 2: verifies the key's assertion for the pending login (used once) and opens a session. */
  completeLogin(input: {
    readonly loginId: string;
    readonly response: unknown;
    readonly terminal: string;
  }): Promise<LoginSession>;
  /** Checks and touches a session without performing anything (the terminal's "who am I"). Not logged. */
  authenticate(caller: Caller): Promise<ActiveSession>;
  /** Ends the caller's session. */
  logout(caller: Caller): Promise<void>;
  /** Ends sessions idle past the limit, for a periodic sweep. */
  endIdleSessions(): Promise<number>;

  /**
   * Performs one operation for the caller: checks the session (touching it) and the right to `request.access` on
   * `request.fn`, runs `work` in a transaction, and logs the operation in it. A refusal or failure is logged too.
   */
  perform<T>(
    caller: Caller,
    request: OperationRequest,
    work: (scope: OperationScope) => Promise<OperationResult<T>>,
  ): Promise<T>;

  /** 操作者管理: enrols an operator with a role, optional overrides and an initial password. */
  enrolOperator(caller: Caller, input: OperatorEnrolment): Promise<Operator>;
  /** 操作者管理: every operator, by login name. */
  listOperators(caller: Caller): Promise<Operator[]>;
  /** 操作者管理: one operator and their keys. */
  getOperator(
    caller: Caller,
    operatorId: string,
  ): Promise<{ operator: Operator; credentials: OperatorCredential[] }>;
  /** 操作者管理: starts enrolling a security key for an operator, at the administrator's terminal. */
  beginKeyEnrolment(caller: Caller, operatorId: string): Promise<PendingEnrolment>;
  /** 操作者管理: completes a key enrolment the same administrator started. */
  completeKeyEnrolment(
    caller: Caller,
    input: { readonly enrolmentId: string; readonly response: unknown },
  ): Promise<OperatorCredential>;
  /** 操作者管理: removes a security key. */
  removeKey(caller: Caller, credentialId: string): Promise<void>;
  /** 操作者管理: disables an operator and ends their sessions. */
  disableOperator(caller: Caller, operatorId: string): Promise<Operator>;
  /** 操作者管理: enables an operator again (also after too many failed logins). */
  enableOperator(caller: Caller, operatorId: string): Promise<Operator>;
  /**
   * 操作者管理: changes an operator's role and/or rights overrides. Overrides left out are kept when the role stays
   * and cleared when it changes.
   */
  changeOperatorRights(
    caller: Caller,
    operatorId: string,
    change: { readonly role?: OperatorRole; readonly overrides?: unknown },
  ): Promise<Operator>;
  /** 操作者管理: sets a new password and ends the operator's sessions. */
  resetOperatorPassword(caller: Caller, operatorId: string, password: string): Promise<void>;

  /** 操作履歴照会: the log of every operator, or of one. */
  readOperationLog(
    caller: Caller,
    options?: { readonly operatorId?: string; readonly afterSeq?: number; readonly limit?: number },
  ): Promise<OperationRecord[]>;
  /** 自己の操作履歴照会: the caller's own log. */
  readOwnOperationLog(
    caller: Caller,
    options?: { readonly afterSeq?: number; readonly limit?: number },
  ): Promise<OperationRecord[]>;
  /** Verifies the whole chain (a system check, not an operator's operation; see verifyOperationLog()). */
  verifyOperationLog(options?: {
    readonly anchor?: { readonly seq: number; readonly hash: string };
  }): Promise<Result<OperationLogHead, OperationLogDefect>>;
}

/**
 * The terminal name under which `jukinet operator init` enrols the first administrator: the handle of that enrolment
 * is the set-up code the terminal's 初期設定 exchanges with beginFirstAdministratorKey().
 */
export const SETUP_TERMINAL = 'cli:operator-init';

/** Login names: lower-case ASCII, 3 to 32 characters, starting with a letter. */
const LOGIN_NAME = /^[a-z][a-z0-9._-]{2,31}$/;
// Control characters have no place in a name shown on screens and in the log.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** What a logged unit of work may do besides its writes: add touched records, name the operator once known. */
interface LoggedScope {
  readonly trx: Transaction<Database>;
  readonly now: Date;
  readonly touch: (...records: string[]) => void;
  readonly identify: (operatorId: string) => void;
}

/** Creates the operator service on `store`; `clock` is injectable so that tests move time instead of waiting. */
export function createOperatorService(
  store: Store,
  options: { readonly settings: OperatorSettings; readonly clock?: Clock; readonly logger?: Logger },
): OperatorService {
  const { settings } = options;
  const clock = options.clock ?? systemClock;
  let dummyHash: Promise<string> | undefined;

  /**
   * Runs `work` in a transaction and logs it there: an ok or a refusal commits with its log row; a throw rolls the
   * work back and is logged in a transaction of its own, then rethrown.
   */
  async function runLogged<T>(
    entry: {
      readonly operatorId: string | null;
      readonly terminal: string;
      readonly fn: OperationFunction;
      readonly access: AccessKind;
      readonly records?: readonly string[];
      readonly transaction?: OperationTransaction;
    },
    work: (scope: LoggedScope) => Promise<OperationResult<T>>,
  ): Promise<T> {
    const now = clock.now();
    let operatorId = entry.operatorId;
    let touched: string[] = [];
    const base = () => ({
      at: now,
      operatorId,
      terminal: entry.terminal,
      fn: entry.fn,
      access: entry.access,
      records: [...new Set(touched)],
    });
    let result: OperationResult<T>;
    const transaction: OperationTransaction = entry.transaction ?? ((fn) => store.transaction(fn));
    try {
      result = await transaction(async (trx) => {
        // A retried transaction starts again from what the request named.
        operatorId = entry.operatorId;
        touched = [...(entry.records ?? [])];
        const outcome = await work({
          trx,
          now,
          touch: (...records) => touched.push(...records),
          identify: (id) => {
            operatorId = id;
          },
        });
        await recordOperation(trx, {
          ...base(),
          ...(outcome.ok ? { outcome: 'ok', errorCode: null } : outcomeOfError(outcome.reason)),
        });
        return outcome;
      });
    } catch (error) {
      try {
        await store.transaction((trx) => recordOperation(trx, { ...base(), ...outcomeOfError(error) }));
      } catch (logError) {
        options.logger?.error({ err: logError, fn: entry.fn }, 'Could not log a failed operation');
      }
      throw error;
    }
    if (!result.ok) throw result.reason;
    return result.value;
  }

  async function perform<T>(
    caller: Caller,
    request: OperationRequest,
    work: (scope: OperationScope) => Promise<OperationResult<T>>,
  ): Promise<T> {
    const now = clock.now();
    const refuse = async (
      trx: Transaction<Database>,
      operatorId: string | null,
      error: JukinetError,
    ): Promise<OperationResult<never>> => {
      await recordOperation(trx, {
        at: now,
        operatorId,
        terminal: caller.terminal,
        fn: request.fn,
        access: request.access,
        records: [...new Set(request.records ?? [])],
        ...outcomeOfError(error),
      });
      return err(error);
    };
    // The check commits on its own (a touch, an idle session ended, a refusal logged); the work is logged below.
    const checked = await store.transaction(async (trx): Promise<OperationResult<ActiveSession>> => {
      const session = await useSession(trx, caller, { now, idleTimeoutMs: settings.idleTimeoutMs });
      if (!session.ok) {
        return refuse(trx, session.reason.operatorId, new JukinetError(session.reason.code));
      }
      if (!canPerform(session.value.operator.rights, request.fn, request.access)) {
        return refuse(
          trx,
          session.value.operator.id,
          new JukinetError('JUKI_ERR_OPERATOR_FORBIDDEN', `${quote(request.fn)} (${request.access})`),
        );
      }
      return ok(session.value);
    });
    if (!checked.ok) throw checked.reason;
    const session = checked.value;
    return runLogged(
      {
        operatorId: session.operator.id,
        terminal: caller.terminal,
        fn: request.fn,
        access: request.access,
        ...(request.records === undefined ? {} : { records: request.records }),
        ...(request.transaction === undefined ? {} : { transaction: request.transaction }),
      },
      ({ trx, now: at, touch }) => work({ trx, now: at, touch, session }),
    );
  }

  return {
    async enrolFirstAdministrator(input) {
      return runLogged(
        { operatorId: null, terminal: input.terminal, fn: 'operator-administration', access: 'write' },
        async ({ trx, now, touch }) => {
          const existing = await trx.selectFrom('operator').select('id').limit(1).executeTakeFirst();
          if (existing !== undefined) return err(new JukinetError('JUKI_ERR_OPERATORS_EXIST'));
          const invalid = checkNames(input);
          if (invalid !== undefined) return err(invalid);
          const policy = checkPasswordPolicy(input.password, { loginName: input.loginName });
          if (!policy.ok) return err(new JukinetError('JUKI_ERR_PASSWORD_POLICY', policy.reason));
          const operator = await insertOperator(trx, {
            ...input,
            role: 'system-administrator',
            passwordHash: await hashPassword(input.password, settings.passwordHashing),
            now,
          });
          touch(operator.id);
          const enrolment = await startEnrolment(trx, {
            operator,
            actorId: null,
            terminal: input.terminal,
            now,
          });
          return ok({ operator, enrolment });
        },
      );
    },

    async renewFirstAdministratorSetup(input) {
      return runLogged(
        { operatorId: null, terminal: input.terminal, fn: 'operator-administration', access: 'write' },
        async ({ trx, now, touch, identify }) => {
          const anyKey = await trx.selectFrom('operator_credential').select('id').limit(1).executeTakeFirst();
          if (anyKey !== undefined)
            return err(new JukinetError('JUKI_ERR_OPERATORS_EXIST', 'a key is registered'));
          const row = await findOperatorRow(trx, { loginName: input.loginName });
          if (row === undefined || row.role !== 'system-administrator') {
            return err(operatorNotFound(input.loginName));
          }
          identify(row.id);
          touch(row.id);
          await trx
            .deleteFrom('operator_challenge')
            .where('operator_id', '=', row.id)
            .where('purpose', '=', 'key-enrolment')
            .where('actor_id', 'is', null)
            .execute();
          const operator = operatorOf(row);
          const enrolment = await startEnrolment(trx, {
            operator,
            actorId: null,
            terminal: input.terminal,
            now,
          });
          return ok({ operator, enrolment });
        },
      );
    },

    async beginFirstAdministratorKey(input) {
      return runLogged(
        { operatorId: null, terminal: input.terminal, fn: 'operator-administration', access: 'write' },
        async ({ trx, now, touch, identify }) => {
          const invalid = err(new JukinetError('JUKI_ERR_CHALLENGE_INVALID', 'set-up code'));
          const setup = await trx
            .selectFrom('operator_challenge')
            .selectAll()
            .where('id', '=', handleHash(input.setupCode))
            .where('purpose', '=', 'key-enrolment')
            .executeTakeFirst();
          if (
            setup === undefined ||
            setup.actor_id !== null ||
            setup.terminal !== SETUP_TERMINAL ||
            fromIsoTimestamp(setup.expires_at) <= now
          ) {
            return invalid;
          }
          identify(setup.operator_id);
          touch(setup.operator_id);
          const row = await findOperatorRow(trx, { id: setup.operator_id });
          if (row === undefined || (await listCredentialRows(trx, row.id)).length > 0) return invalid;
          return ok(
            await startEnrolment(trx, {
              operator: operatorOf(row),
              actorId: null,
              terminal: input.terminal,
              now,
            }),
          );
        },
      );
    },

    async completeFirstAdministratorKey(input) {
      return runLogged(
        { operatorId: null, terminal: input.terminal, fn: 'operator-administration', access: 'write' },
        async ({ trx, now, touch, identify }) => {
          const challenge = await takeEnrolmentChallenge(trx, { ...input, now });
          if (!challenge.ok) return challenge;
          // Only enrolFirstAdministrator() leaves an enrolment without an acting administrator.
          if (challenge.value.actor_id !== null) {
            return err(new JukinetError('JUKI_ERR_CHALLENGE_INVALID', 'started by an administrator'));
          }
          identify(challenge.value.operator_id);
          const finished = await finishEnrolment(trx, {
            challenge: challenge.value,
            response: input.response,
            now,
            touch,
          });
          if (finished.ok) {
            // The set-up code has served its purpose.
            await trx
              .deleteFrom('operator_challenge')
              .where('operator_id', '=', challenge.value.operator_id)
              .where('purpose', '=', 'key-enrolment')
              .where('actor_id', 'is', null)
              .execute();
          }
          return finished;
        },
      );
    },

    async beginLogin(input) {
      const found = LOGIN_NAME.test(input.loginName)
        ? await findOperatorRow(store.db, { loginName: input.loginName })
        : undefined;
      // An unknown name costs the same argon2 work as a known one, so timing does not tell which names exist.
      const passwordRight = await verifyPassword(
        found?.password_hash ?? (await dummyPasswordHash()),
        input.password,
      );
      return runLogged(
        { operatorId: found?.id ?? null, terminal: input.terminal, fn: 'login-password', access: 'execute' },
        async ({ trx, now }) => {
          if (found === undefined) return err(new JukinetError('JUKI_ERR_LOGIN_PASSWORD'));
          const row = await findOperatorRow(trx, { id: found.id });
          if (row === undefined) return err(new JukinetError('JUKI_ERR_LOGIN_PASSWORD'));
          // A password reset between the check and now makes the checked password stale.
          if (!passwordRight || row.password_hash !== found.password_hash) {
            await countFailedLogin(trx, row, now);
            return err(new JukinetError('JUKI_ERR_LOGIN_PASSWORD'));
          }
          if (row.disabled !== 0) return err(new JukinetError('JUKI_ERR_OPERATOR_DISABLED'));
          const credentials = await listCredentialRows(trx, row.id);
          if (credentials.length === 0) return err(new JukinetError('JUKI_ERR_LOGIN_NO_KEY'));
          const loginOptions = await createLoginOptions(settings, credentials);
          const loginId = await storeChallenge(trx, {
            purpose: 'login',
            challenge: loginOptions.challenge,
            operatorId: row.id,
            actorId: null,
            terminal: input.terminal,
            now,
            timeoutMs: settings.challengeTimeoutMs,
          });
          return ok({ loginId, options: loginOptions });
        },
      );
    },

    async completeLogin(input) {
      return runLogged(
        { operatorId: null, terminal: input.terminal, fn: 'login', access: 'execute' },
        async ({ trx, now, touch, identify }) => {
          const taken = await takeChallenge(trx, {
            handle: input.loginId,
            purpose: 'login',
            terminal: input.terminal,
            now,
          });
          if (!taken.ok) {
            if (taken.reason.row !== undefined) identify(taken.reason.row.operator_id);
            return err(new JukinetError('JUKI_ERR_CHALLENGE_INVALID', taken.reason.refusal));
          }
          const challenge = taken.value;
          identify(challenge.operator_id);
          const row = await findOperatorRow(trx, { id: challenge.operator_id });
          if (row === undefined || row.disabled !== 0) {
            return err(new JukinetError('JUKI_ERR_OPERATOR_DISABLED'));
          }
          const credentialId = assertionCredentialId(input.response);
          const credential =
            credentialId === undefined
              ? undefined
              : await trx
                  .selectFrom('operator_credential')
                  .selectAll()
                  .where('id', '=', credentialId)
                  .where('operator_id', '=', row.id)
                  .executeTakeFirst();
          if (credential === undefined) {
            await countFailedLogin(trx, row, now);
            return err(new JukinetError('JUKI_ERR_LOGIN_KEY_UNKNOWN'));
          }
          touch(credential.id);
          const verified = await verifyLoginAssertion(settings, {
            response: input.response,
            challenge: challenge.challenge,
            credential,
          });
          if (!verified.ok) {
            await countFailedLogin(trx, row, now);
            return err(new JukinetError('JUKI_ERR_LOGIN_KEY', verified.reason));
          }
          await trx
            .updateTable('operator_credential')
            .set({ counter: verified.value.newCounter, last_used_at: toIsoTimestamp(now) })
            .where('id', '=', credential.id)
            .execute();
          if (row.failed_logins !== 0) {
            await trx.updateTable('operator').set({ failed_logins: 0 }).where('id', '=', row.id).execute();
          }
          const session = await openSession(trx, { operatorId: row.id, terminal: input.terminal, now });
          return ok({ token: session.token, operator: operatorOf({ ...row, failed_logins: 0 }) });
        },
      );
    },

    async authenticate(caller) {
      const now = clock.now();
      const checked = await store.transaction((trx) =>
        useSession(trx, caller, { now, idleTimeoutMs: settings.idleTimeoutMs }),
      );
      if (!checked.ok) throw new JukinetError(checked.reason.code);
      return checked.value;
    },

    async logout(caller) {
      await runLogged(
        { operatorId: null, terminal: caller.terminal, fn: 'logout', access: 'execute' },
        async ({ trx, now, identify }) => {
          const checked = await useSession(trx, caller, { now, idleTimeoutMs: settings.idleTimeoutMs });
          if (!checked.ok) {
            if (checked.reason.operatorId !== null) identify(checked.reason.operatorId);
            return err(new JukinetError(checked.reason.code));
          }
          identify(checked.value.operator.id);
          await endSessionRow(trx, checked.value.id, { reason: 'logout', now });
          return ok(undefined);
        },
      );
    },

    endIdleSessions() {
      return endIdleSessions(store.db, { now: clock.now(), idleTimeoutMs: settings.idleTimeoutMs });
    },

    perform,

    async enrolOperator(caller, input) {
      return perform(
        caller,
        { fn: 'operator-administration', access: 'write' },
        async ({ trx, now, touch }) => {
          if (!isOperatorRole(input.role)) {
            return err(new JukinetError('JUKI_ERR_OPERATOR_REQUEST_INVALID', `role ${quote(input.role)}`));
          }
          const overrides = checkRightsOverrides(input.role, input.overrides ?? NO_OVERRIDES);
          if (!overrides.ok) {
            return err(new JukinetError('JUKI_ERR_OPERATOR_RIGHTS_INVALID', overrides.reason.detail));
          }
          const invalid = checkNames(input);
          if (invalid !== undefined) return err(invalid);
          const policy = checkPasswordPolicy(input.password, { loginName: input.loginName });
          if (!policy.ok) return err(new JukinetError('JUKI_ERR_PASSWORD_POLICY', policy.reason));
          const taken = await findOperatorRow(trx, { loginName: input.loginName });
          if (taken !== undefined) {
            return err(new JukinetError('JUKI_ERR_OPERATOR_EXISTS', quote(input.loginName)));
          }
          const operator = await insertOperator(trx, {
            ...input,
            overrides: overrides.value,
            passwordHash: await hashPassword(input.password, settings.passwordHashing),
            now,
          });
          touch(operator.id);
          return ok(operator);
        },
      );
    },

    async listOperators(caller) {
      return perform(caller, { fn: 'operator-administration', access: 'read' }, async ({ trx }) => {
        const rows = await trx.selectFrom('operator').selectAll().orderBy('login_name').execute();
        return ok(rows.map(operatorOf));
      });
    },

    async getOperator(caller, operatorId) {
      return perform(
        caller,
        { fn: 'operator-administration', access: 'read', records: [operatorId] },
        async ({ trx }) => {
          const row = await findOperatorRow(trx, { id: operatorId });
          if (row === undefined) return err(operatorNotFound(operatorId));
          const credentials = await listCredentialRows(trx, operatorId);
          return ok({ operator: operatorOf(row), credentials: credentials.map(credentialOf) });
        },
      );
    },

    async beginKeyEnrolment(caller, operatorId) {
      return perform(
        caller,
        { fn: 'operator-administration', access: 'write', records: [operatorId] },
        async ({ trx, now, session }) => {
          const target = await targetOperator(trx, session, operatorId);
          if (!target.ok) return target;
          return ok(
            await startEnrolment(trx, {
              operator: operatorOf(target.value),
              actorId: session.operator.id,
              terminal: caller.terminal,
              now,
            }),
          );
        },
      );
    },

    async completeKeyEnrolment(caller, input) {
      return perform(
        caller,
        { fn: 'operator-administration', access: 'write' },
        async ({ trx, now, touch, session }) => {
          const challenge = await takeEnrolmentChallenge(trx, { ...input, terminal: caller.terminal, now });
          if (!challenge.ok) return challenge;
          if (challenge.value.actor_id !== session.operator.id) {
            return err(new JukinetError('JUKI_ERR_CHALLENGE_INVALID', 'started by another administrator'));
          }
          return finishEnrolment(trx, { challenge: challenge.value, response: input.response, now, touch });
        },
      );
    },

    async removeKey(caller, credentialId) {
      await perform(
        caller,
        { fn: 'operator-administration', access: 'write', records: [credentialId] },
        async ({ trx, session, touch }) => {
          const credential = await trx
            .selectFrom('operator_credential')
            .select(['id', 'operator_id'])
            .where('id', '=', credentialId)
            .executeTakeFirst();
          if (credential === undefined) {
            return err(new JukinetError('JUKI_ERR_CREDENTIAL_NOT_FOUND', quote(credentialId)));
          }
          touch(credential.operator_id);
          const target = await targetOperator(trx, session, credential.operator_id);
          if (!target.ok) return target;
          await trx.deleteFrom('operator_credential').where('id', '=', credentialId).execute();
          return ok(undefined);
        },
      );
    },

    async disableOperator(caller, operatorId) {
      return setDisabled(caller, operatorId, true);
    },

    async enableOperator(caller, operatorId) {
      return setDisabled(caller, operatorId, false);
    },

    async changeOperatorRights(caller, operatorId, change) {
      return perform(
        caller,
        { fn: 'operator-administration', access: 'write', records: [operatorId] },
        async ({ trx, now, session }) => {
          const target = await targetOperator(trx, session, operatorId);
          if (!target.ok) return target;
          const current = operatorOf(target.value);
          const role = change.role ?? current.role;
          if (!isOperatorRole(role)) {
            return err(new JukinetError('JUKI_ERR_OPERATOR_REQUEST_INVALID', `role ${quote(role)}`));
          }
          const requested = change.overrides ?? (role === current.role ? current.overrides : NO_OVERRIDES);
          const overrides = checkRightsOverrides(role, requested);
          if (!overrides.ok) {
            return err(new JukinetError('JUKI_ERR_OPERATOR_RIGHTS_INVALID', overrides.reason.detail));
          }
          const updated = await trx
            .updateTable('operator')
            .set({
              role,
              rights_overrides: JSON.stringify(overrides.value),
              updated_at: toIsoTimestamp(now),
            })
            .where('id', '=', operatorId)
            .returningAll()
            .executeTakeFirstOrThrow();
          return ok(operatorOf(updated));
        },
      );
    },

    async resetOperatorPassword(caller, operatorId, password) {
      await perform(
        caller,
        { fn: 'operator-administration', access: 'write', records: [operatorId] },
        async ({ trx, now, session }) => {
          const target = await targetOperator(trx, session, operatorId);
          if (!target.ok) return target;
          const policy = checkPasswordPolicy(password, { loginName: target.value.login_name });
          if (!policy.ok) return err(new JukinetError('JUKI_ERR_PASSWORD_POLICY', policy.reason));
          await trx
            .updateTable('operator')
            .set({
              password_hash: await hashPassword(password, settings.passwordHashing),
              failed_logins: 0,
              updated_at: toIsoTimestamp(now),
            })
            .where('id', '=', operatorId)
            .execute();
          await endOperatorSessions(trx, operatorId, { reason: 'password-reset', now });
          return ok(undefined);
        },
      );
    },

    async readOperationLog(caller, readOptions = {}) {
      const records = readOptions.operatorId === undefined ? [] : [readOptions.operatorId];
      return perform(caller, { fn: 'operation-log-view', access: 'read', records }, async ({ trx }) =>
        ok(await readOperationRecords(trx, readOptions)),
      );
    },

    async readOwnOperationLog(caller, readOptions = {}) {
      return perform(caller, { fn: 'own-log-view', access: 'read' }, async ({ trx, session }) =>
        ok(await readOperationRecords(trx, { ...readOptions, operatorId: session.operator.id })),
      );
    },

    verifyOperationLog(verifyOptions = {}) {
      return verifyOperationLog(store.db, verifyOptions);
    },
  };

  async function setDisabled(caller: Caller, operatorId: string, disabled: boolean): Promise<Operator> {
    return perform(
      caller,
      { fn: 'operator-administration', access: 'write', records: [operatorId] },
      async ({ trx, now, session }) => {
        const target = await targetOperator(trx, session, operatorId);
        if (!target.ok) return target;
        const updated = await trx
          .updateTable('operator')
          .set({
            disabled: disabled ? 1 : 0,
            ...(disabled ? {} : { failed_logins: 0 }),
            updated_at: toIsoTimestamp(now),
          })
          .where('id', '=', operatorId)
          .returningAll()
          .executeTakeFirstOrThrow();
        if (disabled) await endOperatorSessions(trx, operatorId, { reason: 'operator-disabled', now });
        return ok(operatorOf(updated));
      },
    );
  }

  /** The operator an administrator acts on: it exists and is not the administrator. */
  async function targetOperator(
    trx: Transaction<Database>,
    session: ActiveSession,
    operatorId: string,
  ): Promise<OperationResult<Selectable<OperatorTable>>> {
    if (operatorId === session.operator.id) {
      return err(new JukinetError('JUKI_ERR_OPERATOR_SELF_CHANGE'));
    }
    const row = await findOperatorRow(trx, { id: operatorId });
    return row === undefined ? err(operatorNotFound(operatorId)) : ok(row);
  }

  async function insertOperator(
    trx: Transaction<Database>,
    input: {
      readonly loginName: string;
      readonly displayName: string;
      readonly role: OperatorRole;
      readonly overrides?: unknown;
      readonly passwordHash: string;
      readonly now: Date;
    },
  ): Promise<Operator> {
    const at = toIsoTimestamp(input.now);
    const row = {
      id: newUuidV7(input.now.getTime()),
      login_name: input.loginName,
      display_name: input.displayName.trim(),
      role: input.role,
      rights_overrides: JSON.stringify(input.overrides ?? NO_OVERRIDES),
      password_hash: input.passwordHash,
      disabled: 0,
      failed_logins: 0,
      created_at: at,
      updated_at: at,
    };
    try {
      await trx.insertInto('operator').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new JukinetError('JUKI_ERR_OPERATOR_EXISTS', quote(input.loginName), { cause: error });
      }
      throw error;
    }
    return operatorOf(row);
  }

  async function startEnrolment(
    trx: Transaction<Database>,
    enrolment: {
      readonly operator: Operator;
      readonly actorId: string | null;
      readonly terminal: string;
      readonly now: Date;
    },
  ): Promise<PendingEnrolment> {
    const existing = await listCredentialRows(trx, enrolment.operator.id);
    const creation = await createEnrolmentOptions(settings, { operator: enrolment.operator, existing });
    const enrolmentId = await storeChallenge(trx, {
      purpose: 'key-enrolment',
      challenge: creation.challenge,
      operatorId: enrolment.operator.id,
      actorId: enrolment.actorId,
      terminal: enrolment.terminal,
      now: enrolment.now,
      timeoutMs: settings.challengeTimeoutMs,
    });
    return { enrolmentId, options: creation };
  }

  async function takeEnrolmentChallenge(
    trx: Transaction<Database>,
    request: { readonly enrolmentId: string; readonly terminal: string; readonly now: Date },
  ): Promise<OperationResult<Selectable<Database['operator_challenge']>>> {
    const taken = await takeChallenge(trx, {
      handle: request.enrolmentId,
      purpose: 'key-enrolment',
      terminal: request.terminal,
      now: request.now,
    });
    return taken.ok ? taken : err(new JukinetError('JUKI_ERR_CHALLENGE_INVALID', taken.reason.refusal));
  }

  async function finishEnrolment(
    trx: Transaction<Database>,
    input: {
      readonly challenge: Selectable<Database['operator_challenge']>;
      readonly response: unknown;
      readonly now: Date;
      readonly touch: (...records: string[]) => void;
    },
  ): Promise<OperationResult<OperatorCredential>> {
    const operatorId = input.challenge.operator_id;
    input.touch(operatorId);
    if ((await findOperatorRow(trx, { id: operatorId })) === undefined) {
      return err(operatorNotFound(operatorId));
    }
    const verified = await verifyEnrolment(settings, {
      response: input.response,
      challenge: input.challenge.challenge,
    });
    if (!verified.ok) return err(new JukinetError('JUKI_ERR_KEY_ENROLMENT_REFUSED', verified.reason));
    const key = verified.value;
    input.touch(key.credentialId);
    const known = await trx
      .selectFrom('operator_credential')
      .select('id')
      .where('id', '=', key.credentialId)
      .executeTakeFirst();
    if (known !== undefined) {
      return err(new JukinetError('JUKI_ERR_KEY_ENROLMENT_REFUSED', 'the key is already enrolled'));
    }
    const row = {
      id: key.credentialId,
      operator_id: operatorId,
      public_key: key.publicKey,
      counter: key.counter,
      transports: JSON.stringify(key.transports),
      created_at: toIsoTimestamp(input.now),
      last_used_at: null,
    };
    await trx.insertInto('operator_credential').values(row).execute();
    return ok(credentialOf(row));
  }

  /** Counts a failed login; at the limit the operator is disabled (locked) and their sessions end. */
  async function countFailedLogin(
    trx: Transaction<Database>,
    row: Selectable<OperatorTable>,
    now: Date,
  ): Promise<void> {
    if (row.disabled !== 0) return;
    const failedLogins = row.failed_logins + 1;
    const locked = failedLogins >= settings.maxFailedLogins;
    await trx
      .updateTable('operator')
      .set({
        failed_logins: failedLogins,
        ...(locked ? { disabled: 1, updated_at: toIsoTimestamp(now) } : {}),
      })
      .where('id', '=', row.id)
      .execute();
    if (locked) await endOperatorSessions(trx, row.id, { reason: 'operator-disabled', now });
  }

  function dummyPasswordHash(): Promise<string> {
    dummyHash ??= hashPassword('not a password of anyone', settings.passwordHashing);
    return dummyHash;
  }
}

function checkNames(input: {
  readonly loginName: string;
  readonly displayName: string;
}): JukinetError | undefined {
  if (!LOGIN_NAME.test(input.loginName)) {
    return new JukinetError(
      'JUKI_ERR_OPERATOR_REQUEST_INVALID',
      `login name ${quote(input.loginName)}: 3 to 32 of a-z, 0-9, ".", "_", "-", starting with a letter`,
    );
  }
  const displayName = input.displayName.trim();
  if (displayName.length === 0 || displayName.length > 64 || CONTROL_CHARACTERS.test(displayName)) {
    return new JukinetError(
      'JUKI_ERR_OPERATOR_REQUEST_INVALID',
      `display name ${quote(input.displayName)}: 1 to 64 characters`,
    );
  }
  return undefined;
}

function operatorNotFound(operatorId: string): JukinetError {
  return new JukinetError('JUKI_ERR_OPERATOR_NOT_FOUND', quote(operatorId));
}
