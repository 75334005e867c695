// The self-disclosure window of a national or prefectural node (docs/self-disclosure.md, "At the window"): its card
// reader (a directory, as at a municipality's counter), its card terminal key certified by the national card terminal
// CA, the card check against the issuing municipality and the national suspension record, and, at a prefecture, the
// national server's word on who the card holder is.

import type { Transaction } from 'kysely';
import type { CardTerminalKey, ResidentCard, VerifiedCard } from '../../../card/index.js';
import { parseIdentityInfo, type NodeId, type ResidentCode } from '../../../domain/index.js';
import {
  CARD_TERMINAL_CERTIFICATES_PATH,
  cardTerminalCertificateAnswerSchema,
  DISCLOSURE_SUBJECT_PATH,
  disclosureSubjectAnswerSchema,
} from '../../../protocol/index.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import {
  authenticateNetworkCard,
  counterTerminalKey,
  createCardReader,
  type CardReader,
  type CounterTerminalSetup,
} from '../cards/index.js';
import type { Database } from '../../../store/index.js';
import type { NodeContext } from '../node-module.js';
import type { DisclosureSubject } from './disclosure-answer.js';

const NATIONAL = 'national' as NodeId;

/** Where a node keeps its window: the card reader's directory, and its terminal key and certificate. */
export interface DisclosureWindowSetup {
  /** The directory standing for the window's card reader: a card is presented by putting its files there. */
  readonly cardReader: string;
  readonly terminal: CounterTerminalSetup;
}

/** A window that reads cards. */
export interface DisclosureWindow {
  readonly reader: CardReader;
  readonly terminalKey: () => Promise<CardTerminalKey>;
  /**
   * The card proves itself: chain to its issuing municipality's card CA, validity, not suspended. `trx` is the
   * operation's transaction, in which a national window reads its own suspension record.
   */
  readonly authenticateCard: (card: ResidentCard, trx: Transaction<Database>) => Promise<VerifiedCard>;
}

/**
 * The window of `context`'s node kept in `setup`. `certify` gets the terminal certificate for a public key;
 * `isSuspended` replaces asking the national server (on the national server itself, in the operation's transaction).
 */
export function createDisclosureWindow(
  context: Pick<NodeContext, 'call' | 'clock'>,
  setup: DisclosureWindowSetup,
  options: {
    readonly certify: (publicKeyPem: string) => Promise<string>;
    readonly isSuspended?: (trx: Transaction<Database>, cardId: string) => Promise<boolean>;
  },
): DisclosureWindow {
  return {
    reader: createCardReader({ directory: setup.cardReader, clock: context.clock }),
    terminalKey: counterTerminalKey(setup.terminal, { clock: context.clock, certify: options.certify }),
    authenticateCard: (card, trx) => {
      const { isSuspended } = options;
      return authenticateNetworkCard(card, {
        context,
        ...(isSuspended === undefined ? {} : { isSuspended: (cardId) => isSuspended(trx, cardId) }),
      });
    },
  };
}

/** A prefecture's terminal certificate, from the national card terminal CA over mTLS (named after the prefecture). */
export function certifyAtNational(
  context: Pick<NodeContext, 'call'>,
): (publicKeyPem: string) => Promise<string> {
  return async (publicKeyPem) => {
    const answer = await context.call(NATIONAL, {
      method: 'POST',
      path: CARD_TERMINAL_CERTIFICATES_PATH,
      body: { role: 'card-terminal', publicKeyPem },
    });
    return cardTerminalCertificateAnswerSchema.parse(answer).certificatePem;
  };
}

/** Who the card holder is, asked of the national server (a prefecture's window). */
export function nationalDisclosureSubject(
  context: Pick<NodeContext, 'call'>,
): (request: {
  readonly disclosureId: string;
  readonly residentCode: ResidentCode;
  readonly cardId: string;
}) => Promise<DisclosureSubject> {
  return async (request) => {
    const parsed = disclosureSubjectAnswerSchema.safeParse(
      await context.call(NATIONAL, { method: 'POST', path: DISCLOSURE_SUBJECT_PATH, body: request }),
    );
    if (!parsed.success) {
      throw new JukinetError('JUKI_ERR_PEER_ERROR', 'the national server answered no disclosure subject');
    }
    const identity = parseIdentityInfo(parsed.data.identity);
    const [current] = parsed.data.residentCodes;
    if (identity.residentCode !== current) {
      throw new JukinetError(
        'JUKI_ERR_PEER_ERROR',
        `the national server answered ${quote(identity.residentCode)} as ${quote(current)}`,
      );
    }
    return { identity, residentCodes: parsed.data.residentCodes, prefectures: parsed.data.prefectures };
  };
}
