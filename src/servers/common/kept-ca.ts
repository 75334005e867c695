// A CA a server keeps for good: its private key in the node's key store under an alias, its certificate (public) in a
// file. Made on first use and read back afterwards; the card issuer of a municipality and the national card terminal
// CA are kept this way (docs/card-issuance.md).

import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileExists, writeFileAtomic, type CaMaterial, type KeyStore } from '../../crypto/index.js';

/**
 * The CA kept under `alias` in `keyStore` with its certificate at `certificatePath`, or a new one from `create`
 * (its key imported into the store, its certificate written; the directory made with mode 0700) when either is missing.
 */
export async function loadOrCreateKeptCa(
  keyStore: KeyStore,
  options: {
    readonly alias: string;
    readonly certificatePath: string;
    readonly create: () => Promise<CaMaterial>;
  },
): Promise<CaMaterial> {
  if ((await keyStore.has(options.alias)) && (await fileExists(options.certificatePath))) {
    const key = await keyStore.tlsPrivateKey(options.alias);
    return {
      certificatePem: await readFile(options.certificatePath, 'utf8'),
      privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
  }
  const created = await options.create();
  await mkdir(dirname(options.certificatePath), { recursive: true, mode: 0o700 });
  await keyStore.importKey(options.alias, created.privateKeyPem, { replace: true });
  await writeFileAtomic(options.certificatePath, created.certificatePem, {
    mode: 0o644,
    directoryMode: 0o700,
  });
  return created;
}
