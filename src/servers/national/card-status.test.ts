import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../test/support/engines.js';
import {
  generateResidentCode,
  type IdentityInfo,
  type LocalGovernmentCode,
  type NodeId,
} from '../../domain/index.js';
import type { CardStatusChangedBody, CardTransferredBody, Envelope } from '../../protocol/index.js';
import { createFixedClock } from '../../shared/clock.js';
import type { Store } from '../../store/index.js';
import { recordIdentityVersion } from '../common/identity-history.js';
import { applyCardStatusChange, applyCardTransfer } from './card-status.js';

const BUNKYO = 'muni-131059' as NodeId;
const TOTTORI = 'muni-312011' as NodeId;
const CHIYODA = 'muni-131016' as NodeId;
const AT = new Date('2026-12-03T01:00:00.000Z');
const clock = createFixedClock(AT);
const FINGERPRINT = 'a'.repeat(64);

function envelopeFrom(from: NodeId, type: string): Envelope {
  return { from, type } as Envelope;
}

function status(state: CardStatusChangedBody['state'], minutes: number): CardStatusChangedBody {
  return {
    cardId: 'c0ffee00c0ffee00',
    fingerprint: FINGERPRINT,
    issuerMunicipality: '131059',
    state,
    changedAt: new Date(AT.getTime() + minutes * 60_000).toISOString(),
  };
}

async function livesAt(store: Store, lgCode: LocalGovernmentCode, code = generateResidentCode()) {
  const info: IdentityInfo = {
    residentCode: code,
    name: '本郷 一郎',
    birthDate: '1983-02-01',
    sex: 'male',
    address: lgCode === '131059' ? '東京都文京区本郷二丁目2番2号' : '鳥取県鳥取市東町一丁目220番地',
    lgCode,
    foreignResident: false,
    change: { reason: lgCode === '131059' ? 'official-entry' : 'move-in', date: '2026-12-01' },
  };
  await store.transaction((trx) =>
    recordIdentityVersion(trx, { info, origin: `muni-${lgCode}` as NodeId, recordedAt: AT }),
  );
  return code;
}

describeEachEngine('the national record of card status', ({ openFresh }) => {
  it('the issuer speaks for its card until the municipality its holder moved to takes it over', async () => {
    const store = await openFresh();
    const change = (from: NodeId, body: CardStatusChangedBody) =>
      store.transaction((trx) =>
        applyCardStatusChange(trx, envelopeFrom(from, 'card.status-changed'), body, { clock }),
      );
    const transfer = (from: NodeId, body: CardTransferredBody) =>
      store.transaction((trx) =>
        applyCardTransfer(trx, envelopeFrom(from, 'card.transferred'), body, { clock }),
      );
    const row = () => store.db.selectFrom('card_status').selectAll().executeTakeFirstOrThrow();

    await change(BUNKYO, status('active', 0));
    await expect(change(CHIYODA, status('suspended', 1))).rejects.toMatchObject({
      code: 'JUKI_ERR_CARD_STATUS_ORIGIN',
    });

    const code = await livesAt(store, '131059' as LocalGovernmentCode);
    const moved: CardTransferredBody = {
      cardId: 'c0ffee00c0ffee00',
      fingerprint: FINGERPRINT,
      issuerMunicipality: '131059',
      residentCode: code,
      transferredAt: new Date(AT.getTime() + 2 * 60_000).toISOString(),
    };
    // Until the move-in reaches the national copy, 鳥取市 cannot take the card over (the outbox will try again).
    await expect(transfer(TOTTORI, moved)).rejects.toMatchObject({ code: 'JUKI_ERR_CARD_STATUS_ORIGIN' });
    await livesAt(store, '312011' as LocalGovernmentCode, code);
    await expect(transfer(TOTTORI, { ...moved, fingerprint: 'b'.repeat(64) })).rejects.toMatchObject({
      code: 'JUKI_ERR_CARD_STATUS_ORIGIN',
    });
    await transfer(TOTTORI, moved);
    expect(await row()).toMatchObject({ issuer: TOTTORI, state: 'active', fingerprint: FINGERPRINT });
    expect(JSON.stringify(await row())).not.toContain(code);

    // Now 鳥取市 suspends it, and 文京区, the issuer, no longer can.
    await expect(change(BUNKYO, status('returned', 3))).rejects.toMatchObject({
      code: 'JUKI_ERR_CARD_STATUS_ORIGIN',
    });
    await change(TOTTORI, status('suspended', 4));
    expect((await row()).state).toBe('suspended');
  });

  it('a suspended card is not taken over', async () => {
    const store = await openFresh();
    await store.transaction((trx) =>
      applyCardStatusChange(trx, envelopeFrom(BUNKYO, 'card.status-changed'), status('suspended', 0), {
        clock,
      }),
    );
    const code = await livesAt(store, '312011' as LocalGovernmentCode);
    await expect(
      store.transaction((trx) =>
        applyCardTransfer(
          trx,
          envelopeFrom(TOTTORI, 'card.transferred'),
          {
            cardId: 'c0ffee00c0ffee00',
            fingerprint: FINGERPRINT,
            issuerMunicipality: '131059',
            residentCode: code,
            transferredAt: AT.toISOString(),
          },
          { clock },
        ),
      ),
    ).rejects.toMatchObject({ code: 'JUKI_ERR_CARD_STATE' });
  });
});
