// The address municipality's side of the wide-area copy (広域交付): POST /v1/wide-area/copy on the network port, for
// other municipalities only. It answers at most the 8 items of 住基法第12条の4 for a current record and, when asked,
// the current members of its household, and logs who asked, when and which codes (docs/protocol/wide-area-copy.md).

import { findLocalGovernmentByCode, parseNodeId, type LocalGovernmentCode } from '../../../domain/index.js';
import { byRoles, type NetworkRoute } from '../../../net/index.js';
import {
  parseWideAreaCopyRequest,
  WIDE_AREA_COPY_PATH,
  type WideAreaCopyAnswer,
} from '../../../protocol/messages/wide-area-copy.js';
import type { Clock } from '../../../shared/clock.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import { newUuidV7 } from '../../../shared/ids.js';
import type { Store } from '../../../store/index.js';
import { CrossService, type OperatingGate } from '../cross/operating-gate.js';
import { createRegisterReader } from '../register/index.js';
import { inHouseholdOrder } from '../terminal/certificate-adapter.js';
import { chooseWideAreaMembers, wideAreaMemberOf } from './wide-area-items.js';
import { recordWideAreaAnswer } from './wide-area-store.js';
import type { WideAreaSettings } from './wide-area-settings.js';

/** What the answering route needs of its node. */
export interface WideAreaAnswerOptions {
  readonly lgCode: LocalGovernmentCode;
  readonly store: Store;
  readonly clock: Clock;
  readonly settings: WideAreaSettings;
  /** The common operating hours; asked with the calling municipality as the peer. */
  readonly gate: OperatingGate;
}

/** The municipality's name for an error detail: 東京都文京区 ("131059"). */
export function municipalityLabelOf(lgCode: LocalGovernmentCode): string {
  const lg = findLocalGovernmentByCode(lgCode);
  return lg === undefined ? quote(lgCode) : `${lg.prefecture}${lg.fullName} (${quote(lgCode)})`;
}

/**
 * `POST /v1/wide-area/copy` for municipalities. The caller is the peer of the mTLS link; the body's `requestedBy` must
 * name it (JUKI_ERR_PEER_FORBIDDEN otherwise). Refuses with JUKI_ERR_WIDE_AREA_NOT_PARTICIPATING when this
 * municipality does not take part, JUKI_ERR_OUTSIDE_OPERATING_HOURS outside the window, JUKI_ERR_RESIDENT_NOT_FOUND for
 * a code not on its register, JUKI_ERR_WIDE_AREA_RECORD_CLOSED for a 除票. The answer and its log row are written in one
 * transaction over the register's reads.
 */
export function wideAreaNetworkRoute(options: WideAreaAnswerOptions): NetworkRoute {
  return {
    method: 'POST',
    path: WIDE_AREA_COPY_PATH,
    allow: byRoles('municipality'),
    async handler({ peer, body }) {
      const request = parseWideAreaCopyRequest(body);
      const caller = parseNodeId(peer.nodeId);
      if (caller.role !== 'municipality' || caller.lgCode !== request.requestedBy.lgCode) {
        throw new JukinetError(
          'JUKI_ERR_PEER_FORBIDDEN',
          `${quote(peer.nodeId)} asked in the name of ${quote(request.requestedBy.lgCode)}`,
        );
      }
      if (!options.settings.participating) {
        throw new JukinetError('JUKI_ERR_WIDE_AREA_NOT_PARTICIPATING', municipalityLabelOf(options.lgCode));
      }
      const admission = await options.gate.admit(CrossService.wideAreaCopy, caller.lgCode);
      const answer = await options.store.transaction(async (trx): Promise<WideAreaCopyAnswer> => {
        const reader = createRegisterReader(trx);
        const record = await reader.findByCode(request.residentCode);
        // A code replaced by a 住民票コード変更 finds the record under its new code: not this code's record any more.
        if (record === undefined || record.residentCode !== request.residentCode) {
          throw new JukinetError('JUKI_ERR_RESIDENT_NOT_FOUND', quote(request.residentCode));
        }
        if (record.closed) {
          throw new JukinetError('JUKI_ERR_WIDE_AREA_RECORD_CLOSED', quote(request.residentCode));
        }
        const household = await reader.getHousehold(record.householdId);
        if (household === undefined || household.headResidentId === null) {
          throw new JukinetError('JUKI_ERR_HOUSEHOLD_NOT_FOUND', quote(record.householdId));
        }
        const records = [];
        for (const id of household.memberIds) {
          const member = await reader.getResident(id);
          if (member !== undefined && !member.closed) records.push(member);
        }
        const ordered = inHouseholdOrder(records, household.headResidentId);
        const head = ordered.find((member) => member.id === household.headResidentId);
        if (head === undefined) throw new JukinetError('JUKI_ERR_HOUSEHOLD_NOT_FOUND', quote(household.id));
        const members = chooseWideAreaMembers(record, ordered, request.household);
        const answerId = newUuidV7();
        const wholeHousehold = members.length === ordered.length;
        await recordWideAreaAnswer(trx, {
          id: answerId,
          requestedByNode: peer.nodeId,
          requestedBy: caller.lgCode,
          answeredAt: options.clock.now(),
          residentCode: request.residentCode,
          codesAnswered: members.map((member) => member.residentCode),
          wholeHousehold,
          admissionBasis: admission.basis,
        });
        return {
          answerId,
          address: household.address,
          householdHead: head.name,
          wholeHousehold,
          members: members.map(wideAreaMemberOf),
        };
      });
      return { body: answer };
    },
  };
}
