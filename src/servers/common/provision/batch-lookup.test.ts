// The set-based look-up gives, for every code, what the one-code look-up gives, on every engine: now and as of past
// dates, for codes with several versions, unknown codes and duplicates, across statement chunks.

import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../../test/support/engines.js';
import type { NodeId, ResidentCode } from '../../../domain/index.js';
import { recordIdentityVersion } from '../identity-history.js';
import { testChange, testIdentityInfo, testResidentCode } from '../testing/identity-fixtures.js';
import { LOOKUP_CHUNK_SIZE, lookUpIdentities } from './batch-lookup.js';
import { lookUpIdentity } from './provision.js';

describeEachEngine('lookUpIdentities()', ({ openFresh }) => {
  it('answers each code as lookUpIdentity does, now and as of a date, in sets larger than a chunk', async () => {
    const store = await openFresh();
    const origin = 'muni-131059' as NodeId;
    const count = LOOKUP_CHUNK_SIZE + 200;
    await store.transaction(async (trx) => {
      for (let n = 1; n <= count; n++) {
        const info = testIdentityInfo(testResidentCode(n), {
          birthDate: '2000-01-01',
          change: { reason: 'birth', date: '2000-01-01' },
        });
        await recordIdentityVersion(trx, { info, origin, recordedAt: new Date() });
        if (n % 7 === 0) {
          const moved = testChange(info, 'move-within', { date: '2020-05-01', address: `東京都文京区${n}` });
          await recordIdentityVersion(trx, { info: moved, origin, recordedAt: new Date() });
        }
      }
    });
    const codes: ResidentCode[] = [];
    for (let n = 1; n <= count + 50; n += 1) codes.push(testResidentCode(n));
    codes.push(testResidentCode(7), testResidentCode(7));

    for (const asOf of [undefined, '2019-12-31', '2020-05-01', '1999-12-31']) {
      const found = await lookUpIdentities(store, codes, asOf);
      const sample = [1, 7, 14, 3000, count, count + 1, count + 50].map(testResidentCode);
      for (const code of sample) {
        const one = await lookUpIdentity(store.db, code, asOf);
        expect(found.get(code)).toEqual(one);
      }
      const expectedSize = asOf === '1999-12-31' ? 0 : count;
      expect(found.size).toBe(expectedSize);
    }
    expect((await lookUpIdentities(store, [])).size).toBe(0);
  });
});
