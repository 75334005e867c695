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
  fc.record({
    kind: fc.constantFrom(
      'household-head-change' as const,
      'household-split' as const,
      'household-merge' as const,
    ),
    householdId: fc.constantFrom('h-1', 'h-2'),
    relationship: fc.constantFrom('世帯主', '子', '妻'),
  }),
  fc.constant<ActionPayload>({ kind: 'official-deletion', ground: '居住の事実なし' }),
  fc.record({
    kind: fc.constant('official-correction' as const),
    corrections: fc.oneof(
      fc.record({ name: fc.constant('訂正 太郎') }),
      fc.record({ relationship: fc.constantFrom('子', null) }),
      fc.record({
        domicile: fc.constant({ place: '東京都文京区本郷一丁目1番', head: '文京 一郎' }),
      }),
    ),
  }),
);

const CLOSING_KINDS = new Set<string>(['death', 'move-out', 'official-deletion']);

/** A history as the register would store it: one opening action, then amendments up to the first closing one. */
function historyOf(payloads: readonly ActionPayload[]): ResidentAction[] {
  const all = [OPENING, ...payloads];
  const end = all.findIndex((payload) => CLOSING_KINDS.has(payload.kind));
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
        expect(record.closed).toBe(CLOSING_KINDS.has(last.payload.kind));
        // The household and 続柄 are those of the latest action that set them.
        const placing = history.filter(({ payload }) => 'householdId' in payload).at(-1)!.payload;
        expect(record.householdId).toBe((placing as { householdId: string }).householdId);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('reports an identity change only for 本人確認情報: never for a household change or a correction of other items', () => {
    expect(
      changeReasonOf({ kind: 'household-head-change', householdId: 'h-1', relationship: '世帯主' }),
    ).toBeUndefined();
    expect(
      changeReasonOf({ kind: 'official-correction', corrections: { relationship: '子' } }),
    ).toBeUndefined();
    expect(changeReasonOf({ kind: 'official-correction', corrections: { nameKana: null } })).toBe(
      'official-correction',
    );
    expect(changeReasonOf({ kind: 'official-deletion', ground: '居住の事実なし' })).toBe('official-deletion');
  });

  it('keeps the record items, the filing dates, the late flag and the 除票 of a 職権消除', () => {
    const history = historyOf([
      {
        kind: 'move-within',
        address: '東京都文京区白山1番',
        householdId: 'h-2',
        relationship: '世帯主',
        lateFiling: { daysLate: 3 },
      },
      {
        kind: 'official-correction',
        corrections: {
          relationship: '子',
          domicile: { place: '東京都文京区本郷一丁目1番', head: '文京 一郎' },
          benefits: { nationalHealthInsurance: { since: '2000-01-01' } },
        },
      },
      { kind: 'household-merge', householdId: 'h-3' },
      { kind: 'official-deletion', ground: '居住の事実なし' },
    ]);
    const records = history.map((_, i) => deriveResidentRecord(history.slice(0, i + 1))!);
    expect(records[1]).toMatchObject({
      address: '東京都文京区白山1番',
      previousAddress: '東京都文京区本郷一丁目1番1号',
      addressSince: '2000-01-02',
      addressNotifiedOn: '2000-01-02',
      relationship: '世帯主',
      lastChange: { kind: 'move-within', reason: 'move-within', lateFiling: { daysLate: 3 } },
    });
    expect(records[2]).toMatchObject({
      relationship: '子',
      domicile: { head: '文京 一郎' },
      benefits: { nationalHealthInsurance: { since: '2000-01-01' } },
    });
    expect(records[2]!.lastChange).toEqual({ kind: 'official-correction', date: '2000-01-03' });
    expect(records[3]).toMatchObject({ householdId: 'h-3' });
    expect(records[3]!.relationship).toBeUndefined();
    expect(records[4]).toMatchObject({
      closed: true,
      closure: { reason: 'official-deletion', date: '2000-01-05', ground: '居住の事実なし' },
      domicile: { head: '文京 一郎' },
    });
  });

  it('applyAction() refuses to amend a closed record or to open one twice', () => {
    const [birth, death] = historyOf([{ kind: 'death' }]);
    const closed = deriveResidentRecord([birth!, death!]);
    expect(() => applyAction(closed, { ...death!, seq: 3 })).toThrow(/closed record/);
    expect(() => applyAction(closed, birth!)).toThrow(/opens a record/);
  });
});
