// Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core (no browser download),
// with the flags this machine's closed network needs, and a folder for the screenshots the tests keep as artifacts.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

/** Where the browser tests keep their screenshots (test-artifacts/, not committed; CI keeps it). */
export const ARTIFACTS_DIRECTORY = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** The Chromium the tests drive; JUKINET_CHROMIUM overrides it. */
export const CHROMIUM_PATH = process.env['JUKINET_CHROMIUM'] ?? '/usr/bin/chromium';

/** Launches headless Chromium. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The path for a screenshot named `name` (without extension), creating the folder. */
export async function artifactPath(name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIRECTORY, { recursive: true });
  return join(ARTIFACTS_DIRECTORY, `${name}.png`);
}
