// The one-visit move's two 届出 as the terminal enters and confirms them (docs/special-move.md): the 付記転出届 at the
// old municipality, which needs the card holder's valid card, and the 特例転入届 at the new one, which opens the records
// from the 転出証明書情報 received, takes the holder's card over and queues the 転入通知 in the same transaction.

import type { Transaction } from 'kysely';
import { japanDateOf, type LocalGovernmentCode, type NodeId } from '../../../domain/index.js';
import { moveInNotice, type MoveOutPerson, type MoveInNoticeBody } from '../../../protocol/index.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import type { Clock } from '../../../shared/clock.js';
import type { Database } from '../../../store/index.js';
import type { Outbox } from '../../common/node-module.js';
import { readCardConfirmation } from '../cards/card-confirmation.js';
import { listCardApplications } from '../cards/card-store.js';
import { takeOverMovedCard } from '../cards/card-transfer.js';
import { HELD_STATES, isWithinValidity } from '../cards/card-workflow.js';
import {
  checkSpecialMoveIn,
  FILING_PERIOD_DAYS,
  HEAD_RELATIONSHIP,
  type BenefitItems,
  type ForeignResidentItems,
  type MoveInRequest,
  type Register,
  type ResidentRecord,
  type SpecialMoveInRequest,
} from '../register/index.js';
import type { SpecialMoveNotifications } from '../terminal/notification.js';
import {
  markOutInfoUsed,
  readReceivedOutInfo,
  recordSpecialMoveEvent,
  SpecialMoveEventKind,
} from './special-move-store.js';

/**
 * Refuses with JUKI_ERR_SPECIAL_MOVE_CARD_REQUIRED unless this municipality's card records show `residentId` holding a
 * card handed over or in use (HELD_STATES) and valid on `today` (住基法第24条の2: the special move is a card holder's).
 * Answers that card's id.
 */
export async function requireHeldCard(
  trx: Transaction<Database>,
  residentId: string,
  options: { readonly today: string; readonly cardId?: string },
): Promise<string> {
  const held = (await listCardApplications(trx, residentId)).find(
    (application) =>
      HELD_STATES.includes(application.state) &&
      isWithinValidity(application.row.valid_until, options.today) &&
      (options.cardId === undefined || application.row.card_id === options.cardId),
  );
  if (held?.row.card_id == null) {
    throw new JukinetError(
      'JUKI_ERR_SPECIAL_MOVE_CARD_REQUIRED',
      options.cardId === undefined
        ? `no card held by ${quote(residentId)} on ${quote(options.today)}`
        : `card ${quote(options.cardId)} is not held by ${quote(residentId)} on ${quote(options.today)}`,
    );
  }
  return held.row.card_id;
}

/** The person items of a move-in request, from one person of the 転出証明書情報. */
function personOf(person: MoveOutPerson): Omit<MoveInRequest, 'address' | 'residentCode'> {
  return {
    name: person.name,
    ...(person.nameKana === undefined ? {} : { nameKana: person.nameKana }),
    ...(person.commonName === undefined ? {} : { commonName: person.commonName }),
    birthDate: person.birthDate,
    sex: person.sex,
    foreignResident: person.foreignResident,
    // The wire schema matches the register's items; zod's optional fields only type as `T | undefined`.
    ...(person.domicile === undefined ? {} : { domicile: person.domicile }),
    ...(person.foreign === undefined ? {} : { foreign: person.foreign as ForeignResidentItems }),
    ...(person.benefits === undefined ? {} : { benefits: person.benefits as BenefitItems }),
  };
}

/** What the two 届出 need of the node, for one operation. */
export interface SpecialMoveNotificationOptions {
  readonly lgCode: LocalGovernmentCode;
  readonly limitDays: number;
  /** The node's clock, as the register's: today in Japan for the dates, and the time of the log. */
  readonly clock: Clock;
  /** Who entered the 届出 (the actions name them). */
  readonly operator: string;
}

/** The one-visit move's 届出 inside the operation's transaction `trx` and its `outbox`. */
export function createSpecialMoveNotifications(
  trx: Transaction<Database>,
  outbox: Outbox,
  options: SpecialMoveNotificationOptions,
): SpecialMoveNotifications {
  const now = options.clock.now();
  const today = japanDateOf(now);
  return {
    async moveOut(register, residentId, request) {
      await requireHeldCard(trx, residentId, { today });
      return register.recordSpecialMoveOut(residentId, request);
    },

    async moveIn(register: Register, request: SpecialMoveInRequest): Promise<ResidentRecord[]> {
      const received = await readReceivedOutInfo(trx, request.outInfoId);
      if (received === undefined || received.info.destination.lgCode !== options.lgCode) {
        throw new JukinetError('JUKI_ERR_SPECIAL_MOVE_INFO_NOT_FOUND', quote(request.outInfoId));
      }
      if (received.usedAt !== null) {
        throw new JukinetError(
          'JUKI_ERR_SPECIAL_MOVE_INFO_USED',
          `${quote(received.id)} on ${quote(received.usedAt)}`,
        );
      }
      const { info } = received;
      const date = request.date ?? today;
      const filedOn = request.filedOn ?? today;
      checkSpecialMoveIn({
        plannedDate: info.plannedDate,
        movedInOn: date,
        filedOn,
        limitDays: options.limitDays,
        filingPeriodDays: FILING_PERIOD_DAYS,
      });
      const [holder, ...members] = info.persons;
      if (holder === undefined) throw new JukinetError('JUKI_ERR_SPECIAL_MOVE_INFO_INVALID', 'no person');
      const common = {
        address: request.address,
        date,
        filedOn,
        operator: options.operator,
        previousAddress: info.address,
        ...(request.acknowledgeDuplicate === undefined
          ? {}
          : { acknowledgeDuplicate: request.acknowledgeDuplicate }),
      };
      const opened = await register.recordMoveIn({
        ...personOf(holder),
        ...common,
        residentCode: holder.residentCode,
        ...(request.household === undefined ? {} : { household: request.household }),
        ...(request.relationship === undefined ? {} : { relationship: request.relationship }),
      });
      // A household headed by the card holder there and here keeps each member's 続柄; otherwise the clerk gives it.
      const keepsRelationships =
        holder.relationship === HEAD_RELATIONSHIP && opened.relationship === HEAD_RELATIONSHIP;
      const records = [opened];
      for (const member of members) {
        const relationship =
          request.relationships?.[member.residentCode] ??
          (keepsRelationships ? member.relationship : undefined);
        if (relationship === undefined) {
          throw new JukinetError(
            'JUKI_ERR_REGISTER_REQUEST_INVALID',
            `relationships: give the 続柄 of ${quote(member.residentCode)} (${member.name}) to the head here`,
          );
        }
        records.push(
          await register.recordMoveIn({
            ...personOf(member),
            ...common,
            residentCode: member.residentCode,
            household: { join: opened.householdId },
            relationship,
          }),
        );
      }
      if (!(await markOutInfoUsed(trx, received.id, { at: now, usedBy: opened.id }))) {
        throw new JukinetError('JUKI_ERR_SPECIAL_MOVE_INFO_USED', quote(received.id));
      }
      // The card moves with its holder: this municipality takes it over (docs/card-issuance.md, "After a move").
      const confirmation = await readCardConfirmation(trx, received.confirmationId);
      if (confirmation === undefined) {
        throw new JukinetError('JUKI_ERR_CARD_CONFIRMATION_NOT_FOUND', quote(received.confirmationId));
      }
      await takeOverMovedCard(trx, confirmation, {
        residentId: opened.id,
        outbox,
        operator: options.operator,
        now,
      });
      // 転入通知 (住基法第9条第1項), committed with the move-in; delivered whenever the old municipality is reachable.
      const notice: MoveInNoticeBody = {
        noticeId: info.noticeId,
        residentCodes: records.map((record) => record.residentCode),
        movedInOn: date,
        filedOn,
        address: opened.address,
      };
      const sent = await outbox.send({
        to: `muni-${info.sourceLgCode}` as NodeId,
        type: moveInNotice.type,
        body: notice,
      });
      await recordSpecialMoveEvent(trx, {
        at: now,
        kind: SpecialMoveEventKind.movedInSent,
        noticeId: info.noticeId,
        peer: info.sourceLgCode as LocalGovernmentCode,
        residentCodes: notice.residentCodes,
        operator: options.operator,
        detail: { messageId: sent.id, outInfoId: received.id, movedInOn: date, filedOn },
      });
      return records;
    },
  };
}
