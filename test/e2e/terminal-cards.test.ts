// 住基カード on 住民票照会, in headless Chromium against a real national, 東京都 and 文京区 (with its card issuer) over
// mTLS: the 窓口担当 takes the application, the 審査担当 registers, personalises and issues the 交付通知書 (read back
// from its PDF with pdftotext), the clerk hands the card over against the notice number printed on it and the
// resident sets the PIN, typed twice; then a report of loss suspends the card, the examiner lifts the suspension,
// the clerk takes the card back and files a re-issuance. Screenshots and the notice go to test-artifacts/.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { artifactFilePath } from '../support/browser.js';
import {
  logIn,
  logOut,
  messageOf,
  openRecord,
  openTerminalPage,
  screenshot,
  setUpOperators,
  startTerminalNetwork,
  type TerminalNetwork,
} from '../support/terminal.js';

const run = promisify(execFile);
const CLERK = { login: 'madoguchi', name: '窓口 太郎', role: '窓口担当', password: 'tsukimi dango 2024' };
const EXAMINER = { login: 'shinsa', name: '審査 次郎', role: '審査担当', password: 'momiji gari 2024 aki' };
const HONGO = { name: '本郷 一郎', address: '東京都文京区本郷二丁目2番2号' };
const SHOT = 'terminal-cards';

let network: TerminalNetwork;

beforeAll(async () => {
  network = await startTerminalNetwork('cards', { cards: true });
});

afterAll(async () => {
  await network?.stop();
});

/** Logs `operator` in and opens 本郷 一郎's record; answers the record's 住基カード panel. */
async function openCardsOf(page: Page, operator: { login: string; password: string }): Promise<Locator> {
  await logIn(page, operator.login, operator.password);
  await openRecord(page, HONGO.name);
  const panel = page.getByTestId('card-panel');
  await panel.getByRole('heading', { name: '住基カード' }).waitFor();
  return panel;
}

/** The state of the newest application, as the panel shows it once it settles on `expected`. */
async function expectState(panel: Locator, expected: string): Promise<void> {
  await expect.poll(() => panel.getByTestId('card-state').first().textContent()).toBe(expected);
}

/** Fills the identity check of `form` as the clerk records it from a driving licence. */
async function checkIdentity(form: Locator): Promise<void> {
  await form.getByLabel('本人確認の方法').selectOption({ label: '写真付き本人確認書類（1点）' });
  await form.getByLabel('確認書類').fill('運転免許証');
  await form.getByLabel('書類の番号').fill('301234567890');
}

it('issues a card through the clerk and the examiner, and the resident sets the PIN at handover', async () => {
  await network.municipality.module.register.recordOfficialEntries([
    {
      name: HONGO.name,
      nameKana: 'ホンゴウ イチロウ',
      birthDate: '1983-02-01',
      sex: 'male',
      address: HONGO.address,
      household: { create: 'h-hongo' },
    },
  ]);
  const { context, page, failures } = await openTerminalPage(network.browser);
  await setUpOperators(network, page, [CLERK, EXAMINER]);

  // The clerk takes the application: the B face, the identity checked on a driving licence. Sent without the
  // document, the form says what is missing.
  let panel = await openCardsOf(page, CLERK);
  // The panel's heading comes before its list: wait for the list to say there is none.
  await expect.poll(() => panel.textContent()).toContain('住基カードの申請はありません');
  await panel.getByRole('button', { name: '交付申請', exact: true }).click();
  const application = page.getByRole('form', { name: '住基カードの交付申請' });
  expect(await application.getByLabel(/^A様式/).isChecked()).toBe(true);
  expect(await application.textContent()).toContain(
    'B様式（写真付き）: 氏名・住所・生年月日・性別と顔写真を表示',
  );
  await application.getByLabel(/^B様式/).check();
  await application.getByRole('button', { name: '申請', exact: true }).click();
  await expect.poll(() => messageOf(application.getByLabel('確認書類'))).toBe('入力してください');
  await checkIdentity(application);
  await expect.poll(() => messageOf(application.getByLabel('確認書類'))).toBe('');
  await screenshot(page, `${SHOT}-01-application`);
  await application.getByLabel('書類の番号').press('Enter');
  await expectState(panel, '申請受付');
  expect(await panel.getByRole('status').textContent()).toBe('交付申請を受け付けました');
  expect(await panel.getByTestId('card-applications').textContent()).toContain('B様式');
  // Registration is the examiner's: the clerk has no button for it.
  expect(await panel.getByRole('button', { name: '登録', exact: true }).count()).toBe(0);
  await screenshot(page, `${SHOT}-02-applied`);
  await logOut(page);

  // The examiner registers, personalises and issues the 交付通知書.
  panel = await openCardsOf(page, EXAMINER);
  for (const [button, state] of [
    ['登録', '登録済み（作成待ち）'],
    ['作成', '作成済み（通知書未発行）'],
    ['交付通知書を発行', '交付通知済み（交付待ち）'],
  ] as const) {
    await panel.getByRole('button', { name: button, exact: true }).click();
    await expectState(panel, state);
  }
  expect(await panel.getByRole('button', { name: '交付', exact: true }).count()).toBe(0);
  await screenshot(page, `${SHOT}-03-notice-issued`);

  // The notice: the resident's name and address, and the notice number, printed only there.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByTestId('card-notice-pdf').click(),
  ]);
  const pdfPath = await artifactFilePath(`${SHOT}-notice.pdf`);
  await download.saveAs(pdfPath);
  const { stdout: notice } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', pdfPath, '-']);
  expect(notice).toContain('住民基本台帳カード交付通知書');
  expect(notice).toContain(HONGO.name);
  expect(notice).toContain(HONGO.address);
  expect(notice).toContain('B様式');
  const noticeNumber = /通知番号\s+(\d{12})/.exec(notice)?.[1];
  expect(noticeNumber, notice).toBeDefined();
  expect(await page.getByRole('main').textContent()).not.toContain(noticeNumber);
  await logOut(page);

  // The resident brings the notice: the clerk hands the card over against its number, the identity checked again.
  panel = await openCardsOf(page, CLERK);
  await panel.getByRole('button', { name: '交付', exact: true }).click();
  const handover = page.getByRole('form', { name: '交付', exact: true });
  await handover.getByLabel('通知番号').fill('123456789012');
  await checkIdentity(handover);
  await handover.getByLabel('書類の番号').press('Enter');
  await expect
    .poll(() => panel.getByRole('alert').textContent())
    .toBe('通知番号が一致しません。交付通知書の通知番号を確かめてください');
  await handover.getByLabel('通知番号').fill(noticeNumber!);
  await handover.getByLabel('通知番号').press('Enter');
  await expectState(panel, '交付済み（暗証番号未設定）');

  // The PIN form opens at once; the resident types the PIN twice, checked as it is typed.
  const pinForm = page.getByRole('form', { name: '暗証番号設定' });
  const pin = pinForm.getByLabel('暗証番号（4桁）');
  const repeat = pinForm.getByLabel('暗証番号（確認）');
  expect(await pin.getAttribute('type')).toBe('password');
  await pin.fill('24a');
  await expect.poll(() => messageOf(pin)).toBe('暗証番号は4桁の数字で入力してください');
  await pin.fill('2468');
  await expect.poll(() => messageOf(pin)).toBe('');
  await repeat.fill('2469');
  await expect.poll(() => messageOf(repeat)).toBe('暗証番号が一致しません');
  await screenshot(page, `${SHOT}-04-pin-mismatch`);
  await repeat.fill('2468');
  await expect.poll(() => messageOf(repeat)).toBe('');
  await repeat.press('Enter');
  await expectState(panel, '交付済み（有効）');
  expect(await panel.getByRole('status').textContent()).toBe('暗証番号を設定しました。カードは有効です');
  expect(await panel.getByTestId('card-applications').textContent()).toMatch(/令和\d+年\d+月\d+日/);
  await screenshot(page, `${SHOT}-05-active`);

  // Reported lost: the clerk suspends the card; lifting is the examiner's, so the clerk is offered a re-issuance.
  await panel.getByRole('button', { name: '一時停止', exact: true }).click();
  const suspension = page.getByRole('form', { name: '一時停止', exact: true });
  expect(await suspension.getByLabel('紛失').isChecked()).toBe(true);
  await suspension.getByRole('button', { name: '一時停止', exact: true }).click();
  await expectState(panel, '一時停止中');
  expect(await panel.getByRole('button', { name: '一時停止の解除' }).count()).toBe(0);
  expect(await panel.getByRole('button', { name: '再交付申請' }).count()).toBe(1);
  await screenshot(page, `${SHOT}-06-suspended`);
  await logOut(page);

  // Found again: the examiner lifts the suspension after checking the holder's identity.
  panel = await openCardsOf(page, EXAMINER);
  await panel.getByRole('button', { name: '一時停止の解除', exact: true }).click();
  const lift = page.getByRole('form', { name: '一時停止の解除' });
  await checkIdentity(lift);
  await lift.getByRole('button', { name: '解除', exact: true }).click();
  await expectState(panel, '交付済み（有効）');
  await logOut(page);

  // The resident gives the card back; the clerk takes it and later files a re-issuance.
  panel = await openCardsOf(page, CLERK);
  await panel.getByRole('button', { name: '返納', exact: true }).click();
  await page.getByRole('form', { name: '返納' }).getByRole('button', { name: '返納を受け付ける' }).click();
  await expectState(panel, '返納済み');
  await panel.getByRole('button', { name: '再交付申請', exact: true }).click();
  const reissue = page.getByRole('form', { name: '住基カードの再交付申請' });
  await checkIdentity(reissue);
  await reissue.getByLabel('書類の番号').press('Enter');
  await expectState(panel, '申請受付');
  const rows = panel.getByTestId('card-applications').getByRole('row');
  await expect.poll(() => rows.count()).toBe(3);
  expect(await rows.nth(1).textContent()).toContain('再交付');
  expect(await rows.nth(2).textContent()).toContain('返納済み');
  await screenshot(page, `${SHOT}-07-reissue-applied`);

  expect(failures).toEqual([]);
  await context.close();
}, 180_000);
