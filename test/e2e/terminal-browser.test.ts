// The terminal web application in headless Chromium, served by a running municipal server on its terminal port: the
// page shows the node in Japanese with its live state and delivery queue, and the test keeps a screenshot.

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { moduleFactoryOf } from '../../src/cli/node-modules.js';
import { japanDateOf } from '../../src/domain/index.js';
import type { NodeId } from '../../src/domain/node-id.js';
import {
  prepareNetwork,
  startNode,
  type NodeModule,
  type RunningNode,
} from '../../src/servers/common/index.js';
import { freePortRange } from '../../src/servers/common/testing/free-ports.js';
import type { MunicipalityModule } from '../../src/servers/municipality/index.js';
import { artifactPath, launchBrowser } from '../support/browser.js';

const IDS = ['national', 'pref-13', 'muni-131059'] as NodeId[];
const running: RunningNode<NodeModule>[] = [];
let root: string;
let browser: Browser;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jukinet-terminal-'));
  const layout = await prepareNetwork(root, { nodeIds: IDS, basePort: await freePortRange(6) });
  for (const id of IDS) {
    const config = await layout.configOf(id);
    running.push(await startNode(config, moduleFactoryOf(config.role), { logger: pino({ enabled: false }) }));
  }
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  for (const node of running.splice(0).reverse()) await node.stop();
  await rm(root, { recursive: true, force: true });
});

it('shows the municipal server in Japanese with its state and its queue to the prefecture', async () => {
  const municipality = running.at(-1)! as RunningNode<MunicipalityModule>;
  // One birth, so that the municipality has delivered to its prefecture and lists it.
  await municipality.module.register.recordBirth({
    name: '文京 花子',
    nameKana: 'ブンキョウ ハナコ',
    birthDate: japanDateOf(new Date()),
    sex: 'female',
    address: '東京都文京区本郷一丁目1番1号',
  });
  await municipality.dispatcher.drained('pref-13' as NodeId);
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'ja-JP' });
  const page = await context.newPage();
  const failures: string[] = [];
  page.on('pageerror', (error) => failures.push(error.message));
  page.on('console', (message) => {
    // Nobody is logged in, so "who am I" (GET /api/session) answers 401, which Chromium logs like any non-2xx fetch.
    if (message.type() === 'error' && !message.text().includes('status of 401'))
      failures.push(message.text());
  });

  await page.goto(`${municipality.terminalUrl}status`);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('東京都文京区');
  expect(await page.getByTestId('node-state').textContent()).toBe('稼働中');
  expect(await page.locator('header').textContent()).toContain('東京都文京区（市町村CS）');
  expect(await page.getByRole('row', { name: /pref-13/ }).textContent()).toMatch(/pref-13\s*0\s*待機/);
  expect(await page.title()).toBe('システム状態 — 東京都文京区 — 住基ネット');

  // The terminal's own Japanese font, loaded by Unicode range, before the picture is taken.
  await page.evaluate('document.fonts.ready.then(() => true)');
  const screenshot = await artifactPath('terminal-status-muni-131059');
  await page.screenshot({ path: screenshot, fullPage: true });
  expect((await stat(screenshot)).size).toBeGreaterThan(0);
  expect(failures).toEqual([]);
  await context.close();
});
