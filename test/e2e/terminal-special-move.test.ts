// The one-visit move (転入転出の特例) on the terminals of 文京区 and 鳥取市, in headless Chromium: at 文京区 the clerk
// enters the 付記転出届 mailed by a card holder for himself and his wife (a resident without a card is refused as the
// clerk types), and the examiner confirms it; the resident carries the card to 鳥取市, where the clerk confirms it with
// the PIN, fetches the 転出証明書情報 from 文京区, enters the 特例転入届 from it, and the examiner confirms it. Then
// 文京区's records become 除票 and its card record says the card was taken over, the national server holds the
// household at 鳥取市, and the card, 鳥取市's now, still confirms the holder at 鳥取市's counter with the new address.
// 春日 明, whose card came along without a notice naming 鳥取市, is refused the 転出証明書情報. The network (national,
// 東京都, 鳥取県, 文京区, 鳥取市) runs on a clock inside the common operating hours; the browser's clock follows it.
// Screenshots go to test-artifacts/.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, formatWareki, japanDateOf } from '../../src/domain/index.js';
import { currentIdentity } from '../../src/servers/common/identity-history.js';
import type { ResidentRecord } from '../../src/servers/municipality/index.js';
import { issueActiveCard, presentCard } from '../support/cards.js';
import { createRunningClock, nextWindowMorning } from '../support/clock.js';
import {
  ADMINISTRATOR,
  BUNKYO,
  confirmPending,
  enrolApiOperators,
  hasFocus,
  heading,
  logIn,
  logOut,
  openRecord,
  openTerminalPage,
  screenshot,
  sectionHeading,
  setUpOperators,
  startCounterNetwork,
  TOTTORI,
  type CounterNetwork,
  type TerminalPage,
} from '../support/terminal.js';
import { waitUntil } from '../support/wait.js';

const CLERK = { login: 'madoguchi', name: '窓口 太郎', role: '窓口担当', password: 'tsukimi dango 2024' };
const EXAMINER = { login: 'shinsa', name: '審査 次郎', role: '審査担当', password: 'momiji gari 2024 aki' };
const SHOT = 'terminal-special-move';
const HONGO = '東京都文京区本郷二丁目2番2号';
const DOMICILE = { place: '東京都文京区本郷二丁目2番', head: '本郷 一郎' };
const NEW_HOME = '鳥取県鳥取市東町一丁目220番地';

const clock = createRunningClock(nextWindowMorning());
let network: CounterNetwork;
let records: Record<'ichiro' | 'hanako' | 'akira', ResidentRecord>;
/** 文京区's operators over the API who issue cards quickly; enrolled by the first test, used by the later ones. */
let cardStaff: Parameters<typeof issueActiveCard>[1] | undefined;

beforeAll(async () => {
  network = await startCounterNetwork({ clock });
  const [ichiro, hanako, akira] = await network.bunkyo.module.register.recordOfficialEntries([
    {
      name: '本郷 一郎',
      nameKana: 'ホンゴウ イチロウ',
      birthDate: '1983-02-01',
      sex: 'male',
      address: HONGO,
      household: { create: 'h-hongo' },
      domicile: DOMICILE,
    },
    {
      name: '本郷 花子',
      nameKana: 'ホンゴウ ハナコ',
      birthDate: '1985-06-15',
      sex: 'female',
      address: HONGO,
      household: { join: 'h-hongo' },
      relationship: '妻',
      domicile: DOMICILE,
    },
    {
      name: '春日 明',
      nameKana: 'カスガ アキラ',
      birthDate: '1990-05-05',
      sex: 'male',
      address: '東京都文京区春日一丁目1番1号',
      household: { create: 'h-kasuga' },
    },
  ]);
  records = { ichiro: ichiro!, hanako: hanako!, akira: akira! };
  await waitUntil('the national server holds the residents of 文京区', async () => {
    for (const record of Object.values(records)) {
      const held = await currentIdentity(network.national.context.store.db, record.residentCode);
      if (held?.lgCode !== '131059') return false;
    }
    return true;
  });
}, 180_000);

afterAll(async () => {
  await network?.stop();
});

/** A page of its own (its own cookies and keys) for one municipality's terminal, on the network's day. */
async function openPage(): Promise<TerminalPage> {
  const opened = await openTerminalPage(network.browser);
  await opened.context.clock.setFixedTime(clock.now());
  return opened;
}

/** The text of the help under the input labelled `label` in `page`'s form `form`. */
async function helpOf(page: Page, form: string, label: string): Promise<string> {
  const field = page.getByRole('form', { name: form }).getByLabel(label);
  const id = ((await field.getAttribute('aria-describedby')) ?? '')
    .split(' ')
    .find((part) => part.endsWith('-help'));
  return id === undefined ? '' : ((await page.locator(`[id="${id}"]`).textContent()) ?? '');
}

it('moves a 文京区 household to 鳥取市 with one visit, entered and confirmed on both terminals', async () => {
  const today = japanDateOf(clock.now());
  const { ichiro, hanako } = records;

  // 文京区: the administrator enrols a clerk and an examiner in the browser, and two more who issue 本郷 一郎's card
  // over the API (the card screens have their own test).
  const atBunkyo = await openPage();
  let page = atBunkyo.page;
  await setUpOperators(network.terminalOf(BUNKYO), page, [CLERK, EXAMINER]);
  await logIn(page, ADMINISTRATOR.login, ADMINISTRATOR.password);
  const api = await enrolApiOperators(page, network.terminalOf(BUNKYO), [
    { loginName: 'card-madoguchi', displayName: '窓口 三郎', role: 'counter-clerk' },
    { loginName: 'card-shinsa', displayName: '審査 四郎', role: 'examiner' },
  ]);
  await logOut(page);
  cardStaff = { clerk: api.get('card-madoguchi')!, examiner: api.get('card-shinsa')! };
  const cardId = (await issueActiveCard(network.bunkyo, cardStaff, ichiro.id, '2468')).cardId!;

  // A 付記転出届 for 春日 明, who holds no card, is refused as soon as the form is complete.
  await logIn(page, CLERK.login, CLERK.password);
  await openRecord(page, '春日 明');
  await page.getByRole('button', { name: '付記転出', exact: true }).click();
  let form = page.getByRole('form', { name: '付記転出届' });
  await form.getByLabel('転出予定年月日').fill(today);
  await form.getByLabel('転出先の団体コード').fill('312011');
  await form.getByLabel('転出先の住所').fill('鳥取県鳥取市栄町100番地');
  await expect
    .poll(() => form.getByTestId('check-result').textContent())
    .toBe(
      'この住民は有効な住基カードを持っていません。付記転出届には交付済みで有効期限内の住基カードが必要です',
    );
  await screenshot(page, `${SHOT}-01-no-card`);
  await form.getByRole('button', { name: '住民票照会に戻る' }).click();

  // 本郷 一郎's notice: the planned date, 鳥取市 by its code (named as typed), the address, and his wife moving along.
  await openRecord(page, '本郷 一郎');
  await page.getByRole('button', { name: '付記転出', exact: true }).click();
  form = page.getByRole('form', { name: '付記転出届' });
  const planned = form.getByLabel('転出予定年月日');
  await expect.poll(() => hasFocus(planned)).toBe(true);
  await page.keyboard.type(today);
  await form.getByLabel('転出先の団体コード').fill('31201');
  await expect
    .poll(() => helpOf(page, '付記転出届', '転出先の団体コード'))
    .toMatch(/^6桁の全国地方公共団体コード/);
  await form.getByLabel('転出先の団体コード').fill('312011');
  await expect.poll(() => helpOf(page, '付記転出届', '転出先の団体コード')).toBe('転出先: 鳥取県鳥取市');
  await form.getByLabel('転出先の住所').fill(NEW_HOME);
  await form.getByLabel('本郷 花子（妻）').check();
  await expect.poll(() => form.getByTestId('check-result').textContent()).toBe('台帳との照合: 受付できます');
  await screenshot(page, `${SHOT}-02-move-out-notice`);
  await form.getByRole('button', { name: '受付', exact: true }).click();
  await expect.poll(() => sectionHeading(page)).toBe('付記転出届を受け付けました');
  const entered = (await page.getByTestId('notification-details').textContent()) ?? '';
  expect(entered).toContain(`転出予定年月日${today}`);
  expect(entered).toContain(`転出先鳥取県鳥取市（312011） ${NEW_HOME}`);
  expect(entered).toContain('同時に転出する世帯員本郷 花子');
  await logOut(page);

  // The examiner confirms it; the records show the planned move-out and stay open.
  await logIn(page, EXAMINER.login, EXAMINER.password);
  await confirmPending(page, '付記転出届', { subject: '本郷 一郎' });
  expect(await page.getByTestId('notification-details').textContent()).toContain(
    '同時に転出する世帯員本郷 花子',
  );
  expect(await page.getByTestId('notification-results').textContent()).toMatch(
    /本郷 一郎.*現存.*本郷 花子.*現存/,
  );
  await openRecord(page, '本郷 花子');
  expect(await page.getByTestId('planned-move-out').textContent()).toBe(
    `${formatWareki(today)} 鳥取県鳥取市へ（${NEW_HOME}）`,
  );
  await screenshot(page, `${SHOT}-03-planned`);
  await logOut(page);

  // The resident takes the card to 鳥取市.
  await presentCard(network.bunkyo.module.cardIssuer!.cardPath(cardId), network.readerOf(TOTTORI));

  // 鳥取市: the clerk starts the 特例転入届 with the card and the PIN, then fetches the 転出証明書情報.
  const atTottori = await openPage();
  page = atTottori.page;
  await setUpOperators(network.terminalOf(TOTTORI), page, [CLERK, EXAMINER]);
  await logIn(page, CLERK.login, CLERK.password);
  await page.getByRole('navigation').getByRole('link', { name: '届出' }).click();
  await page.getByRole('button', { name: '特例転入届', exact: true }).click();
  await expect.poll(() => sectionHeading(page)).toBe('特例転入: カードによる本人確認');
  await expect.poll(() => page.getByTestId('reader-cards').getByRole('row').count()).toBe(2);
  await page.getByRole('button', { name: cardId, exact: true }).click();
  const pin = page.getByRole('form', { name: `暗証番号の入力（カード ${cardId}）` }).getByLabel('暗証番号');
  await expect.poll(() => hasFocus(pin)).toBe(true);
  await page.keyboard.type('2468');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId('card-holder').textContent()).toContain('本郷 一郎');
  await expect.poll(() => hasFocus(page.getByRole('button', { name: '転出証明書情報を取得' }))).toBe(true);
  await page.keyboard.press('Enter');
  const outInfo = page.getByTestId('out-info');
  await expect.poll(() => outInfo.textContent()).toContain('転出元東京都文京区');
  const facts = (await outInfo.textContent()) ?? '';
  for (const item of [
    `転出元の住所${HONGO}`,
    '世帯主本郷 一郎',
    `転出先（届出）鳥取県鳥取市 ${NEW_HOME}`,
    `転出予定年月日${formatWareki(today)}`,
    `特例による転入の期限${formatWareki(addDays(today, 30))}`,
  ]) {
    expect(facts).toContain(item);
  }
  const persons = outInfo.getByTestId('out-info-persons').getByRole('row');
  expect(await persons.nth(1).textContent()).toBe(
    `本郷 一郎（ホンゴウ イチロウ）${formatWareki('1983-02-01')}男世帯主${DOMICILE.place}（筆頭者 ${DOMICILE.head}）${ichiro.residentCode}`,
  );
  expect(await persons.nth(2).textContent()).toContain(`本郷 花子（ホンゴウ ハナコ）`);
  expect(await persons.nth(2).textContent()).toContain(`妻${DOMICILE.place}`);

  // The move-in from it: the address the notice declared, a new household he heads, his wife's 続柄 kept.
  form = page.getByRole('form', { name: '特例転入届' });
  expect(await form.getByLabel('転入先の住所').inputValue()).toBe(NEW_HOME);
  expect(await form.getByLabel(/^新しい世帯を設ける/).isChecked()).toBe(true);
  expect(await form.getByLabel('本郷 花子 の続柄').inputValue()).toBe('妻');
  await form.getByLabel('転入日（異動日）').fill(today);
  await expect.poll(() => form.getByTestId('check-result').textContent()).toBe('台帳との照合: 受付できます');
  await screenshot(page, `${SHOT}-04-move-in`);
  await form.getByRole('button', { name: '受付', exact: true }).click();
  await expect.poll(() => page.getByTestId('notification-entered').count()).toBe(1);
  expect(
    await page.getByTestId('notification-entered').getByRole('heading', { level: 2 }).textContent(),
  ).toBe('特例転入届を受け付けました');
  await logOut(page);

  // The examiner reads the 転出証明書情報 with the 届出 and confirms it: both open records at 鳥取市.
  await logIn(page, EXAMINER.login, EXAMINER.password);
  await confirmPending(page, '特例転入届');
  const decided = page.getByTestId('notification-details');
  expect(await decided.textContent()).toContain(`転入日（異動日）${today}`);
  expect(await decided.textContent()).toContain('転出証明書情報東京都文京区から受信');
  expect(await page.getByTestId('out-info').textContent()).toContain('本郷 花子');
  const results = page.getByTestId('notification-results');
  expect(await results.textContent()).toContain(`本郷 一郎${ichiro.residentCode}1983-02-01${NEW_HOME}現存`);
  expect(await results.textContent()).toContain(`本郷 花子${hanako.residentCode}1985-06-15${NEW_HOME}現存`);
  await screenshot(page, `${SHOT}-05-move-in-confirmed`);
  await logOut(page);

  // The 転入通知 closes both records at 文京区; the national server holds them at 鳥取市 with the same codes.
  await waitUntil('文京区 closes the records on the 転入通知', async () => {
    for (const record of [ichiro, hanako]) {
      if ((await network.bunkyo.module.register.getResident(record.id))?.closed !== true) return false;
    }
    return true;
  });
  await waitUntil('the national server holds the household at 鳥取市', async () => {
    for (const record of [ichiro, hanako]) {
      const held = await currentIdentity(network.national.context.store.db, record.residentCode);
      if (held?.lgCode !== '312011') return false;
    }
    return true;
  });
  for (const record of [ichiro, hanako]) {
    expect(await currentIdentity(network.national.context.store.db, record.residentCode)).toMatchObject({
      lgCode: '312011',
      closed: false,
      info: { address: NEW_HOME },
    });
  }

  // At 文京区 the record is a 除票, and its card record says the card went with him: no step is offered for it.
  page = atBunkyo.page;
  await logIn(page, CLERK.login, CLERK.password);
  await openRecord(page, '本郷 一郎', { includeClosed: true });
  await expect.poll(() => sectionHeading(page)).toBe('住民票照会（除票）');
  const leftPanel = page.getByTestId('card-panel');
  await expect.poll(() => leftPanel.getByTestId('card-state').textContent()).toBe('転出により引継ぎ済み');
  expect(await leftPanel.getByTestId('card-applications').getByRole('button').count()).toBe(0);
  await screenshot(page, `${SHOT}-06-closed-at-bunkyo`);
  await logOut(page);

  // At 鳥取市 the card is taken over (引継ぎ), and confirms its holder at the new address.
  page = atTottori.page;
  await logIn(page, CLERK.login, CLERK.password);
  await openRecord(page, '本郷 一郎');
  const takenPanel = page.getByTestId('card-panel');
  await expect.poll(() => takenPanel.getByTestId('card-state').textContent()).toBe('交付済み（有効）');
  const takenRow =
    (await takenPanel.getByTestId('card-applications').getByRole('row').nth(1).textContent()) ?? '';
  expect(takenRow).toContain('引継ぎ（転入）（東京都文京区発行）');
  expect(await takenPanel.getByRole('button', { name: '一時停止', exact: true }).count()).toBe(1);
  // 鳥取市 speaks for the card now: it may suspend it, and take it back when it is presented at its reader.
  expect(await takenPanel.getByRole('button', { name: '返納', exact: true }).count()).toBe(1);
  await page.getByRole('navigation').getByRole('link', { name: '本人確認（カード）' }).click();
  await expect.poll(() => heading(page)).toBe('本人確認（カード）');
  await page.getByRole('button', { name: cardId, exact: true }).click();
  await expect.poll(() => hasFocus(page.getByRole('textbox', { name: '暗証番号（必須）' }))).toBe(true);
  await page.keyboard.type('2468');
  await page.keyboard.press('Enter');
  const identity = page.getByTestId('identity-info');
  await expect.poll(() => identity.textContent()).toContain(`住所${NEW_HOME}`);
  expect(await identity.textContent()).toContain('異動事由転入');
  expect(await page.getByTestId('confirmation-expiry').textContent()).toContain('当市区町村の住民');
  await screenshot(page, `${SHOT}-07-card-at-tottori`);
  await logOut(page);

  // 春日 明 gets a card at 文京区 but files no 付記転出届: at 鳥取市 his card is confirmed, and 文京区 answers that no
  // notice names 鳥取市.
  const akiraCard = (await issueActiveCard(network.bunkyo, cardStaff, records.akira.id, '1357')).cardId!;
  await presentCard(network.bunkyo.module.cardIssuer!.cardPath(akiraCard), network.readerOf(TOTTORI));
  await logIn(page, CLERK.login, CLERK.password);
  await page.getByRole('navigation').getByRole('link', { name: '届出' }).click();
  await page.getByRole('button', { name: '特例転入届', exact: true }).click();
  await expect.poll(() => page.getByTestId('reader-cards').getByRole('row').count()).toBe(3);
  await page.getByRole('button', { name: akiraCard, exact: true }).click();
  await expect.poll(() => hasFocus(page.getByRole('textbox', { name: '暗証番号（必須）' }))).toBe(true);
  await page.keyboard.type('1357');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId('card-holder').textContent()).toContain('春日 明');
  await page.getByRole('button', { name: '転出証明書情報を取得' }).click();
  await expect
    .poll(() => page.getByRole('alert').textContent())
    .toBe(
      '転出元の市区町村に、当市区町村を転出先とする決裁済みの付記転出届がありません（転出先が違うか、届出がありません）',
    );
  expect(await page.getByRole('form', { name: '特例転入届' }).count()).toBe(0);
  await screenshot(page, `${SHOT}-08-no-notice`);
  await logOut(page);

  expect(atBunkyo.failures).toEqual([]);
  expect(atTottori.failures).toEqual([]);
  await atBunkyo.context.close();
  await atTottori.context.close();
}, 240_000);

it('takes a 付記転出届 online on the residents’ page with the card and its PIN, pending for the examiner', async () => {
  // After the first test, which enrolled 文京区's operators.
  expect(cardStaff, 'the first test enrols the card staff').toBeDefined();
  const [resident] = await network.bunkyo.module.register.recordOfficialEntries([
    {
      name: '小石川 和子',
      nameKana: 'コイシカワ カズコ',
      birthDate: '1978-11-03',
      sex: 'female',
      address: '東京都文京区小石川一丁目1番1号',
      household: { create: 'h-koishikawa' },
    },
  ]);
  const cardId = (await issueActiveCard(network.bunkyo, cardStaff!, resident!.id, '8080')).cardId!;
  const today = japanDateOf(clock.now());

  // The resident, with no operator's login, opens the page on 文京区's terminal.
  const { page, context, failures } = await openPage();
  await page.goto(`${network.bunkyo.terminalUrl.replace(/\/$/, '')}/resident/move-out`);
  await expect.poll(() => heading(page)).toBe('付記転出届（住民基本台帳カードによるオンライン届出）');
  await page.getByLabel('カード番号').fill(cardId);
  await page.getByLabel('暗証番号（4桁）').fill('1111');
  await page.getByLabel('転出予定日').fill(today);
  await page.getByLabel('転出先の団体コード').fill('312011');
  expect(await page.getByText('鳥取県鳥取市').count()).toBeGreaterThan(0);
  await page.getByLabel('転出先の住所').fill(NEW_HOME);
  await page.getByRole('button', { name: '届け出る' }).click();
  // A wrong PIN: refused, nothing entered, the PIN field emptied for another try.
  await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('暗証番号');
  expect(await page.getByLabel('暗証番号（4桁）').inputValue()).toBe('');
  await screenshot(page, `${SHOT}-09-online-wrong-pin`);
  await page.getByLabel('暗証番号（4桁）').fill('8080');
  await page.getByRole('button', { name: '届け出る' }).click();
  await expect
    .poll(() => page.getByRole('status').first().textContent())
    .toContain('付記転出届を受け付けました');
  await screenshot(page, `${SHOT}-10-online-received`);

  // Entered pending by the online route, for 文京区's examiner.
  const pending = await cardStaff!.examiner.call('GET', '/api/notifications?status=pending');
  const notifications = (pending.body['notifications'] ?? []) as {
    kind: string;
    enteredBy: { id: string };
    residentId: string | null;
  }[];
  expect(notifications).toContainEqual(
    expect.objectContaining({
      kind: 'special-move-out',
      enteredBy: expect.objectContaining({ id: 'resident-online' }) as unknown,
      residentId: resident!.id,
    }),
  );
  expect(failures).toEqual([]);
  await context.close();
}, 120_000);
