// The old municipality's side of the one-visit move: the 転出証明書情報 it answers on its network port to the new
// municipality that a confirmed advance move-out notice (付記転出届) names, within the time limit and the common
// operating hours, and nothing to anyone else (住基法第24条の2; docs/protocol/special-move.md).

import type { Kysely, Transaction } from 'kysely';
import {
  japanDateOf,
  parseNodeId,
  type LocalGovernmentCode,
  type ResidentCode,
} from '../../../domain/index.js';
import { byRoles, type NetworkRoute } from '../../../net/index.js';
import {
  SPECIAL_MOVE_OUT_INFO_PATH,
  specialMoveOutInfoRequestSchema,
  type MoveOutPerson,
  type MoveOutCertificateInfo,
} from '../../../protocol/index.js';
import { describeIssues } from '../../../protocol/index.js';
import type { Clock } from '../../../shared/clock.js';
import { isJukinetError, JukinetError, quote } from '../../../shared/errors.js';
import type { Database, Store } from '../../../store/index.js';
import type { OperatingGate } from '../cross/index.js';
import {
  checkSpecialMoveLimit,
  createRegisterReader,
  specialMoveLimitDate,
  type PlannedMoveOut,
  type RegisterReader,
  type ResidentRecord,
} from '../register/index.js';
import { recordSpecialMoveEvent, SpecialMoveEventKind } from './special-move-store.js';

type Db = Kysely<Database> | Transaction<Database>;

/** One person of the 転出証明書情報, from their record: never the address history, never the code's past. */
export function moveOutPersonOf(record: ResidentRecord): MoveOutPerson {
  return {
    residentCode: record.residentCode,
    name: record.name,
    ...(record.nameKana === undefined ? {} : { nameKana: record.nameKana }),
    ...(record.commonName === undefined ? {} : { commonName: record.commonName }),
    birthDate: record.birthDate,
    sex: record.sex,
    foreignResident: record.foreignResident,
    ...(record.relationship === undefined ? {} : { relationship: record.relationship }),
    ...(record.domicile === undefined ? {} : { domicile: record.domicile }),
    ...(record.foreign === undefined ? {} : { foreign: record.foreign }),
    ...(record.benefits === undefined ? {} : { benefits: record.benefits }),
  };
}

/** The open records of a notice: the card holder's first, then each member's still under the same notice. */
export async function recordsOfNotice(
  reader: RegisterReader,
  planned: PlannedMoveOut,
): Promise<{ holder: ResidentRecord | undefined; members: ResidentRecord[] }> {
  const underNotice = (record: ResidentRecord | undefined): record is ResidentRecord =>
    record !== undefined && !record.closed && record.plannedMoveOut?.noticeId === planned.noticeId;
  const holder = await reader.getResident(planned.principalId);
  const members: ResidentRecord[] = [];
  for (const id of planned.memberIds) {
    const member = await reader.getResident(id);
    if (underNotice(member)) members.push(member);
  }
  return { holder: underNotice(holder) ? holder : undefined, members };
}

/**
 * The 転出証明書情報 for `residentCode` as this municipality (`lgCode`) answers it to `peer`: only for an open record
 * whose confirmed notice names `peer` as 転出先 (JUKI_ERR_SPECIAL_MOVE_NOT_FOUND otherwise, saying no more), and only
 * until the limit after the planned date (JUKI_ERR_SPECIAL_MOVE_LIMIT_PASSED). A member's code answers the same
 * notice as the card holder's.
 */
export async function outInfoFor(
  db: Db,
  request: {
    readonly residentCode: ResidentCode;
    readonly peer: LocalGovernmentCode;
    readonly lgCode: LocalGovernmentCode;
    readonly today: string;
    readonly limitDays: number;
  },
): Promise<MoveOutCertificateInfo> {
  const reader = createRegisterReader(db);
  const record = await reader.findByCode(request.residentCode);
  const planned = record?.closed === false ? record.plannedMoveOut : undefined;
  if (planned?.destination.lgCode !== request.peer) {
    throw new JukinetError(
      'JUKI_ERR_SPECIAL_MOVE_NOT_FOUND',
      `${quote(request.residentCode)} for ${quote(request.peer)}`,
    );
  }
  checkSpecialMoveLimit({
    plannedDate: planned.plannedDate,
    on: request.today,
    limitDays: request.limitDays,
  });
  const { holder, members } = await recordsOfNotice(reader, planned);
  if (holder === undefined) {
    // The card holder's record closed since (死亡, an ordinary 転出): the notice no longer stands.
    throw new JukinetError(
      'JUKI_ERR_SPECIAL_MOVE_NOT_FOUND',
      `${quote(request.residentCode)}: the card holder's record is closed`,
    );
  }
  const household = await reader.getHousehold(holder.householdId);
  const head =
    household?.headResidentId == null ? undefined : await reader.getResident(household.headResidentId);
  return {
    noticeId: planned.noticeId,
    sourceLgCode: request.lgCode,
    address: holder.address,
    ...(head === undefined ? {} : { householdHead: head.name }),
    destination: { lgCode: planned.destination.lgCode, address: planned.destination.address },
    plannedDate: planned.plannedDate,
    filedOn: planned.filedOn,
    limitDate: specialMoveLimitDate(planned.plannedDate, request.limitDays),
    persons: [holder, ...members].map(moveOutPersonOf),
  };
}

/** What the out-info route needs of the node. */
export interface OutInfoRouteOptions {
  readonly lgCode: LocalGovernmentCode;
  readonly store: Store;
  readonly clock: Clock;
  readonly gate: OperatingGate;
  readonly limitDays: number;
}

/**
 * `POST /v1/special-move/out-info` on the network port, for municipalities only (the caller is the mTLS peer): the
 * common operating hours first (JUKI_ERR_OUTSIDE_OPERATING_HOURS), then the 転出証明書情報. Every answer and every
 * refusal is logged in `special_move_event` with the caller and the code asked for.
 */
export function specialMoveOutInfoRoute(options: OutInfoRouteOptions): NetworkRoute {
  return {
    method: 'POST',
    path: SPECIAL_MOVE_OUT_INFO_PATH,
    allow: byRoles('municipality'),
    async handler({ peer, body }) {
      const parsed = specialMoveOutInfoRequestSchema.safeParse(body);
      if (!parsed.success) {
        throw new JukinetError('JUKI_ERR_REQUEST_INVALID', describeIssues(parsed.error.issues, 'body'));
      }
      const caller = parseNodeId(peer.nodeId);
      if (caller.role !== 'municipality')
        throw new JukinetError('JUKI_ERR_PEER_FORBIDDEN', quote(peer.nodeId));
      const { residentCode } = parsed.data;
      const at = options.clock.now();
      try {
        await options.gate.admit('special-move', caller.lgCode);
        const info = await options.store.transaction(async (trx) => {
          const answered = await outInfoFor(trx, {
            residentCode,
            peer: caller.lgCode,
            lgCode: options.lgCode,
            today: japanDateOf(at),
            limitDays: options.limitDays,
          });
          await recordSpecialMoveEvent(trx, {
            at,
            kind: SpecialMoveEventKind.outInfoAnswered,
            noticeId: answered.noticeId,
            peer: caller.lgCode,
            residentCodes: answered.persons.map((person) => person.residentCode),
            detail: { asked: residentCode, plannedDate: answered.plannedDate },
          });
          return answered;
        });
        return { body: info };
      } catch (error) {
        if (isJukinetError(error)) {
          await recordSpecialMoveEvent(options.store.db, {
            at,
            kind: SpecialMoveEventKind.outInfoRefused,
            noticeId: null,
            peer: caller.lgCode,
            residentCodes: [residentCode],
            errorCode: error.code,
            detail: { message: error.message },
          });
        }
        throw error;
      }
    },
  };
}
