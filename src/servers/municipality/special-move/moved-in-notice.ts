// The 転入通知 (住基法第9条第1項) of a one-visit move at the old municipality: from the new municipality the notice
// names, it closes the records of the persons moved in with a 転出 on the day they moved, in the inbox transaction,
// and each 転出 leaves as an identity change as every change does; the cards they hold are marked as taken over by the
// new municipality (docs/protocol/special-move.md).

import type { Transaction } from 'kysely';
import { parseNodeId, type NodeId } from '../../../domain/index.js';
import type { PeerIdentity } from '../../../net/index.js';
import { moveInNotice, type Envelope, type MoveInNoticeBody } from '../../../protocol/index.js';
import type { Clock } from '../../../shared/clock.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import type { Database } from '../../../store/index.js';
import { releaseMovedCards } from '../cards/card-transfer.js';
import { createRegisterReader, type Register, type ResidentRecord } from '../register/index.js';
import { recordSpecialMoveEvent, SpecialMoveEventKind } from './special-move-store.js';

/** Whether `peer` may send `envelope` of the 転入通知 type: a municipality, on its own link, about itself. */
export function mayNotifyMovedIn(peer: PeerIdentity, envelope: Envelope, self: NodeId): boolean {
  return (
    envelope.type === moveInNotice.type &&
    envelope.from === peer.nodeId &&
    peer.role === 'municipality' &&
    peer.nodeId !== self
  );
}

/**
 * Applies a 転入通知 from `envelope.from`. Each person named must be under the notice `noticeId`
 * (JUKI_ERR_SPECIAL_MOVE_NOT_FOUND) whose 転出先 is the sender (JUKI_ERR_SPECIAL_MOVE_ORIGIN: a security refusal). A
 * record closed since (死亡, an ordinary 転出 recorded meanwhile) is left as it is. The others get a 転出 dated the day
 * they moved in, filed on the notice's day, to the address the new municipality recorded; the household's head last,
 * with the successor the notice named. A refusal (a household left without a known head) refuses the message, which
 * the sender delivers again until a clerk here settles it (docs/special-move.md).
 */
export async function applySpecialMoveMovedIn(
  trx: Transaction<Database>,
  message: { readonly envelope: Envelope; readonly body: MoveInNoticeBody },
  options: { readonly register: Register; readonly clock: Clock },
): Promise<void> {
  const { envelope, body } = message;
  const sender = parseNodeId(envelope.from);
  if (sender.role !== 'municipality') throw new JukinetError('JUKI_ERR_PEER_FORBIDDEN', quote(envelope.from));
  const reader = createRegisterReader(trx);
  const moving: ResidentRecord[] = [];
  const leftAsTheyAre: string[] = [];
  let newHead: string | undefined;
  let filedOn: string | undefined;
  for (const code of body.residentCodes) {
    const record = await reader.findByCode(code);
    if (record?.closed === true) {
      leftAsTheyAre.push(code);
      continue;
    }
    const planned = record?.plannedMoveOut;
    if (record === undefined || planned?.noticeId !== body.noticeId) {
      throw new JukinetError(
        'JUKI_ERR_SPECIAL_MOVE_NOT_FOUND',
        `${quote(code)} is under no notice ${quote(body.noticeId)}`,
      );
    }
    if (planned.destination.lgCode !== sender.lgCode) {
      throw new JukinetError(
        'JUKI_ERR_SPECIAL_MOVE_ORIGIN',
        `notice ${quote(body.noticeId)} names ${quote(planned.destination.lgCode)}, not ${quote(sender.lgCode)}`,
      );
    }
    newHead = planned.newHead;
    filedOn = planned.filedOn;
    moving.push(record);
  }
  // The head of a household leaves last, when the others who move are gone and only those who stay remain.
  const heads = new Set<string>();
  for (const record of moving) {
    const household = await reader.getHousehold(record.householdId);
    if (household?.headResidentId === record.id) heads.add(record.id);
  }
  moving.sort((a, b) => Number(heads.has(a.id)) - Number(heads.has(b.id)));
  for (const record of moving) {
    const household = await reader.getHousehold(record.householdId);
    const successor =
      heads.has(record.id) &&
      newHead !== undefined &&
      household?.memberIds.includes(newHead) === true &&
      !moving.some((mover) => mover.id === newHead)
        ? newHead
        : undefined;
    await options.register.recordMoveOut(record.id, {
      destination: body.address,
      date: body.movedInOn,
      ...(filedOn === undefined ? {} : { filedOn }),
      ...(successor === undefined ? {} : { newHead: successor }),
    });
    // The new municipality took the card over: this one no longer speaks for it.
    await releaseMovedCards(trx, record.id, {
      to: sender.lgCode,
      operator: envelope.from,
      now: options.clock.now(),
    });
  }
  await recordSpecialMoveEvent(trx, {
    at: options.clock.now(),
    kind: SpecialMoveEventKind.movedInApplied,
    noticeId: body.noticeId,
    peer: sender.lgCode,
    residentCodes: moving.map((record) => record.residentCode),
    detail: {
      messageId: envelope.id,
      movedInOn: body.movedInOn,
      address: body.address,
      ...(leftAsTheyAre.length === 0 ? {} : { alreadyClosed: leftAsTheyAre }),
    },
  });
}
