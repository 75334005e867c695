// The one-visit move on the municipal terminal (docs/terminal-api.md, "The one-visit move"): at the new municipality
// the clerk asks the old one for the 転出証明書情報 of a card holder confirmed at the counter; at the old municipality a
// resident files the 付記転出届 online, authenticated by the card and its PIN instead of an operator's login.

import type { Server } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import {
  confirmCardHolder,
  openSoftwareCard,
  type ResidentCard,
  type VerifiedCard,
} from '../../../card/index.js';
import {
  checkLocalGovernmentCode,
  isIsoDate,
  japanDateOf,
  type LocalGovernmentCode,
  type NodeId,
  type ResidentCode,
} from '../../../domain/index.js';
import {
  SPECIAL_MOVE_OUT_INFO_PATH,
  moveOutCertificateInfoSchema,
  describeIssues,
  type MoveOutCertificateInfo,
} from '../../../protocol/index.js';
import {
  parseWideAreaLocateAnswer,
  WIDE_AREA_LOCATE_PATH,
} from '../../../protocol/messages/wide-area-copy.js';
import { assert } from '../../../shared/assert.js';
import type { Clock } from '../../../shared/clock.js';
import { isJukinetError, JukinetError, quote } from '../../../shared/errors.js';
import { newUuidV7 } from '../../../shared/ids.js';
import { err, ok } from '../../../shared/result.js';
import { withSavepoint, type Database, type Store } from '../../../store/index.js';
import type { NodeContext, Outbox, TerminalRouteContext } from '../../common/node-module.js';
import { outcomeOfError, recordOperation } from '../../common/operators/index.js';
import { parseBody, terminalOf } from '../../common/terminal-api/index.js';
import type { CardIssuer } from '../cards/card-issuer.js';
import type { CardReader } from '../cards/card-reader.js';
import { requireCardConfirmation, type CardConfirmation } from '../cards/card-confirmation.js';
import type { OperatingGate } from '../cross/index.js';
import { createRegisterReader, type Register, type ResidentRecord } from '../register/index.js';
import { nodePerformer } from '../terminal/node-operation.js';
import {
  applyNotification,
  filingPeriodOf,
  parseNotificationInput,
  type SpecialMoveNotifications,
} from '../terminal/notification.js';
import {
  insertNotification,
  readNotification,
  SYSTEM_ENTERERS,
  type NotificationView,
} from '../terminal/notification-store.js';
import { requireHeldCard } from './special-move-notifications.js';
import {
  insertReceivedOutInfo,
  readReceivedOutInfo,
  recordSpecialMoveEvent,
  SpecialMoveEventKind,
  type ReceivedOutInfo,
} from './special-move-store.js';

/** What the one-visit move's terminal routes need of the node. */
export interface SpecialMoveRouteOptions {
  readonly lgCode: LocalGovernmentCode;
  readonly store: Store;
  readonly clock: Clock;
  readonly transaction: NodeContext['transaction'];
  readonly call: NodeContext['call'];
  /** The common operating hours at this municipality's edge: asked before the old municipality is. */
  readonly gate: OperatingGate;
  /** The register with its writes inside the caller's transaction and outbox. */
  readonly registerWithin: (trx: Transaction<Database>, outbox: Outbox) => Register;
  /** The one-visit move's 届出 inside the caller's transaction and outbox. */
  readonly specialMoveWithin: (
    trx: Transaction<Database>,
    outbox: Outbox,
    context: { readonly operator: string },
  ) => SpecialMoveNotifications;
  /** This municipality's card issuer (its terminal key and card CA); online notices need it. */
  readonly issuer: CardIssuer | undefined;
  /** Where a card presented online is read; by default the issuer's own card files. */
  readonly reader?: CardReader;
  /** Authenticates a card whoever issued it, asking the national server about suspension (MunicipalityModule). */
  readonly authenticateCard: (card: ResidentCard) => Promise<VerifiedCard>;
}

const lgCode = z.string().refine((value) => value.length === 6 && checkLocalGovernmentCode(value).ok, {
  error: 'must be a 6-digit local government code with its check digit',
});
const isoDate = z.string().refine(isIsoDate, { error: 'must be an ISO date (YYYY-MM-DD)' });
const text = z.string().trim().min(1).max(200);
const person = z.strictObject({ name: text, birthDate: isoDate });

const outInfoBody = z.strictObject({
  confirmationId: z.string().min(1).max(64),
  /** The old municipality; asked of the national server when left out. */
  from: lgCode.optional(),
});
const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const onlineBody = z.strictObject({
  cardId: z.string().min(1).max(64),
  pin: z.string().min(1).max(16),
  plannedDate: isoDate,
  destination: z.strictObject({ lgCode, address: text }),
  /** Household members moving along, as the resident names them. */
  members: z.array(person).max(49).optional(),
  /** Who heads the household left behind, when its head moves and several remain. */
  newHead: person.optional(),
});

/** The 転出証明書情報 as the terminal answers it. */
export interface OutInfoView extends MoveOutCertificateInfo {
  readonly id: string;
  readonly receivedAt: string;
  readonly usedAt: string | null;
}

function outInfoView(received: ReceivedOutInfo): OutInfoView {
  return { ...received.info, id: received.id, receivedAt: received.receivedAt, usedAt: received.usedAt };
}

/** A name compared as people write it: spaces of either width ignored. */
function sameName(a: string, b: string): boolean {
  const plain = (name: string): string => name.replace(/[\s\u3000]+/g, '');
  return plain(a) === plain(b);
}

/** Adds the one-visit move's routes to the terminal. */
export function registerSpecialMoveRoutes(
  app: FastifyInstance<Server>,
  context: TerminalRouteContext,
  options: SpecialMoveRouteOptions,
): void {
  const perform = nodePerformer(context, options.transaction);

  /** The old municipality of `residentCode`: the one the clerk names, else the one the national server holds. */
  async function sourceOf(
    residentCode: ResidentCode,
    named: string | undefined,
  ): Promise<LocalGovernmentCode> {
    if (named !== undefined) return named as LocalGovernmentCode;
    const answer = await options.call('national' as NodeId, {
      method: 'GET',
      path: WIDE_AREA_LOCATE_PATH.replace(':code', residentCode),
    });
    return parseWideAreaLocateAnswer(answer).lgCode as LocalGovernmentCode;
  }

  /** Asks `source` for the 転出証明書情報 of the confirmed card holder and checks what it answers. */
  async function askOldMunicipality(
    confirmation: CardConfirmation,
    source: LocalGovernmentCode,
  ): Promise<MoveOutCertificateInfo> {
    if (source === options.lgCode) {
      throw new JukinetError(
        'JUKI_ERR_SPECIAL_MOVE_NOT_FOUND',
        `${quote(confirmation.residentCode)} is registered here: a move within the municipality is a 転居`,
      );
    }
    await options.gate.admit('special-move', source);
    const answer = await options.call(`muni-${source}` as NodeId, {
      method: 'POST',
      path: SPECIAL_MOVE_OUT_INFO_PATH,
      body: { residentCode: confirmation.residentCode },
    });
    const parsed = moveOutCertificateInfoSchema.safeParse(answer);
    if (!parsed.success) {
      throw new JukinetError(
        'JUKI_ERR_SPECIAL_MOVE_INFO_INVALID',
        `${quote(source)}: ${describeIssues(parsed.error.issues, 'body')}`,
      );
    }
    const info = parsed.data;
    const problems = [
      info.sourceLgCode === source ? undefined : `sourceLgCode ${quote(info.sourceLgCode)}`,
      info.destination.lgCode === options.lgCode
        ? undefined
        : `destination ${quote(info.destination.lgCode)}`,
      info.persons.some((candidate) => candidate.residentCode === confirmation.residentCode)
        ? undefined
        : `no person ${quote(confirmation.residentCode)}`,
    ].filter((problem) => problem !== undefined);
    if (problems.length > 0) {
      throw new JukinetError(
        'JUKI_ERR_SPECIAL_MOVE_INFO_INVALID',
        `${quote(source)}: ${problems.join('; ')}`,
      );
    }
    return info;
  }

  // 転出証明書情報: for a card holder confirmed at this counter (POST /api/cards/confirm), asked of the old
  // municipality over mTLS, within the common operating hours, and kept here for the 特例転入届. The confirmation is
  // read in one operation, the old municipality asked outside any transaction, and what it answered (or its refusal)
  // kept and logged in a second.
  app.post('/api/special-move/out-info', async (request, reply) => {
    const body = parseBody(outInfoBody, request.body);
    const operation = { fn: 'notification', access: 'write', records: [body.confirmationId] } as const;
    const confirmation = await perform(request, operation, async (scope) => {
      const confirmed = await requireCardConfirmation(scope.trx, body.confirmationId, { now: scope.now });
      scope.touch(confirmed.residentCode);
      return ok(confirmed);
    });
    let info: MoveOutCertificateInfo;
    try {
      info = await askOldMunicipality(confirmation, await sourceOf(confirmation.residentCode, body.from));
    } catch (error) {
      if (!isJukinetError(error)) throw error;
      return perform(request, operation, (scope) => {
        scope.touch(confirmation.residentCode);
        return Promise.resolve(err(error));
      });
    }
    const outInfo = await perform(request, operation, async (scope) => {
      const received = await insertReceivedOutInfo(scope.trx, {
        info,
        residentCode: confirmation.residentCode,
        confirmationId: confirmation.id,
        cardId: confirmation.cardId,
        receivedBy: scope.session.operator.id,
        at: scope.now,
      });
      const codes = info.persons.map((candidate) => candidate.residentCode);
      await recordSpecialMoveEvent(scope.trx, {
        at: scope.now,
        kind: SpecialMoveEventKind.outInfoReceived,
        noticeId: info.noticeId,
        peer: info.sourceLgCode as LocalGovernmentCode,
        residentCodes: codes,
        operator: scope.session.operator.id,
        detail: { outInfoId: received.id, confirmationId: confirmation.id, plannedDate: info.plannedDate },
      });
      scope.touch(received.id, ...codes);
      return ok(outInfoView(received));
    });
    return reply.code(201).send({ outInfo });
  });

  // The 転出証明書情報 received here, read again (the 特例転入届 form).
  app.get('/api/special-move/out-info/:id', async (request) => {
    const { id } = parseBody(idParams, request.params);
    const outInfo = await perform(
      request,
      { fn: 'notification', access: 'read', records: [id] },
      async ({ trx, touch }) => {
        const received = await readReceivedOutInfo(trx, id);
        if (received === undefined) throw new JukinetError('JUKI_ERR_SPECIAL_MOVE_INFO_NOT_FOUND', quote(id));
        touch(...received.info.persons.map((candidate) => candidate.residentCode));
        return ok(outInfoView(received));
      },
    );
    return { outInfo };
  });

  // 付記転出届 online: no operator's login; the resident's card proves itself (and is not suspended), this
  // municipality's terminal proves itself to the card, the PIN, the code. The notice is then entered as a clerk's
  // would be, pending, by `resident-online`, for an examiner to confirm (docs/special-move.md).
  app.post('/api/residents/special-move-out', async (request, reply) => {
    const body = parseBody(onlineBody, request.body);
    const at = options.clock.now();
    const terminal = terminalOf(request);
    const operator = SYSTEM_ENTERERS.residentOnline;
    const touched = new Set<string>([body.cardId]);
    const log = (trx: Transaction<Database>, outcome: ReturnType<typeof outcomeOfError> | undefined) =>
      recordOperation(trx, {
        at,
        operatorId: operator,
        terminal,
        fn: 'notification',
        access: 'write',
        records: [...touched],
        ...(outcome ?? { outcome: 'ok', errorCode: null }),
      });
    let notification: NotificationView;
    try {
      const { residentCode, cardId } = await confirmHolder(body.cardId, body.pin);
      touched.add(residentCode);
      notification = await options.transaction(async (trx, outbox) => {
        const holder = await createRegisterReader(trx).findByCode(residentCode);
        if (holder === undefined || holder.closed || holder.lgCode !== options.lgCode) {
          throw new JukinetError('JUKI_ERR_RESIDENT_NOT_FOUND', `${quote(residentCode)} is no resident here`);
        }
        await requireHeldCard(trx, holder.id, { today: japanDateOf(at), cardId });
        const members = await householdMembers(trx, holder, body.members ?? []);
        const newHead =
          body.newHead === undefined ? undefined : (await householdMembers(trx, holder, [body.newHead]))[0];
        for (const member of members) touched.add(member.residentCode);
        const input = parseNotificationInput(
          {
            kind: 'special-move-out',
            residentId: holder.id,
            request: {
              plannedDate: body.plannedDate,
              destination: body.destination,
              ...(members.length === 0 ? {} : { members: members.map((member) => member.id) }),
              ...(newHead === undefined ? {} : { newHead: newHead.id }),
            },
          },
          { today: japanDateOf(at) },
        );
        // Checked as a clerk's entry is: tried on the register and rolled back.
        await withSavepoint(
          trx,
          () =>
            applyNotification(options.registerWithin(trx, outbox), input, {
              operator,
              specialMove: options.specialMoveWithin(trx, outbox, { operator }),
            }),
          { keep: false },
        );
        const id = newUuidV7(at.getTime());
        touched.add(id);
        await insertNotification(trx, {
          id,
          input,
          late: filingPeriodOf(input).late,
          enteredBy: operator,
          enteredAt: at,
        });
        await log(trx, undefined);
        const entered = await readNotification(trx, id);
        assert(entered !== undefined, 'A notification inserted in this transaction is read back in it');
        return entered;
      });
    } catch (error) {
      await options.store.transaction((trx) => log(trx, outcomeOfError(error)));
      throw error;
    }
    return reply.code(201).send({ notification });
  });

  /** Opens card `cardId` where it is presented: the reader, else this municipality's own card files. */
  async function openCard(cardId: string): Promise<ResidentCard> {
    if (options.reader !== undefined) return options.reader.open(cardId);
    if (options.issuer === undefined) throw new JukinetError('JUKI_ERR_CARD_ISSUER_UNAVAILABLE');
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(cardId)) {
      throw new JukinetError('JUKI_ERR_REQUEST_INVALID', `cardId ${quote(cardId)}`);
    }
    return openSoftwareCard(options.issuer.cardPath(cardId), { clock: options.clock });
  }

  /**
   * 本人確認 with the card alone (flow 4): the card is authenticated across the network (its issuer's CA, not
   * suspended), must be one this municipality issued, then the card holder is confirmed with the PIN.
   */
  async function confirmHolder(
    cardId: string,
    pin: string,
  ): Promise<{ residentCode: ResidentCode; cardId: string }> {
    const issuer = options.issuer;
    if (issuer === undefined) throw new JukinetError('JUKI_ERR_CARD_ISSUER_UNAVAILABLE');
    const card = await openCard(cardId);
    try {
      const verified = await options.authenticateCard(card);
      if (verified.issuerMunicipality !== options.lgCode) {
        throw new JukinetError(
          'JUKI_ERR_SPECIAL_MOVE_CARD_REQUIRED',
          `card ${quote(verified.cardId)} was issued by ${quote(verified.issuerMunicipality)}, not here`,
        );
      }
      const confirmed = await confirmCardHolder(card, {
        pin,
        terminal: await issuer.terminalKey(),
        // Suspension was asked of the national server by authenticateCard just now.
        trust: { trustAnchorPems: [(await issuer.ca()).certificatePem], clock: options.clock },
      });
      if (!confirmed.ok) {
        const { remainingTries, locked } = confirmed.reason;
        throw locked
          ? new JukinetError('JUKI_ERR_CARD_LOCKED', 'locked by this wrong PIN: a clerk must unlock it')
          : new JukinetError('JUKI_ERR_CARD_PIN_WRONG', `${remainingTries} tries left`);
      }
      return { residentCode: confirmed.value.residentCode, cardId: confirmed.value.card.cardId };
    } finally {
      await card.reset();
    }
  }

  /** The current members of the holder's household the resident named by name and birth date, in that order. */
  async function householdMembers(
    trx: Transaction<Database>,
    holder: ResidentRecord,
    named: readonly { readonly name: string; readonly birthDate: string }[],
  ): Promise<ResidentRecord[]> {
    const reader = createRegisterReader(trx);
    const household = await reader.getHousehold(holder.householdId);
    const others: ResidentRecord[] = [];
    for (const id of household?.memberIds ?? []) {
      const member = id === holder.id ? undefined : await reader.getResident(id);
      if (member !== undefined && !member.closed) others.push(member);
    }
    return named.map((wanted, index) => {
      const found = others.filter(
        (member) => member.birthDate === wanted.birthDate && sameName(member.name, wanted.name),
      );
      if (found.length !== 1) {
        throw new JukinetError(
          'JUKI_ERR_REQUEST_INVALID',
          `members[${index}]: no one member of the household is ${quote(wanted.name)} born ${quote(wanted.birthDate)}`,
        );
      }
      return found[0]!;
    });
  }
}
