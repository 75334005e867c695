// The CS side of the linkage as an external register product would use it: a JSON linkage message in, the identity
// version and identity.changed out, in the caller's transaction; a bad message is refused and leaves nothing behind.

import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../../test/support/engines.js';
import { isJukinetError } from '../../../shared/errors.js';
import { currentIdentity } from '../../common/identity-history.js';
import { parseRegisterChange } from '../linkage.js';
import { createTestMunicipality } from '../testing/test-municipality.js';
import { applyRegisterChange } from './index.js';

/** A linkage message as a register product would send it, as parsed JSON. */
function externalMessage(overrides: { resident?: object; action?: object; extra?: object } = {}): unknown {
  return JSON.parse(
    JSON.stringify({
      v: 1,
      kind: 'official-entry',
      resident: {
        id: 'legacy-000042',
        residentCode: '12345678903',
        name: '本郷 花子',
        nameKana: 'ホンゴウ ハナコ',
        birthDate: '1985-06-15',
        sex: 'female',
        address: '東京都文京区本郷二丁目2番2号',
        lgCode: '131059',
        foreignResident: false,
        closed: false,
        ...overrides.resident,
      },
      action: {
        id: 'legacy-action-7',
        seq: 1,
        reason: 'official-entry',
        effectiveOn: '2024-01-10',
        filedOn: '2024-01-10',
        recordedAt: '2024-01-10T00:00:00.000Z',
        ...overrides.action,
      },
      ...overrides.extra,
    }),
  ) as unknown;
}

it('parseRegisterChange() refuses unknown fields and names each bad one', () => {
  expect(parseRegisterChange(externalMessage())).toMatchObject({ kind: 'official-entry', v: 1 });
  let error: unknown;
  try {
    parseRegisterChange(
      externalMessage({ resident: { residentCode: '12345678900', honseki: '東京都' }, action: { seq: 0 } }),
    );
  } catch (caught) {
    error = caught;
  }
  expect(isJukinetError(error, 'JUKI_ERR_LINKAGE_MESSAGE_INVALID')).toBe(true);
  expect((error as Error).message).toContain('message.resident.residentCode');
  expect((error as Error).message).toContain('honseki');
  expect((error as Error).message).toContain('message.action.seq');
  // A household change never changes 本人確認情報, so it is no linkage message; 職権消除 and 職権修正 are.
  expect(() => parseRegisterChange(externalMessage({ extra: { kind: 'household-merge' } }))).toThrow(
    /message\.kind/,
  );
  expect(
    parseRegisterChange(
      externalMessage({ extra: { kind: 'official-correction' }, action: { reason: 'official-correction' } }),
    ),
  ).toMatchObject({ kind: 'official-correction' });
});

describeEachEngine('applyRegisterChange()', ({ openFresh }) => {
  it('records the identity version and queues identity.changed for a message from another register', async () => {
    const store = await openFresh();
    const muni = await createTestMunicipality(store);
    const outcome = await muni.context.transaction((trx, outbox) =>
      applyRegisterChange(trx, externalMessage(), { origin: muni.context.nodeId, outbox }),
    );
    expect(outcome.version).toMatchObject({ version: 1, reason: 'official-entry', changeDate: '2024-01-10' });
    const current = await currentIdentity(store.db, '12345678903' as never);
    expect(current?.info).toMatchObject({ name: '本郷 花子', lgCode: '131059' });
    const [envelope] = await muni.outbox();
    expect(envelope).toMatchObject({ id: outcome.messageId, to: 'pref-13', type: 'identity.changed' });
  });

  it('refuses a message whose identity information breaks a rule, and writes nothing', async () => {
    const store = await openFresh();
    const muni = await createTestMunicipality(store);
    const refused = muni.context.transaction((trx, outbox) =>
      applyRegisterChange(trx, externalMessage({ resident: { commonName: '通称' } }), {
        origin: muni.context.nodeId,
        outbox,
      }),
    );
    await expect(refused).rejects.toMatchObject({ code: 'JUKI_ERR_IDENTITY_INFO_INVALID' });
    expect(await muni.outbox()).toEqual([]);
    expect(await store.db.selectFrom('identity_version').selectAll().execute()).toEqual([]);
  });
});
