import { describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../../../test/support/engines.js';
import { createOperatingCalendar, type LocalGovernmentCode } from '../../../domain/index.js';
import { createFixedClock } from '../../../shared/clock.js';
import type { Store } from '../../../store/index.js';
import {
  createOperatingGate,
  listOperatingExceptions,
  operatingExceptionRequestSchema,
  recordOperatingException,
  withdrawOperatingException,
  type OperatingExceptionRequest,
} from './operating-gate.js';

const TOTTORI = '312011' as LocalGovernmentCode;
const BUNKYO = '131059' as LocalGovernmentCode;
const MATSUBARA = '272175' as LocalGovernmentCode;
// 2026-12-05 is a Saturday; 2026-12-04 a Friday.
const SATURDAY_10 = new Date('2026-12-05T10:00:00+09:00');
const FRIDAY_10 = new Date('2026-12-04T10:00:00+09:00');

const arrangement: OperatingExceptionRequest = {
  service: 'wide-area-copy',
  with: [BUNKYO],
  start: '2026-12-05T09:00:00+09:00',
  end: '2026-12-05T12:00:00+09:00',
  reason: '災害対応のための休日窓口',
  arrangedBy: '鳥取市市民課 田中, 文京区戸籍住民課 山田',
};

describeEachEngine('the operating hours gate', ({ openFresh }) => {
  async function setUp(at: Date) {
    const store = await openFresh();
    const clock = createFixedClock(at);
    const gate = createOperatingGate({
      own: TOTTORI,
      calendar: createOperatingCalendar({}),
      db: store.db,
      clock,
    });
    return { store, clock, gate };
  }

  function record(store: Store, request: OperatingExceptionRequest, now: Date) {
    return store.transaction((trx) =>
      recordOperatingException(trx, request, { own: TOTTORI, operator: 'op-admin', now }),
    );
  }

  it('admits a service inside the window and refuses it on a Saturday, naming the next opening', async () => {
    const { gate, clock } = await setUp(FRIDAY_10);
    await expect(gate.admit('wide-area-copy', BUNKYO)).resolves.toMatchObject({ basis: 'window' });
    clock.set(SATURDAY_10);
    const refusal = await gate.admit('wide-area-copy', BUNKYO).catch((error: unknown) => error as Error);
    expect(refusal).toMatchObject({ code: 'JUKI_ERR_OUTSIDE_OPERATING_HOURS' });
    expect((refusal as Error).message).toContain('次の受付開始は 令和8年12月7日（月）8時30分 です');
  });

  it('admits under an exception recorded with the peer for that service, and only within its span', async () => {
    const { store, gate, clock } = await setUp(SATURDAY_10);
    const recorded = await record(store, arrangement, new Date('2026-12-04T15:00:00+09:00'));
    expect(recorded.municipalities).toEqual([BUNKYO, TOTTORI]);

    await expect(gate.admit('wide-area-copy', BUNKYO)).resolves.toMatchObject({
      basis: 'exception',
      exception: { reason: arrangement.reason },
    });
    // Another service, another peer, or after the span: still closed.
    await expect(gate.admit('special-move', BUNKYO)).rejects.toMatchObject({
      code: 'JUKI_ERR_OUTSIDE_OPERATING_HOURS',
    });
    await expect(gate.admit('wide-area-copy', MATSUBARA)).rejects.toMatchObject({
      code: 'JUKI_ERR_OUTSIDE_OPERATING_HOURS',
    });
    clock.set(new Date('2026-12-05T12:00:00+09:00'));
    await expect(gate.admit('wide-area-copy', BUNKYO)).rejects.toMatchObject({
      code: 'JUKI_ERR_OUTSIDE_OPERATING_HOURS',
    });
  });

  it('reads the exceptions through the transaction it is given', async () => {
    const { store, gate } = await setUp(SATURDAY_10);
    await record(store, arrangement, FRIDAY_10);
    const admission = await store.transaction((trx) => gate.admit('wide-area-copy', BUNKYO, trx));
    expect(admission.basis).toBe('exception');
  });

  it('a withdrawn exception opens nothing, and cannot be withdrawn twice', async () => {
    const { store, gate } = await setUp(SATURDAY_10);
    const recorded = await record(store, arrangement, FRIDAY_10);
    await store.transaction((trx) =>
      withdrawOperatingException(trx, recorded.id, { operator: 'op-admin', now: SATURDAY_10 }),
    );
    await expect(gate.admit('wide-area-copy', BUNKYO)).rejects.toMatchObject({
      code: 'JUKI_ERR_OUTSIDE_OPERATING_HOURS',
    });
    await expect(
      store.transaction((trx) =>
        withdrawOperatingException(trx, recorded.id, { operator: 'op-admin', now: SATURDAY_10 }),
      ),
    ).rejects.toMatchObject({ code: 'JUKI_ERR_OPERATING_EXCEPTION_NOT_FOUND' });
    expect(await listOperatingExceptions(store.db)).toEqual([]);
    expect(await listOperatingExceptions(store.db, { withWithdrawn: true })).toHaveLength(1);
  });

  it('refuses an exception with no other party, an empty span or one already over, and records nothing', async () => {
    const { store } = await setUp(FRIDAY_10);
    const refusals: [Partial<OperatingExceptionRequest>, string][] = [
      [{ with: [TOTTORI] }, 'at least two'],
      [{ end: arrangement.start }, 'end: must be later than start'],
      [{ start: '2026-12-01T09:00:00+09:00', end: '2026-12-01T12:00:00+09:00' }, 'has passed'],
    ];
    for (const [change, reason] of refusals) {
      const refusal = await record(store, { ...arrangement, ...change }, FRIDAY_10).catch(
        (error: unknown) => error as Error,
      );
      expect(refusal).toMatchObject({ code: 'JUKI_ERR_OPERATING_EXCEPTION_INVALID' });
      expect((refusal as Error).message).toContain(reason);
    }
    expect(await listOperatingExceptions(store.db, { withWithdrawn: true })).toEqual([]);
  });
});

describe('operatingExceptionRequestSchema', () => {
  it('refuses an unknown service, a bad LG code, a time without offset and an extra field', () => {
    const bad = [
      { ...arrangement, service: 'agency-query' },
      { ...arrangement, with: ['131058'] },
      { ...arrangement, start: '2026-12-05T09:00:00' },
      { ...arrangement, note: 'extra' },
    ];
    for (const body of bad)
      expect(operatingExceptionRequestSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
    expect(operatingExceptionRequestSchema.safeParse(arrangement).success).toBe(true);
  });
});
