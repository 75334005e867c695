// The issuing municipality's side of the wide-area copy (広域交付, docs/wide-area-copy.md): POST /api/wide-area/copies
// asks the national server where the person is registered, asks that municipality's CS for the items, and answers the
// PDF certified by this municipality, recording the copy and its fee; GET lists the copies issued. Both through
// perform() under `wide-area-copy`, so the right is checked and the operation logged with the codes it printed.

import type { Server } from 'node:https';
import type { FastifyInstance } from 'fastify';
import { PDFDocument } from 'pdf-lib';
import { z } from 'zod';
import {
  addDays,
  compareIsoDates,
  isResidentCode,
  japanDateOf,
  parseLocalGovernmentCode,
  parseResidentCode,
  utcMidnightOf,
  type LocalGovernmentCode,
  type NodeId,
  type OperatingAdmission,
} from '../../../domain/index.js';
import {
  parseWideAreaCopyAnswer,
  parseWideAreaLocateAnswer,
  WIDE_AREA_COPY_PATH,
  WIDE_AREA_LOCATE_PATH,
  WIDE_AREA_MEMBERS_MAX,
  type WideAreaCopyAnswer,
  type WideAreaCopyRequest,
} from '../../../protocol/messages/wide-area-copy.js';
import { assert } from '../../../shared/assert.js';
import type { Clock } from '../../../shared/clock.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import { newUuidV7 } from '../../../shared/ids.js';
import { ok } from '../../../shared/result.js';
import type { NodeContext, TerminalRouteContext } from '../../common/node-module.js';
import type { OperationTransaction } from '../../common/operators/index.js';
import { callerOf, parseBody } from '../../common/terminal-api/index.js';
import { requireCardConfirmation, type CardConfirmation } from '../cards/index.js';
import { membersOf, renderCertificate } from '../certificates/index.js';
import { CrossService, type OperatingGate } from '../cross/operating-gate.js';
import { issuerOf } from '../terminal/certificate-adapter.js';
import { municipalityLabelOf } from './wide-area-answer.js';
import { WIDE_AREA_OPTIONAL_ITEMS, wideAreaCertificateOf } from './wide-area-items.js';
import type { WideAreaSettings } from './wide-area-settings.js';
import {
  listWideAreaCopies,
  recordWideAreaCopy,
  RESIDENT_CARD_DOCUMENT,
  type WideAreaCopyView,
} from './wide-area-store.js';

const NATIONAL = 'national' as NodeId;
/** Japan has no daylight saving: midnight in Japan is 15:00 UTC the day before. */
const JST_OFFSET_MS = 9 * 3_600_000;

/** The photo identity documents issued by a public office that a clerk accepts for a wide-area copy. */
export const PhotoIdDocument = {
  /** 運転免許証 */
  driversLicense: 'drivers-license',
  /** 旅券 */
  passport: 'passport',
  /** 在留カード */
  residenceCard: 'residence-card',
  /** 身体障害者手帳 */
  physicalDisabilityCertificate: 'physical-disability-certificate',
  /** その他官公署発行の写真付き証明書 */
  otherOfficialPhotoId: 'other-official-photo-id',
} as const;
export type PhotoIdDocument = (typeof PhotoIdDocument)[keyof typeof PhotoIdDocument];

/** The names the terminal shows for the photo ID documents. */
export const photoIdDocumentLabel: Readonly<Record<PhotoIdDocument, string>> = {
  'drivers-license': '運転免許証',
  passport: '旅券',
  'residence-card': '在留カード',
  'physical-disability-certificate': '身体障害者手帳',
  'other-official-photo-id': 'その他官公署発行の写真付き証明書',
};

const residentCodeSchema = z.string().refine(isResidentCode, { error: 'must be a valid resident code' });

/** How the requester proved who they are: a card confirmed at this counter (by its id), or a photo ID shown. */
const requesterSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('card'), confirmationId: z.string().min(1).max(64) }),
  z.strictObject({
    method: z.literal('photo-id'),
    documentType: z.enum(PhotoIdDocument),
    documentNumber: z.string().trim().min(1).max(40),
  }),
]);

/** The body of POST /api/wide-area/copies. */
export const wideAreaCopyBodySchema = z.strictObject({
  /** The person whose 住民票 is copied. */
  residentCode: residentCodeSchema,
  /** The person alone, the whole household (世帯全員), or the person and these members of the household. */
  members: z.union([
    z.enum(['self', 'household']),
    z.array(residentCodeSchema).min(1).max(WIDE_AREA_MEMBERS_MAX),
  ]),
  requester: requesterSchema,
  /** 続柄 and 住民票コード, printed only when listed (住基法第12条の4第4項). */
  items: z.array(z.enum(WIDE_AREA_OPTIONAL_ITEMS)).max(WIDE_AREA_OPTIONAL_ITEMS.length).optional(),
});
export type WideAreaCopyBody = z.output<typeof wideAreaCopyBodySchema>;

const isoDateSchema = z.iso.date();
const listQuery = z.strictObject({ from: isoDateSchema.optional(), to: isoDateSchema.optional() });

/** What the wide-area copy routes need of the node besides the operators. */
export interface WideAreaRouteOptions {
  readonly lgCode: LocalGovernmentCode;
  /** The certifier's name printed after the title (鳥取県鳥取市長, …). */
  readonly certifierName: string;
  readonly clock: Clock;
  readonly transaction: NodeContext['transaction'];
  /** Calls to the national server and to the address municipality over mTLS. */
  readonly call: NodeContext['call'];
  readonly settings: WideAreaSettings;
  /** The common operating hours; asked with the address municipality as the peer. */
  readonly gate: OperatingGate;
}

/** Everything a copy needs from the network, fetched before the operation's transaction opens. */
interface PreparedCopy {
  readonly id: string;
  readonly addressLgCode: LocalGovernmentCode;
  readonly admission: OperatingAdmission;
  readonly answerId: string;
  readonly codesPrinted: readonly string[];
  readonly pdf: Uint8Array;
  readonly pages: number;
  readonly requester: WideAreaCopyView['requester'];
}

/** Midnight in Japan at the start of an ISO date. */
function japanMidnightOf(date: string): Date {
  return new Date(utcMidnightOf(date).getTime() - JST_OFFSET_MS);
}

/**
 * The members to ask the address municipality for besides the person: every one (`true`), the ones chosen, and the
 * card holder when it is not the person, so that the answer shows whether the holder is of the same household.
 */
function householdAsked(
  body: WideAreaCopyBody,
  holder: CardConfirmation | undefined,
): WideAreaCopyRequest['household'] {
  if (body.members === 'household') return true;
  const chosen = body.members === 'self' ? [] : body.members;
  const extra = new Set([...chosen, ...(holder === undefined ? [] : [holder.residentCode])]);
  extra.delete(body.residentCode);
  return extra.size === 0 ? false : [...extra];
}

/** The codes to print: the whole answer for 世帯全員, otherwise the person and the members chosen. */
function codesToPrint(body: WideAreaCopyBody, answer: WideAreaCopyAnswer): string[] {
  if (body.members === 'household') return answer.members.map((member) => member.residentCode);
  return [...new Set([body.residentCode, ...(body.members === 'self' ? [] : body.members)])];
}

/** Adds the wide-area copy routes to the terminal. */
export function registerWideAreaRoutes(
  app: FastifyInstance<Server>,
  context: TerminalRouteContext,
  options: WideAreaRouteOptions,
): void {
  const issuer = issuerOf(options.lgCode, options.certifierName);

  /** The network half of an issue: every check and call, then the PDF; nothing is written here. */
  async function prepare(body: WideAreaCopyBody): Promise<PreparedCopy> {
    // A municipality that does not take part refuses before it calls anyone.
    if (!options.settings.participating) {
      throw new JukinetError('JUKI_ERR_WIDE_AREA_NOT_PARTICIPATING', municipalityLabelOf(options.lgCode));
    }
    const now = options.clock.now();
    const { requester } = body;
    const holder =
      requester.method === 'card'
        ? await options.transaction((trx) => requireCardConfirmation(trx, requester.confirmationId, { now }))
        : undefined;
    const located = parseWideAreaLocateAnswer(
      await options.call(NATIONAL, {
        method: 'GET',
        path: WIDE_AREA_LOCATE_PATH.replace(':code', body.residentCode),
      }),
    );
    const addressLgCode = parseLocalGovernmentCode(located.lgCode);
    if (addressLgCode === options.lgCode) {
      throw new JukinetError('JUKI_ERR_WIDE_AREA_OWN_RESIDENT', quote(body.residentCode));
    }
    const admission = await options.gate.admit(CrossService.wideAreaCopy, addressLgCode);
    const request: WideAreaCopyRequest = {
      residentCode: body.residentCode,
      household: householdAsked(body, holder),
      requestedBy: { lgCode: options.lgCode },
    };
    const answer = parseWideAreaCopyAnswer(
      await options.call(`muni-${addressLgCode}` as NodeId, {
        method: 'POST',
        path: WIDE_AREA_COPY_PATH,
        body: request,
      }),
    );
    const answered = new Set(answer.members.map((member) => member.residentCode));
    if (!answered.has(body.residentCode)) {
      throw new JukinetError(
        'JUKI_ERR_WIDE_AREA_ANSWER_INVALID',
        `${municipalityLabelOf(addressLgCode)} did not answer for ${quote(body.residentCode)}`,
      );
    }
    // 住基法第12条の4第1項: the person, or a member of the same household. With a card the holder is known; with a
    // photo ID the clerk checked who stands at the counter.
    if (holder !== undefined && !answered.has(holder.residentCode)) {
      throw new JukinetError(
        'JUKI_ERR_WIDE_AREA_REQUESTER',
        `the card holder is not of the household of ${quote(body.residentCode)}`,
      );
    }
    const id = newUuidV7();
    const certificate = wideAreaCertificateOf({
      answer,
      print: codesToPrint(body, answer),
      requestedItems: body.items ?? [],
      addressLgCode,
      issuer,
      issuedOn: japanDateOf(now),
      serialNumber: id,
    });
    const pdf = await renderCertificate(certificate);
    const pages = (await PDFDocument.load(pdf, { updateMetadata: false })).getPageCount();
    return {
      id,
      addressLgCode,
      admission,
      answerId: answer.answerId,
      codesPrinted: membersOf(certificate).map((person) => person.id),
      pdf,
      pages,
      requester:
        requester.method === 'card'
          ? {
              method: 'card',
              documentType: RESIDENT_CARD_DOCUMENT,
              documentNumber: holder?.cardId ?? '',
              cardConfirmationId: requester.confirmationId,
            }
          : {
              method: 'photo-id',
              documentType: requester.documentType,
              documentNumber: requester.documentNumber,
              cardConfirmationId: null,
            },
    };
  }

  app.post('/api/wide-area/copies', async (request, reply) => {
    const body = parseBody(wideAreaCopyBodySchema, request.body);
    let prepared: PreparedCopy | undefined;
    // The calls to the national server and the address municipality run after the right is checked and before the
    // transaction opens, so that no write lock is held across the network; the copy's row and the operation's log
    // row then commit together. A refusal on the way is logged like any other.
    const transaction: OperationTransaction = async (fn) => {
      prepared ??= await prepare(body);
      return options.transaction((trx) => fn(trx));
    };
    const copy = await context
      .operators()
      .service.perform(
        callerOf(request),
        { fn: 'wide-area-copy', access: 'execute', records: [body.residentCode], transaction },
        async ({ trx, session, now, touch }) => {
          assert(prepared !== undefined, 'The copy is prepared before its transaction opens');
          touch(...prepared.codesPrinted);
          const view: WideAreaCopyView = {
            id: prepared.id,
            issuedAt: now.toISOString(),
            operator: session.operator.id,
            requester: prepared.requester,
            addressLgCode: prepared.addressLgCode,
            residentCode: parseResidentCode(body.residentCode),
            codesPrinted: prepared.codesPrinted.map(parseResidentCode),
            fee: options.settings.fee,
            pages: prepared.pages,
            answerId: prepared.answerId,
            admissionBasis: prepared.admission.basis,
          };
          await recordWideAreaCopy(trx, view);
          return ok({ view, pdf: prepared.pdf });
        },
      );
    return reply
      .type('application/pdf')
      .header('content-disposition', 'inline; filename="wide-area-copy.pdf"')
      .header('x-jukinet-copy-id', copy.view.id)
      .header('x-jukinet-fee', String(copy.view.fee))
      .header('x-jukinet-pages', String(copy.view.pages))
      .send(Buffer.from(copy.pdf));
  });

  app.get('/api/wide-area/copies', async (request) => {
    const query = parseBody(listQuery, request.query);
    const today = japanDateOf(options.clock.now());
    const to = query.to ?? today;
    const from = query.from ?? to;
    if (compareIsoDates(from, to) > 0) {
      throw new JukinetError('JUKI_ERR_REQUEST_INVALID', `from ${quote(from)} is after to ${quote(to)}`);
    }
    const copies = await context
      .operators()
      .service.perform(
        callerOf(request),
        { fn: 'wide-area-copy', access: 'read' },
        async ({ trx, touch }) => {
          const listed = await listWideAreaCopies(trx, {
            from: japanMidnightOf(from),
            to: japanMidnightOf(addDays(to, 1)),
          });
          touch(...listed.flatMap((copy) => copy.codesPrinted));
          return ok(listed);
        },
      );
    return {
      from,
      to,
      copies,
      count: copies.length,
      totalFee: copies.reduce((sum, copy) => sum + copy.fee, 0),
    };
  });
}
