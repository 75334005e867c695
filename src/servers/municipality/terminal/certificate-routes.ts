// 証明書交付 on the municipal terminal: POST /api/certificates answers the PDF of a 住民票の写し, a 除票の写し or a
// 住民票記載事項証明書 built from the register, through perform() (certificate-issue, execute), so the right is checked
// and the issue is logged with the resident codes it printed (docs/certificates.md, docs/operators.md).

import type { Server } from 'node:https';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { canPerform, japanDateOf, type LocalGovernmentCode } from '../../../domain/index.js';
import type { Clock } from '../../../shared/clock.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import { ok } from '../../../shared/result.js';
import type { TerminalRouteContext } from '../../common/node-module.js';
import { callerOf, parseBody } from '../../common/terminal-api/index.js';
import {
  CERTIFICATE_ITEMS,
  CertificateKind,
  membersOf,
  renderCertificate,
  validateCertificateRequest,
  type CertificateItem,
} from '../certificates/index.js';
import {
  createRegisterReader,
  HEAD_RELATIONSHIP,
  type RegisterReader,
  type ResidentRecord,
} from '../register/index.js';
import { certificateRequestOf, inHouseholdOrder, issuerOf } from './certificate-adapter.js';

/** The kinds as the terminal names them. */
const KIND_OF_REQUEST = {
  copy: CertificateKind.residentRecordCopy,
  'closed-copy': CertificateKind.closedRecordCopy,
  entries: CertificateKind.recordedItemsCertificate,
} as const;

const certificateBody = z.strictObject({
  kind: z.enum(['copy', 'closed-copy', 'entries']),
  /** The persons to print, in print order; with `wholeHousehold`, any one member of the household. */
  residentIds: z.array(z.string().min(1).max(64)).min(1).max(50),
  /** Print every current member of the household of `residentIds[0]` (住民票の写し, 記載事項証明書). */
  wholeHousehold: z.boolean().optional(),
  /** The items asked for; for a copy, 本籍, 続柄 and 住民票コード print only when listed here. */
  items: z
    .array(z.enum(CERTIFICATE_ITEMS as [CertificateItem, ...CertificateItem[]]))
    .max(CERTIFICATE_ITEMS.length)
    .optional(),
});
type CertificateBody = z.output<typeof certificateBody>;

/** What the certificate routes need besides the operators. */
export interface CertificateRouteOptions {
  readonly lgCode: LocalGovernmentCode;
  /** The certifier's name printed after the title (東京都文京区長, 本郷 和子). */
  readonly certifierName: string;
  /** The node's clock: the certificate's issue date is today in Japan by it. */
  readonly clock: Clock;
}

async function readChosen(reader: RegisterReader, ids: readonly string[]): Promise<ResidentRecord[]> {
  const records: ResidentRecord[] = [];
  for (const id of ids) {
    const record = await reader.getResident(id);
    if (record === undefined) throw new JukinetError('JUKI_ERR_RESIDENT_NOT_FOUND', quote(id));
    records.push(record);
  }
  return records;
}

/** The household a certificate prints from: its address, head and the records it may print. */
async function householdOf(
  reader: RegisterReader,
  body: CertificateBody,
  chosen: readonly ResidentRecord[],
): Promise<{ address: string; head: string; records: readonly ResidentRecord[] }> {
  const [first] = chosen;
  if (first === undefined) throw new JukinetError('JUKI_ERR_CERTIFICATE_NO_PERSONS');
  const household = await reader.getHousehold(first.householdId);
  const headName = async (): Promise<string | undefined> =>
    household?.headResidentId === null || household === undefined
      ? undefined
      : (await reader.getResident(household.headResidentId))?.name;
  if (body.kind === 'closed-copy') {
    // A 除票 is no longer in its household: it prints alone (or with the other 除票 chosen at the same address).
    if (body.wholeHousehold === true) {
      throw new JukinetError(
        'JUKI_ERR_CERTIFICATE_REQUEST_INVALID',
        'a 除票の写し prints chosen records only',
      );
    }
    const open = chosen.find((record) => !record.closed);
    if (open !== undefined) {
      throw new JukinetError(
        'JUKI_ERR_CERTIFICATE_RECORD_STATE',
        `member ${quote(open.id)}: a 除票の写し needs a closed record`,
      );
    }
    const elsewhere = chosen.find((record) => record.address !== first.address);
    if (elsewhere !== undefined) {
      throw new JukinetError(
        'JUKI_ERR_CERTIFICATE_REQUEST_INVALID',
        `member ${quote(elsewhere.id)} lived at another address`,
      );
    }
    const head =
      chosen.find((record) => record.relationship === HEAD_RELATIONSHIP)?.name ??
      (await headName()) ??
      first.name;
    return { address: first.address, head, records: chosen };
  }
  const closed = chosen.find((record) => record.closed);
  if (closed !== undefined) {
    throw new JukinetError(
      'JUKI_ERR_CERTIFICATE_RECORD_STATE',
      `member ${quote(closed.id)}: a 除票 prints on a 除票の写し`,
    );
  }
  if (household === undefined) {
    throw new JukinetError('JUKI_ERR_HOUSEHOLD_NOT_FOUND', quote(first.householdId));
  }
  const records = inHouseholdOrder(await readChosen(reader, household.memberIds), household.headResidentId);
  const head = await headName();
  if (head === undefined) throw new JukinetError('JUKI_ERR_HOUSEHOLD_NOT_FOUND', quote(household.id));
  return { address: household.address, head, records };
}

/** Adds 証明書交付 to the terminal. */
export function registerCertificateRoutes(
  app: FastifyInstance<Server>,
  context: TerminalRouteContext,
  options: CertificateRouteOptions,
): void {
  const issuer = issuerOf(options.lgCode, options.certifierName);

  app.post('/api/certificates', async (request, reply) => {
    const body = parseBody(certificateBody, request.body);
    const pdf = await context
      .operators()
      .service.perform(
        callerOf(request),
        { fn: 'certificate-issue', access: 'execute', records: body.residentIds },
        async ({ trx, touch, session }) => {
          const reader = createRegisterReader(trx);
          const chosen = await readChosen(reader, body.residentIds);
          const household = await householdOf(reader, body, chosen);
          const certificate = certificateRequestOf({
            kind: KIND_OF_REQUEST[body.kind],
            ...household,
            ...(body.wholeHousehold === true ? {} : { memberIds: body.residentIds }),
            requestedItems: body.items ?? [],
            mayIssue: canPerform(session.operator.rights, 'certificate-issue', 'execute'),
            issuer,
            issuedOn: japanDateOf(options.clock.now()),
          });
          validateCertificateRequest(certificate);
          const printed = new Set(membersOf(certificate).map((person) => person.id));
          touch(
            ...household.records
              .filter((record) => printed.has(record.id))
              .map((record) => record.residentCode),
          );
          return ok(await renderCertificate(certificate));
        },
      );
    return reply
      .type('application/pdf')
      .header('content-disposition', 'inline; filename="certificate.pdf"')
      .send(Buffer.from(pdf));
  });
}
