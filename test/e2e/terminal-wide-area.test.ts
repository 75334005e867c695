// 広域交付 on 鳥取市's terminal, in headless Chromium, for a household registered at 文京区: the resident got the card at
// 文京区 (over the API) and carried it to 鳥取市, whose clerk confirms the requester with the card and the PIN, asks for
// the whole household and issues the copy; the PDF (read back with pdftotext) names the members and 鳥取市's
// certification and no 本籍, the fee shows, and today's list adds it up. A card holder of another household is
// refused; on a Saturday the screen says when the common operating hours open. The network (national, 東京都, 鳥取県,
// 文京区, 鳥取市) runs on a clock set inside the window, whatever the real time; the browser's clock follows it.
// Screenshots and the PDF go to test-artifacts/.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createOperatingCalendar, formatJapanDateTime } from '../../src/domain/index.js';
import { currentIdentity } from '../../src/servers/common/identity-history.js';
import {
  connectNodeTerminal,
  logInOperators,
} from '../../src/servers/common/terminal-api/testing/terminal-client.js';
import type { ResidentRecord } from '../../src/servers/municipality/index.js';
import { artifactFilePath } from '../support/browser.js';
import { issueActiveCard, presentCard } from '../support/cards.js';
import { createRunningClock, nextSaturdayMorning, nextWindowMorning } from '../support/clock.js';
import {
  BUNKYO,
  hasFocus,
  heading,
  logIn,
  logOut,
  openTerminalPage,
  screenshot,
  setUpOperators,
  startCounterNetwork,
  TOTTORI,
  type CounterNetwork,
  type TerminalPage,
} from '../support/terminal.js';
import { waitUntil } from '../support/wait.js';

const run = promisify(execFile);
const CLERK = { login: 'madoguchi', name: '窓口 一美', role: '窓口担当', password: 'nashi no hana 2024' };
const SHOT = 'terminal-wide-area';
const HONGO = '東京都文京区本郷二丁目2番2号';
const DOMICILE = { place: '北海道札幌市中央区北一条西二丁目1番地', head: '本郷 一郎' };
const TOTTORI_CERTIFIER = '因幡 一郎';

const morning = nextWindowMorning();
const clock = createRunningClock(morning);
let network: CounterNetwork;
let terminal: TerminalPage;
let operatorsEnrolled: Promise<void> | undefined;
let ichiro: ResidentRecord;
/** The cards of 本郷 一郎 and of 白山 次郎 (another household), now in 鳥取市's reader. */
let cards: Record<'hongo' | 'hakusan', string>;

beforeAll(async () => {
  network = await startCounterNetwork({
    clock,
    municipality: (id) => (id === TOTTORI ? { certifierName: TOTTORI_CERTIFIER } : {}),
  });
  const { bunkyo, national } = network;

  // 文京区 records a household of two with 本籍 and, apart, 白山 次郎; the national server learns of them.
  const records = await bunkyo.module.register.recordOfficialEntries([
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
      name: '白山 次郎',
      nameKana: 'ハクサン ジロウ',
      birthDate: '1990-07-07',
      sex: 'male',
      address: '東京都文京区白山一丁目1番1号',
      household: { create: 'h-hakusan' },
    },
  ]);
  ichiro = records[0]!;
  await waitUntil('the national server holds the residents of 文京区', async () => {
    for (const record of records) {
      if ((await currentIdentity(national.context.store.db, record.residentCode)) === undefined) return false;
    }
    return true;
  });

  // Their cards are issued at 文京区 (its clerk and examiner over the API) and carried to 鳥取市.
  const atBunkyo = await logInOperators(await connectNodeTerminal(bunkyo, network.configOf(BUNKYO)), [
    { loginName: 'madoguchi', displayName: '窓口 太郎', role: 'counter-clerk' },
    { loginName: 'shinsa', displayName: '審査 次郎', role: 'examiner' },
  ]);
  const staff = { clerk: atBunkyo.get('madoguchi')!, examiner: atBunkyo.get('shinsa')! };
  const carried = async (record: ResidentRecord, pin: string): Promise<string> => {
    const card = await issueActiveCard(bunkyo, staff, record.id, pin);
    await presentCard(bunkyo.module.cardIssuer!.cardPath(card.cardId!), network.readerOf(TOTTORI));
    return card.cardId!;
  };
  cards = { hongo: await carried(ichiro, '2468'), hakusan: await carried(records[2]!, '1357') };

  // 鳥取市's terminal in the browser, whose clock shows the network's day.
  terminal = await openTerminalPage(network.browser);
  await terminal.context.clock.setFixedTime(clock.now());
}, 180_000);

afterAll(async () => {
  await network?.stop();
});

/**
 * Logs the clerk in at 鳥取市 and opens 広域交付 from ホーム; the administrator enrols the clerk first, in whichever test
 * comes first (the browser's steps wait inside a test).
 */
async function openWideArea(): Promise<void> {
  const { page } = terminal;
  operatorsEnrolled ??= setUpOperators(network.terminalOf(TOTTORI), page, [CLERK]);
  await operatorsEnrolled;
  await logIn(page, CLERK.login, CLERK.password);
  await page.getByTestId('home-work').getByRole('link', { name: '広域交付' }).click();
  await expect.poll(() => heading(page)).toBe('広域交付');
}

/** Picks the card in the reader; the PIN field takes the focus and the resident types the PIN. */
async function confirmWithCard(cardId: string, pin: string): Promise<void> {
  const { page } = terminal;
  await expect.poll(() => page.getByTestId('reader-cards').getByRole('row').count()).toBe(3);
  await page.getByRole('button', { name: cardId, exact: true }).click();
  const field = page.getByRole('form', { name: `暗証番号の入力（カード ${cardId}）` }).getByLabel('暗証番号');
  await expect.poll(() => hasFocus(field)).toBe(true);
  await page.keyboard.type(pin);
  await page.keyboard.press('Enter');
}

it('issues at 鳥取市 a copy of a 文京区 household to the card holder, certified by 鳥取市 without 本籍, and charges the fee', async () => {
  const { page, failures } = terminal;
  await openWideArea();
  await expect.poll(() => page.getByRole('main').textContent()).toContain('本日の広域交付はまだありません。');

  // The requester shows the card and types the PIN; the person's code is the holder's until the clerk changes it.
  await confirmWithCard(cards.hongo, '2468');
  const holder = page.getByTestId('card-holder');
  await expect.poll(() => holder.textContent()).toContain('本郷 一郎');
  expect(await holder.textContent()).toContain(`住民票コード${ichiro.residentCode}`);
  expect(await holder.textContent()).toContain('東京都文京区発行');
  const form = page.getByRole('form', { name: '交付の内容' });
  const code = form.getByRole('textbox', { name: '住民票コード（必須）' });
  await expect.poll(() => hasFocus(code)).toBe(true);
  expect(await code.inputValue()).toBe(ichiro.residentCode);
  expect(await form.getByLabel('世帯全員').isChecked()).toBe(true);
  await form.getByLabel('続柄', { exact: true }).check();
  await screenshot(page, `${SHOT}-01-request`);

  await form.getByRole('button', { name: '交付', exact: true }).click();
  await expect.poll(() => page.getByTestId('wide-area-fee').textContent()).toBe('手数料 300円');
  expect(await form.getByRole('status').textContent()).toBe('広域交付の住民票の写しを交付しました（1枚）');
  const copies = page.getByTestId('wide-area-copies');
  await expect.poll(() => copies.getByRole('row').count()).toBe(2);
  expect(await page.getByTestId('wide-area-total').textContent()).toBe('本日の交付 1件、手数料合計 300円');
  expect(await copies.getByRole('row').nth(1).textContent()).toMatch(
    new RegExp(`東京都文京区${ichiro.residentCode}2人住基カード1300円$`),
  );
  await screenshot(page, `${SHOT}-02-issued`);

  // The PDF: both members, 鳥取市's certification and the 第12条の4 line; no 本籍 or 筆頭者.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('wide-area-pdf').click(),
  ]);
  const pdfPath = await artifactFilePath(`${SHOT}-copy.pdf`);
  await download.saveAs(pdfPath);
  const { stdout: pdf } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', pdfPath, '-']);
  for (const expected of [
    '住民票の写し',
    '本郷 一郎',
    '本郷 花子',
    '妻',
    HONGO,
    '鳥取県鳥取市長',
    TOTTORI_CERTIFIER,
    'この写しは、住民基本台帳法第12条の4の規定により交付したものです。（住所地：東京都文京区）',
  ]) {
    expect(pdf).toContain(expected);
  }
  for (const absent of ['本籍', '筆頭者', DOMICILE.place, '東京都文京区長']) {
    expect(pdf).not.toContain(absent);
  }
  await logOut(page);
  expect(failures).toEqual([]);
});

it('refuses the household’s copy to the holder of a card of another household', async () => {
  const { page, failures } = terminal;
  await openWideArea();
  await confirmWithCard(cards.hakusan, '1357');
  await expect.poll(() => page.getByTestId('card-holder').textContent()).toContain('白山 次郎');
  const form = page.getByRole('form', { name: '交付の内容' });
  await form.getByRole('textbox', { name: '住民票コード（必須）' }).fill(ichiro.residentCode);
  await form.getByRole('button', { name: '交付', exact: true }).click();
  await expect
    .poll(() => form.getByRole('alert').textContent())
    .toBe(
      '請求者（カードの本人）はこの住民の世帯に属していません。広域交付は本人または同一世帯の者に限ります',
    );
  expect(await page.getByTestId('wide-area-fee').count()).toBe(0);
  await expect
    .poll(() => page.getByTestId('wide-area-total').textContent())
    .toBe('本日の交付 1件、手数料合計 300円');
  await screenshot(page, `${SHOT}-03-not-of-the-household`);
  await logOut(page);
  expect(failures).toEqual([]);
});

it('on a Saturday refuses the copy and says when the common operating hours open', async () => {
  const { page, context, failures } = terminal;
  // Days later every session has lapsed; the clerk logs in again (the test before logged out).
  const saturday = nextSaturdayMorning(morning);
  clock.set(saturday);
  await context.clock.setFixedTime(saturday);
  const opening = formatJapanDateTime(createOperatingCalendar({}).nextOpening(saturday));

  await openWideArea();
  await expect.poll(() => page.getByRole('main').textContent()).toContain('本日の広域交付はまだありません。');
  // A card cannot be confirmed across the network now either: the requester shows a driving licence.
  await page.getByLabel('官公署発行の写真付き証明書').check();
  await page.getByLabel('書類の種類').selectOption({ label: '運転免許証' });
  await page.getByLabel('書類の番号').fill('301234567890');
  const form = page.getByRole('form', { name: '交付の内容' });
  await form.getByRole('textbox', { name: '住民票コード（必須）' }).fill(ichiro.residentCode);
  await form.getByLabel('本人のみ').check();
  await form.getByRole('button', { name: '交付', exact: true }).click();
  await expect
    .poll(() => form.getByRole('alert').textContent())
    .toBe(`共通運用時間帯外です。次の受付開始は ${opening} です。`);
  expect(await page.getByTestId('wide-area-fee').count()).toBe(0);
  await screenshot(page, `${SHOT}-04-outside-hours`);
  await logOut(page);
  expect(failures).toEqual([]);
});
