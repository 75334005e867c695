// The card reader at a counter (docs/card-issuance.md, "The card reader"): a municipality's, or the national centre's
// and a prefecture's window for self-disclosure (docs/self-disclosure.md). A software card is a file (and its `.chip`),
// so presenting a card is putting its files in the reader's directory, as a resident hands the card over the counter;
// a municipality also reads the cards it issued and still keeps (before handover). A PC/SC reader would sit behind the
// same interface.

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openSoftwareCard, type ResidentCard } from '../../../card/index.js';
import { fileExists } from '../../../crypto/index.js';
import type { Clock } from '../../../shared/clock.js';
import { JukinetError, quote } from '../../../shared/errors.js';

/** The cards a counter can read. */
export interface CardReader {
  /** The ids of the cards in the reader now (not those kept by the issuer), sorted. */
  presented(): Promise<string[]>;
  /** Opens card `cardId` (a new session); JUKI_ERR_CARD_NOT_IN_READER when it is neither presented nor kept here. */
  open(cardId: string): Promise<ResidentCard>;
}

/** Where a card issuer keeps the cards it has not handed over (a municipality's CardIssuer). */
export interface KeptCards {
  cardPath(cardId: string): string;
}

const CARD_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const CARD_FILE = /^([a-z0-9][a-z0-9-]{0,63})\.card$/;

/**
 * The reader whose slot is `directory` (created by whoever presents a card), falling back to `issuer`'s cards; without
 * a directory, only the issuer's cards can be read.
 */
export function createCardReader(options: {
  readonly directory?: string;
  readonly issuer?: KeptCards | undefined;
  readonly clock: Clock;
}): CardReader {
  return {
    async presented() {
      if (options.directory === undefined) return [];
      let names: string[];
      try {
        names = await readdir(options.directory);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      return names
        .map((name) => CARD_FILE.exec(name)?.[1])
        .filter((id): id is string => id !== undefined)
        .sort();
    },
    async open(cardId) {
      if (!CARD_ID.test(cardId)) throw new JukinetError('JUKI_ERR_CARD_NOT_IN_READER', quote(cardId));
      const candidates = [
        ...(options.directory === undefined ? [] : [join(options.directory, `${cardId}.card`)]),
        ...(options.issuer === undefined ? [] : [options.issuer.cardPath(cardId)]),
      ];
      for (const path of candidates) {
        if (await fileExists(path)) return openSoftwareCard(path, { clock: options.clock });
      }
      throw new JukinetError('JUKI_ERR_CARD_NOT_IN_READER', quote(cardId));
    },
  };
}

/** What a counter shows of a card in its reader, read without a PIN. */
export interface ReaderCardView {
  readonly cardId: string;
  readonly state: string;
  readonly issuerMunicipality: string | null;
  readonly faceVersion: string | null;
  readonly validFrom: string | null;
  readonly validUntil: string | null;
  readonly pinTriesRemaining: number;
}

/** The cards presented at `reader` now, each as anyone at the counter may read it (no PIN). */
export async function presentedCardViews(reader: CardReader): Promise<ReaderCardView[]> {
  const views: ReaderCardView[] = [];
  for (const cardId of await reader.presented()) {
    const card = await reader.open(cardId);
    const info = await card.readPublicInfo();
    const { pinTriesRemaining } = await card.readStatus();
    views.push({
      cardId: info.cardId,
      state: info.state,
      issuerMunicipality: info.issuerMunicipality,
      faceVersion: info.faceVersion,
      validFrom: info.validity?.validFrom ?? null,
      validUntil: info.validity?.validUntil ?? null,
      pinTriesRemaining,
    });
  }
  return views;
}
