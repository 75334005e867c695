// The household rules as a model: any sequence of household changes the rules accept leaves every household with
// members with exactly one head among them, and every empty household with none; a refusal changes nothing.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJukinetError } from '../../../shared/errors.js';
import {
  checkHeadChange,
  checkMerge,
  headAfterLeaving,
  planSplit,
  type HouseholdState,
} from './household.js';

type Op =
  | { readonly kind: 'join'; readonly household: number }
  | { readonly kind: 'found'; readonly address: number }
  | { readonly kind: 'leave'; readonly person: number; readonly newHead: number | undefined }
  | { readonly kind: 'head-change'; readonly household: number; readonly member: number }
  | {
      readonly kind: 'split';
      readonly household: number;
      readonly members: readonly number[];
      readonly newHead: number | undefined;
    }
  | { readonly kind: 'merge'; readonly from: number; readonly into: number };

const index = fc.nat({ max: 20 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('join' as const), household: index }),
  fc.record({ kind: fc.constant('found' as const), address: fc.nat({ max: 1 }) }),
  fc.record({
    kind: fc.constant('leave' as const),
    person: index,
    newHead: fc.option(index, { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('head-change' as const), household: index, member: index }),
  fc.record({
    kind: fc.constant('split' as const),
    household: index,
    members: fc.array(index, { minLength: 1, maxLength: 3 }),
    newHead: fc.option(index, { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('merge' as const), from: index, into: index }),
);

/** Picks the element at `n` modulo the length; undefined for an empty list. */
function pick<T>(list: readonly T[], n: number): T | undefined {
  return list.length === 0 ? undefined : list[n % list.length];
}

/** Applies one change to the model through the rules; returns the new model, or the old one when refused. */
function step(households: readonly HouseholdState[], change: Op, nextId: () => string): HouseholdState[] {
  const replace = (updated: readonly HouseholdState[]): HouseholdState[] =>
    households.map((household) => updated.find((u) => u.id === household.id) ?? household);
  switch (change.kind) {
    case 'found': {
      const person = nextId();
      return [
        ...households,
        { id: nextId(), address: `a${change.address}`, headId: person, memberIds: [person] },
      ];
    }
    case 'join': {
      const household = pick(households, change.household);
      if (household === undefined) return [...households];
      const person = nextId();
      return replace([
        { ...household, headId: household.headId ?? person, memberIds: [...household.memberIds, person] },
      ]);
    }
    case 'leave': {
      const all = households.flatMap((household) => household.memberIds);
      const person = pick(all, change.person);
      const household = households.find((h) => person !== undefined && h.memberIds.includes(person));
      if (person === undefined || household === undefined) return [...households];
      const newHead = change.newHead === undefined ? undefined : pick(all, change.newHead);
      const headId = headAfterLeaving(household, [person], newHead);
      return replace([
        { ...household, headId, memberIds: household.memberIds.filter((id) => id !== person) },
      ]);
    }
    case 'head-change': {
      const household = pick(households, change.household);
      const member = household === undefined ? undefined : pick(household.memberIds, change.member);
      if (household === undefined || member === undefined) return [...households];
      checkHeadChange(household, member);
      return replace([{ ...household, headId: member }]);
    }
    case 'split': {
      const household = pick(households, change.household);
      if (household === undefined || household.memberIds.length === 0) return [...households];
      const moving = change.members.map((n) => pick(household.memberIds, n)!);
      const all = households.flatMap((h) => h.memberIds);
      const newHead = change.newHead === undefined ? undefined : pick(all, change.newHead);
      const headId = planSplit(household, moving, newHead);
      const remaining = household.memberIds.filter((id) => !moving.includes(id));
      return [
        ...replace([{ ...household, headId, memberIds: remaining }]),
        { id: nextId(), address: household.address, headId: moving[0]!, memberIds: moving },
      ];
    }
    case 'merge': {
      const from = pick(households, change.from);
      const into = pick(households, change.into);
      if (from === undefined || into === undefined) return [...households];
      checkMerge(from, into);
      return replace([
        { ...from, headId: null, memberIds: [] },
        { ...into, memberIds: [...into.memberIds, ...from.memberIds] },
      ]);
    }
  }
}

describe('household rules', () => {
  it('any sequence of accepted household changes leaves every household with members with exactly one head', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        let n = 0;
        const nextId = (): string => `p${++n}`;
        let households: HouseholdState[] = [];
        for (const change of ops) {
          try {
            households = step(households, change, nextId);
          } catch (error) {
            // A refusal is a catalogued error and leaves the model as it was.
            expect(isJukinetError(error), String(error)).toBe(true);
          }
          for (const household of households) {
            if (household.memberIds.length === 0) expect(household.headId).toBeNull();
            else expect(household.memberIds).toContain(household.headId);
          }
          const everyone = households.flatMap((household) => household.memberIds);
          expect(new Set(everyone).size).toBe(everyone.length);
        }
      }),
      { seed: 4, numRuns: 300 },
    );
  });

  it('headAfterLeaving() keeps the head, closes an empty household, promotes a lone member or needs a new head', () => {
    const household: HouseholdState = { id: 'h', address: 'a', headId: 'p1', memberIds: ['p1', 'p2', 'p3'] };
    expect(headAfterLeaving(household, ['p2'])).toBe('p1');
    expect(headAfterLeaving(household, ['p1', 'p2', 'p3'])).toBeNull();
    expect(headAfterLeaving(household, ['p1', 'p2'])).toBe('p3');
    expect(headAfterLeaving(household, ['p1'], 'p3')).toBe('p3');
    const refusals: [() => unknown, string][] = [
      [() => headAfterLeaving(household, ['p1']), 'JUKI_ERR_HOUSEHOLD_HEAD_REQUIRED'],
      [() => headAfterLeaving(household, ['p1'], 'p1'), 'JUKI_ERR_HOUSEHOLD_MEMBER_INVALID'],
      [() => headAfterLeaving(household, ['p2'], 'p3'), 'JUKI_ERR_HOUSEHOLD_MEMBER_INVALID'],
      [() => planSplit(household, ['p1', 'p2', 'p3']), 'JUKI_ERR_HOUSEHOLD_MEMBER_INVALID'],
      [() => planSplit(household, ['p2', 'p2']), 'JUKI_ERR_REGISTER_REQUEST_INVALID'],
      [() => checkHeadChange(household, 'p1'), 'JUKI_ERR_HOUSEHOLD_MEMBER_INVALID'],
      [() => checkHeadChange(household, 'p9'), 'JUKI_ERR_HOUSEHOLD_MEMBER_INVALID'],
      [() => checkMerge(household, household), 'JUKI_ERR_REGISTER_REQUEST_INVALID'],
      [
        () => checkMerge(household, { ...household, id: 'g', address: 'b' }),
        'JUKI_ERR_HOUSEHOLD_ADDRESS_MISMATCH',
      ],
      [
        () => checkMerge(household, { ...household, id: 'g', headId: null, memberIds: [] }),
        'JUKI_ERR_HOUSEHOLD_CLOSED',
      ],
    ];
    for (const [refused, code] of refusals) {
      let error: unknown;
      try {
        refused();
      } catch (caught) {
        error = caught;
      }
      expect(isJukinetError(error) && error.code === code, `expected ${code}, got ${String(error)}`).toBe(
        true,
      );
    }
  });
});
