// The national server's record of resident card suspensions (一時停止), so that every municipality sees a suspension
// at once: card.status-changed from the issuing municipality, and the status query on the network port
// (docs/protocol/card.status-changed.md). The table holds the card id, fingerprint, state and times, nothing personal.

import type { Kysely, Transaction } from 'kysely';
import { parseNodeId, parseResidentCode } from '../../domain/index.js';
import { byRoles, type NetworkRoute, type PeerIdentity } from '../../net/index.js';
import {
  CARD_STATUS_PATH,
  cardStatusChanged,
  cardTransferred,
  type CardStatusAnswer,
  type CardStatusChangedBody,
  type CardTransferredBody,
  type Envelope,
} from '../../protocol/index.js';
import type { Clock } from '../../shared/clock.js';
import { JukinetError, quote } from '../../shared/errors.js';
import type { Database, Store } from '../../store/index.js';
import { currentIdentity } from '../common/identity-history.js';

/** Whether `peer` may send `envelope` as a card status change or transfer: a municipality, on its own link. */
export function mayChangeCardStatus(peer: PeerIdentity, envelope: Envelope): boolean {
  return (
    (envelope.type === cardStatusChanged.type || envelope.type === cardTransferred.type) &&
    envelope.from === peer.nodeId &&
    peer.role === 'municipality'
  );
}

/**
 * Records a card's new status. The municipality that speaks for a card is the one recorded for it: the issuing
 * municipality, or the one its holder moved to once it took the card over (card.transferred). A card not yet recorded
 * may be reported only by its issuing municipality (JUKI_ERR_CARD_STATUS_ORIGIN otherwise). A change older than the one
 * recorded is kept out, so a late retry never undoes a newer state.
 */
export async function applyCardStatusChange(
  trx: Transaction<Database>,
  envelope: Envelope,
  body: CardStatusChangedBody,
  options: { readonly clock: Clock },
): Promise<void> {
  const sender = parseNodeId(envelope.from);
  const existing = await trx
    .selectFrom('card_status')
    .selectAll()
    .where('card_id', '=', body.cardId)
    .executeTakeFirst();
  if (
    existing === undefined &&
    (sender.role !== 'municipality' || sender.lgCode !== body.issuerMunicipality)
  ) {
    throw new JukinetError(
      'JUKI_ERR_CARD_STATUS_ORIGIN',
      `${quote(envelope.from)} reported card ${quote(body.cardId)} of ${quote(body.issuerMunicipality)}`,
    );
  }
  if (existing !== undefined && existing.issuer !== envelope.from) {
    throw new JukinetError(
      'JUKI_ERR_CARD_STATUS_ORIGIN',
      `card ${quote(body.cardId)} belongs to ${quote(existing.issuer)}`,
    );
  }
  const row = {
    issuer: envelope.from,
    fingerprint: body.fingerprint,
    state: body.state,
    changed_at: body.changedAt,
    recorded_at: options.clock.now().toISOString(),
  };
  if (existing === undefined) {
    await trx
      .insertInto('card_status')
      .values({ card_id: body.cardId, ...row })
      .execute();
  } else if (existing.changed_at <= body.changedAt) {
    await trx.updateTable('card_status').set(row).where('card_id', '=', body.cardId).execute();
  }
}

/**
 * Hands card `body.cardId` over to the sender, the municipality its holder moved to: checked against the national
 * identity copy (the holder's current municipality must be the sender: JUKI_ERR_CARD_STATUS_ORIGIN until the move-in
 * has arrived, so the outbox retries), the recorded fingerprint, and the card's state (a suspended or returned card
 * is not taken over: JUKI_ERR_CARD_STATE). The resident code is checked, never stored.
 */
export async function applyCardTransfer(
  trx: Transaction<Database>,
  envelope: Envelope,
  body: CardTransferredBody,
  options: { readonly clock: Clock },
): Promise<void> {
  const sender = parseNodeId(envelope.from);
  const holder = await currentIdentity(trx, parseResidentCode(body.residentCode));
  if (sender.role !== 'municipality' || holder === undefined || holder.lgCode !== sender.lgCode) {
    throw new JukinetError(
      'JUKI_ERR_CARD_STATUS_ORIGIN',
      `${quote(envelope.from)} took over card ${quote(body.cardId)}, whose holder does not live there (yet)`,
    );
  }
  const existing = await trx
    .selectFrom('card_status')
    .selectAll()
    .where('card_id', '=', body.cardId)
    .executeTakeFirst();
  if (existing !== undefined && existing.fingerprint !== body.fingerprint) {
    throw new JukinetError('JUKI_ERR_CARD_STATUS_ORIGIN', `card ${quote(body.cardId)}: another certificate`);
  }
  if (existing !== undefined && existing.state !== 'active') {
    throw new JukinetError('JUKI_ERR_CARD_STATE', `card ${quote(body.cardId)} is ${existing.state}`);
  }
  const row = {
    issuer: envelope.from,
    fingerprint: body.fingerprint,
    state: 'active',
    changed_at: body.transferredAt,
    recorded_at: options.clock.now().toISOString(),
  };
  if (existing === undefined) {
    await trx
      .insertInto('card_status')
      .values({ card_id: body.cardId, ...row })
      .execute();
  } else {
    await trx.updateTable('card_status').set(row).where('card_id', '=', body.cardId).execute();
  }
}

/**
 * The status query: any municipality, a prefecture's self-disclosure window (or the national server itself) asks
 * whether a card is suspended.
 */
export function cardStatusRoute(store: Store): NetworkRoute {
  return {
    method: 'GET',
    path: CARD_STATUS_PATH,
    allow: byRoles('municipality', 'prefecture', 'national'),
    async handler({ params }) {
      const cardId = params['cardId'] ?? '';
      if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(cardId)) {
        throw new JukinetError('JUKI_ERR_REQUEST_INVALID', `card id ${quote(cardId)}`);
      }
      const row = await store.db
        .selectFrom('card_status')
        .selectAll()
        .where('card_id', '=', cardId)
        .executeTakeFirst();
      const answer: CardStatusAnswer =
        row === undefined
          ? { cardId, state: 'unknown', fingerprint: null, changedAt: null }
          : {
              cardId,
              state: row.state as CardStatusAnswer['state'],
              fingerprint: row.fingerprint,
              changedAt: row.changed_at,
            };
      return { body: answer };
    },
  };
}

/**
 * Refuses a card the national record holds as other than active: JUKI_ERR_CARD_SUSPENDED for a suspended card,
 * JUKI_ERR_CARD_STATE for one returned or otherwise ended. A card the record does not know yet passes.
 */
export async function refuseInactiveCard(
  db: Kysely<Database> | Transaction<Database>,
  cardId: string,
): Promise<void> {
  const status = await db
    .selectFrom('card_status')
    .select('state')
    .where('card_id', '=', cardId)
    .executeTakeFirst();
  if (status !== undefined && status.state !== 'active') {
    throw new JukinetError(
      status.state === 'suspended' ? 'JUKI_ERR_CARD_SUSPENDED' : 'JUKI_ERR_CARD_STATE',
      `card ${quote(cardId)} is ${status.state}`,
    );
  }
}
