// A resident card across the real network: issued and activated at 文京区's terminal over HTTPS, authenticated at
// 千代田区 (which fetches 文京区's card CA over mTLS and asks the national server about suspension), then suspended at
// 文京区: the card.status-changed reaches the national server through the outbox, and 千代田区 refuses the card with
// JUKI_ERR_CARD_SUSPENDED. Lifting the suspension makes it good again everywhere.

import { expect, it } from 'vitest';
import { openSoftwareCard } from '../../src/card/index.js';
import type { NodeId } from '../../src/domain/node-id.js';
import type { ResidentRecord } from '../../src/servers/municipality/index.js';
import { startCardNetwork } from '../support/card-network.js';
import { issueActiveCard, okBody, PHOTO_ID, postFrom } from '../support/cards.js';
import { describeEachEngine } from '../support/engines.js';
import { testNetworks } from '../support/network.js';
import { waitUntil } from '../support/wait.js';

const BUNKYO = 'muni-131059' as NodeId;
const CHIYODA = 'muni-131016' as NodeId;
const network = testNetworks();

describeEachEngine('resident card suspension over the network', ({ createLocation }) => {
  it('a card suspended at 文京区 is refused at 千代田区 with JUKI_ERR_CARD_SUSPENDED', async () => {
    const net = await startCardNetwork(network, [BUNKYO, CHIYODA], { database: createLocation });
    const { national } = net;
    const bunkyo = net.municipality(BUNKYO);
    const chiyoda = net.municipality(CHIYODA);
    const { clerk, examiner } = await net.staffAt(BUNKYO);

    const [resident] = (await bunkyo.module.register.recordOfficialEntries([
      {
        name: '本郷 一郎',
        nameKana: 'ホンゴウ イチロウ',
        birthDate: '1983-02-01',
        sex: 'male',
        address: '東京都文京区本郷二丁目2番2号',
        household: { create: 'h-hongo' },
      },
    ])) as [ResidentRecord];

    // Issued and activated at 文京区.
    const active = await issueActiveCard(bunkyo, { clerk, examiner }, resident.id, '2468');
    const base = `/api/cards/applications/${active.id}`;

    // The resident shows the card at 千代田区: genuine, not suspended.
    const cardPath = bunkyo.module.cardIssuer!.cardPath(active.cardId!);
    const verified = await chiyoda.module.authenticateCard(await openSoftwareCard(cardPath));
    expect(verified.cardId).toBe(active.cardId);
    expect(verified.issuerMunicipality).toBe('131059');

    // Lost: suspended at 文京区, seen by the national server, refused at 千代田区.
    okBody(await postFrom(clerk, `${base}/suspend`, { reason: 'loss' }));
    const statusAtNational = () =>
      national.context.store.db
        .selectFrom('card_status')
        .selectAll()
        .where('card_id', '=', active.cardId!)
        .executeTakeFirst();
    await waitUntil('the suspension reaches the national server', async () => {
      return (await statusAtNational())?.state === 'suspended';
    });
    expect(await statusAtNational()).toMatchObject({
      issuer: BUNKYO,
      fingerprint: active.certificateFingerprint,
      state: 'suspended',
    });
    await expect(chiyoda.module.authenticateCard(await openSoftwareCard(cardPath))).rejects.toMatchObject({
      code: 'JUKI_ERR_CARD_SUSPENDED',
    });
    await expect(bunkyo.module.authenticateCard(await openSoftwareCard(cardPath))).rejects.toMatchObject({
      code: 'JUKI_ERR_CARD_SUSPENDED',
    });

    // Found again: the examiner lifts the suspension and the card is good at 千代田区 once more.
    okBody(await postFrom(examiner, `${base}/lift-suspension`, { identityCheck: PHOTO_ID }));
    await waitUntil('the lifting reaches the national server', async () => {
      return (await statusAtNational())?.state === 'active';
    });
    const again = await chiyoda.module.authenticateCard(await openSoftwareCard(cardPath));
    expect(again.cardId).toBe(active.cardId);
  });
});
