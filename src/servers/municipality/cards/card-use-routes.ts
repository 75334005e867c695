// Using a resident card at the counter, whoever issued it (docs/terminal-api.md, "Cards at the counter"): the cards in
// the reader, identity confirmation (本人確認, DESIGN.md §5 flow 4) and unlocking a locked card with a new PIN.

import type { Server } from 'node:https';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { unlockCard, type ResidentCard, type VerifiedCard } from '../../../card/index.js';
import {
  listPrefectures,
  parseIdentityInfo,
  prefectureOf,
  type IdentityInfo,
  type LocalGovernmentCode,
  type NodeId,
  type OperatingAdmission,
} from '../../../domain/index.js';
import { IDENTITY_CONFIRMATION_PATH } from '../../../protocol/index.js';
import { assert } from '../../../shared/assert.js';
import type { Clock } from '../../../shared/clock.js';
import { JukinetError } from '../../../shared/errors.js';
import { newUuidV7 } from '../../../shared/ids.js';
import { ok } from '../../../shared/result.js';
import { confirmCardAtCounter, presentedCardViews } from '../../common/cards/index.js';
import type { NodeContext, TerminalRouteContext } from '../../common/node-module.js';
import { parseBody } from '../../common/terminal-api/index.js';
import { createRegisterReader } from '../register/index.js';
import { nodePerformer } from '../terminal/node-operation.js';
import type { OperatingGate } from '../cross/operating-gate.js';
import { identityCheckSchema } from './card-store.js';
import { recordCardConfirmation, type CardConfirmation } from './card-confirmation.js';
import type { CardIssuer } from './card-issuer.js';
import type { CardReader } from './card-reader.js';

export interface CardUseRouteOptions {
  readonly lgCode: LocalGovernmentCode;
  readonly clock: Clock;
  readonly transaction: NodeContext['transaction'];
  readonly call: NodeContext['call'];
  readonly reader: CardReader;
  /** The issuer whose terminal and administrator keys this counter uses; undefined: JUKI_ERR_CARD_ISSUER_UNAVAILABLE. */
  readonly issuer: CardIssuer | undefined;
  readonly gate: OperatingGate;
  /** Authenticates a card whoever issued it, asking the national server about suspension (authenticateNetworkCard). */
  readonly authenticateCard: (card: ResidentCard) => Promise<VerifiedCard>;
}

const confirmBody = z.strictObject({
  cardId: z.string().min(1).max(64),
  pin: z.string().min(1).max(16),
});
const unlockBody = z.strictObject({
  cardId: z.string().min(1).max(64),
  newPin: z.string().min(1).max(16),
  identityCheck: identityCheckSchema,
});

/** What an identity confirmation answers: the confirmation to cite, the card, the identity information and its source. */
export interface IdentityConfirmationView {
  readonly confirmation: CardConfirmation;
  readonly card: {
    readonly cardId: string;
    readonly issuerMunicipality: string;
    readonly validUntil: string;
  };
  /** The national server's copy: the network's 本人確認情報. */
  readonly identity: IdentityInfo;
  readonly admission: OperatingAdmission['basis'];
}

/** The LG code of the prefecture `lgCode` belongs to (東京都 130001 for 文京区 131059). */
function prefectureLgCodeOf(lgCode: LocalGovernmentCode): LocalGovernmentCode {
  const prefecture = listPrefectures().find((candidate) => candidate.prefectureCode === prefectureOf(lgCode));
  assert(prefecture !== undefined, `Every municipality has a prefecture; ${lgCode} has none`);
  return prefecture.code;
}

/** Adds the counter's card routes to the terminal. */
export function registerCardUseRoutes(
  app: FastifyInstance<Server>,
  context: TerminalRouteContext,
  options: CardUseRouteOptions,
): void {
  const perform = nodePerformer(context, options.transaction);

  function requireIssuer(): CardIssuer {
    if (options.issuer === undefined) throw new JukinetError('JUKI_ERR_CARD_ISSUER_UNAVAILABLE');
    return options.issuer;
  }

  // The cards presented at the reader, with what anyone can read off them.
  app.get('/api/cards/reader', async (request) => {
    const cards = await perform(request, { fn: 'identity-inquiry', access: 'read' }, async () => {
      return ok(await presentedCardViews(options.reader));
    });
    return { cards };
  });

  // 本人確認: the card proves itself (and is not suspended), the counter proves itself to the card, the PIN, the code;
  // then the identity information: the register's for a resident here, else the national server's (gated by the
  // common operating hours, arranged with the prefecture).
  app.post('/api/cards/confirm', async (request) => {
    const body = parseBody(confirmBody, request.body);
    return perform(
      request,
      { fn: 'identity-inquiry', access: 'read', records: [body.cardId] },
      async (scope) => {
        const card = await options.reader.open(body.cardId);
        const checked = await confirmCardAtCounter(card, {
          authenticate: options.authenticateCard,
          terminalKey: () => requireIssuer().terminalKey(),
          pin: body.pin,
        });
        if (!checked.ok) return checked;
        const { verified, residentCode } = checked.value;
        scope.touch(residentCode);
        // A resident here: one municipality, no gate. Anyone else: the network answers, inside the common hours or
        // under an exception arranged with the prefecture (DOMAIN.md, Operations).
        const own = await createRegisterReader(scope.trx).findByCode(residentCode);
        const admission =
          own !== undefined && !own.closed
            ? 'single-municipality'
            : (
                await options.gate.admit(
                  'identity-confirmation',
                  prefectureLgCodeOf(options.lgCode),
                  scope.trx,
                )
              ).basis;
        const identity = await nationalIdentity(residentCode, verified.cardId);
        const confirmation = await recordCardConfirmation(
          scope.trx,
          {
            residentCode,
            cardId: verified.cardId,
            issuerMunicipality: verified.issuerMunicipality,
            fingerprint: verified.certificate.fingerprint,
            faceVersion: verified.faceVersion ?? 'A',
            validity: verified.validity,
            operator: scope.session.operator.id,
          },
          { now: scope.now },
        );
        const view: IdentityConfirmationView = {
          confirmation,
          card: {
            cardId: verified.cardId,
            issuerMunicipality: verified.issuerMunicipality,
            validUntil: verified.validity.validUntil,
          },
          identity,
          admission,
        };
        return ok(view);
      },
    );
  });

  // ロック解除: after checking the holder's identity at the counter, a clerk sets the resident's new PIN.
  app.post('/api/cards/unlock', async (request) => {
    const body = parseBody(unlockBody, request.body);
    return perform(request, { fn: 'card-issue', access: 'write', records: [body.cardId] }, async (scope) => {
      const card = await options.reader.open(body.cardId);
      const { issuerMunicipality } = await card.readPublicInfo();
      await unlockCard(card, await requireIssuer().administratorKey(), body.newPin);
      await scope.trx
        .insertInto('card_unlock')
        .values({
          id: newUuidV7(),
          card_id: body.cardId,
          issuer_municipality: issuerMunicipality ?? '',
          identity_check: JSON.stringify(body.identityCheck),
          operator: scope.session.operator.id,
          at: scope.now.toISOString(),
        })
        .execute();
      const status = await card.readStatus();
      return ok({ cardId: status.cardId, state: status.state, pinTriesRemaining: status.pinTriesRemaining });
    });
  });

  async function nationalIdentity(residentCode: string, cardId: string): Promise<IdentityInfo> {
    const answer = await options.call<{ info?: unknown }>('national' as NodeId, {
      method: 'POST',
      path: IDENTITY_CONFIRMATION_PATH,
      body: { residentCode, cardId },
    });
    return parseIdentityInfo(answer.info);
  }
}
