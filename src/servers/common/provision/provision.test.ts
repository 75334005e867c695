// Provision at the national server on every engine: registration against the registry, the purpose check and its
// security events, the look-up by code now and as of a past date, the four-item search with its cap, and the log.

import { pino } from 'pino';
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../../test/support/engines.js';
import type { IdentityInfo, NodeId } from '../../../domain/index.js';
import { systemClock } from '../../../shared/clock.js';
import { JukinetError } from '../../../shared/errors.js';
import type { Store } from '../../../store/index.js';
import { recordIdentityVersion } from '../identity-history.js';
import { createSecurityEventLog } from '../security-event-log.js';
import { testChange, testIdentityInfo, testResidentCode } from '../testing/identity-fixtures.js';
import { registerAgency } from './agencies.js';
import {
  authoriseAffair,
  identityAsOf,
  listProvisions,
  recordProvision,
  searchFourItems,
} from './provision.js';

const MHLW = 'agency-mhlw' as NodeId;

async function record(store: Store, info: IdentityInfo): Promise<void> {
  await store.transaction((trx) =>
    recordIdentityVersion(trx, { info, origin: `muni-${info.lgCode}` as NodeId, recordedAt: new Date() }),
  );
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof JukinetError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

describeEachEngine('provision to agencies', ({ openFresh }) => {
  it('registers an agency only for a listed kind and its affairs, never a private-sector body', async () => {
    const store = await openFresh();
    const agency = await registerAgency(store, {
      id: MHLW,
      kind: 'mhlw',
      affairs: ['mhlw-unemployment-benefit', 'mhlw-workers-compensation'],
    });
    expect(agency).toMatchObject({ kind: 'mhlw', name: '厚生労働省', registryVersion: 1 });
    expect(agency.affairs).toEqual(['mhlw-workers-compensation', 'mhlw-unemployment-benefit']);
    expect(
      await codeOf(registerAgency(store, { id: 'agency-bank', kind: 'bank', affairs: ['mic-pension'] })),
    ).toBe('JUKI_ERR_AGENCY_REGISTRATION');
    expect(await codeOf(registerAgency(store, { id: MHLW, kind: 'mhlw', affairs: ['mic-pension'] }))).toBe(
      'JUKI_ERR_AGENCY_REGISTRATION',
    );
    expect(await codeOf(registerAgency(store, { id: MHLW, kind: 'mic', affairs: ['mic-pension'] }))).toBe(
      'JUKI_ERR_AGENCY_REGISTRATION',
    );
    expect(
      await codeOf(registerAgency(store, { id: 'muni-131059', kind: 'mhlw', affairs: ['mic-pension'] })),
    ).toBe('JUKI_ERR_AGENCY_REGISTRATION');
  });

  it('refuses an unregistered agency and an affair it is not registered for, each as a security event', async () => {
    const store = await openFresh();
    const securityEvents = createSecurityEventLog(store, {
      clock: systemClock,
      logger: pino({ enabled: false }),
    });
    await registerAgency(store, { id: MHLW, kind: 'mhlw', affairs: ['mhlw-unemployment-benefit'] });
    const options = { clock: systemClock, securityEvents };
    const ask = (agency: string, affair: string) =>
      authoriseAffair(
        store.db,
        { agency: agency as NodeId, affair, method: 'online', query: 'code' },
        options,
      );
    expect((await ask(MHLW, 'mhlw-unemployment-benefit')).registry.version).toBe(1);
    expect(await codeOf(ask(MHLW, 'mhlw-workers-compensation'))).toBe('JUKI_ERR_AGENCY_AFFAIR_FORBIDDEN');
    expect(await codeOf(ask(MHLW, 'mic-pension'))).toBe('JUKI_ERR_AGENCY_AFFAIR_FORBIDDEN');
    expect(await codeOf(ask('agency-other', 'mic-pension'))).toBe('JUKI_ERR_AGENCY_NOT_REGISTERED');
    await securityEvents.flush();
    const events = await store.db
      .selectFrom('security_event')
      .select(['kind', 'peer', 'detail'])
      .orderBy('id')
      .execute();
    expect(
      events.map((event) => [
        event.kind,
        event.peer,
        (JSON.parse(event.detail) as { affair: string }).affair,
      ]),
    ).toEqual([
      ['agency-affair-refused', MHLW, 'mhlw-workers-compensation'],
      ['agency-affair-refused', MHLW, 'mic-pension'],
      ['agency-not-registered', 'agency-other', 'mic-pension'],
    ]);
  });

  it('answers by code as of a past date from the history, ordered by change date', async () => {
    const store = await openFresh();
    const code = testResidentCode(1);
    const born = testIdentityInfo(code);
    await record(store, born);
    await record(
      store,
      testChange(born, 'move-within', { date: '2020-06-01', address: '東京都文京区小石川二丁目2番2号' }),
    );
    await record(
      store,
      testChange(born, 'name-change', {
        date: '2023-02-01',
        name: '佐藤 太郎',
        address: '東京都文京区小石川二丁目2番2号',
      }),
    );
    expect(await identityAsOf(store.db, code, '1979-12-31')).toBeUndefined();
    expect((await identityAsOf(store.db, code, '2020-05-31'))?.info.address).toBe(
      '東京都文京区本郷一丁目1番1号',
    );
    expect((await identityAsOf(store.db, code, '2020-06-01'))?.info.address).toBe(
      '東京都文京区小石川二丁目2番2号',
    );
    expect((await identityAsOf(store.db, code, '2024-01-01'))?.info.name).toBe('佐藤 太郎');
  });

  it('searches by the four items through the birth date index, now and as of a past date, with a cap', async () => {
    const store = await openFresh();
    for (let n = 1; n <= 12; n += 1) {
      await record(
        store,
        testIdentityInfo(testResidentCode(n), {
          birthDate: '1990-07-07',
          change: { reason: 'birth', date: '1990-07-07' },
        }),
      );
    }
    const other = testIdentityInfo(testResidentCode(20), {
      name: '鈴木 花子',
      nameKana: 'スズキ ハナコ',
      sex: 'female',
    });
    await record(store, other);
    await record(store, testChange(other, 'name-change', { date: '2022-03-01', name: '田中 花子' }));
    const many = await searchFourItems(store, { name: '山田太郎', birthDate: '1990-07-07', sex: 'male' });
    expect(many.total).toBe(12);
    expect(many.matches.map((version) => version.residentCode)).toEqual(
      Array.from({ length: 10 }, (_, index) => testResidentCode(index + 1)),
    );
    const criteria = { name: '鈴木花子', birthDate: '1980-04-01', sex: 'female' } as const;
    expect((await searchFourItems(store, criteria)).total).toBe(0);
    const before = await searchFourItems(store, criteria, { asOf: '2022-02-28' });
    expect(before.matches.map((version) => version.info.name)).toEqual(['鈴木 花子']);
    expect((await searchFourItems(store, { ...criteria, name: '田中花子' })).total).toBe(1);
    expect(
      (await searchFourItems(store, { ...criteria, nameKana: 'スズキハナコ', address: '東京都文京区' }))
        .total,
    ).toBe(1);
    expect(
      (await searchFourItems(store, { ...criteria, nameKana: 'スズキハナコ', address: '大阪府' })).total,
    ).toBe(0);
  });

  it('logs each provision with a row per code, found again by agency and by resident code', async () => {
    const store = await openFresh();
    const codes = [testResidentCode(1), testResidentCode(2)];
    const entry = {
      agency: MHLW,
      affair: 'mhlw-unemployment-benefit',
      registryVersion: 1,
      method: 'online',
      query: 'four-items',
      asOf: null,
      count: 2,
      truncated: false,
      residentCodes: codes,
    } as const;
    const first = await recordProvision(store, entry, { clock: systemClock });
    await recordProvision(
      store,
      { ...entry, query: 'code', count: 0, residentCodes: [] },
      { clock: systemClock },
    );
    expect((await listProvisions(store.db)).map((row) => row.count)).toEqual([2, 0]);
    expect(await listProvisions(store.db, { residentCode: codes[1]! })).toEqual([first]);
    expect(await listProvisions(store.db, { agency: 'agency-other' })).toEqual([]);
  });
});
