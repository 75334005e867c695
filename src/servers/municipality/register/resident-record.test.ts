// The record as the fold of its actions: invariants that hold for any sequence of actions a register may store.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  residentCodeCheckDigit,
  type LocalGovernmentCode,
  type ResidentCode,
} from '../../../domain/index.js';
import {
  applyAction,
  changeReasonOf,
  deriveResidentRecord,
  type ActionPayload,
  type ResidentAction,
} from './resident-record.js';

/** The resident code with body `n`. */
function codeOf(n: number): ResidentCode {
  const body = String(n).padStart(10, '0');
  return `${body}${residentCodeCheckDigit(body)}` as ResidentCode;
}

const OPENING: ActionPayload = {
  kind: 'birth',
  residentCode: codeOf(1),
  name: '文京 太郎',
  birthDate: '2000-01-01',
  sex: 'male',
  foreignResident: false,
  address: '東京都文京区本郷一丁目1番1号',
  lgCode: '131059' as LocalGovernmentCode,
  householdId: 'h-1',
};

const amendment: fc.Arbitrary<ActionPayload> = fc.oneof(
  fc.constant<ActionPayload>({ kind: 'death' }),
  fc.record({
    kind: fc.constant('move-out' as const),
    destination: fc.constant('大阪府'),
    abroad: fc.boolean(),
  }),
  fc.integer({ min: 1, max: 99 }).map((n): ActionPayload => ({
    kind: 'move-within',
    address: `東京都文京区白山${n}番`,
    householdId: `h-${n}`,
  })),
  fc.integer({ min: 1, max: 99 }).map((n): ActionPayload => ({ kind: 'name-change', name: `改名 ${n}` })),
  fc
    .integer({ min: 2, max: 9_999_999_999 })
    .map((n): ActionPayload => ({ kind: 'code-change', residentCode: codeOf(n) })),
);

/** A history as the register would store it: one opening action, then amendments up to the first closing one. */
function historyOf(payloads: readonly ActionPayload[]): ResidentAction[] {
  const all = [OPENING, ...payloads];
  const end = all.findIndex((payload) => payload.kind === 'death' || payload.kind === 'move-out');
  return all.slice(0, end === -1 ? all.length : end + 1).map((payload, index) => ({
    id: `a-${index + 1}`,
    residentId: 'r-1',
    seq: index + 1,
    payload,
    filedOn: addDays('2000-01-01', index),
    effectiveOn: addDays('2000-01-01', index),
    recordedAt: '2024-04-01T00:00:00.000Z',
    operator: null,
  }));
}

describe('deriveResidentRecord()', () => {
  it('counts the actions, keeps every former code, closes only on a closing action and dates the last change', () => {
    fc.assert(
      fc.property(fc.array(amendment, { maxLength: 12 }), (payloads) => {
        const history = historyOf(payloads);
        const record = deriveResidentRecord(history)!;
        const last = history.at(-1)!;
        expect(record.version).toBe(history.length);
        expect(record.lastChange).toEqual({
          kind: last.payload.kind,
          reason: changeReasonOf(last.payload),
          date: last.effectiveOn,
        });
        const codes = history.flatMap(({ payload }) =>
          payload.kind === 'birth' || payload.kind === 'code-change' ? [payload.residentCode] : [],
        );
        expect([...record.previousResidentCodes, record.residentCode]).toEqual(codes);
        expect(record.closed).toBe(last.payload.kind === 'death' || last.payload.kind === 'move-out');
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('applyAction() refuses to amend a closed record or to open one twice', () => {
    const [birth, death] = historyOf([{ kind: 'death' }]);
    const closed = deriveResidentRecord([birth!, death!]);
    expect(() => applyAction(closed, { ...death!, seq: 3 })).toThrow(/closed record/);
    expect(() => applyAction(closed, birth!)).toThrow(/opens a record/);
  });
});
