// Operator login on a running municipal server's terminal, in headless Chromium with a CDP virtual authenticator as
// the security key: the first administrator made as `jukinet operator init` makes them registers their key at
// 初期設定, logs in with password and key, enrols a 窓口担当 and their key at 操作者管理; the clerk logs in and sees
// the login in 自己操作履歴; a wrong password is refused in Japanese. Screenshots go to test-artifacts/.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initFirstAdministrator } from '../../src/cli/operator.js';
import { toIsoTimestamp } from '../../src/store/index.js';
import {
  logOut,
  openTerminalPage,
  screenshot,
  startTerminalNetwork,
  type TerminalNetwork,
} from '../support/terminal.js';

const ADMIN_PASSWORD = 'sakura no hana ga saku';
const CLERK_PASSWORD = 'tsukimi dango 2024';
let network: TerminalNetwork;

beforeAll(async () => {
  network = await startTerminalNetwork('login');
});

afterAll(() => network?.stop());

/** Fills the login form and submits it with Enter from the password field, as at the keyboard. */
async function logIn(page: Page, loginName: string, password: string): Promise<void> {
  await page.getByLabel('ログイン名').fill(loginName);
  await page.getByLabel('パスワード').fill(password);
  await page.getByLabel('パスワード').press('Enter');
}

it('sets up the first administrator, logs in with password and key, enrols a clerk who sees their own log', async () => {
  const { municipality, municipalityConfig } = network;
  expect(municipality.terminalUrl).toMatch(/^https:\/\/localhost:\d+\/$/);
  const created = await initFirstAdministrator(municipalityConfig, {
    loginName: 'kanri',
    displayName: '管理 花子',
    password: ADMIN_PASSWORD,
    store: municipality.context.store,
  });
  expect(created.setupUrl).toBe(`${municipality.terminalUrl}setup#${created.setupCode}`);

  const { context, page, failures } = await openTerminalPage(network.browser);

  // 初期設定 with the code from the URL's fragment.
  await page.goto(created.setupUrl);
  expect(await page.evaluate('window.isSecureContext')).toBe(true);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('初期設定');
  expect(await page.getByLabel('設定コード').inputValue()).toBe(created.setupCode);
  await page.getByRole('button', { name: 'セキュリティキーを登録' }).click();
  await expect
    .poll(() => page.getByRole('status').textContent())
    .toBe('管理者のセキュリティキーを登録しました。ログインしてください');
  await screenshot(page, 'terminal-login-01-setup');
  await page.getByRole('button', { name: 'ログイン画面へ' }).click();

  // Log in, out, and in again with password and key.
  await logIn(page, 'kanri', ADMIN_PASSWORD);
  await expect.poll(() => page.getByTestId('operator-name').textContent()).toBe('管理 花子');
  expect(await page.getByTestId('operator-role').textContent()).toBe('システム管理者');
  await screenshot(page, 'terminal-login-02-home-administrator');
  await logOut(page);
  expect(await page.getByRole('alert').textContent()).toBe('ログアウトしました');

  // A wrong password is refused, in Japanese, announced.
  await logIn(page, 'kanri', 'not the password at all');
  await expect
    .poll(() => page.getByRole('alert').textContent())
    .toBe('ログイン名またはパスワードが正しくありません');
  await screenshot(page, 'terminal-login-03-wrong-password');

  await logIn(page, 'kanri', ADMIN_PASSWORD);
  await expect.poll(() => page.getByTestId('operator-name').textContent()).toBe('管理 花子');

  // 操作者管理: a 窓口担当 and their key.
  await page.getByRole('link', { name: '操作者管理' }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('操作者管理');
  await page.getByLabel('ログイン名').fill('madoguchi');
  await page.getByLabel('氏名（表示名）').fill('窓口 太郎');
  await page.getByLabel('役割').selectOption({ label: '窓口担当' });
  await page.getByLabel('初期パスワード').fill(CLERK_PASSWORD);
  await page.getByLabel('初期パスワード').press('Enter');
  await expect
    .poll(() => page.getByRole('status').textContent())
    .toBe('窓口 太郎（madoguchi）を登録しました。続けてセキュリティキーを登録してください');
  await page.getByRole('button', { name: '窓口 太郎 のセキュリティキー登録' }).click();
  await expect
    .poll(() => page.getByRole('status').textContent())
    .toBe('窓口 太郎 のセキュリティキーを登録しました');
  expect(await page.getByRole('row', { name: /madoguchi/ }).textContent()).toContain('窓口担当');
  await screenshot(page, 'terminal-login-04-operators');
  await logOut(page);

  // The clerk logs in and finds the login in their own log.
  await logIn(page, 'madoguchi', CLERK_PASSWORD);
  await expect.poll(() => page.getByTestId('operator-role').textContent()).toBe('窓口担当');
  expect(await page.getByRole('link', { name: '操作者管理' }).count()).toBe(0);
  await page.getByRole('link', { name: '自己操作履歴' }).click();
  await expect
    .poll(() => page.getByRole('row', { name: /ログイン（セキュリティキー）/ }).textContent())
    .toMatch(/ログイン（セキュリティキー）\s*実行\s*成功/);
  expect(await page.getByRole('row', { name: /ログイン（パスワード）/ }).count()).toBe(1);
  await screenshot(page, 'terminal-login-05-own-log');

  // 住民検索 from the home screen, then 住民票照会 of the record found.
  await municipality.module.register.recordOfficialEntry({
    name: '本郷 一郎',
    nameKana: 'ホンゴウ イチロウ',
    birthDate: '1983-02-01',
    sex: 'male',
    address: '東京都文京区本郷二丁目2番2号',
  });
  await page.getByRole('link', { name: 'ホーム' }).click();
  await page.getByRole('main').getByRole('link', { name: '住民検索' }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('住民検索');
  await page.getByLabel('氏名').fill('本郷');
  await page.getByRole('button', { name: '検索' }).click();
  await page.getByRole('button', { name: '本郷 一郎' }).click();
  await expect.poll(() => page.getByRole('heading', { level: 2 }).textContent()).toBe('住民票照会');
  expect(await page.getByTestId('resident-record').textContent()).toContain('東京都文京区本郷二丁目2番2号');
  await screenshot(page, 'terminal-login-05b-resident');

  // システム状態 stays reachable.
  await page.getByRole('link', { name: 'システム状態' }).click();
  await expect.poll(() => page.getByTestId('node-state').textContent()).toBe('稼働中');

  // 20 minutes without use (moved back in the database rather than waited for): the next call returns to ログイン.
  await municipality.context.store.db
    .updateTable('operator_session')
    .set({ last_seen_at: toIsoTimestamp(new Date(Date.now() - 20 * 60_000)) })
    .where('ended_at', 'is', null)
    .execute();
  await page.getByRole('link', { name: '自己操作履歴' }).click();
  await expect
    .poll(() => page.getByRole('alert').textContent())
    .toBe('一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください');
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('ログイン');
  await screenshot(page, 'terminal-login-06-idle-expired');
  expect(failures).toEqual([]);
  await context.close();
}, 60_000);
