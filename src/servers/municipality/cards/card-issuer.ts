// The municipality's card issuer: its card CA (created on first use), the certificates of its counter terminal and
// card administrator, and where its software cards are kept. On the network the terminal certificates come from the
// national card terminal CA, which every card trusts, so a card issued here works at every municipality's counter;
// a municipality on its own certifies them with its card CA. The private keys live in a key store like the node's own
// (DESIGN.md §6 Keys); certificates, being public, beside the cards.

import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CardTerminalKey } from '../../../card/index.js';
import {
  cardTerminalIdOf,
  createCardIssuerCa,
  fileExists,
  issueCardTerminalCertificate,
  writeFileAtomic,
  type CaMaterial,
  type CardTerminalRole,
  type KeyStore,
} from '../../../crypto/index.js';
import type { LocalGovernmentCode } from '../../../domain/index.js';
import type { Clock } from '../../../shared/clock.js';
import { loadOrCreateKeptCa } from '../../common/kept-ca.js';

/** Where a municipality keeps its card issuer: a directory for certificates and card files, and a key store. */
export interface CardIssuerSetup {
  /** Created on first use (mode 0700): `issuer/*.pem` and one `<card id>.card` (with `.chip`) per card. */
  readonly directory: string;
  /** The key store of the card CA and terminal keys, opened on first use (e.g. the node's own, with its passphrase). */
  readonly keyStore: KeyStore | (() => Promise<KeyStore>);
}

/**
 * Who certifies the keys of the counter terminal and the card administrator, and so which CA the cards trust: the
 * national card terminal CA over the network (cardTerminalAuthorityOf in card-network.ts).
 */
export interface CardTerminalAuthority {
  /** The CA certificate written on every card as the terminals' trust anchor. */
  anchorPem(): Promise<string>;
  /** Certifies `publicKeyPem` for `role` at this municipality; answers the certificate. */
  certify(role: CardTerminalRole, publicKeyPem: string): Promise<string>;
}

/** The card issuer of one municipality. */
export interface CardIssuer {
  readonly lgCode: LocalGovernmentCode;
  /** The card CA (created on first use), for certifying card keys. */
  ca(): Promise<CaMaterial>;
  /** The CA the cards personalised here trust for terminals and administrators (written on the card). */
  terminalAnchorPem(): Promise<string>;
  /** The counter terminal's `card-terminal` key, which cards accept (external authenticate). */
  terminalKey(): Promise<CardTerminalKey>;
  /** The clerk's `card-administrator` key, for unlocking cards and taking them back (返納). */
  administratorKey(): Promise<CardTerminalKey>;
  /** The file of card `cardId`. */
  cardPath(cardId: string): string;
}

/** Key store aliases of the issuer's keys. */
export const CardIssuerKeyAlias = {
  ca: 'card-ca',
  terminal: 'card-terminal',
  administrator: 'card-administrator',
} as const;

const RENEW_BEFORE_MS = 24 * 60 * 60 * 1000;

/**
 * The card issuer of municipality `lgCode` kept in `setup`. The CA is made once and kept (its key in the key store,
 * its certificate in `issuer/card-ca.pem`); the terminal and administrator certificates are issued by
 * `terminalAuthority` (by the card CA itself without one) and issued again with the same key when they come within a
 * day of their end.
 */
export function createCardIssuer(
  setup: CardIssuerSetup,
  options: {
    readonly lgCode: LocalGovernmentCode;
    readonly clock: Clock;
    readonly terminalAuthority?: CardTerminalAuthority;
  },
): CardIssuer {
  const issuerDirectory = join(setup.directory, 'issuer');
  let keyStore: Promise<KeyStore> | undefined;
  const openKeyStore = (): Promise<KeyStore> =>
    (keyStore ??= typeof setup.keyStore === 'function' ? setup.keyStore() : Promise.resolve(setup.keyStore));
  let ca: Promise<CaMaterial> | undefined;
  const keys = new Map<CardTerminalRole, Promise<CardTerminalKey>>();

  async function loadOrCreateCa(): Promise<CaMaterial> {
    return loadOrCreateKeptCa(await openKeyStore(), {
      alias: CardIssuerKeyAlias.ca,
      certificatePath: join(issuerDirectory, `${CardIssuerKeyAlias.ca}.pem`),
      create: () => createCardIssuerCa({ municipalityCode: options.lgCode, validFrom: options.clock.now() }),
    });
  }

  async function loadOrIssue(role: CardTerminalRole): Promise<CardTerminalKey> {
    const alias = role === 'card-terminal' ? CardIssuerKeyAlias.terminal : CardIssuerKeyAlias.administrator;
    const store = await openKeyStore();
    const certificatePath = join(issuerDirectory, `${alias}.pem`);
    const now = options.clock.now();
    if ((await store.has(alias)) && (await fileExists(certificatePath))) {
      const certificatePem = await readFile(certificatePath, 'utf8');
      const validTo = new Date(new X509Certificate(certificatePem).validTo);
      if (validTo.getTime() - now.getTime() > RENEW_BEFORE_MS) {
        return { certificatePem, privateKey: await store.tlsPrivateKey(alias) };
      }
    }
    const publicKeyPem = (await store.has(alias))
      ? await store.publicKey(alias)
      : (await store.generate(alias)).publicKeyPem;
    const certificatePem =
      options.terminalAuthority === undefined
        ? await issueCardTerminalCertificate(await issuer.ca(), {
            terminalId: cardTerminalIdOf(options.lgCode, role),
            role,
            publicKeyPem,
            validFrom: now,
          })
        : await options.terminalAuthority.certify(role, publicKeyPem);
    await writeFileAtomic(certificatePath, certificatePem, { mode: 0o644, directoryMode: 0o700 });
    return { certificatePem, privateKey: await store.tlsPrivateKey(alias) };
  }

  function memoKey(role: CardTerminalRole): Promise<CardTerminalKey> {
    const held = keys.get(role);
    const loading = (held ?? loadOrIssue(role)).then(async (key) => {
      // Renewed when it nears its end (a long-running node): looked at on each use.
      const validTo = new Date(new X509Certificate(key.certificatePem).validTo);
      return validTo.getTime() - options.clock.now().getTime() > RENEW_BEFORE_MS ? key : loadOrIssue(role);
    });
    keys.set(role, loading);
    loading.catch(() => keys.delete(role));
    return loading;
  }

  const issuer: CardIssuer = {
    lgCode: options.lgCode,
    ca() {
      if (ca === undefined) {
        ca = loadOrCreateCa();
        ca.catch(() => {
          ca = undefined;
        });
      }
      return ca;
    },
    async terminalAnchorPem() {
      return options.terminalAuthority === undefined
        ? (await issuer.ca()).certificatePem
        : options.terminalAuthority.anchorPem();
    },
    terminalKey: () => memoKey('card-terminal'),
    administratorKey: () => memoKey('card-administrator'),
    cardPath: (cardId) => join(setup.directory, `${cardId}.card`),
  };
  return issuer;
}
