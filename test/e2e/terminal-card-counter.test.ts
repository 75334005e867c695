// 本人確認（カード） at another municipality's counter, in headless Chromium: two residents of 文京区 got their cards
// there (over the API), and carried them to 鳥取市, whose clerk confirms a holder's identity on the screen from the
// card and the PIN; three wrong PINs lock the other card, which the clerk unlocks with the holder's identity checked
// and a new PIN; on a Saturday the screen says when the common operating hours open, until 鳥取市's administrator
// records an exception with 鳥取県 on 運用時間. The network (national, 東京都, 鳥取県, 文京区, 鳥取市) runs on a
// clock set inside the window, whatever the real time. Screenshots go to test-artifacts/.

import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createOperatingCalendar,
  formatJapanDateTime,
  formatWareki,
  type ResidentCode,
} from '../../src/domain/index.js';
import type { NodeId } from '../../src/domain/node-id.js';
import type { NodeConfig } from '../../src/servers/common/index.js';
import {
  connectNodeTerminal,
  logInOperators,
} from '../../src/servers/common/terminal-api/testing/terminal-client.js';
import {
  municipalityModule,
  municipalityOptionsFor,
  type MunicipalityModule,
  type ResidentRecord,
} from '../../src/servers/municipality/index.js';
import { nationalModule, nationalOptionsFor } from '../../src/servers/national/index.js';
import { prefectureModule } from '../../src/servers/prefecture/index.js';
import { launchBrowser } from '../support/browser.js';
import { issueActiveCard, presentCard } from '../support/cards.js';
import { createRunningClock, nextSaturdayMorning, nextWindowMorning } from '../support/clock.js';
import { createTestNetwork, type TestNetwork } from '../support/network.js';
import {
  ADMINISTRATOR,
  hasFocus,
  heading,
  logIn,
  logOut,
  messageOf,
  openTerminalPage,
  screenshot,
  setUpOperators,
  type TerminalPage,
} from '../support/terminal.js';
import { waitUntil } from '../support/wait.js';

const NATIONAL = 'national' as NodeId;
const TOKYO = 'pref-13' as NodeId;
const TOTTORI_PREF = 'pref-31' as NodeId;
const BUNKYO = 'muni-131059' as NodeId;
const TOTTORI = 'muni-312011' as NodeId;
const CLERK = { login: 'madoguchi', name: '窓口 一美', role: '窓口担当', password: 'nashi no hana 2024' };
const SHOT = 'terminal-card-counter';
const HONGO = {
  name: '本郷 一郎',
  nameKana: 'ホンゴウ イチロウ',
  birthDate: '1983-02-01',
  sex: 'male',
  address: '東京都文京区本郷二丁目2番2号',
  household: { create: 'h-hongo' },
} as const;
const HAKUSAN = {
  name: '白山 花子',
  nameKana: 'ハクサン ハナコ',
  birthDate: '1990-07-07',
  sex: 'female',
  address: '東京都文京区白山一丁目1番1号',
  household: { create: 'h-hakusan' },
} as const;

const morning = nextWindowMorning();
const clock = createRunningClock(morning);
let network: TestNetwork;
let browser: Browser | undefined;
let terminal: TerminalPage;
let tottoriNode: Parameters<typeof setUpOperators>[0];
let operatorsEnrolled: Promise<void> | undefined;
/** The two residents' cards, now in 鳥取市's reader. */
let cards: Record<'hongo' | 'hakusan', { cardId: string; residentCode: ResidentCode; validUntil: string }>;

beforeAll(async () => {
  network = await createTestNetwork([NATIONAL, TOKYO, TOTTORI_PREF, BUNKYO, TOTTORI], { clock });
  const { layout, start } = network;
  const configs = new Map<NodeId, NodeConfig>();
  for (const id of [NATIONAL, TOKYO, TOTTORI_PREF, BUNKYO, TOTTORI])
    configs.set(id, await layout.configOf(id));
  const configOf = (id: NodeId): NodeConfig => configs.get(id)!;
  const national = await start(NATIONAL, (context) =>
    nationalModule(context, nationalOptionsFor(configOf(NATIONAL))),
  );
  await start(TOKYO, (context) => prefectureModule(context));
  await start(TOTTORI_PREF, (context) => prefectureModule(context));
  // Each municipality as `jukinet serve` runs it: a card issuer beside its key store, a card reader (card-reader/).
  const municipal = (id: NodeId) =>
    start<MunicipalityModule>(id, (context) =>
      municipalityModule(context, municipalityOptionsFor(configOf(id))),
    );
  const bunkyo = await municipal(BUNKYO);
  const tottori = await municipal(TOTTORI);

  // 文京区 records the residents and issues their cards (its clerk and examiner over the API).
  const records = await bunkyo.module.register.recordOfficialEntries([HONGO, HAKUSAN]);
  await waitUntil('the national server holds both residents', async () => {
    const held = await national.context.store.db
      .selectFrom('identity_current')
      .select('resident_code')
      .where(
        'resident_code',
        'in',
        records.map((record) => record.residentCode),
      )
      .execute();
    return held.length === records.length;
  });
  const atBunkyo = await logInOperators(await connectNodeTerminal(bunkyo, configOf(BUNKYO)), [
    { loginName: 'madoguchi', displayName: '窓口 太郎', role: 'counter-clerk' },
    { loginName: 'shinsa', displayName: '審査 次郎', role: 'examiner' },
  ]);
  const staff = { clerk: atBunkyo.get('madoguchi')!, examiner: atBunkyo.get('shinsa')! };
  const reader = municipalityOptionsFor(configOf(TOTTORI)).cardReader!;
  const carried = async (record: ResidentRecord, pin: string) => {
    const card = await issueActiveCard(bunkyo, staff, record.id, pin);
    await presentCard(bunkyo.module.cardIssuer!.cardPath(card.cardId!), reader);
    return { cardId: card.cardId!, residentCode: record.residentCode, validUntil: card.validity!.validUntil };
  };
  cards = { hongo: await carried(records[0]!, '2468'), hakusan: await carried(records[1]!, '1357') };

  // 鳥取市's terminal in the browser: its administrator and a 窓口担当 with their keys.
  browser = await launchBrowser({
    trustedCertificates: [await readFile(configOf(TOTTORI).pki.certificate, 'utf8')],
  });
  terminal = await openTerminalPage(browser);
  tottoriNode = { municipality: tottori, municipalityConfig: configOf(TOTTORI) };
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await network?.close();
});

/**
 * 鳥取市's administrator and 窓口担当 with their keys on the page's authenticator, enrolled by whichever test comes
 * first (the browser steps wait inside a test).
 */
function enrolOperators(): Promise<void> {
  operatorsEnrolled ??= setUpOperators(tottoriNode, terminal.page, [CLERK]);
  return operatorsEnrolled;
}

/** Logs `operator` in at 鳥取市 and opens 本人確認（カード）. */
async function openCardScreen(operator: { login: string; password: string }): Promise<void> {
  const { page } = terminal;
  await logIn(page, operator.login, operator.password);
  await page.getByRole('navigation').getByRole('link', { name: '本人確認（カード）' }).click();
  await expect.poll(() => heading(page)).toBe('本人確認（カード）');
  await expect.poll(() => page.getByTestId('reader-cards').getByRole('row').count()).toBe(3);
}

/** Picks the card in the reader; the PIN field takes the focus and the resident types the PIN. */
async function enterPin(cardId: string, pin: string): Promise<void> {
  const { page } = terminal;
  await page.getByRole('button', { name: cardId, exact: true }).click();
  const field = page.getByRole('form', { name: `暗証番号の入力（カード ${cardId}）` }).getByLabel('暗証番号');
  await expect.poll(() => hasFocus(field)).toBe(true);
  await page.keyboard.type(pin);
  await page.keyboard.press('Enter');
}

it('confirms at 鳥取市 the identity of a 文京区 resident from the card and the PIN', async () => {
  const { page, failures } = terminal;
  await enrolOperators();
  await logIn(page, CLERK.login, CLERK.password);
  await expect.poll(() => page.getByTestId('operating-hours').textContent()).toContain('受付中です');
  await logOut(page);

  await openCardScreen(CLERK);
  const hongoRow = page.getByTestId('reader-cards').getByRole('row').filter({ hasText: cards.hongo.cardId });
  expect(await hongoRow.textContent()).toMatch(/利用可能東京都文京区.*3$/);
  await screenshot(page, `${SHOT}-01-reader`);

  await enterPin(cards.hongo.cardId, '2468');
  const identity = page.getByTestId('identity-info');
  await expect.poll(() => identity.textContent()).toContain(HONGO.name);
  const shown = (await identity.textContent()) ?? '';
  for (const item of [
    `フリガナ${HONGO.nameKana}`,
    `生年月日${formatWareki(HONGO.birthDate)}`,
    '性別男',
    `住所${HONGO.address}`,
    `住民票コード${cards.hongo.residentCode}`,
    '異動事由職権記載',
  ]) {
    expect(shown).toContain(item);
  }
  expect(shown).toMatch(/異動年月日令和\d+年\d+月\d+日/);
  expect(await page.getByTestId('confirmed-card').textContent()).toBe(
    `カード番号${cards.hongo.cardId}発行市区町村東京都文京区有効期限${formatWareki(cards.hongo.validUntil)}`,
  );
  expect(await page.getByTestId('confirmation-expiry').textContent()).toMatch(/まで.*共通運用時間帯内/);
  await screenshot(page, `${SHOT}-02-confirmed`);
  await logOut(page);
  expect(failures).toEqual([]);
});

it('locks a card after three wrong PINs, and the clerk unlocks it with a new PIN', async () => {
  const { page, failures } = terminal;
  await enrolOperators();
  await openCardScreen(CLERK);
  const alert = page.getByRole('alert');
  await enterPin(cards.hakusan.cardId, '1111');
  await expect.poll(() => alert.textContent()).toBe('暗証番号が違います（残り2回）');
  await page.keyboard.type('2222');
  await page.keyboard.press('Enter');
  await expect.poll(() => alert.textContent()).toBe('暗証番号が違います（残り1回）');
  const row = page.getByTestId('reader-cards').getByRole('row').filter({ hasText: cards.hakusan.cardId });
  await expect.poll(() => row.textContent()).toMatch(/1$/);
  await screenshot(page, `${SHOT}-03-wrong-pin`);
  await page.keyboard.type('3333');
  await page.keyboard.press('Enter');
  await expect.poll(() => alert.textContent()).toMatch(/^このカードはロックされています/);
  await expect.poll(() => row.textContent()).toMatch(/ロック中.*0$/);

  // The clerk checks the holder's identity at the counter; the resident types a new PIN twice.
  const unlock = page.getByRole('form', { name: 'ロック解除' });
  await unlock.getByRole('button', { name: 'ロック解除' }).click();
  await expect.poll(() => messageOf(unlock.getByLabel('書類の番号'))).toBe('入力してください');
  await unlock.getByLabel('確認書類').fill('旅券');
  await unlock.getByLabel('書類の番号').fill('TK1234567');
  await unlock.getByLabel('新しい暗証番号（4桁）').fill('8642');
  await unlock.getByLabel('新しい暗証番号（確認）').fill('8642');
  await screenshot(page, `${SHOT}-04-unlock`);
  await unlock.getByLabel('新しい暗証番号（確認）').press('Enter');
  await expect
    .poll(() => page.getByRole('status').first().textContent())
    .toBe('ロックを解除しました。新しい暗証番号で本人確認してください');
  await expect.poll(() => row.textContent()).toMatch(/利用可能.*3$/);

  // The new PIN opens the card again.
  await enterPin(cards.hakusan.cardId, '8642');
  await expect.poll(() => page.getByTestId('identity-info').textContent()).toContain(HAKUSAN.name);
  expect(await page.getByTestId('identity-info').textContent()).toContain(
    `生年月日${formatWareki(HAKUSAN.birthDate)}`,
  );
  await screenshot(page, `${SHOT}-05-confirmed-after-unlock`);
  await logOut(page);
  expect(failures).toEqual([]);
});

it('on a Saturday says when the common operating hours open, until an exception with 鳥取県 is recorded', async () => {
  const { page, failures } = terminal;
  await enrolOperators();
  const saturday = nextSaturdayMorning(morning);
  clock.set(saturday);
  const opening = formatJapanDateTime(createOperatingCalendar({}).nextOpening(saturday));
  const sentence = `共通運用時間帯外です。次の受付開始は ${opening} です。`;

  // ホーム and 本人確認 say when the window opens; a clerk has no 運用時間 screen.
  await logIn(page, CLERK.login, CLERK.password);
  await expect
    .poll(() => page.getByTestId('operating-hours').textContent())
    .toContain(`次の受付開始は ${opening} です。`);
  expect(await page.getByRole('navigation').getByRole('link', { name: '運用時間' }).count()).toBe(0);
  await logOut(page);
  await openCardScreen(CLERK);
  await enterPin(cards.hongo.cardId, '2468');
  await expect.poll(() => page.getByRole('alert').textContent()).toBe(sentence);
  await screenshot(page, `${SHOT}-06-outside-hours`);
  await logOut(page);

  // The administrator records the exception arranged with 鳥取県 for identity confirmation.
  await logIn(page, ADMINISTRATOR.login, ADMINISTRATOR.password);
  await page.getByRole('navigation').getByRole('link', { name: '運用時間' }).click();
  await expect.poll(() => heading(page)).toBe('運用時間');
  const form = page.getByRole('form', { name: '取り決めの記録' });
  await form.getByLabel('業務').selectOption({ label: '本人確認' });
  await form.getByLabel('相手の団体コード').fill('310000');
  await expect.poll(() => form.textContent()).toContain('310000 鳥取県');
  const local = (at: Date): string => new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(0, 16);
  await form.getByLabel('開始').fill(local(new Date(saturday.getTime() - 3_600_000)));
  await form.getByLabel('終了').fill(local(new Date(saturday.getTime() + 6 * 3_600_000)));
  await form.getByLabel('理由').fill('災害対応のための休日窓口');
  await form.getByLabel('取り決めた者').fill('鳥取市市民課 田中, 鳥取県市町村課 山本');
  await form.getByRole('button', { name: '記録' }).click();
  const exceptions = page.getByTestId('operating-exceptions');
  await expect.poll(() => exceptions.textContent()).toContain('災害対応のための休日窓口');
  expect(await exceptions.textContent()).toContain('本人確認鳥取県、鳥取県鳥取市');
  await screenshot(page, `${SHOT}-07-exception`);
  await logOut(page);

  // Under the exception the clerk confirms the holder.
  await openCardScreen(CLERK);
  await enterPin(cards.hongo.cardId, '2468');
  await expect.poll(() => page.getByTestId('identity-info').textContent()).toContain(HONGO.name);
  expect(await page.getByTestId('confirmation-expiry').textContent()).toContain('時間外運用の取り決めによる');
  await logOut(page);

  // Withdrawn, it opens nothing any more.
  await logIn(page, ADMINISTRATOR.login, ADMINISTRATOR.password);
  await page.getByRole('navigation').getByRole('link', { name: '運用時間' }).click();
  await page.getByRole('button', { name: '「災害対応のための休日窓口」の取り決めを取り下げ' }).click();
  await expect
    .poll(() => page.getByRole('main').textContent())
    .toContain('実施中・予定の取り決めはありません');
  await logOut(page);
  await openCardScreen(CLERK);
  await enterPin(cards.hongo.cardId, '2468');
  await expect.poll(() => page.getByRole('alert').textContent()).toBe(sentence);
  await logOut(page);
  expect(failures).toEqual([]);
});
