import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACCESS_KINDS,
  FUNCTION_ACCESS,
  OPERATOR_ROLES,
  TERMINAL_FUNCTIONS,
  canPerform,
  checkRightsOverrides,
  defaultRights,
  effectiveRights,
  listRights,
  type AccessKind,
  type OperatorRole,
  type Right,
  type Rights,
  type RightsOverrides,
  type TerminalFunction,
} from './operator-rights.js';

const SEED = { seed: 20240401, numRuns: 500 };

const role = fc.constantFrom(...OPERATOR_ROLES);
const fn = fc.constantFrom(...TERMINAL_FUNCTIONS);
const access = fc.constantFrom(...ACCESS_KINDS);
/** Any right, applicable or not: effectiveRights() must stay safe even for overrides nobody checked. */
const right: fc.Arbitrary<Right> = fc.record({ fn, access });
const overrides: fc.Arbitrary<RightsOverrides> = fc.record({
  grant: fc.array(right, { maxLength: 12 }),
  revoke: fc.array(right, { maxLength: 12 }),
});

function allows(rights: Rights): Set<string> {
  return new Set(listRights(rights).map((r) => `${r.fn}:${r.access}`));
}

describe('defaultRights()', () => {
  it('gives each role its matrix row (docs/operators.md)', () => {
    expect(listRights(defaultRights('counter-clerk'))).toEqual([
      { fn: 'resident-search', access: 'read' },
      { fn: 'resident-view', access: 'read' },
      { fn: 'notification', access: 'read' },
      { fn: 'notification', access: 'write' },
      { fn: 'certificate-issue', access: 'read' },
      { fn: 'certificate-issue', access: 'execute' },
      { fn: 'card-issue', access: 'read' },
      { fn: 'card-issue', access: 'write' },
      { fn: 'wide-area-copy', access: 'read' },
      { fn: 'wide-area-copy', access: 'execute' },
      { fn: 'identity-inquiry', access: 'read' },
      { fn: 'self-disclosure', access: 'read' },
      { fn: 'self-disclosure', access: 'execute' },
      { fn: 'operating-hours', access: 'read' },
      { fn: 'own-log-view', access: 'read' },
    ]);
    expect(canPerform(defaultRights('examiner'), 'notification', 'execute')).toBe(true);
    expect(canPerform(defaultRights('examiner'), 'notification', 'write')).toBe(false);
    expect(canPerform(defaultRights('system-administrator'), 'operator-administration', 'write')).toBe(true);
    expect(canPerform(defaultRights('system-administrator'), 'resident-view', 'read')).toBe(false);
    // 本人確認情報開示: the window clerk discloses; the examiner sees the reader; the administrator sees no one's data.
    expect(canPerform(defaultRights('examiner'), 'self-disclosure', 'execute')).toBe(false);
    expect(canPerform(defaultRights('system-administrator'), 'self-disclosure', 'read')).toBe(false);
  });

  it('docs/operators.md shows the same matrix', () => {
    const doc = readFileSync(new URL('../../docs/operators.md', import.meta.url), 'utf8');
    const letter = { read: 'R', write: 'W', execute: 'X' } as const;
    const cell = (accesses: readonly AccessKind[]) =>
      accesses.length === 0 ? '—' : accesses.map((a) => letter[a]).join(' ');
    for (const f of TERMINAL_FUNCTIONS) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${f}\``));
      expect(row, f).toBeDefined();
      const cells = row!.split('|').map((text) => text.trim());
      expect(cells.slice(3, 7), f).toEqual([
        cell(FUNCTION_ACCESS[f]),
        ...OPERATOR_ROLES.map((r) => cell(defaultRights(r)[f])),
      ]);
    }
  });

  it('no single role both enters and confirms a notification', () => {
    for (const r of OPERATOR_ROLES) {
      const rights = defaultRights(r);
      expect(
        canPerform(rights, 'notification', 'write') && canPerform(rights, 'notification', 'execute'),
      ).toBe(false);
    }
  });

  it('no single role both takes a card application and registers it (docs/card-issuance.md)', () => {
    for (const r of OPERATOR_ROLES) {
      const rights = defaultRights(r);
      expect(canPerform(rights, 'card-issue', 'write') && canPerform(rights, 'card-issue', 'execute')).toBe(
        false,
      );
    }
    expect(canPerform(defaultRights('counter-clerk'), 'card-issue', 'write')).toBe(true);
    expect(canPerform(defaultRights('examiner'), 'card-issue', 'execute')).toBe(true);
    expect(canPerform(defaultRights('system-administrator'), 'card-issue', 'read')).toBe(false);
  });
});

describe('effectiveRights()', () => {
  it('no role but the administrator can administer operators, whatever the overrides', () => {
    fc.assert(
      fc.property(role, overrides, access, (r, o, a) => {
        if (r === 'system-administrator') return;
        expect(canPerform(effectiveRights(r, o), 'operator-administration', a)).toBe(false);
      }),
      SEED,
    );
  });

  it('write or execute on a function implies read on it', () => {
    fc.assert(
      fc.property(role, overrides, fn, (r, o, f) => {
        const rights = effectiveRights(r, o);
        if (canPerform(rights, f, 'write') || canPerform(rights, f, 'execute')) {
          expect(canPerform(rights, f, 'read')).toBe(true);
        }
      }),
      SEED,
    );
  });

  it('narrowing never grants: adding revocations gives a subset', () => {
    fc.assert(
      fc.property(role, overrides, fc.array(right, { maxLength: 6 }), (r, o, more) => {
        const before = allows(effectiveRights(r, o));
        const after = allows(effectiveRights(r, { grant: o.grant, revoke: [...o.revoke, ...more] }));
        for (const key of after) expect(before.has(key)).toBe(true);
      }),
      SEED,
    );
  });

  it('a revoked right is never held, even when also granted', () => {
    fc.assert(
      fc.property(role, overrides, (r, o) => {
        const rights = effectiveRights(r, o);
        for (const revoked of o.revoke) expect(canPerform(rights, revoked.fn, revoked.access)).toBe(false);
      }),
      SEED,
    );
  });

  it('extending never takes away: rights are a superset of the defaults minus what is revoked', () => {
    fc.assert(
      fc.property(role, fc.array(right, { maxLength: 12 }), (r, grant) => {
        const defaults = allows(defaultRights(r));
        const extended = allows(effectiveRights(r, { grant, revoke: [] }));
        for (const key of defaults) expect(extended.has(key)).toBe(true);
      }),
      SEED,
    );
  });

  it('never holds an access kind the function does not have', () => {
    fc.assert(
      fc.property(role, overrides, fn, access, (r, o, f, a) => {
        if (!FUNCTION_ACCESS[f].includes(a)) expect(canPerform(effectiveRights(r, o), f, a)).toBe(false);
      }),
      SEED,
    );
  });

  it('a checked grant is held: checkRightsOverrides() accepts exactly what effectiveRights() honours', () => {
    fc.assert(
      fc.property(role, fn, access, (r, f, a) => {
        const checked = checkRightsOverrides(r, { grant: [{ fn: f, access: a }] });
        const held = canPerform(effectiveRights(r, { grant: [{ fn: f, access: a }], revoke: [] }), f, a);
        // A refused grant changes nothing: the right is held only when the role already has it.
        expect(held).toBe(checked.ok || canPerform(defaultRights(r), f, a));
      }),
      SEED,
    );
  });
});

describe('checkRightsOverrides()', () => {
  const grant = (f: TerminalFunction, a: AccessKind) => ({ grant: [{ fn: f, access: a }] });
  const reasonOf = (r: OperatorRole, input: unknown) => {
    const result = checkRightsOverrides(r, input);
    return result.ok ? 'ok' : result.reason.reason;
  };

  it('normalises: sorted, no duplicates, missing lists empty', () => {
    expect(
      checkRightsOverrides('counter-clerk', {
        grant: [
          { fn: 'official-action', access: 'read' },
          { fn: 'resident-search', access: 'read' },
          { fn: 'official-action', access: 'read' },
        ],
      }),
    ).toEqual({
      ok: true,
      value: {
        grant: [
          { fn: 'resident-search', access: 'read' },
          { fn: 'official-action', access: 'read' },
        ],
        revoke: [],
      },
    });
  });

  it('refuses unknown functions and access kinds, inapplicable access and reserved functions', () => {
    expect(reasonOf('examiner', null)).toBe('not-an-object');
    expect(reasonOf('examiner', { grant: 'all' })).toBe('not-an-object');
    expect(reasonOf('examiner', { grant: [{ fn: 'everything', access: 'read' }] })).toBe('unknown-function');
    expect(reasonOf('examiner', { revoke: [{ fn: 'notification', access: 'delete' }] })).toBe(
      'unknown-access',
    );
    expect(reasonOf('examiner', grant('resident-search', 'write'))).toBe('access-not-applicable');
    expect(reasonOf('counter-clerk', grant('operator-administration', 'read'))).toBe('reserved-function');
    expect(reasonOf('system-administrator', grant('operator-administration', 'read'))).toBe('ok');
    // Revoking a reserved function is always allowed: narrowing never grants.
    expect(reasonOf('counter-clerk', { revoke: [{ fn: 'operator-administration', access: 'read' }] })).toBe(
      'ok',
    );
  });
});
