// 本人確認情報開示 at the national centre's window, in headless Chromium: a resident of 文京区 whose identity
// information an agency received carries the card to the national centre; the window clerk picks it in the reader, the
// resident types a wrong PIN (tries left) and then the right one, and the screen shows the identity information, the
// provision (when, to whom, for which affair under which law, how), the servers asked and the answer document (PDF).
// Screenshots go to test-artifacts/.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerAgencyInNetwork } from '../../src/cli/agency.js';
import { formatWareki } from '../../src/domain/index.js';
import type { NodeId } from '../../src/domain/node-id.js';
import { createAgencyClient, loadAgencyClientConfig } from '../../src/servers/agency/index.js';
import type { RunningNode } from '../../src/servers/common/index.js';
import type { MunicipalityModule, ResidentRecord } from '../../src/servers/municipality/index.js';
import { launchBrowser } from '../support/browser.js';
import { startCardNetwork, type CardNetwork } from '../support/card-network.js';
import { issueActiveCard, presentCard } from '../support/cards.js';
import { createTestNetwork } from '../support/network.js';
import {
  hasFocus,
  heading,
  logIn,
  logOut,
  openTerminalPage,
  screenshot,
  setUpOperators,
  type TerminalPage,
} from '../support/terminal.js';
import { waitUntil } from '../support/wait.js';

const NATIONAL = 'national' as NodeId;
const BUNKYO = 'muni-131059' as NodeId;
const CLERK = { login: 'madoguchi', name: '窓口 一美', role: '窓口担当', password: 'nashi no hana 2024' };
const SHOT = 'terminal-disclosure';
const HONGO = {
  name: '本郷 一郎',
  nameKana: 'ホンゴウ イチロウ',
  birthDate: '1983-02-01',
  sex: 'male',
  address: '東京都文京区本郷二丁目2番2号',
  household: { create: 'h-hongo' },
} as const;

const run = promisify(execFile);

let net: CardNetwork | undefined;
let browser: Browser | undefined;
let terminal: TerminalPage;
let cardId: string;
let residentCode: string;

beforeAll(async () => {
  net = await startCardNetwork(createTestNetwork, [BUNKYO], {});
  const bunkyo = net.municipality(BUNKYO);
  const [hongo] = (await bunkyo.module.register.recordOfficialEntries([HONGO])) as [ResidentRecord];
  residentCode = hongo.residentCode;
  await waitUntil(
    'the national server holds the resident',
    async () =>
      (await net!.national.context.store.db
        .selectFrom('identity_current')
        .select('resident_code')
        .where('resident_code', '=', residentCode)
        .executeTakeFirst()) !== undefined,
  );
  // 厚生労働省 received the resident's identity information online, by code.
  const registered = await registerAgencyInNetwork(net.root, {
    slug: 'mhlw',
    kind: 'mhlw',
    affairs: ['mhlw-unemployment-benefit'],
    name: '厚生労働省職業安定局',
  });
  const agency = await createAgencyClient(await loadAgencyClientConfig(registered.clientConfigPath));
  try {
    await agency.byCode({ affair: 'mhlw-unemployment-benefit', residentCode });
  } finally {
    await agency.close();
  }
  // The card, issued at 文京区 (its clerk and examiner over the API), carried to the national centre's window.
  const card = await issueActiveCard(bunkyo, await net.staffAt(BUNKYO), hongo.id, '2468');
  cardId = card.cardId!;
  await presentCard(bunkyo.module.cardIssuer!.cardPath(cardId), net.readerOf(NATIONAL));

  browser = await launchBrowser({
    trustedCertificates: [await readFile(net.configOf(NATIONAL).pki.certificate, 'utf8')],
  });
  terminal = await openTerminalPage(browser);
}, 180_000);

async function pdfText(path: string): Promise<string> {
  return (await run('/usr/bin/pdftotext', ['-enc', 'UTF-8', path, '-'])).stdout;
}

afterAll(async () => {
  await browser?.close();
  await net?.close();
});

it('discloses at the national window the identity information and its provision, with the answer PDF', async () => {
  const { page, failures } = terminal;
  // The national centre's administrator and window clerk, set up as at any node (setUpOperators reads only the
  // node's store, clock and configuration).
  await setUpOperators(
    {
      municipality: net!.national as unknown as RunningNode<MunicipalityModule>,
      municipalityConfig: net!.configOf(NATIONAL),
    },
    page,
    [CLERK],
  );
  await logIn(page, CLERK.login, CLERK.password);
  expect(await page.getByTestId('home-work').textContent()).toContain('本人確認情報開示');
  await page.getByRole('navigation').getByRole('link', { name: '本人確認情報開示' }).click();
  await expect.poll(() => heading(page)).toBe('本人確認情報開示');
  const row = page.getByTestId('reader-cards').getByRole('row').filter({ hasText: cardId });
  await expect.poll(() => row.textContent()).toMatch(/利用可能東京都文京区.*3$/);
  await screenshot(page, `${SHOT}-01-reader`);

  // A wrong PIN: the tries left; then the right one.
  await page.getByRole('button', { name: cardId, exact: true }).click();
  const pin = page.getByRole('form', { name: `暗証番号の入力（カード ${cardId}）` }).getByLabel('暗証番号');
  await expect.poll(() => hasFocus(pin)).toBe(true);
  await page.keyboard.type('1111');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByRole('alert').textContent()).toBe('暗証番号が違います（残り2回）');
  await expect.poll(() => hasFocus(pin)).toBe(true);
  await page.keyboard.type('2468');
  await page.keyboard.press('Enter');

  const identity = page.getByTestId('disclosure-identity');
  await expect.poll(() => identity.textContent()).toContain(HONGO.name);
  const shown = (await identity.textContent()) ?? '';
  for (const item of [
    `住民票コード${residentCode}`,
    `フリガナ${HONGO.nameKana}`,
    `生年月日${formatWareki(HONGO.birthDate)}`,
    `住所${HONGO.address}`,
  ]) {
    expect(shown).toContain(item);
  }
  expect(await page.getByRole('heading', { level: 2, name: /開示の内容/ }).textContent()).toBe(
    '開示の内容（地方公共団体情報システム機構）',
  );
  const provisions = page.getByTestId('disclosure-provisions').getByRole('row');
  await expect.poll(() => provisions.count()).toBe(2);
  expect(await provisions.nth(1).textContent()).toMatch(
    /^令和\d+年\d+月\d+日（.）\d+時\d\d分厚生労働省職業安定局基本手当の支給に関する事務（雇用保険法第13条）電気通信回線・住民票コード地方公共団体情報システム機構$/,
  );
  expect(await page.getByTestId('disclosure-sources').textContent()).toBe(
    '地方公共団体情報システム機構：回答あり（1件）東京都：回答あり（0件）',
  );
  expect(await page.getByTestId('disclosure-incomplete').count()).toBe(0);
  await screenshot(page, `${SHOT}-02-answer`);

  // The answer document behind the link is the PDF.
  const link = page.getByTestId('disclosure-document');
  expect(await link.textContent()).toBe('本人確認情報開示回答書（PDF）');
  expect(await link.getAttribute('download')).toMatch(/^disclosure-.*\.pdf$/);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const text = await pdfText(await download.path());
  for (const expected of ['本人確認情報開示回答書', HONGO.name, residentCode, '厚生労働省職業安定局']) {
    expect(text).toContain(expected);
  }
  await logOut(page);
  expect(failures).toEqual([]);
});
