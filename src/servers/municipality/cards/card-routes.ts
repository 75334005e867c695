// 住基カード交付 on the municipal terminal (docs/card-issuance.md): application, registration, personalisation, the
// 交付通知書, handover, the resident's PIN, suspension (一時停止) and its lifting, and return (返納). Each step runs
// through performWithOutbox() under `card-issue`, so the right is checked, the step logged with the resident code it
// touched, and a suspension's message to the national server commits with it.

import { randomInt } from 'node:crypto';
import type { Server } from 'node:https';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import {
  activateCard,
  createSoftwareCard,
  personaliseCard,
  takeBackCard,
  type ResidentCard,
} from '../../../card/index.js';
import { readCardCertificate } from '../../../crypto/index.js';
import { japanDateOf, type LocalGovernmentCode } from '../../../domain/index.js';
import type { Clock } from '../../../shared/clock.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import { newUuidV7 } from '../../../shared/ids.js';
import { secureRandomBytes } from '../../../shared/random.js';
import { ok } from '../../../shared/result.js';
import type { Database } from '../../../store/index.js';
import type { NodeContext, TerminalRouteContext } from '../../common/node-module.js';
import { parseBody } from '../../common/terminal-api/index.js';
import { createRegisterReader, type ResidentRecord } from '../register/index.js';
import { issuerOf } from '../terminal/certificate-adapter.js';
import { nodePerformer, type NodeOperationScope } from '../terminal/node-operation.js';
import type { CardIssuer } from './card-issuer.js';
import type { CardReader } from './card-reader.js';
import { reportCardStatus } from './card-network.js';
import { renderCardNotice } from './card-notice.js';
import {
  appendCardEvent,
  cardApplicationView,
  identityCheckSchema,
  listCardApplications,
  requireCardApplication,
  type CardApplicationRecord,
} from './card-store.js';
import {
  cardValidityFrom,
  checkStep,
  collectionDeadline,
  HELD_STATES,
  IN_PROGRESS_STATES,
  isWithinValidity,
  type CardEventKind,
} from './card-workflow.js';

/** What the card routes need of the node besides the operators. */
export interface CardRouteOptions {
  readonly clock: Clock;
  readonly transaction: NodeContext['transaction'];
  /** The municipality's card issuer; undefined when the node has none configured (JUKI_ERR_CARD_ISSUER_UNAVAILABLE). */
  readonly issuer: CardIssuer | undefined;
  readonly lgCode: LocalGovernmentCode;
  /** The certifier's name (the notice is sent in the name of the mayor's title; issuerOf() wants both). */
  readonly certifierName: string;
  /** Where the cards are read: the counter's reader, else the cards the issuer keeps. */
  readonly reader: CardReader;
}

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const listQuery = z.strictObject({ residentId: z.string().min(1).max(64) });
const applyBody = z.strictObject({
  residentId: z.string().min(1).max(64),
  kind: z.enum(['new', 'reissue']).default('new'),
  faceVersion: z.enum(['A', 'B']),
  identityCheck: identityCheckSchema,
});
const handoverBody = z.strictObject({
  noticeNumber: z.string().trim().min(1).max(40),
  identityCheck: identityCheckSchema.optional(),
});
const pinBody = z.strictObject({ pin: z.string().min(1).max(16) });
const suspendBody = z.strictObject({ reason: z.enum(['loss', 'theft', 'other']) });
const liftBody = z.strictObject({ identityCheck: identityCheckSchema.optional() });

/** Where the notice tells the resident to collect the card. */
function collectionPlaceOf(municipality: string): string {
  return `${municipality} 住民基本台帳カード交付窓口`;
}

/** A notice number: 12 random digits, never shown on the terminal, only printed on the notice. */
function newNoticeNumber(): string {
  return Array.from({ length: 12 }, () => String(randomInt(10))).join('');
}

/** Adds the card issuance routes to the terminal. */
export function registerCardRoutes(
  app: FastifyInstance<Server>,
  context: TerminalRouteContext,
  options: CardRouteOptions,
): void {
  const today = (): string => japanDateOf(options.clock.now());
  const issuerNames = issuerOf(options.lgCode, options.certifierName);

  const perform = nodePerformer(context, options.transaction);

  function requireIssuer(): CardIssuer {
    if (options.issuer === undefined) throw new JukinetError('JUKI_ERR_CARD_ISSUER_UNAVAILABLE');
    return options.issuer;
  }

  async function residentOf(trx: Transaction<Database>, id: string): Promise<ResidentRecord> {
    const record = await createRegisterReader(trx).getResident(id);
    if (record === undefined) throw new JukinetError('JUKI_ERR_RESIDENT_NOT_FOUND', quote(id));
    return record;
  }

  /** The application's card: kept here since registration, or presented at the reader (one taken over after a move). */
  async function openCard(record: CardApplicationRecord): Promise<ResidentCard> {
    const cardId = record.row.card_id;
    if (cardId === null) throw new JukinetError('JUKI_ERR_CARD_ISSUANCE_STATE', 'no card registered yet');
    requireIssuer();
    return options.reader.open(cardId);
  }

  /** One step on an application: reads it, checks the step against its state, runs `work`, appends the event. */
  function step<T>(
    request: FastifyRequest,
    access: 'write' | 'execute',
    kind: CardEventKind,
    work: (
      scope: NodeOperationScope,
      record: CardApplicationRecord,
    ) => Promise<{ detail?: Record<string, unknown>; value?: T }>,
  ): Promise<ReturnType<typeof cardApplicationView>> {
    const { id } = parseBody(idParams, request.params);
    return perform(request, { fn: 'card-issue', access, records: [id] }, async (scope) => {
      const record = await requireCardApplication(scope.trx, id);
      const resident = await residentOf(scope.trx, record.row.resident_id);
      scope.touch(resident.residentCode);
      checkStep(record.state, kind);
      const done = await work(scope, record);
      await appendCardEvent(scope.trx, id, {
        kind,
        operator: scope.session.operator.id,
        at: scope.now,
        ...(done.detail === undefined ? {} : { detail: done.detail }),
      });
      return ok(cardApplicationView(await requireCardApplication(scope.trx, id)));
    });
  }

  // 申請: identity checked at the counter; refused while another application is in progress or a valid card is held,
  // and a re-issuance needs the previous card suspended or returned.
  app.post('/api/cards/applications', async (request, reply) => {
    const body = parseBody(applyBody, request.body);
    const application = await perform(
      request,
      { fn: 'card-issue', access: 'write', records: [body.residentId] },
      async (scope) => {
        const resident = await residentOf(scope.trx, body.residentId);
        scope.touch(resident.residentCode);
        if (resident.closed) throw new JukinetError('JUKI_ERR_RESIDENT_CLOSED', quote(resident.id));
        const previous = await listCardApplications(scope.trx, resident.id);
        const pending = previous.find((record) => IN_PROGRESS_STATES.includes(record.state));
        if (pending !== undefined) {
          throw new JukinetError(
            'JUKI_ERR_CARD_APPLICATION_DUPLICATE',
            `application ${quote(pending.row.id)}`,
          );
        }
        const held = previous.find(
          (record) => HELD_STATES.includes(record.state) && isWithinValidity(record.row.valid_until, today()),
        );
        if (held !== undefined) {
          throw new JukinetError(
            'JUKI_ERR_CARD_APPLICATION_DUPLICATE',
            `card ${quote(held.row.card_id ?? '')}`,
          );
        }
        const suspended = previous.find((record) => record.state === 'suspended');
        let replaces: string | null = null;
        if (body.kind === 'reissue') {
          const last = suspended ?? previous.find((record) => record.state === 'returned');
          if (last === undefined || last.row.card_id === null) {
            throw new JukinetError(
              'JUKI_ERR_CARD_ISSUANCE_STATE',
              'a re-issuance needs a previous card suspended or returned',
            );
          }
          replaces = last.row.card_id;
        } else if (suspended !== undefined) {
          throw new JukinetError(
            'JUKI_ERR_CARD_APPLICATION_DUPLICATE',
            `card ${quote(suspended.row.card_id ?? '')} is suspended: apply for a re-issuance`,
          );
        }
        const id = newUuidV7();
        await scope.trx
          .insertInto('card_application')
          .values({
            id,
            resident_id: resident.id,
            kind: body.kind,
            replaces_card_id: replaces,
            face_version: body.faceVersion,
            identity_check: JSON.stringify(body.identityCheck),
            card_id: null,
            transport_key: null,
            certificate_fingerprint: null,
            valid_from: null,
            valid_until: null,
            notice_number: null,
            collect_until: null,
            applied_by: scope.session.operator.id,
            applied_at: scope.now.toISOString(),
          })
          .execute();
        await appendCardEvent(scope.trx, id, {
          kind: 'applied',
          operator: scope.session.operator.id,
          at: scope.now,
          detail: { identityCheck: body.identityCheck },
        });
        return ok(cardApplicationView(await requireCardApplication(scope.trx, id)));
      },
    );
    return reply.code(201).send({ application });
  });

  app.get('/api/cards/applications', async (request) => {
    const { residentId } = parseBody(listQuery, request.query);
    const applications = await perform(
      request,
      { fn: 'card-issue', access: 'read', records: [residentId] },
      async ({ trx, touch }) => {
        const resident = await createRegisterReader(trx).getResident(residentId);
        if (resident !== undefined) touch(resident.residentCode);
        return ok((await listCardApplications(trx, residentId)).map(cardApplicationView));
      },
    );
    return { applications };
  });

  app.get('/api/cards/applications/:id', async (request) => {
    const { id } = parseBody(idParams, request.params);
    const application = await perform(
      request,
      { fn: 'card-issue', access: 'read', records: [id] },
      async ({ trx, touch }) => {
        const record = await requireCardApplication(trx, id);
        const resident = await createRegisterReader(trx).getResident(record.row.resident_id);
        if (resident !== undefined) touch(resident.residentCode);
        return ok(cardApplicationView(record));
      },
    );
    return { application };
  });

  // 登録: the examiner accepts the application; a blank card from stock, protected by its transport key, is assigned.
  app.post('/api/cards/applications/:id/register', async (request) => {
    const application = await step(request, 'execute', 'registered', async (scope, record) => {
      const issuer = requireIssuer();
      // A fresh id on every attempt: a retried transaction never meets the file of the attempt before.
      const cardId = Buffer.from(secureRandomBytes(8)).toString('hex');
      const transportKey = secureRandomBytes(32);
      await createSoftwareCard(issuer.cardPath(cardId), { cardId, transportKey, clock: options.clock });
      await scope.trx
        .updateTable('card_application')
        .set({ card_id: cardId, transport_key: Buffer.from(transportKey).toString('base64url') })
        .where('id', '=', record.row.id)
        .execute();
      return { detail: { cardId } };
    });
    return { application };
  });

  // 作成: personalisation with the municipality's card CA; the transport key is removed and forgotten.
  app.post('/api/cards/applications/:id/personalise', async (request) => {
    const application = await step(request, 'execute', 'personalised', async (scope, record) => {
      const issuer = requireIssuer();
      const resident = await residentOf(scope.trx, record.row.resident_id);
      const card = await openCard(record);
      const validity = cardValidityFrom(today());
      let certificatePem: string;
      if ((await card.readPublicInfo()).state === 'personalised') {
        // A retried transaction: the card was personalised by the attempt before.
        certificatePem = (await card.readCertificate()).certificatePem;
      } else {
        const transportKey = record.row.transport_key;
        if (transportKey === null) throw new JukinetError('JUKI_ERR_CARD_ISSUANCE_STATE', 'no transport key');
        const ca = await issuer.ca();
        certificatePem = await personaliseCard(card, {
          transportKey: Buffer.from(transportKey, 'base64url'),
          residentCode: resident.residentCode,
          issuerMunicipality: issuer.lgCode,
          faceVersion: record.row.face_version as 'A' | 'B',
          validity,
          issuer: ca,
          terminalTrustAnchorPem: await issuer.terminalAnchorPem(),
        });
      }
      const certificate = readCardCertificate(certificatePem);
      await scope.trx
        .updateTable('card_application')
        .set({
          transport_key: null,
          certificate_fingerprint: certificate.fingerprint,
          valid_from: validity.validFrom,
          valid_until: validity.validUntil,
        })
        .where('id', '=', record.row.id)
        .execute();
      return { detail: { fingerprint: certificate.fingerprint, ...validity } };
    });
    return { application };
  });

  // 交付通知書: a notice number the resident brings back, and the last day to collect.
  app.post('/api/cards/applications/:id/notice', async (request) => {
    const application = await step(request, 'execute', 'notice-issued', async (scope, record) => {
      const collectUntil = collectionDeadline(today());
      await scope.trx
        .updateTable('card_application')
        .set({ notice_number: newNoticeNumber(), collect_until: collectUntil })
        .where('id', '=', record.row.id)
        .execute();
      return { detail: { collectUntil } };
    });
    return { application };
  });

  // The notice's PDF, printed again as often as needed while the card waits (execute: it carries the notice number).
  app.get('/api/cards/applications/:id/notice.pdf', async (request, reply) => {
    const { id } = parseBody(idParams, request.params);
    const pdf = await perform(
      request,
      { fn: 'card-issue', access: 'execute', records: [id] },
      async ({ trx, touch }) => {
        const record = await requireCardApplication(trx, id);
        const resident = await residentOf(trx, record.row.resident_id);
        touch(resident.residentCode);
        const { notice_number: noticeNumber, collect_until: collectUntil, card_id: cardId } = record.row;
        if (
          noticeNumber === null ||
          collectUntil === null ||
          cardId === null ||
          record.state !== 'notified'
        ) {
          throw new JukinetError(
            'JUKI_ERR_CARD_ISSUANCE_STATE',
            `no notice to print in ${quote(record.state)}`,
          );
        }
        const issued = record.events.findLast((event) => event.kind === 'notice-issued');
        return ok(
          await renderCardNotice({
            municipality: issuerNames.municipality,
            issuerTitle: issuerNames.certifierTitle,
            name: resident.name,
            address: resident.address,
            cardId,
            faceVersion: record.row.face_version as 'A' | 'B',
            noticeNumber,
            collectAt: collectionPlaceOf(issuerNames.municipality),
            collectUntil,
            issuedOn: issued === undefined ? today() : japanDateOf(new Date(issued.at)),
            reissue: record.row.kind === 'reissue',
          }),
        );
      },
    );
    return reply
      .type('application/pdf')
      .header('content-disposition', 'inline; filename="card-notice.pdf"')
      .send(Buffer.from(pdf));
  });

  // 交付: against the notice number, with the holder's identity checked again, before the collection deadline.
  app.post('/api/cards/applications/:id/handover', async (request) => {
    const body = parseBody(handoverBody, request.body);
    const application = await step(request, 'write', 'handed-over', (_scope, record) => {
      if (body.identityCheck === undefined) {
        throw new JukinetError('JUKI_ERR_CARD_IDENTITY_CHECK_REQUIRED', 'handover');
      }
      if (record.row.notice_number !== body.noticeNumber) {
        throw new JukinetError('JUKI_ERR_CARD_NOTICE_MISMATCH', `application ${quote(record.row.id)}`);
      }
      if (record.row.collect_until !== null && today() > record.row.collect_until) {
        throw new JukinetError(
          'JUKI_ERR_CARD_ISSUANCE_STATE',
          `collection ended on ${record.row.collect_until}`,
        );
      }
      return Promise.resolve({ detail: { identityCheck: body.identityCheck } });
    });
    return { application };
  });

  // 暗証番号設定: the counter terminal proves itself to the card and the resident's first PIN activates it.
  app.post('/api/cards/applications/:id/activate', async (request) => {
    const { pin } = parseBody(pinBody, request.body);
    const application = await step(request, 'write', 'activated', async (_scope, record) => {
      const card = await openCard(record);
      // A retried transaction finds the card active already: the PIN was set by the attempt before.
      if ((await card.readPublicInfo()).state !== 'active') {
        await activateCard(card, await requireIssuer().terminalKey(), pin);
      }
      return {};
    });
    return { application };
  });

  // 一時停止: on a report of loss or theft, at once for every municipality (card.status-changed to national).
  app.post('/api/cards/applications/:id/suspend', async (request) => {
    const { reason } = parseBody(suspendBody, request.body);
    const application = await step(request, 'write', 'suspended', async (scope, record) => {
      await reportStatus(scope, record, 'suspended');
      return { detail: { reason } };
    });
    return { application };
  });

  // 一時停止の解除: the card was found; the holder's identity checked. Refused once a re-issuance replaced it.
  app.post('/api/cards/applications/:id/lift-suspension', async (request) => {
    const body = parseBody(liftBody, request.body);
    const application = await step(request, 'execute', 'suspension-lifted', async (scope, record) => {
      if (body.identityCheck === undefined) {
        throw new JukinetError('JUKI_ERR_CARD_IDENTITY_CHECK_REQUIRED', 'lifting a suspension');
      }
      const replaced = await scope.trx
        .selectFrom('card_application')
        .select('id')
        .where('replaces_card_id', '=', record.row.card_id)
        .executeTakeFirst();
      if (replaced !== undefined) {
        throw new JukinetError(
          'JUKI_ERR_CARD_ISSUANCE_STATE',
          `replaced by application ${quote(replaced.id)}`,
        );
      }
      await reportStatus(scope, record, 'active');
      return { detail: { identityCheck: body.identityCheck } };
    });
    return { application };
  });

  // 返納: the clerk takes the card back; the card wipes its key and code. A suspended card is returned as found.
  app.post('/api/cards/applications/:id/return', async (request) => {
    const application = await step(request, 'write', 'returned', async (scope, record) => {
      const card = await openCard(record);
      if ((await card.readPublicInfo()).state !== 'returned') {
        await takeBackCard(card, await requireIssuer().administratorKey());
      }
      if (record.state === 'suspended' || HELD_STATES.includes(record.state)) {
        await reportStatus(scope, record, 'returned');
      }
      return {};
    });
    return { application };
  });

  async function reportStatus(
    scope: NodeOperationScope,
    record: CardApplicationRecord,
    state: 'active' | 'suspended' | 'returned',
  ): Promise<void> {
    const { card_id: cardId, certificate_fingerprint: fingerprint } = record.row;
    if (cardId === null || fingerprint === null) {
      throw new JukinetError('JUKI_ERR_CARD_ISSUANCE_STATE', 'no card personalised');
    }
    await reportCardStatus(scope.outbox, {
      cardId,
      fingerprint,
      // A card taken over after a move keeps its issuer; this municipality speaks for it now (card-transfer.ts).
      issuerMunicipality: record.row.issuer_municipality ?? options.lgCode,
      state,
      at: scope.now,
    });
  }
}
