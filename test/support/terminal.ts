// The municipal terminal in headless Chromium, for the browser tests that drive its screens: a real national,
// prefecture and municipality over mTLS (or two municipalities, 文京区 and 鳥取市, on a test clock, for the services
// across municipalities), a page with a CDP virtual authenticator as the operators' security keys, the enrolment of
// operators at 操作者管理 (and of operators who use the API beside the browser), and the steps every screen test repeats
// (log in, open a record, 決裁).

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { moduleFactoryOf } from '../../src/cli/node-modules.js';
import { initFirstAdministrator } from '../../src/cli/operator.js';
import type { NodeId } from '../../src/domain/node-id.js';
import {
  prepareNetwork,
  startNode,
  type NodeConfig,
  type NodeModule,
  type RunningNode,
} from '../../src/servers/common/index.js';
import { freePortRange } from '../../src/servers/common/testing/free-ports.js';
import {
  connectNodeTerminal,
  logIn as logInOverApi,
  type TestBrowser,
} from '../../src/servers/common/terminal-api/testing/terminal-client.js';
import { createSoftAuthenticator } from '../../src/servers/common/operators/testing/soft-authenticator.js';
import type { OperatorRole } from '../../src/domain/index.js';
import type { MunicipalityModule, MunicipalityOptions } from '../../src/servers/municipality/index.js';
import type { Clock } from '../../src/shared/clock.js';
import { artifactPath, launchBrowser } from './browser.js';
import { startCardNetwork } from './card-network.js';
import { createTestNetwork } from './network.js';

export const NATIONAL = 'national' as NodeId;
export const PREFECTURE = 'pref-13' as NodeId;
export const MUNICIPALITY = 'muni-131059' as NodeId;

/** A running national server, 東京都 and 文京区, and a browser that trusts 文京区's terminal certificate. */
export interface TerminalNetwork {
  readonly national: RunningNode<NodeModule>;
  readonly prefecture: RunningNode<NodeModule>;
  readonly municipality: RunningNode<MunicipalityModule>;
  readonly municipalityConfig: NodeConfig;
  readonly browser: Browser;
  /** Closes the browser, stops the nodes and removes their folder. */
  stop(): Promise<void>;
}

/** What a browser test may ask of its network beyond the defaults. */
export interface TerminalNetworkOptions {
  /**
   * Gives each node the modules' options its configuration gives under `jukinet serve`: 文京区 a card issuer (in
   * `cards/` beside its key store) and a card reader (`card-reader/`), the national server its card terminal CA.
   */
  readonly cards?: boolean;
}

/** Starts the network in a fresh folder named after `prefix`, and the browser. */
export async function startTerminalNetwork(
  prefix: string,
  options: TerminalNetworkOptions = {},
): Promise<TerminalNetwork> {
  const root = await mkdtemp(join(tmpdir(), `jukinet-${prefix}-`));
  const ids = [NATIONAL, PREFECTURE, MUNICIPALITY];
  const running: RunningNode<NodeModule>[] = [];
  let browser: Browser | undefined;
  const stop = async (): Promise<void> => {
    await browser?.close();
    for (const node of running.splice(0).reverse()) await node.stop();
    await rm(root, { recursive: true, force: true });
  };
  try {
    const layout = await prepareNetwork(root, { nodeIds: ids, basePort: await freePortRange(6) });
    for (const id of ids) {
      const config = await layout.configOf(id);
      running.push(
        await startNode(config, moduleFactoryOf(config.role, options.cards === true ? config : undefined), {
          logger: pino({ enabled: false }),
        }),
      );
    }
    const municipalityConfig = await layout.configOf(MUNICIPALITY);
    const certificatePem = await readFile(municipalityConfig.pki.certificate, 'utf8');
    browser = await launchBrowser({ trustedCertificates: [certificatePem] });
    return {
      national: running[0]!,
      prefecture: running[1]!,
      municipality: running[2]! as RunningNode<MunicipalityModule>,
      municipalityConfig,
      browser,
      stop,
    };
  } catch (caught) {
    await stop();
    throw caught;
  }
}

/** A page of its own context with a virtual authenticator, and the page errors it met (a test expects none). */
export interface TerminalPage {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly failures: string[];
}

/** Opens a page whose virtual authenticator (CTAP2, resident keys, user verified) stands in for the security keys. */
export async function openTerminalPage(browser: Browser): Promise<TerminalPage> {
  const context = await browser.newContext({ locale: 'ja-JP', acceptDownloads: true });
  const page = await context.newPage();
  const failures: string[] = [];
  page.on('pageerror', (error) => failures.push(error.message));
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'usb',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
  return { context, page, failures };
}

/** An operator to enrol at 操作者管理. */
export interface OperatorToEnrol {
  readonly login: string;
  readonly name: string;
  /** The role as 操作者管理 lists it: 窓口担当, 審査担当. */
  readonly role: string;
  readonly password: string;
}

/** The first administrator's login name and password, as setUpOperators() makes them. */
export const ADMINISTRATOR = {
  login: 'kanri',
  name: '管理 花子',
  password: 'sakura no hana ga saku',
} as const;

/**
 * Makes the first administrator (as `jukinet operator init`, on the node's clock), who registers their key at
 * 初期設定, logs in and enrols `operators` with their keys on the page's authenticator, then logs out. `network` names
 * the municipality whose terminal the page opens (a network of the test's own: any running municipal node).
 */
export async function setUpOperators(
  network: Pick<TerminalNetwork, 'municipality' | 'municipalityConfig'>,
  page: Page,
  operators: readonly OperatorToEnrol[],
): Promise<void> {
  const created = await initFirstAdministrator(network.municipalityConfig, {
    loginName: ADMINISTRATOR.login,
    displayName: ADMINISTRATOR.name,
    password: ADMINISTRATOR.password,
    store: network.municipality.context.store,
    clock: network.municipality.context.clock,
  });
  await page.goto(created.setupUrl);
  await expect.poll(() => heading(page)).toBe('初期設定');
  await page.getByRole('button', { name: 'セキュリティキーを登録' }).click();
  await page.getByRole('button', { name: 'ログイン画面へ' }).click();
  await logIn(page, ADMINISTRATOR.login, ADMINISTRATOR.password);
  await page.getByRole('link', { name: '操作者管理' }).click();
  await expect.poll(() => heading(page)).toBe('操作者管理');
  for (const operator of operators) await enrol(page, operator);
  await logOut(page);
}

/** Enrols an operator and their key at 操作者管理, as the administrator. */
export async function enrol(page: Page, operator: OperatorToEnrol): Promise<void> {
  await page.getByLabel('ログイン名').fill(operator.login);
  await page.getByLabel('氏名（表示名）').fill(operator.name);
  await page.getByLabel('役割').selectOption({ label: operator.role });
  await page.getByLabel('初期パスワード').fill(operator.password);
  await page.getByLabel('初期パスワード').press('Enter');
  await expect
    .poll(() => page.getByRole('status').textContent())
    .toBe(`${operator.name}（${operator.login}）を登録しました。続けてセキュリティキーを登録してください`);
  await page.getByRole('button', { name: `${operator.name} のセキュリティキー登録` }).click();
  await expect
    .poll(() => page.getByRole('status').textContent())
    .toBe(`${operator.name} のセキュリティキーを登録しました`);
}

/** Keeps a full-page screenshot in test-artifacts/, once the fonts have loaded. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate('document.fonts.ready.then(() => true)');
  await page.screenshot({ path: await artifactPath(name), fullPage: true });
}

/** The screen's title (the one h1). */
export async function heading(page: Page): Promise<string | null> {
  return page.getByRole('heading', { level: 1 }).textContent();
}

/** The first h2: the section the screen shows (住民票照会, a form, its result). */
export async function sectionHeading(page: Page): Promise<string | null> {
  return page.getByRole('heading', { level: 2 }).first().textContent();
}

/** Logs in with password (Enter from the password field) and the security key, and waits for ホーム. */
export async function logIn(page: Page, loginName: string, password: string): Promise<void> {
  await page.getByLabel('ログイン名').fill(loginName);
  await page.getByLabel('パスワード').fill(password);
  await page.getByLabel('パスワード').press('Enter');
  await expect.poll(() => heading(page)).toBe('ホーム');
}

export async function logOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect.poll(() => heading(page)).toBe('ログイン');
}

/** 住民検索 by family name (with 除票 when `includeClosed`), then 住民票照会 of the one named `name`. */
export async function openRecord(
  page: Page,
  name: string,
  options: { includeClosed?: boolean } = {},
): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: '住民検索' }).click();
  await expect.poll(() => heading(page)).toBe('住民検索');
  await page.getByLabel('氏名').fill(name.split(' ')[0]!);
  if (options.includeClosed === true) await page.getByLabel('除票を含む').check();
  await page.getByLabel('氏名').press('Enter');
  await page.getByRole('button', { name, exact: true }).click();
  await expect.poll(() => page.getByTestId('resident-record').textContent()).toContain(name);
}

/**
 * 審査: opens the pending notification labelled `label` and confirms it; with `subject`, first waits until the detail
 * names whom (or which household) it concerns.
 */
export async function confirmPending(
  page: Page,
  label: string,
  options: { subject?: string } = {},
): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: '審査' }).click();
  await expect.poll(() => heading(page)).toBe('審査');
  await page.getByTestId('notification-list').getByRole('button', { name: label, exact: true }).click();
  await expect.poll(() => sectionHeading(page)).toBe(`${label}の審査`);
  if (options.subject !== undefined) {
    await expect.poll(() => page.getByTestId('decision-subject').textContent()).toContain(options.subject);
  }
  await page.getByRole('button', { name: '決裁', exact: true }).click();
  await expect.poll(() => page.getByTestId('notification-status').textContent()).toMatch(/^決裁済み/);
}

/** The text of the element that shows the field's message, by the input's accessible description. */
export async function messageOf(field: Locator): Promise<string> {
  const ids = (await field.getAttribute('aria-describedby')) ?? '';
  const id = ids.split(' ').find((part) => part.endsWith('-error'));
  if (id === undefined) return '';
  return (await field.page().locator(`[id="${id}"]`).textContent()) ?? '';
}

/** True when the focus is on `field`. */
export async function hasFocus(field: Locator): Promise<boolean> {
  // The tests compile without the DOM's types: the element is typed by what is read of it.
  return field.evaluate(
    (element: { ownerDocument: { activeElement: unknown } }) =>
      element === element.ownerDocument.activeElement,
  );
}

/**
 * Moves the focus forward with Tab until it is on `field`, as at the keyboard; fails when `field` is not reached
 * within `limit` presses (it is out of reach, or before the focus in the form's order).
 */
export async function tabTo(field: Locator, limit = 12): Promise<void> {
  const page = field.page();
  for (let presses = 0; presses <= limit; presses++) {
    if (await hasFocus(field)) return;
    await page.keyboard.press('Tab');
  }
  const focused = await page.evaluate<string>(
    'document.activeElement?.labels?.[0]?.textContent ?? document.activeElement?.textContent ?? ""',
  );
  throw new Error(`Tab did not reach the field within ${limit} presses (the focus is on "${focused}")`);
}

/** Tabs to `field`, replaces what it holds and types `text`. */
export async function typeInto(field: Locator, text: string, limit = 12): Promise<void> {
  await tabTo(field, limit);
  const page = field.page();
  await page.keyboard.press('ControlOrMeta+a');
  if (text === '') await page.keyboard.press('Backspace');
  else await page.keyboard.type(text);
}

/** 文京区, under its own name beside 鳥取市 (the MUNICIPALITY of startTerminalNetwork). */
export const BUNKYO = MUNICIPALITY;
export const TOTTORI_PREFECTURE = 'pref-31' as NodeId;
export const TOTTORI = 'muni-312011' as NodeId;

/**
 * national, 東京都, 鳥取県, 文京区 and 鳥取市 on one clock, each municipality with a card issuer and a card reader as
 * `jukinet serve` gives them, and a browser that trusts both municipalities' terminals.
 */
export interface CounterNetwork {
  readonly national: RunningNode<NodeModule>;
  readonly bunkyo: RunningNode<MunicipalityModule>;
  readonly tottori: RunningNode<MunicipalityModule>;
  configOf(id: NodeId): NodeConfig;
  /** Where a card is presented at municipality `id` (its card-reader/ folder). */
  readerOf(id: NodeId): string;
  /** The running node and configuration of municipality `id`, as setUpOperators takes them. */
  terminalOf(id: NodeId): Pick<TerminalNetwork, 'municipality' | 'municipalityConfig'>;
  readonly browser: Browser;
  /** Closes the browser, stops the nodes and removes their folder. */
  stop(): Promise<void>;
}

/**
 * Starts the five nodes on `options.clock` (test/support/clock.ts) and the browser. `options.municipality` adds a
 * municipality's own module options (its certifier's name, its wide-area settings).
 */
export async function startCounterNetwork(options: {
  readonly clock: Clock;
  readonly municipality?: (id: NodeId) => MunicipalityOptions;
}): Promise<CounterNetwork> {
  const network = await startCardNetwork(createTestNetwork, [BUNKYO, TOTTORI], options);
  let browser: Browser | undefined;
  const stop = async (): Promise<void> => {
    await browser?.close();
    await network.close();
  };
  try {
    browser = await launchBrowser({
      trustedCertificates: await Promise.all(
        [BUNKYO, TOTTORI].map((id) => readFile(network.configOf(id).pki.certificate, 'utf8')),
      ),
    });
    return {
      national: network.national,
      bunkyo: network.municipality(BUNKYO),
      tottori: network.municipality(TOTTORI),
      configOf: network.configOf,
      readerOf: network.readerOf,
      terminalOf: (id) => ({
        municipality: network.municipality(id),
        municipalityConfig: network.configOf(id),
      }),
      browser,
      stop,
    };
  } catch (caught) {
    await stop();
    throw caught;
  }
}

/** An operator who works over the API beside the browser (a test's shortcut for steps the screens do not show). */
export interface ApiOperator {
  readonly loginName: string;
  readonly displayName: string;
  readonly role: OperatorRole;
}

/**
 * Enrols `operators` with software keys through the session of the administrator logged in on `page` (the calls go
 * from the page, as 操作者管理 makes them), and answers a logged-in API browser for each, by login name. For a
 * municipality whose administrator and screen operators were set up in the browser (setUpOperators), and whose test
 * also needs operators over the API (a card issued with issueActiveCard).
 */
export async function enrolApiOperators(
  page: Page,
  network: Pick<TerminalNetwork, 'municipality' | 'municipalityConfig'>,
  operators: readonly ApiOperator[],
): Promise<Map<string, TestBrowser>> {
  const terminal = await connectNodeTerminal(network.municipality, network.municipalityConfig);
  const post = (path: string, body: unknown = {}) =>
    page.evaluate(
      async (call) => {
        const response = await fetch(call.path, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', 'x-jukinet-terminal': '1' },
          body: JSON.stringify(call.body),
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      },
      { path, body },
    );
  const browsers = new Map<string, TestBrowser>();
  for (const [index, operator] of operators.entries()) {
    const password = `hoshi zora ${2030 + index} api`;
    const enrolled = await post('/api/operators', { ...operator, password });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(200);
    const id = (enrolled.body['operator'] as { id: string }).id;
    const key = createSoftAuthenticator();
    const begun = await post(`/api/operators/${id}/keys/begin`);
    const { enrolmentId, options } = begun.body as { enrolmentId: string; options: never };
    const completed = await post(`/api/operators/${id}/keys/complete`, {
      enrolmentId,
      response: key.register(options, terminal.origin),
    });
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    const browser = terminal.browser();
    await logInOverApi(browser, terminal.origin, { loginName: operator.loginName, password, key });
    browsers.set(operator.loginName, browser);
  }
  return browsers;
}
