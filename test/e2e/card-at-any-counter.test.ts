// A resident card at another municipality's counter, over the real network: issued at 文京区, carried to 鳥取市,
// whose counter the card accepts (its terminal certificate comes from the national card terminal CA every card
// trusts), confirmed there with the PIN and shown with the national identity information; locked by three wrong PINs
// and unlocked by 鳥取市's clerk with a new PIN; and, on a Saturday, refused at 鳥取市 outside the common operating
// hours until an exception is recorded, while 文京区 still confirms its own resident.

import { expect, it } from 'vitest';
import { createOperatingCalendar, formatJapanDateTime } from '../../src/domain/index.js';
import type { NodeId } from '../../src/domain/node-id.js';
import type { TestBrowser } from '../../src/servers/common/terminal-api/testing/terminal-client.js';
import type {
  IdentityConfirmationView,
  ReaderCardView,
  ResidentRecord,
} from '../../src/servers/municipality/index.js';
import { startCardNetwork } from '../support/card-network.js';
import { issueActiveCard, okBody, PHOTO_ID, postFrom, presentCard } from '../support/cards.js';
import { createRunningClock, nextSaturdayMorning, nextWindowMorning } from '../support/clock.js';
import { testNetworks } from '../support/network.js';
import { waitUntil } from '../support/wait.js';

const BUNKYO = 'muni-131059' as NodeId;
const TOTTORI = 'muni-312011' as NodeId;
const network = testNetworks();

/**
 * 文京区 and 鳥取市 with their prefectures and the national server, all on a clock starting at `at`; a resident of
 * 文京区 with an active card (PIN 2468), which the resident has taken to 鳥取市's card reader.
 */
async function cardCarriedToTottori(at: Date) {
  const clock = createRunningClock(at);
  const net = await startCardNetwork(network, [BUNKYO, TOTTORI], { clock });
  const { national } = net;
  const bunkyo = net.municipality(BUNKYO);
  const bunkyoStaff = await net.staffAt(BUNKYO);
  const tottoriStaff = await net.staffAt(TOTTORI);

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
  await waitUntil(
    'the national server holds the resident',
    async () =>
      (await national.context.store.db
        .selectFrom('identity_current')
        .select('resident_code')
        .where('resident_code', '=', resident.residentCode)
        .executeTakeFirst()) !== undefined,
  );

  const card = await issueActiveCard(bunkyo, bunkyoStaff, resident.id, '2468');
  const cardId = card.cardId!;
  const cardPath = await presentCard(bunkyo.module.cardIssuer!.cardPath(cardId), net.readerOf(TOTTORI));
  const confirm = (browser: TestBrowser, pin: string) =>
    postFrom(browser, '/api/cards/confirm', { cardId, pin });
  const refusal = async (browser: TestBrowser, pin: string) => {
    const answer = await confirm(browser, pin);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    return (answer.body as { error: { code: string; message: string } }).error;
  };
  return { net, clock, resident, cardId, cardPath, bunkyoStaff, tottoriStaff, confirm, refusal };
}

it('a card issued at 文京区 is confirmed at 鳥取市, locked by three wrong PINs and unlocked there', async () => {
  const { resident, cardId, tottoriStaff, confirm, refusal } =
    await cardCarriedToTottori(nextWindowMorning());

  // 鳥取市's reader shows the card as anyone can read it.
  const { cards } = okBody<{ cards: ReaderCardView[] }>(
    await tottoriStaff.clerk.call('GET', '/api/cards/reader'),
  );
  expect(cards).toEqual([
    expect.objectContaining({ cardId, state: 'active', issuerMunicipality: '131059', pinTriesRemaining: 3 }),
  ]);

  // 本人確認 at 鳥取市: mutual authentication, the PIN, the code, the national identity information.
  const confirmed = okBody<IdentityConfirmationView>(await confirm(tottoriStaff.clerk, '2468'));
  expect(confirmed.identity).toMatchObject({
    residentCode: resident.residentCode,
    name: '本郷 一郎',
    birthDate: '1983-02-01',
    address: '東京都文京区本郷二丁目2番2号',
    lgCode: '131059',
  });
  expect(confirmed.card).toMatchObject({ cardId, issuerMunicipality: '131059' });
  expect(confirmed.admission).toBe('window');
  expect(confirmed.confirmation.residentCode).toBe(resident.residentCode);

  // Three wrong PINs lock the card; the right one no longer opens it.
  expect(await refusal(tottoriStaff.clerk, '1111')).toMatchObject({ code: 'JUKI_ERR_CARD_PIN_WRONG' });
  expect((await refusal(tottoriStaff.clerk, '1111')).message).toContain('1 tries left');
  expect((await refusal(tottoriStaff.clerk, '1111')).code).toBe('JUKI_ERR_CARD_LOCKED');
  expect((await refusal(tottoriStaff.clerk, '2468')).code).toBe('JUKI_ERR_CARD_LOCKED');

  // 鳥取市's clerk checks the holder's identity and unlocks the card with the resident's new PIN.
  const unlocked = okBody(
    await postFrom(tottoriStaff.clerk, '/api/cards/unlock', {
      cardId,
      newPin: '8642',
      identityCheck: PHOTO_ID,
    }),
  );
  expect(unlocked).toMatchObject({ state: 'active', pinTriesRemaining: 3 });
  expect((await refusal(tottoriStaff.clerk, '2468')).code).toBe('JUKI_ERR_CARD_PIN_WRONG');
  expect(
    okBody<IdentityConfirmationView>(await confirm(tottoriStaff.clerk, '8642')).identity.residentCode,
  ).toBe(resident.residentCode);
});

it('on a Saturday 鳥取市 refuses the confirmation until an exception is recorded; 文京区 confirms its own resident', async () => {
  const saturday = nextSaturdayMorning();
  const {
    net,
    cardPath: inTottori,
    bunkyoStaff,
    tottoriStaff,
    confirm,
    refusal,
  } = await cardCarriedToTottori(saturday);

  // Saturday: the window is closed, so 鳥取市 cannot confirm a 文京区 resident through the network, and says when
  // the window opens; 文京区 confirms its own resident (work inside one municipality goes on).
  const closed = await refusal(tottoriStaff.clerk, '2468');
  expect(closed.code).toBe('JUKI_ERR_OUTSIDE_OPERATING_HOURS');
  const opening = createOperatingCalendar({}).nextOpening(saturday);
  expect(opening.getTime()).toBeGreaterThan(saturday.getTime() + 86_400_000);
  expect(closed.message).toContain(`次の受付開始は ${formatJapanDateTime(opening)} です`);
  const hours = okBody<{ open: boolean; nextOpeningText: string }>(
    await tottoriStaff.clerk.call('GET', '/api/operating-hours'),
  );
  expect(hours).toMatchObject({ open: false, nextOpeningText: formatJapanDateTime(opening) });

  const atBunkyo = await presentCard(inTottori, net.readerOf(BUNKYO));
  const atHome = okBody<IdentityConfirmationView>(await confirm(bunkyoStaff.clerk, '2468'));
  expect(atHome.admission).toBe('single-municipality');
  await presentCard(atBunkyo, net.readerOf(TOTTORI));

  // An exception arranged between 鳥取市 and 鳥取県 for identity confirmation opens it for its span; a clerk cannot
  // record one, the administrator can.
  const exception = {
    service: 'identity-confirmation',
    with: ['310000'],
    start: new Date(saturday.getTime() - 60 * 60_000).toISOString(),
    end: new Date(saturday.getTime() + 6 * 60 * 60_000).toISOString(),
    reason: '災害対応のための休日窓口',
    arrangedBy: '鳥取市市民課 田中, 鳥取県市町村課 山本',
  };
  expect((await postFrom(tottoriStaff.clerk, '/api/operating-hours/exceptions', exception)).status).toBe(403);
  const { exception: recorded } = okBody<{ exception: { id: string; municipalities: string[] } }>(
    await postFrom(tottoriStaff.administrator, '/api/operating-hours/exceptions', exception),
  );
  expect(recorded.municipalities).toEqual(['310000', '312011']);
  const opened = okBody<IdentityConfirmationView>(await confirm(tottoriStaff.clerk, '2468'));
  expect(opened.admission).toBe('exception');

  // Withdrawn, the exception no longer opens anything.
  okBody(
    await postFrom(tottoriStaff.administrator, `/api/operating-hours/exceptions/${recorded.id}/withdraw`),
  );
  expect((await refusal(tottoriStaff.clerk, '2468')).code).toBe('JUKI_ERR_OUTSIDE_OPERATING_HOURS');
});
