// Every 届出 and 職権 act the terminal's screens take beyond 出生 and 転居, entered by keyboard and confirmed, in headless
// Chromium against a real national, 東京都 and 文京区 over mTLS: a 窓口担当 enters 転入, 国外からの転入, 氏名変更,
// 住民票コード変更請求, 世帯主変更, 世帯分離, 世帯合併, 転出 and 死亡, which an examiner confirms; that examiner enters
// 職権記載, 職権消除 and 職権修正, which a second examiner confirms. Each result is read back on 住民票照会, and the
// national server holds each identity change with its 異動事由. Screenshots go to test-artifacts/.

import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, generateResidentCode, japanDateOf, type ResidentCode } from '../../src/domain/index.js';
import { identityHistory } from '../../src/servers/common/identity-history.js';
import {
  confirmPending,
  hasFocus,
  heading,
  logIn,
  logOut,
  messageOf,
  NATIONAL,
  openRecord,
  openTerminalPage,
  PREFECTURE,
  screenshot,
  sectionHeading,
  setUpOperators,
  startTerminalNetwork,
  tabTo,
  typeInto,
  type TerminalNetwork,
} from '../support/terminal.js';

const CLERK = { login: 'madoguchi', name: '窓口 太郎', role: '窓口担当', password: 'tsukimi dango 2024' };
const EXAMINER = { login: 'shinsa', name: '審査 次郎', role: '審査担当', password: 'momiji gari 2024 aki' };
const EXAMINER2 = { login: 'shinsa2', name: '審査 三郎', role: '審査担当', password: 'yuki akari 2024 fuyu' };
const OSAKA = '大阪府松原市阿保一丁目1番1号';
const KOISHIKAWA = '東京都文京区小石川一丁目1番1号';
const KASUGA = '東京都文京区春日一丁目1番1号';
const OTOWA = '東京都文京区音羽一丁目1番1号';
const SEKIGUCHI = '東京都文京区関口一丁目1番1号';
const MEJIRO = '東京都文京区目白台一丁目1番1号';
const NEZU = '東京都文京区根津一丁目1番1号';
const SHOT = 'terminal-every-notification';

let network: TerminalNetwork;

beforeAll(async () => {
  network = await startTerminalNetwork('every-notification');
});

afterAll(async () => {
  await network?.stop();
});

/** Residents already on the register, one (or one household) for each kind that acts on a record. */
function seed(network: TerminalNetwork) {
  const person = (name: string, kana: string, address: string, extra: Record<string, unknown> = {}) => ({
    name,
    nameKana: kana,
    birthDate: '1980-01-01',
    sex: 'male' as const,
    address,
    date: '2024-04-01',
    ...extra,
  });
  return network.municipality.module.register.recordOfficialEntries([
    person('西片 七子', 'ニシカタ ナナコ', '東京都文京区西片一丁目1番1号', { sex: 'female' }),
    person('向丘 八郎', 'ムコウガオカ ハチロウ', '東京都文京区向丘一丁目1番1号'),
    person('音羽 一郎', 'オトワ イチロウ', OTOWA, { household: { create: 'h-otowa' } }),
    person('音羽 二葉', 'オトワ フタバ', OTOWA, {
      sex: 'female',
      household: { join: 'h-otowa' },
      relationship: '妻',
    }),
    person('関口 太郎', 'セキグチ タロウ', SEKIGUCHI, { household: { create: 'h-sekiguchi' } }),
    person('関口 花子', 'セキグチ ハナコ', SEKIGUCHI, {
      sex: 'female',
      birthDate: '2005-05-05',
      household: { join: 'h-sekiguchi' },
      relationship: '子',
    }),
    person('関口 次郎', 'セキグチ ジロウ', SEKIGUCHI, {
      birthDate: '2003-03-03',
      household: { join: 'h-sekiguchi' },
      relationship: '子',
    }),
    person('目白 一郎', 'メジロ イチロウ', MEJIRO, { household: { create: 'h-mejiro-a' } }),
    person('目白 二郎', 'メジロ ジロウ', MEJIRO, { household: { create: 'h-mejiro-b' } }),
    person('湯島 九郎', 'ユシマ クロウ', '東京都文京区湯島一丁目1番1号'),
    person('根岸 十郎', 'ネギシ ジュウロウ', '東京都文京区本駒込一丁目1番1号', { birthDate: '1930-01-01' }),
    person('根津 一郎', 'ネヅ イチロウ', NEZU, { household: { create: 'h-nezu' } }),
    person('弥生 五郎', 'ヤヨイ ゴロウ', '東京都文京区弥生一丁目1番1号'),
    person('千駄木 六郎', 'センダギ ロクロウ', '東京都文京区千駄木一丁目1番1号'),
  ]);
}

/**
 * Waits until the register's check says the form may be entered, then enters it with Enter from `field` (a text
 * field), or, without one, with Tab to 受付 and Enter.
 */
async function enterFrom(form: Locator, field: Locator | undefined, label: string): Promise<void> {
  await expect
    .poll(() => form.getByTestId('check-result').textContent())
    .toContain('台帳との照合: 受付できます');
  if (field === undefined) {
    await tabTo(form.getByRole('button', { name: '受付', exact: true }));
    await form.page().keyboard.press('Enter');
  } else {
    await field.press('Enter');
  }
  await expect.poll(() => sectionHeading(form.page())).toBe(`${label}を受け付けました`);
  expect(await form.page().getByTestId('notification-status').textContent()).toBe('審査待ち');
}

/** Starts a form from the 届出 menu; the keyboard starts at 異動日, the first field still empty. */
async function startFromMenu(page: Page, label: string): Promise<Locator> {
  await page.getByRole('navigation').getByRole('link', { name: '届出' }).click();
  await expect.poll(() => heading(page)).toBe('届出');
  await page.getByRole('button', { name: label, exact: true }).click();
  const form = page.getByRole('form', { name: label });
  await expect.poll(() => hasFocus(form.getByLabel('異動日'))).toBe(true);
  return form;
}

/** Starts a form from 住民票照会 of `name` with the record view's button `button`. */
async function startFromRecord(page: Page, name: string, button: string, label: string): Promise<Locator> {
  await openRecord(page, name);
  await page
    .getByRole('group', { name: 'この住民票について' })
    .getByRole('button', { name: button, exact: true })
    .click();
  const form = page.getByRole('form', { name: label });
  const date = form.getByLabel(label === '死亡届' ? '死亡日' : '異動日');
  await expect.poll(() => hasFocus(date)).toBe(true);
  return form;
}

/** From a confirmed notification's results, opens the record named `name`; answers its text. */
async function openResult(page: Page, name: string): Promise<string> {
  await page.getByTestId('notification-results').getByRole('link', { name, exact: true }).click();
  await expect.poll(() => page.getByTestId('resident-record').textContent()).toContain(name);
  return (await page.getByTestId('resident-record').textContent()) ?? '';
}

/** The 続柄 of each member in 住民票照会's 世帯員 table, by name. */
async function membersOf(page: Page): Promise<Record<string, string>> {
  const rows = page.getByRole('table', { name: '世帯員' }).locator('tbody tr');
  const members: Record<string, string> = {};
  for (const row of await rows.all()) {
    const cells = await row.locator('td').allTextContents();
    members[cells[0]!] = cells[1]!;
  }
  return members;
}

it('enters every other kind by keyboard, has each confirmed, and the nation holds each identity change', async () => {
  const { municipality, prefecture, national } = network;
  const seeded = await seed(network);
  const codeOf = (name: string): ResidentCode => seeded.find((record) => record.name === name)!.residentCode;
  const today = japanDateOf(new Date());
  const moved = addDays(today, -2);
  const movedInCode = generateResidentCode();

  const { context, page, failures } = await openTerminalPage(network.browser);
  await setUpOperators(network, page, [CLERK, EXAMINER, EXAMINER2]);

  // The clerk: 転入 from 大阪府 under the person's code, from the 届出 menu, field by field with Tab.
  await logIn(page, CLERK.login, CLERK.password);
  let form = await startFromMenu(page, '転入届');
  await page.keyboard.type(moved);
  await typeInto(form.getByLabel('氏名'), '小石川 涼');
  await typeInto(form.getByLabel('フリガナ'), 'コイシカワ リョウ');
  await typeInto(form.getByLabel('生年月日'), '1992-07-07');
  await tabTo(form.getByLabel('男', { exact: true }));
  await page.keyboard.press('ArrowRight');
  expect(await form.getByLabel('女', { exact: true }).isChecked()).toBe(true);
  // A mistyped code shows at once; a code already on this register is refused by the register's check.
  const codeField = form.getByLabel('住民票コード');
  await typeInto(codeField, `${movedInCode.slice(0, 10)}${(Number(movedInCode[10]) + 1) % 10}`);
  await expect.poll(() => messageOf(codeField)).toBe('住民票コードの検査数字が正しくありません');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(codeOf('西片 七子'));
  await expect.poll(() => messageOf(codeField)).toBe('');
  await typeInto(form.getByLabel(/^住所/), KOISHIKAWA);
  await typeInto(form.getByLabel('従前の住所'), OSAKA);
  await typeInto(form.getByLabel('本籍'), '大阪府松原市阿保一丁目1番地');
  await typeInto(form.getByLabel('筆頭者'), '小石川 涼');
  await expect
    .poll(() => form.getByTestId('check-result').textContent())
    .toContain('この住民票コードは既に使われています');
  await screenshot(page, `${SHOT}-01a-move-in-code-in-use`);
  await codeField.focus();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(movedInCode);
  await tabTo(form.getByLabel('筆頭者'), 20);
  await screenshot(page, `${SHOT}-01-move-in-form`);
  await enterFrom(form, form.getByLabel('筆頭者'), '転入届');

  // 国外からの転入 of a foreign resident: the 外国人住民 box turns 本籍 into the foreign-resident items.
  form = await startFromMenu(page, '国外からの転入届');
  await page.keyboard.type(moved);
  await typeInto(form.getByLabel('氏名'), 'MILLER ANNA');
  await typeInto(form.getByLabel('フリガナ'), 'ミラー アンナ');
  await typeInto(form.getByLabel('生年月日'), '1995-09-09');
  await tabTo(form.getByLabel('男', { exact: true }));
  await page.keyboard.press('ArrowRight');
  await tabTo(form.getByLabel('外国人住民', { exact: true }));
  await page.keyboard.press('Space');
  await typeInto(form.getByLabel(/^住所/), KASUGA);
  await typeInto(form.getByLabel('国籍・地域'), 'アメリカ合衆国');
  await tabTo(form.getByLabel('区分'));
  await page.keyboard.press('ArrowDown');
  expect(await form.getByLabel('区分').inputValue()).toBe('mid-to-long-term');
  await typeInto(form.getByLabel('在留資格'), '技術・人文知識・国際業務');
  await typeInto(form.getByLabel('在留期間', { exact: true }), '3年');
  await typeInto(form.getByLabel('在留期間の満了の日'), addDays(today, 1000));
  await typeInto(form.getByLabel('在留カード等の番号'), 'AB12345678CD');
  await screenshot(page, `${SHOT}-02-entry-from-abroad-form`);
  await enterFrom(form, form.getByLabel('在留カード等の番号'), '国外からの転入届');

  // 氏名変更, from the record.
  form = await startFromRecord(page, '西片 七子', '氏名変更', '氏名変更');
  await page.keyboard.type(moved);
  await typeInto(form.getByLabel('氏名'), '東 七子');
  await typeInto(form.getByLabel('フリガナ'), 'アズマ ナナコ');
  await enterFrom(form, form.getByLabel('フリガナ'), '氏名変更');

  // 住民票コード変更請求.
  form = await startFromRecord(page, '向丘 八郎', '住民票コード変更請求', '住民票コード変更請求');
  await page.keyboard.type(moved);
  await enterFrom(form, form.getByLabel('異動日'), '住民票コード変更請求');

  // 世帯主変更: the wife heads the household; the former head needs a 続柄 of his own.
  form = await startFromRecord(page, '音羽 一郎', '世帯主変更', '世帯主変更届');
  await page.keyboard.type(moved);
  await tabTo(form.getByLabel('新しい世帯主'));
  await page.keyboard.press('ArrowDown');
  const formerHead = form.getByLabel('音羽 一郎 の続柄');
  await expect.poll(() => messageOf(formerHead)).toBe('これまでの世帯主の新しい続柄を入力してください');
  await typeInto(formerHead, '夫');
  await enterFrom(form, formerHead, '世帯主変更届');

  // 世帯分離: the son and the daughter found a household at the same address, headed by the one chosen first even
  // though he comes second in the list; she is his 妹 there.
  form = await startFromRecord(page, '関口 太郎', '世帯分離', '世帯分離');
  await page.keyboard.type(moved);
  await tabTo(form.getByLabel('関口 次郎（子）'));
  await page.keyboard.press('Space');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Space');
  expect(await form.getByTestId('split-head').textContent()).toBe('新しい世帯の世帯主: 関口 次郎');
  await typeInto(form.getByLabel('関口 花子 の新しい続柄'), '妹');
  await enterFrom(form, form.getByLabel('関口 花子 の新しい続柄'), '世帯分離');
  const splitDetails = (await page.getByTestId('notification-details').textContent()) ?? '';
  expect(splitDetails).toContain('分離する世帯員関口 次郎、関口 花子');
  expect(splitDetails).toContain('続柄の変更関口 花子: 妹');

  // 世帯合併: 目白 二郎's household joins his brother's at the same address; his 続柄 there is asked anew (he heads
  // the household he leaves, and the merged one has a head already).
  form = await startFromRecord(page, '目白 二郎', '世帯合併', '世帯合併');
  await page.keyboard.type(moved);
  const into = form.getByLabel('合併先の世帯番号');
  await typeInto(into, 'h-otowa');
  expect(await form.getByLabel('目白 二郎 の合併後の続柄').inputValue()).toBe('');
  await typeInto(form.getByLabel('目白 二郎 の合併後の続柄'), '弟');
  await expect
    .poll(() => form.getByTestId('check-result').textContent())
    .toContain('世帯の住所と一致しません');
  await into.focus();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('h-mejiro-a');
  const mergedRelationship = form.getByLabel('目白 二郎 の合併後の続柄');
  await typeInto(mergedRelationship, '世帯主');
  await expect
    .poll(() => messageOf(mergedRelationship))
    .toBe('合併先の世帯主との続柄を入力してください（世帯主以外）');
  await typeInto(form.getByLabel('目白 二郎 の合併後の続柄'), '弟');
  await enterFrom(form, form.getByLabel('目白 二郎 の合併後の続柄'), '世帯合併');

  // 転出 to 大阪府.
  form = await startFromRecord(page, '湯島 九郎', '転出', '転出届');
  await page.keyboard.type(moved);
  await typeInto(form.getByLabel('転出先の住所'), OSAKA);
  await enterFrom(form, form.getByLabel('転出先の住所'), '転出届');

  // 死亡: the form asks for 死亡日.
  form = await startFromRecord(page, '根岸 十郎', '死亡', '死亡届');
  await page.keyboard.type(moved);
  await enterFrom(form, form.getByLabel('死亡日'), '死亡届');
  await logOut(page);

  // The examiner: ホーム leads to 審査, which lists the nine; each is confirmed and read back on 住民票照会.
  await logIn(page, EXAMINER.login, EXAMINER.password);
  expect(await page.getByTestId('home-work').textContent()).toContain('届出');
  await page.getByRole('main').getByRole('link', { name: '審査' }).click();
  await expect.poll(() => page.getByTestId('notification-list').locator('tbody tr').count()).toBe(9);
  await screenshot(page, `${SHOT}-03-pending`);

  await confirmPending(page, '転入届');
  let record = await openResult(page, '小石川 涼');
  expect(record).toContain(KOISHIKAWA);
  expect(record).toContain(movedInCode);
  expect(record).toContain(`従前の住所${OSAKA}`);
  expect(record).toContain('世帯主');
  await screenshot(page, `${SHOT}-04-move-in`);

  await confirmPending(page, '国外からの転入届');
  record = await openResult(page, 'MILLER ANNA');
  expect(record).toContain(KASUGA);
  expect(record).toContain('ミラー アンナ');
  expect(record).toContain('国籍・地域アメリカ合衆国');
  expect(record).toContain('区分中長期在留者');
  expect(record).toContain('在留カード等の番号AB12345678CD');
  const abroadCode = /\d{11}/.exec(record)?.[0] as ResidentCode;
  expect(abroadCode).toBeDefined();
  await screenshot(page, `${SHOT}-05-entry-from-abroad`);

  await confirmPending(page, '氏名変更', { subject: '西片 七子' });
  record = await openResult(page, '東 七子');
  expect(record).toContain('アズマ ナナコ');
  expect(await page.getByRole('table', { name: '異動履歴' }).textContent()).toContain('氏名の変更');
  await screenshot(page, `${SHOT}-06-name-change`);

  await confirmPending(page, '住民票コード変更請求', { subject: codeOf('向丘 八郎') });
  record = await openResult(page, '向丘 八郎');
  const newCode = /\d{11}/.exec(record)?.[0] as ResidentCode;
  expect(newCode).toBeDefined();
  expect(newCode).not.toBe(codeOf('向丘 八郎'));
  await screenshot(page, `${SHOT}-07-code-change`);

  await confirmPending(page, '世帯主変更届', { subject: 'h-otowa' });
  await expect
    .poll(() => page.getByTestId('notification-details').textContent())
    .toMatch(/新しい世帯主音羽 二葉.*続柄の変更音羽 一郎: 夫/);
  await openResult(page, '音羽 二葉');
  expect(await membersOf(page)).toEqual({ '音羽 一郎': '夫', '音羽 二葉': '世帯主' });
  await screenshot(page, `${SHOT}-08-household-head-change`);

  await confirmPending(page, '世帯分離', { subject: 'h-sekiguchi' });
  record = await openResult(page, '関口 花子');
  expect(await page.getByTestId('household-id').textContent()).not.toBe('h-sekiguchi');
  expect(record).toContain(SEKIGUCHI);
  expect(await membersOf(page)).toEqual({ '関口 次郎': '世帯主', '関口 花子': '妹' });
  await screenshot(page, `${SHOT}-09-household-split`);

  await confirmPending(page, '世帯合併', { subject: 'h-mejiro-b' });
  await openResult(page, '目白 二郎');
  expect(await page.getByTestId('household-id').textContent()).toBe('h-mejiro-a');
  expect(await membersOf(page)).toEqual({ '目白 一郎': '世帯主', '目白 二郎': '弟' });
  await screenshot(page, `${SHOT}-10-household-merge`);

  await confirmPending(page, '転出届', { subject: '湯島 九郎' });
  record = await openResult(page, '湯島 九郎');
  expect(await sectionHeading(page)).toBe('住民票照会（除票）');
  expect(record).toMatch(new RegExp(`${moved}\\s*転出（${OSAKA}）`));
  await screenshot(page, `${SHOT}-11-move-out`);

  await confirmPending(page, '死亡届', { subject: '根岸 十郎' });
  record = await openResult(page, '根岸 十郎');
  expect(await sectionHeading(page)).toBe('住民票照会（除票）');
  expect(record).toMatch(new RegExp(`${moved}\\s*死亡`));
  await screenshot(page, `${SHOT}-12-death`);

  // The same examiner enters the 職権 acts: 職権記載 of a wife into an existing household.
  form = await startFromMenu(page, '職権記載');
  await page.keyboard.type(moved);
  await typeInto(form.getByLabel('氏名'), '根津 花');
  await typeInto(form.getByLabel('フリガナ'), 'ネヅ ハナ');
  await typeInto(form.getByLabel('生年月日'), '1982-03-03');
  await tabTo(form.getByLabel('男', { exact: true }));
  await page.keyboard.press('ArrowRight');
  await typeInto(form.getByLabel('住民となった年月日'), '2010-04-01');
  await typeInto(form.getByLabel(/^住所/), NEZU);
  await tabTo(form.getByLabel('新しい世帯を設ける（世帯主）'));
  await page.keyboard.press('ArrowRight');
  await typeInto(form.getByLabel('世帯番号'), 'h-nezu');
  await typeInto(form.getByLabel('続柄'), '妻');
  await screenshot(page, `${SHOT}-13-official-entry-form`);
  await enterFrom(form, form.getByLabel('続柄'), '職権記載');

  form = await startFromRecord(page, '弥生 五郎', '職権消除', '職権消除');
  await page.keyboard.type(moved);
  await typeInto(form.getByLabel('消除の理由'), '実態調査により居住の事実なし');
  await enterFrom(form, form.getByLabel('消除の理由'), '職権消除');

  form = await startFromRecord(page, '千駄木 六郎', '職権修正', '職権修正');
  await page.keyboard.type(moved);
  await typeInto(form.getByLabel('氏名'), '千駄木 禄郎');
  await enterFrom(form, form.getByLabel('氏名'), '職権修正');

  // Nobody confirms their own entry: the examiner who entered them sees no 決裁.
  await page.getByRole('navigation').getByRole('link', { name: '審査' }).click();
  await page.getByTestId('notification-list').getByRole('button', { name: '職権修正', exact: true }).click();
  await expect.poll(() => sectionHeading(page)).toBe('職権修正の審査');
  expect(await page.getByRole('button', { name: '決裁', exact: true }).count()).toBe(0);
  await logOut(page);

  // The second examiner confirms the three.
  await logIn(page, EXAMINER2.login, EXAMINER2.password);
  await confirmPending(page, '職権記載');
  record = await openResult(page, '根津 花');
  expect(record).toContain(NEZU);
  expect(await page.getByTestId('household-id').textContent()).toBe('h-nezu');
  expect(await membersOf(page)).toEqual({ '根津 一郎': '世帯主', '根津 花': '妻' });
  const officialEntryCode = /\d{11}/.exec(record)?.[0] as ResidentCode;
  await screenshot(page, `${SHOT}-14-official-entry`);

  await confirmPending(page, '職権消除', { subject: '弥生 五郎' });
  record = await openResult(page, '弥生 五郎');
  expect(await sectionHeading(page)).toBe('住民票照会（除票）');
  expect(record).toContain('職権消除');
  await screenshot(page, `${SHOT}-15-official-deletion`);

  await confirmPending(page, '職権修正', { subject: '千駄木 六郎' });
  record = await openResult(page, '千駄木 禄郎');
  expect(await page.getByRole('table', { name: '異動履歴' }).textContent()).toContain('職権修正');
  await screenshot(page, `${SHOT}-16-official-correction`);
  await logOut(page);

  // Each identity-changing kind reached the national server with its 異動事由; the 世帯 changes sent nothing.
  await municipality.dispatcher.drained(PREFECTURE);
  await prefecture.dispatcher.drained(NATIONAL);
  const reasonsOf = async (code: ResidentCode): Promise<string[]> =>
    (await identityHistory(national.context.store.db, code)).map((version) => version.reason);
  expect(await reasonsOf(movedInCode)).toEqual(['move-in']);
  expect(await reasonsOf(abroadCode)).toEqual(['entry-from-abroad']);
  expect(await reasonsOf(codeOf('西片 七子'))).toEqual(['official-entry', 'name-change']);
  expect(await reasonsOf(newCode)).toEqual(['code-change']);
  expect((await reasonsOf(codeOf('向丘 八郎')))[0]).toBe('official-entry');
  expect(await reasonsOf(codeOf('湯島 九郎'))).toEqual(['official-entry', 'move-out']);
  expect(await reasonsOf(codeOf('根岸 十郎'))).toEqual(['official-entry', 'death']);
  expect(await reasonsOf(officialEntryCode)).toEqual(['official-entry']);
  expect(await reasonsOf(codeOf('弥生 五郎'))).toEqual(['official-entry', 'official-deletion']);
  expect(await reasonsOf(codeOf('千駄木 六郎'))).toEqual(['official-entry', 'official-correction']);
  for (const name of [
    '音羽 一郎',
    '音羽 二葉',
    '関口 太郎',
    '関口 花子',
    '関口 次郎',
    '目白 一郎',
    '目白 二郎',
  ]) {
    expect(await reasonsOf(codeOf(name)), name).toEqual(['official-entry']);
  }

  expect(failures).toEqual([]);
  await context.close();
}, 240_000);
