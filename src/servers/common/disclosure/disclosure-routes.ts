// The self-disclosure window's terminal routes (docs/self-disclosure.md, "At the window"), on the national server's
// and every prefectural server's terminal: the cards in the window's reader, and 本人確認情報開示 itself: the card and
// its PIN checked as at a municipal counter, then the person's identity information and every provision about them
// from the national server and the prefectures of their history, recorded and answered with its PDF.

import type { Server } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { NodeId, ResidentCode } from '../../../domain/index.js';
import type { Clock } from '../../../shared/clock.js';
import { JukinetError } from '../../../shared/errors.js';
import { newUuidV7 } from '../../../shared/ids.js';
import { ok } from '../../../shared/result.js';
import type { Database } from '../../../store/index.js';
import { confirmCardAtCounter, presentedCardViews, type ReaderCardView } from '../cards/index.js';
import type { NodeContext, TerminalRouteContext } from '../node-module.js';
import type { OperationRequest, OperationResult, OperationScope } from '../operators/index.js';
import { callerOf, parseBody } from '../terminal-api/index.js';
import {
  disclosureSourcesOf,
  gatherDisclosedProvisions,
  type DisclosureAnswer,
  type DisclosureSubject,
} from './disclosure-answer.js';
import { DISCLOSURE_DOCUMENT_TITLE, renderDisclosureAnswer } from './disclosure-pdf.js';
import { recordWindowDisclosure } from './disclosure-record.js';
import { listDisclosedProvisions } from './disclosed-provisions.js';
import { disclosingBodyOf } from './disclosing-body.js';
import type { DisclosureWindow } from './disclosure-window.js';

/** What the window's routes need of the node. */
export interface DisclosureRouteOptions {
  readonly nodeId: NodeId;
  readonly clock: Clock;
  readonly call: NodeContext['call'];
  /** The window; without one the routes answer JUKI_ERR_DISCLOSURE_UNAVAILABLE. */
  readonly window: DisclosureWindow | undefined;
  /** Who the card holder is: the national server's own look-up, or a prefecture's call to it. */
  readonly subject: (
    trx: Transaction<Database>,
    request: { readonly disclosureId: string; readonly residentCode: ResidentCode; readonly cardId: string },
  ) => Promise<DisclosureSubject>;
}

/** What the window's reader shows of a card, read without a PIN (as at a municipal counter). */
export type DisclosureReaderCardView = ReaderCardView;

/** What POST /api/disclosures answers: the disclosure, and its answer document to print and hand over. */
export interface DisclosureView {
  readonly disclosure: DisclosureAnswer;
  readonly document: {
    readonly title: string;
    readonly fileName: string;
    readonly contentType: 'application/pdf';
    /** The PDF, base64. */
    readonly base64: string;
  };
}

const disclosureBody = z.strictObject({
  cardId: z.string().min(1).max(64),
  pin: z.string().min(1).max(16),
});

/** Adds the self-disclosure window's routes to the terminal (NodeModule.terminalRoutes). */
export function registerDisclosureRoutes(
  app: FastifyInstance<Server>,
  context: TerminalRouteContext,
  options: DisclosureRouteOptions,
): void {
  function perform<T>(
    request: Parameters<typeof callerOf>[0],
    operation: OperationRequest,
    work: (scope: OperationScope) => Promise<OperationResult<T>>,
  ): Promise<T> {
    return context.operators().service.perform(callerOf(request), operation, work);
  }

  function requireWindow(): DisclosureWindow {
    if (options.window === undefined) {
      throw new JukinetError('JUKI_ERR_DISCLOSURE_UNAVAILABLE', 'this node has no card reader');
    }
    return options.window;
  }

  app.get('/api/disclosure/reader', async (request) => {
    const cards = await perform(request, { fn: 'self-disclosure', access: 'read' }, async () => {
      const { reader } = requireWindow();
      return ok(await presentedCardViews(reader));
    });
    return { cards };
  });

  // 本人確認情報開示: the card and PIN as at a municipal counter (flow 4), then the subject, every node's part, the
  // record, the document. The operation log keeps the card and every code the disclosure was about.
  app.post('/api/disclosures', async (request) => {
    const body = parseBody(disclosureBody, request.body);
    return perform(
      request,
      { fn: 'self-disclosure', access: 'execute', records: [body.cardId] },
      async (scope): Promise<OperationResult<DisclosureView>> => {
        const window = requireWindow();
        const card = await window.reader.open(body.cardId);
        const checked = await confirmCardAtCounter(card, {
          authenticate: (presented) => window.authenticateCard(presented, scope.trx),
          terminalKey: window.terminalKey,
          pin: body.pin,
        });
        if (!checked.ok) return checked;
        const { verified, residentCode } = checked.value;
        scope.touch(residentCode);
        const id = newUuidV7(scope.now.getTime());
        const subject = await options.subject(scope.trx, {
          disclosureId: id,
          residentCode,
          cardId: verified.cardId,
        });
        scope.touch(...subject.residentCodes);
        const { provisions, sources } = await gatherDisclosedProvisions({
          self: options.nodeId,
          nodes: disclosureSourcesOf(options.nodeId, subject),
          disclosureId: id,
          residentCodes: subject.residentCodes,
          local: () =>
            listDisclosedProvisions(scope.trx, {
              node: options.nodeId,
              residentCodes: subject.residentCodes,
            }),
          call: options.call,
        });
        const answer: DisclosureAnswer = {
          id,
          at: scope.now.toISOString(),
          window: { node: options.nodeId, body: disclosingBodyOf(options.nodeId) },
          identity: subject.identity,
          formerResidentCodes: subject.residentCodes.slice(1),
          provisions,
          sources,
          complete: sources.every((source) => source.state === 'answered'),
        };
        await recordWindowDisclosure(scope.trx, {
          id,
          operator: scope.session.operator.id,
          cardId: verified.cardId,
          residentCodes: subject.residentCodes,
          provisionIds: provisions.map((provision) => `${provision.provider}:${provision.id}`),
          sources: sources.map(({ name: _name, ...source }) => source),
          at: scope.now,
        });
        const pdf = await renderDisclosureAnswer(answer);
        return ok({
          disclosure: answer,
          document: {
            title: DISCLOSURE_DOCUMENT_TITLE,
            fileName: `disclosure-${id}.pdf`,
            contentType: 'application/pdf',
            base64: Buffer.from(pdf).toString('base64'),
          },
        });
      },
    );
  });
}
