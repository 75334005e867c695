// Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core (no browser download),
// with the flags this machine's closed network needs, and a folder for the screenshots the tests keep as artifacts.

import { X509Certificate, createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

/** Where the browser tests keep their screenshots (test-artifacts/, not committed; CI keeps it). */
export const ARTIFACTS_DIRECTORY = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** The Chromium the tests drive; JUKINET_CHROMIUM overrides it. */
export const CHROMIUM_PATH = process.env['JUKINET_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium. `trustedCertificates` (PEM) are accepted as if a trusted CA had issued them, by the
 * SHA-256 of their public keys: `ignoreHTTPSErrors` alone is not enough for WebAuthn, which Chromium refuses on a page
 * with a certificate error.
 */
export async function launchBrowser(
  options: { trustedCertificates?: readonly string[] } = {},
): Promise<Browser> {
  const spkis = (options.trustedCertificates ?? []).map(spkiHashOf);
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
      ...(spkis.length === 0 ? [] : [`--ignore-certificate-errors-spki-list=${spkis.join(',')}`]),
    ],
  });
}

/** The base64 SHA-256 of a certificate's SubjectPublicKeyInfo, as Chromium's SPKI lists name it. */
export function spkiHashOf(certificatePem: string): string {
  const spki = new X509Certificate(certificatePem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** The path for a screenshot named `name` (without extension), creating the folder. */
export async function artifactPath(name: string): Promise<string> {
  return artifactFilePath(`${name}.png`);
}

/** The path for any other artifact a test keeps (a downloaded PDF), by its file name, creating the folder. */
export async function artifactFilePath(fileName: string): Promise<string> {
  await mkdir(ARTIFACTS_DIRECTORY, { recursive: true });
  return join(ARTIFACTS_DIRECTORY, fileName);
}
