// 届出, 審査 and 証明書交付 on a running municipal server's terminal, in headless Chromium with a CDP virtual
// authenticator as the security keys: the administrator enrols a 窓口担当 and a 審査担当; the clerk enters a birth by
// keyboard (a future date is refused as they type), the examiner confirms it and the new record reaches the national
// server; a household of two moves as a whole (転居, 世帯全員で); a copy of the household's 住民票 is previewed, issued and read back
// from the PDF with pdftotext. Screenshots and the PDF go to test-artifacts/.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, japanDateOf, type ResidentCode } from '../../src/domain/index.js';
import { currentIdentity } from '../../src/servers/common/identity-history.js';
import { artifactFilePath } from '../support/browser.js';
import {
  confirmPending,
  heading,
  logIn,
  logOut,
  messageOf,
  NATIONAL,
  openRecord,
  openTerminalPage,
  PREFECTURE,
  screenshot,
  setUpOperators,
  startTerminalNetwork,
  type TerminalNetwork,
} from '../support/terminal.js';

const run = promisify(execFile);
const CLERK_PASSWORD = 'tsukimi dango 2024';
const EXAMINER_PASSWORD = 'momiji gari 2024 aki';
const HONGO_ADDRESS = '東京都文京区本郷二丁目2番2号';
const DOMICILE = { place: '北海道札幌市中央区北一条西二丁目1番地', head: '本郷 一郎' };
const HAKUSAN_ADDRESS = '東京都文京区白山一丁目1番1号';
const HAKUSAN_NEW_ADDRESS = '東京都文京区千石三丁目3番3号';

let network: TerminalNetwork;

beforeAll(async () => {
  network = await startTerminalNetwork('notifications');
});

afterAll(async () => {
  await network?.stop();
});

it('enters a birth and a move, has them confirmed, and issues a copy of the household', async () => {
  const { municipality, national, prefecture } = network;
  const register = municipality.module.register;
  const [father] = await register.recordOfficialEntries([
    {
      name: '本郷 一郎',
      nameKana: 'ホンゴウ イチロウ',
      birthDate: '1983-02-01',
      sex: 'male',
      address: HONGO_ADDRESS,
      household: { create: 'h-hongo' },
      domicile: DOMICILE,
    },
    {
      name: '白山 次郎',
      nameKana: 'ハクサン ジロウ',
      birthDate: '1990-07-07',
      sex: 'male',
      address: HAKUSAN_ADDRESS,
      household: { create: 'h-hakusan' },
      date: '2024-04-01',
    },
    {
      name: '白山 桃子',
      nameKana: 'ハクサン モモコ',
      birthDate: '1991-03-03',
      sex: 'female',
      address: HAKUSAN_ADDRESS,
      household: { join: 'h-hakusan' },
      relationship: '妻',
      date: '2024-04-01',
    },
  ]);
  const today = japanDateOf(new Date());
  const birthDate = addDays(today, -3);

  const { context, page, failures } = await openTerminalPage(network.browser);

  // The administrator sets up their key and enrols a 窓口担当 and a 審査担当 with theirs.
  await setUpOperators(network, page, [
    { login: 'madoguchi', name: '窓口 太郎', role: '窓口担当', password: CLERK_PASSWORD },
    { login: 'shinsa', name: '審査 次郎', role: '審査担当', password: EXAMINER_PASSWORD },
  ]);

  // The clerk: 届出 lists every kind; the birth starts from the father's record, into his household.
  await logIn(page, 'madoguchi', CLERK_PASSWORD);
  expect(await page.getByRole('link', { name: '審査' }).count()).toBe(0);
  await page.getByRole('navigation').getByRole('link', { name: '届出' }).click();
  await expect.poll(() => heading(page)).toBe('届出');
  for (const label of [
    '出生届',
    '転入届',
    '国外からの転入届',
    '転居届',
    '転出届',
    '死亡届',
    '世帯合併',
    '職権記載',
  ]) {
    expect(await page.getByRole('main').textContent()).toContain(label);
  }
  await screenshot(page, 'terminal-notifications-01-menu');
  await openRecord(page, '本郷 一郎');
  expect(await page.getByTestId('household-id').textContent()).toBe('h-hongo');
  await page.getByRole('button', { name: 'この世帯に出生届' }).click();
  const birthForm = page.getByRole('form', { name: '出生届' });
  await expect.poll(() => birthForm.getByLabel('世帯番号').inputValue()).toBe('h-hongo');
  expect(await birthForm.getByLabel('住所').inputValue()).toBe(HONGO_ADDRESS);
  expect(await birthForm.getByLabel('続柄').inputValue()).toBe('子');

  // By keyboard: the form starts at 氏名; a birth date in the future is refused as it is typed.
  const nameId = await birthForm.getByLabel('氏名').getAttribute('id');
  await expect.poll(() => page.evaluate<string>('document.activeElement?.id ?? ""')).toBe(nameId);
  await page.keyboard.type('本郷 さくら');
  await page.keyboard.press('Tab');
  await page.keyboard.type('ほんごう');
  const kana = birthForm.getByLabel('フリガナ');
  await expect.poll(() => messageOf(kana)).toBe('フリガナは全角カタカナで入力してください');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('ホンゴウ サクラ');
  await expect.poll(() => messageOf(kana)).toBe('');
  await page.keyboard.press('Tab');
  await page.keyboard.type(addDays(today, 30));
  const birthField = birthForm.getByLabel('生年月日');
  await expect.poll(() => messageOf(birthField)).toBe('未来の日付は入力できません');
  expect(await birthField.getAttribute('aria-invalid')).toBe('true');
  await screenshot(page, 'terminal-notifications-02-birth-future-date');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(birthDate);
  await expect.poll(() => messageOf(birthField)).toBe('');
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowRight');
  expect(await birthForm.getByLabel('女').isChecked()).toBe(true);
  await expect
    .poll(() => birthForm.getByTestId('check-result').textContent())
    .toContain('台帳との照合: 受付できます');
  await screenshot(page, 'terminal-notifications-03-birth-checked');
  await birthForm.getByLabel('住所').press('Enter');
  await expect
    .poll(() => page.getByRole('heading', { level: 2 }).textContent())
    .toBe('出生届を受け付けました');
  expect(await page.getByTestId('notification-status').textContent()).toBe('審査待ち');
  expect(await page.getByTestId('notification-details').textContent()).toContain('本郷 さくら');
  await screenshot(page, 'terminal-notifications-04-birth-entered');

  // The same clerk enters the 転居 of 白山 次郎, who heads a household of two: 「世帯全員で転居する」 is checked, so his
  // wife moves with him and no household, 続柄 or new head is asked. It is filed 20 days after the move, past the
  // 14-day period: the register's check warns (期間経過) and it is accepted, flagged.
  await page.getByRole('button', { name: '住民票照会に戻る' }).click();
  await openRecord(page, '白山 次郎');
  const hakusanHousehold = await page.getByTestId('household-id').textContent();
  await page.getByRole('button', { name: '転居', exact: true }).click();
  const moveForm = page.getByRole('form', { name: '転居届' });
  await moveForm.getByLabel('異動日').fill(addDays(today, -20));
  await moveForm.getByLabel('新しい住所').fill(HAKUSAN_NEW_ADDRESS);
  const withHousehold = moveForm.getByLabel('世帯全員で転居する');
  expect(await withHousehold.isChecked()).toBe(true);
  expect(await moveForm.getByTestId('moving-members').textContent()).toContain('白山 次郎、白山 桃子');
  expect(await moveForm.getByRole('group', { name: '世帯', exact: true }).count()).toBe(0);
  expect(await moveForm.getByLabel('残る世帯の新しい世帯主').count()).toBe(0);
  // Unchecked, he alone would move: the household choice and his wife as the remaining head come back.
  await withHousehold.uncheck();
  expect(await moveForm.getByLabel('新しい世帯を設ける（世帯主）').isChecked()).toBe(true);
  expect(await moveForm.getByLabel('残る世帯の新しい世帯主').textContent()).toContain('白山 桃子');
  await withHousehold.check();
  await screenshot(page, 'terminal-notifications-05a-move-household-form');
  await expect
    .poll(() => moveForm.getByTestId('check-result').textContent())
    .toContain('期間経過: 届出期間（14日）を過ぎています');
  await moveForm.getByLabel('新しい住所').press('Enter');
  await expect
    .poll(() => page.getByRole('heading', { level: 2 }).textContent())
    .toBe('転居届を受け付けました');
  expect(await page.getByTestId('notification-status').textContent()).toBe('審査待ち（期間経過）');
  await screenshot(page, 'terminal-notifications-05-move-entered');
  await logOut(page);

  // The examiner confirms both; the birth's result links to the new record.
  await logIn(page, 'shinsa', EXAMINER_PASSWORD);
  await page.getByRole('navigation').getByRole('link', { name: '審査' }).click();
  await expect.poll(() => page.getByTestId('notification-list').textContent()).toContain('転居届');
  expect(await page.getByTestId('notification-list').textContent()).toContain('出生届');
  await screenshot(page, 'terminal-notifications-06-pending');
  await confirmPending(page, '出生届');
  const results = page.getByTestId('notification-results');
  expect(await results.textContent()).toContain('本郷 さくら');
  await screenshot(page, 'terminal-notifications-07-birth-confirmed');
  await results.getByRole('link', { name: '本郷 さくら' }).click();
  await expect.poll(() => page.getByTestId('resident-record').textContent()).toContain('本郷 さくら');
  const record = (await page.getByTestId('resident-record').textContent()) ?? '';
  expect(record).toContain(HONGO_ADDRESS);
  expect(record).toContain('子');
  expect(await page.getByRole('table', { name: '世帯員' }).textContent()).toContain('本郷 一郎');
  const babyCode = /\d{11}/.exec(record)?.[0] as ResidentCode;
  expect(babyCode).toBeDefined();
  await screenshot(page, 'terminal-notifications-08-new-record');

  await confirmPending(page, '転居届');
  await page.getByTestId('notification-results').getByRole('link', { name: '白山 次郎' }).click();
  await expect.poll(() => page.getByTestId('resident-record').textContent()).toContain(HAKUSAN_NEW_ADDRESS);
  expect(await page.getByTestId('household-id').textContent()).toBe(hakusanHousehold);
  expect(await page.getByRole('table', { name: '異動履歴' }).textContent()).toContain('転居');
  expect(await page.getByRole('table', { name: '世帯員' }).textContent()).toMatch(
    /白山 次郎世帯主.*白山 桃子妻/,
  );
  await screenshot(page, 'terminal-notifications-09-moved');
  await openRecord(page, '白山 桃子');
  const wife = (await page.getByTestId('resident-record').textContent()) ?? '';
  expect(wife).toContain(HAKUSAN_NEW_ADDRESS);
  expect(wife).toMatch(/続柄妻/);
  expect(await page.getByTestId('household-id').textContent()).toBe(hakusanHousehold);
  expect(await page.getByRole('table', { name: '異動履歴' }).textContent()).toContain('転居');
  await screenshot(page, 'terminal-notifications-09b-moved-wife');
  await logOut(page);

  // Both identity changes reach the national server through the prefecture.
  await municipality.dispatcher.drained(PREFECTURE);
  await prefecture.dispatcher.drained(NATIONAL);
  expect(await currentIdentity(national.context.store.db, babyCode)).toMatchObject({
    reason: 'birth',
    info: { name: '本郷 さくら', birthDate, address: HONGO_ADDRESS },
  });
  for (const name of ['白山 次郎', '白山 桃子']) {
    const [moved] = await register.searchByName({ name });
    expect(await currentIdentity(national.context.store.db, moved!.residentCode), name).toMatchObject({
      reason: 'move-within',
      info: { address: HAKUSAN_NEW_ADDRESS },
    });
  }

  // The same child entered again from the 届出 menu is a likely duplicate: the candidate is listed, and the clerk's
  // 「別人であることを確認した」 lets the register's check pass; it is entered (and rejected by the examiner below).
  await logIn(page, 'madoguchi', CLERK_PASSWORD);
  await page.getByRole('navigation').getByRole('link', { name: '届出' }).click();
  await page.getByRole('button', { name: '出生届', exact: true }).click();
  const again = page.getByRole('form', { name: '出生届' });
  await again.getByLabel('氏名').fill('本郷 さくら');
  await again.getByLabel('フリガナ').fill('ホンゴウ サクラ');
  await again.getByLabel('生年月日').fill(birthDate);
  await again.getByLabel('女').check();
  await again.getByLabel('住所').fill(HONGO_ADDRESS);
  await expect
    .poll(() => again.getByTestId('check-result').textContent())
    .toContain('同じ氏名・フリガナ・生年月日の住民が既に記録されています');
  expect(await again.getByTestId('duplicate-candidates').textContent()).toContain(babyCode);
  await screenshot(page, 'terminal-notifications-10-likely-duplicate');
  await again.getByLabel('別人であることを確認した').check();
  await expect
    .poll(() => again.getByTestId('check-result').textContent())
    .toContain('台帳との照合: 受付できます');
  await again.getByLabel('住所').press('Enter');
  await expect
    .poll(() => page.getByRole('heading', { level: 2 }).textContent())
    .toBe('出生届を受け付けました');
  expect(await page.getByTestId('notification-details').textContent()).toContain('別人であることを確認はい');

  // The household forms start from the record with its members: the register's check takes what they build, and
  // Escape leaves each without 受付.
  await openRecord(page, '本郷 一郎');
  await page.getByRole('button', { name: '世帯主変更' }).click();
  const headChange = page.getByRole('form', { name: '世帯主変更届' });
  await headChange.getByLabel('新しい世帯主').selectOption({ label: '本郷 さくら' });
  const formerHead = headChange.getByLabel('本郷 一郎 の続柄');
  await expect.poll(() => messageOf(formerHead)).toBe('これまでの世帯主の新しい続柄を入力してください');
  await formerHead.fill('父');
  await expect
    .poll(() => headChange.getByTestId('check-result').textContent())
    .toContain('台帳との照合: 受付できます');
  await formerHead.press('Escape');
  await expect.poll(() => page.getByRole('heading', { level: 2 }).textContent()).toBe('住民票照会');
  await page.getByRole('button', { name: '世帯分離' }).click();
  const split = page.getByRole('form', { name: '世帯分離' });
  await split.getByLabel('本郷 さくら（子）').check();
  await expect
    .poll(() => split.getByTestId('check-result').textContent())
    .toContain('台帳との照合: 受付できます');
  await split.getByLabel('届出日').press('Escape');
  await page.getByRole('button', { name: '転出', exact: true }).click();
  const moveOut = page.getByRole('form', { name: '転出届' });
  await moveOut.getByLabel('転出先の住所').fill('大阪府松原市阿保一丁目1番1号');
  expect(await moveOut.getByLabel('残る世帯の新しい世帯主').textContent()).toContain('本郷 さくら');
  await expect
    .poll(() => moveOut.getByTestId('check-result').textContent())
    .toContain('台帳との照合: 受付できます');
  await screenshot(page, 'terminal-notifications-10b-move-out-form');
  await moveOut.getByLabel('転出先の住所').press('Escape');
  await expect.poll(() => page.getByRole('heading', { level: 2 }).textContent()).toBe('住民票照会');

  // 証明書交付: a copy of the whole household with 続柄, without 本籍 and 住民票コード, previewed then issued.
  await openRecord(page, '本郷 一郎');
  await page.getByRole('button', { name: '証明書交付' }).click();
  await expect.poll(() => page.getByRole('heading', { level: 2 }).textContent()).toBe('証明書交付');
  expect(await page.getByRole('radio', { name: '住民票の写し' }).isChecked()).toBe(true);
  expect(await page.getByRole('checkbox', { name: '世帯全員' }).isChecked()).toBe(true);
  await page.getByRole('checkbox', { name: '続柄', exact: true }).check();
  const preview = page.getByTestId('certificate-preview');
  await expect.poll(() => preview.getByTestId('preview-person').count()).toBe(2);
  const previewText = (await preview.textContent()) ?? '';
  expect(previewText).toContain(HONGO_ADDRESS);
  expect(previewText).toContain('本郷 さくら');
  expect(await preview.getByRole('table', { name: '本郷 さくら' }).textContent()).toMatch(/続柄\s*子/);
  expect(await preview.getByRole('table', { name: '本郷 一郎' }).textContent()).toMatch(/続柄\s*世帯主/);
  expect(previewText).not.toContain(DOMICILE.place);
  expect(previewText).not.toContain(father!.residentCode);
  expect(previewText).not.toContain(babyCode);
  expect(await preview.getByTestId('preview-omitted').textContent()).toMatch(/本籍・筆頭者.*住民票コード/);
  await screenshot(page, 'terminal-notifications-11-certificate-preview');
  await page.getByRole('button', { name: '交付', exact: true }).click();
  const link = page.getByTestId('certificate-pdf');
  await link.waitFor();
  await screenshot(page, 'terminal-notifications-12-certificate-issued');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const pdfPath = await artifactFilePath('terminal-notifications-copy.pdf');
  await download.saveAs(pdfPath);
  const { stdout: pdf } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', pdfPath, '-']);
  expect(pdf).toContain('住民票の写し');
  expect(pdf).toContain('本郷 一郎');
  expect(pdf).toContain('本郷 さくら');
  expect(pdf).toContain('世帯主');
  expect(pdf).toMatch(/子/);
  expect(pdf).not.toContain(DOMICILE.place);
  expect(pdf).not.toContain(father!.residentCode);
  expect(pdf).not.toContain(babyCode);

  // Escape leaves 証明書交付 for the record.
  await page.getByRole('button', { name: '交付', exact: true }).press('Escape');
  await expect.poll(() => page.getByRole('heading', { level: 2 }).textContent()).toBe('住民票照会');
  await logOut(page);

  // The examiner rejects the second birth with a reason.
  await logIn(page, 'shinsa', EXAMINER_PASSWORD);
  await page.getByRole('navigation').getByRole('link', { name: '審査' }).click();
  await page.getByTestId('notification-list').getByRole('button', { name: '出生届' }).click();
  await page.getByLabel('却下の理由').press('Enter');
  await expect.poll(() => messageOf(page.getByLabel('却下の理由'))).toBe('却下の理由を入力してください');
  await page.getByLabel('却下の理由').fill('出生届は既に決裁済み（重複）');
  await page.getByLabel('却下の理由').press('Enter');
  await expect.poll(() => page.getByTestId('notification-status').textContent()).toBe('却下');
  expect(await page.getByTestId('notification-details').textContent()).toContain(
    '出生届は既に決裁済み（重複）',
  );
  await screenshot(page, 'terminal-notifications-13-rejected');

  expect(failures).toEqual([]);
  await context.close();
}, 180_000);
