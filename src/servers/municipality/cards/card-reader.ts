// The card reader at a municipality's counter (docs/card-issuance.md, "The card reader"). A software card is a file
// (and its `.chip`), so presenting a card is putting its files in the reader's directory, as a resident hands the
// card over the counter; cards this municipality issued and still keeps (before handover, in its issuer directory)
// are read from there too. A PC/SC reader would sit behind the same interface.

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openSoftwareCard, type ResidentCard } from '../../../card/index.js';
import { fileExists } from '../../../crypto/index.js';
import type { Clock } from '../../../shared/clock.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import type { CardIssuer } from './card-issuer.js';

/** The cards a counter can read. */
export interface CardReader {
  /** The ids of the cards in the reader now (not those kept by the issuer), sorted. */
  presented(): Promise<string[]>;
  /** Opens card `cardId` (a new session); JUKI_ERR_CARD_NOT_IN_READER when it is neither presented nor kept here. */
  open(cardId: string): Promise<ResidentCard>;
}

const CARD_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const CARD_FILE = /^([a-z0-9][a-z0-9-]{0,63})\.card$/;

/**
 * The reader whose slot is `directory` (created by whoever presents a card), falling back to `issuer`'s cards; without
 * a directory, only the issuer's cards can be read.
 */
export function createCardReader(options: {
  readonly directory?: string;
  readonly issuer?: CardIssuer | undefined;
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
