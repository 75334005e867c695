// Operator rights (操作者の権限): the functions of the terminal, the access kinds read / write / execute, the roles
// (窓口担当, 審査担当, システム管理者) with their default rights, and per-operator narrowing or extension
// (DESIGN.md §6, docs/operators.md).

import { err, ok, type Result } from '../shared/result.js';

/**
 * The functions of the municipal terminal, a closed vocabulary. Every operation an operator performs names one of
 * them, and the operation log (操作履歴) records it.
 */
export const TerminalFunction = {
  /** 住民検索: find residents by code, name, birth date, address. */
  residentSearch: 'resident-search',
  /** 住民票照会: view one resident record with its history. */
  residentView: 'resident-view',
  /** 届出: enter (write) and confirm (execute) a notification: birth, move-in, move-out, death, name change, … */
  notification: 'notification',
  /** 職権記載・職権修正・職権消除: acts of the municipality's own motion. */
  officialAction: 'official-action',
  /** 証明書交付: issue a copy of the 住民票 (写し) or a 記載事項証明書. */
  certificateIssue: 'certificate-issue',
  /** 住基カード交付: apply for, register, personalise, hand over, suspend and take back resident cards. */
  cardIssue: 'card-issue',
  /** 広域交付: issue a copy of another municipality's 住民票 (住基法第12条の4). */
  wideAreaCopy: 'wide-area-copy',
  /** 本人確認情報照会: query the prefectural or national identity information. */
  identityInquiry: 'identity-inquiry',
  /**
   * 本人確認情報開示: at the national centre or a prefecture, a resident shows the card and PIN and is told their own
   * identity information and to whom it was provided (read: the card reader; execute: make the disclosure).
   */
  selfDisclosure: 'self-disclosure',
  /** 運用時間管理: see the common operating hours; record (write) and withdraw exceptions arranged with others. */
  operatingHours: 'operating-hours',
  /** 操作者管理: enrol operators and their security keys, change roles and rights, disable. */
  operatorAdministration: 'operator-administration',
  /** 操作履歴照会: view every operator's operation log. */
  operationLogView: 'operation-log-view',
  /** 自己の操作履歴照会: view one's own operation log. */
  ownLogView: 'own-log-view',
} as const;
export type TerminalFunction = (typeof TerminalFunction)[keyof typeof TerminalFunction];

/** Every terminal function, in the order of the vocabulary. */
export const TERMINAL_FUNCTIONS: readonly TerminalFunction[] = Object.values(TerminalFunction);

/** The Japanese label of each function, as the UI shows it. */
export const terminalFunctionLabel: Readonly<Record<TerminalFunction, string>> = {
  'resident-search': '住民検索',
  'resident-view': '住民票照会',
  notification: '届出',
  'official-action': '職権処理',
  'certificate-issue': '証明書交付',
  'card-issue': '住基カード交付',
  'wide-area-copy': '広域交付',
  'identity-inquiry': '本人確認情報照会',
  'self-disclosure': '本人確認情報開示',
  'operating-hours': '運用時間管理',
  'operator-administration': '操作者管理',
  'operation-log-view': '操作履歴照会',
  'own-log-view': '自己操作履歴照会',
};

/** How an operator uses a function: read (参照), write (更新: enter or change data), execute (実行: make it take effect). */
export const AccessKind = {
  read: 'read',
  write: 'write',
  execute: 'execute',
} as const;
export type AccessKind = (typeof AccessKind)[keyof typeof AccessKind];

/** Every access kind; read comes first because write and execute imply it. */
export const ACCESS_KINDS: readonly AccessKind[] = Object.values(AccessKind);

/**
 * The access kinds each function has at all. A function without writes (a search) cannot be granted write, so an
 * override that tries is refused instead of being stored as a right that means nothing.
 */
export const FUNCTION_ACCESS: Readonly<Record<TerminalFunction, readonly AccessKind[]>> = {
  'resident-search': ['read'],
  'resident-view': ['read'],
  notification: ['read', 'write', 'execute'],
  'official-action': ['read', 'write', 'execute'],
  'certificate-issue': ['read', 'execute'],
  'card-issue': ['read', 'write', 'execute'],
  'wide-area-copy': ['read', 'execute'],
  'identity-inquiry': ['read'],
  'self-disclosure': ['read', 'execute'],
  'operating-hours': ['read', 'write'],
  'operator-administration': ['read', 'write'],
  'operation-log-view': ['read'],
  'own-log-view': ['read'],
};

/** The roles an operator holds, one each. */
export const OperatorRole = {
  /** 窓口担当: takes notifications at the counter and issues certificates. */
  counterClerk: 'counter-clerk',
  /** 審査担当: examines and confirms notifications, makes official acts. */
  examiner: 'examiner',
  /** システム管理者: enrols operators and keys, reads the operation log; no resident data. */
  systemAdministrator: 'system-administrator',
} as const;
export type OperatorRole = (typeof OperatorRole)[keyof typeof OperatorRole];

export const OPERATOR_ROLES: readonly OperatorRole[] = Object.values(OperatorRole);

export const operatorRoleLabel: Readonly<Record<OperatorRole, string>> = {
  'counter-clerk': '窓口担当',
  examiner: '審査担当',
  'system-administrator': 'システム管理者',
};

/** What an operator may do: for each function, the access kinds allowed (read first). */
export type Rights = Readonly<Record<TerminalFunction, readonly AccessKind[]>>;

/** One right: an access kind on a function. */
export interface Right {
  readonly fn: TerminalFunction;
  readonly access: AccessKind;
}

/**
 * Functions that only one role may ever hold, whatever the overrides: separation of duties. Only a システム管理者
 * administers operators, so nobody at the counter can give themselves more rights.
 */
export const RESERVED_FUNCTIONS: Readonly<Partial<Record<TerminalFunction, OperatorRole>>> = {
  'operator-administration': 'system-administrator',
};

type RoleDefaults = Readonly<Partial<Record<TerminalFunction, readonly AccessKind[]>>>;

/**
 * The default rights matrix (docs/operators.md has it as a table). The clerk enters notifications and the examiner
 * confirms them: neither can both enter and confirm one alone. The administrator sees no resident data.
 */
const ROLE_DEFAULTS: Readonly<Record<OperatorRole, RoleDefaults>> = {
  'counter-clerk': {
    'resident-search': ['read'],
    'resident-view': ['read'],
    notification: ['read', 'write'],
    'certificate-issue': ['read', 'execute'],
    'card-issue': ['read', 'write'],
    'wide-area-copy': ['read', 'execute'],
    'identity-inquiry': ['read'],
    'self-disclosure': ['read', 'execute'],
    'operating-hours': ['read'],
    'own-log-view': ['read'],
  },
  examiner: {
    'resident-search': ['read'],
    'resident-view': ['read'],
    notification: ['read', 'execute'],
    'official-action': ['read', 'write', 'execute'],
    'certificate-issue': ['read'],
    'card-issue': ['read', 'execute'],
    'identity-inquiry': ['read'],
    'self-disclosure': ['read'],
    'operating-hours': ['read'],
    'own-log-view': ['read'],
  },
  'system-administrator': {
    'operating-hours': ['read', 'write'],
    'operator-administration': ['read', 'write'],
    'operation-log-view': ['read'],
    'own-log-view': ['read'],
  },
};

/** Per-operator changes to the role's defaults: rights added and rights taken away. Removal wins over addition. */
export interface RightsOverrides {
  readonly grant: readonly Right[];
  readonly revoke: readonly Right[];
}

export const NO_OVERRIDES: RightsOverrides = { grant: [], revoke: [] };

/** The role's default rights. */
export function defaultRights(role: OperatorRole): Rights {
  return buildRights((fn, access) => ROLE_DEFAULTS[role][fn]?.includes(access) === true);
}

/**
 * An operator's rights: the role's defaults, plus the granted rights (a granted write or execute brings read with it),
 * minus the revoked ones (a revoked read takes write and execute with it), so write and execute always come with read.
 * A grant of a reserved function to another role, or of an access kind the function does not have, is ignored here;
 * `checkRightsOverrides()` refuses it before it is stored.
 */
export function effectiveRights(role: OperatorRole, overrides: RightsOverrides = NO_OVERRIDES): Rights {
  const defaults = defaultRights(role);
  const granted = (fn: TerminalFunction, access: AccessKind): boolean =>
    isGrantable(role, fn, access) &&
    overrides.grant.some(
      (right) =>
        right.fn === fn &&
        isGrantable(role, fn, right.access) &&
        (right.access === access || access === AccessKind.read),
    );
  const revoked = (fn: TerminalFunction, access: AccessKind): boolean =>
    overrides.revoke.some(
      (right) => right.fn === fn && (right.access === access || right.access === AccessKind.read),
    );
  return buildRights(
    (fn, access) => (defaults[fn].includes(access) || granted(fn, access)) && !revoked(fn, access),
  );
}

/** True when `rights` allow `access` on `fn`. */
export function canPerform(rights: Rights, fn: TerminalFunction, access: AccessKind): boolean {
  return rights[fn].includes(access);
}

/** Why a set of overrides cannot be stored. */
export const RightsOverridesInvalidReason = {
  notAnObject: 'not-an-object',
  unknownFunction: 'unknown-function',
  unknownAccess: 'unknown-access',
  accessNotApplicable: 'access-not-applicable',
  reservedFunction: 'reserved-function',
} as const;
export type RightsOverridesInvalidReason =
  (typeof RightsOverridesInvalidReason)[keyof typeof RightsOverridesInvalidReason];

/**
 * Checks overrides (from an administrator or from the database) for an operator of `role`: every right names a known
 * function and an access kind it has, and nothing grants a function reserved to another role. Gives them back
 * normalised (sorted, without duplicates) so that equal overrides store as equal JSON.
 */
export function checkRightsOverrides(
  role: OperatorRole,
  input: unknown,
): Result<RightsOverrides, { reason: RightsOverridesInvalidReason; detail: string }> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return err({ reason: 'not-an-object', detail: 'expected { grant, revoke }' });
  }
  const lists: Record<'grant' | 'revoke', Right[]> = { grant: [], revoke: [] };
  for (const key of ['grant', 'revoke'] as const) {
    const list = (input as Record<string, unknown>)[key] ?? [];
    if (!Array.isArray(list)) return err({ reason: 'not-an-object', detail: `${key} must be a list` });
    for (const item of list as unknown[]) {
      const fn = (item as { fn?: unknown } | null)?.fn;
      const access = (item as { access?: unknown } | null)?.access;
      if (!isTerminalFunction(fn)) {
        return err({ reason: 'unknown-function', detail: `${key}: ${JSON.stringify(fn ?? null)}` });
      }
      if (!isAccessKind(access)) {
        return err({ reason: 'unknown-access', detail: `${key}: ${JSON.stringify(access ?? null)}` });
      }
      if (!FUNCTION_ACCESS[fn].includes(access)) {
        return err({ reason: 'access-not-applicable', detail: `${key}: "${fn}" has no "${access}"` });
      }
      if (key === 'grant' && !isGrantable(role, fn, access)) {
        return err({ reason: 'reserved-function', detail: `"${fn}" is reserved to another role` });
      }
      lists[key].push({ fn, access });
    }
  }
  return ok({ grant: normaliseRights(lists.grant), revoke: normaliseRights(lists.revoke) });
}

/** Lists rights as `{ fn, access }` pairs in vocabulary order, e.g. for display or comparison. */
export function listRights(rights: Rights): Right[] {
  return TERMINAL_FUNCTIONS.flatMap((fn) => rights[fn].map((access) => ({ fn, access })));
}

export function isTerminalFunction(value: unknown): value is TerminalFunction {
  return typeof value === 'string' && (TERMINAL_FUNCTIONS as readonly string[]).includes(value);
}

export function isAccessKind(value: unknown): value is AccessKind {
  return typeof value === 'string' && (ACCESS_KINDS as readonly string[]).includes(value);
}

export function isOperatorRole(value: unknown): value is OperatorRole {
  return typeof value === 'string' && (OPERATOR_ROLES as readonly string[]).includes(value);
}

function isGrantable(role: OperatorRole, fn: TerminalFunction, access: AccessKind): boolean {
  const reservedTo = RESERVED_FUNCTIONS[fn];
  return FUNCTION_ACCESS[fn].includes(access) && (reservedTo === undefined || reservedTo === role);
}

function buildRights(allowed: (fn: TerminalFunction, access: AccessKind) => boolean): Rights {
  const entries = TERMINAL_FUNCTIONS.map(
    (fn) => [fn, Object.freeze(FUNCTION_ACCESS[fn].filter((access) => allowed(fn, access)))] as const,
  );
  return Object.freeze(Object.fromEntries(entries) as Record<TerminalFunction, readonly AccessKind[]>);
}

function normaliseRights(rights: readonly Right[]): Right[] {
  return TERMINAL_FUNCTIONS.flatMap((fn) =>
    ACCESS_KINDS.filter((access) => rights.some((right) => right.fn === fn && right.access === access)).map(
      (access) => ({ fn, access }),
    ),
  );
}
