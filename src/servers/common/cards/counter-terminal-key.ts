// The card terminal key of a window that is not a card issuer (the national centre's and each prefecture's
// self-disclosure window, docs/self-disclosure.md): a P-256 key in the node's key store and its `card-terminal`
// certificate from the national card terminal CA, which every card trusts. Issued on first use and issued again, for
// the same key, when it comes within a day of its end.

import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CardTerminalKey } from '../../../card/index.js';
import { fileExists, writeFileAtomic, type KeyStore } from '../../../crypto/index.js';
import type { Clock } from '../../../shared/clock.js';

/** Where a window keeps its terminal certificate (a directory) and its key (a key store, opened on first use). */
export interface CounterTerminalSetup {
  readonly directory: string;
  readonly keyStore: KeyStore | (() => Promise<KeyStore>);
}

/** The key store alias of a window's card terminal key. */
export const COUNTER_TERMINAL_KEY_ALIAS = 'card-terminal';

const RENEW_BEFORE_MS = 24 * 60 * 60 * 1000;

/**
 * The window's card terminal key as a function the card check calls: `certify` gets a certificate for the public key
 * (over mTLS from the national card terminal CA, or from that CA directly on the national server).
 */
export function counterTerminalKey(
  setup: CounterTerminalSetup,
  options: { readonly clock: Clock; readonly certify: (publicKeyPem: string) => Promise<string> },
): () => Promise<CardTerminalKey> {
  const certificatePath = join(setup.directory, `${COUNTER_TERMINAL_KEY_ALIAS}.pem`);
  let held: Promise<CardTerminalKey> | undefined;

  const fresh = (certificatePem: string): boolean =>
    new Date(new X509Certificate(certificatePem).validTo).getTime() - options.clock.now().getTime() >
    RENEW_BEFORE_MS;

  async function loadOrIssue(): Promise<CardTerminalKey> {
    const store = typeof setup.keyStore === 'function' ? await setup.keyStore() : setup.keyStore;
    if ((await store.has(COUNTER_TERMINAL_KEY_ALIAS)) && (await fileExists(certificatePath))) {
      const certificatePem = await readFile(certificatePath, 'utf8');
      if (fresh(certificatePem)) {
        return { certificatePem, privateKey: await store.tlsPrivateKey(COUNTER_TERMINAL_KEY_ALIAS) };
      }
    }
    const publicKeyPem = (await store.has(COUNTER_TERMINAL_KEY_ALIAS))
      ? await store.publicKey(COUNTER_TERMINAL_KEY_ALIAS)
      : (await store.generate(COUNTER_TERMINAL_KEY_ALIAS)).publicKeyPem;
    const certificatePem = await options.certify(publicKeyPem);
    await writeFileAtomic(certificatePath, certificatePem, { mode: 0o644, directoryMode: 0o700 });
    return { certificatePem, privateKey: await store.tlsPrivateKey(COUNTER_TERMINAL_KEY_ALIAS) };
  }

  return () => {
    const loading = (held ?? loadOrIssue()).then((key) => (fresh(key.certificatePem) ? key : loadOrIssue()));
    held = loading;
    loading.catch(() => {
      held = undefined;
    });
    return loading;
  };
}
