// File delivery (ファイルデリバリ, DESIGN.md §3) on the national server: the signed files it delivers (for now the
// versions of the affair registry loaded with `jukinet agency registry publish`), each version as published, and the
// reports of the nodes that fetched them (docs/file-delivery.md, docs/protocol/file-delivery.md).

import { createHash } from 'node:crypto';
import { canonicalJson } from '../../crypto/index.js';
import { byRoles, type NetworkRoute } from '../../net/index.js';
import {
  DeliveredFile,
  FILE_REPORTS_PATH,
  FILE_VERSION_PATH,
  FILES_PATH,
  describeIssues,
  fileReportSchema,
  type DeliveredFilesAnswer,
} from '../../protocol/index.js';
import type { Clock } from '../../shared/clock.js';
import { JukinetError, quote } from '../../shared/errors.js';
import type { Database, Store } from '../../store/index.js';
import type { Kysely, Transaction } from 'kysely';
import type { SecurityEventLog } from '../common/security-event-log.js';
import type { SignedAffairRegistry } from '../common/provision/index.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The security event a node's refusal of a delivered file raises here: a file that did not verify there. */
export const FILE_REFUSED_EVENT = 'file-delivery-refused';

/** A node's report on a delivered file version, as kept. */
export interface FileDeliveryReport {
  readonly node: string;
  readonly file: DeliveredFile;
  readonly version: number;
  readonly outcome: 'applied' | 'refused';
  readonly detail: string | null;
  readonly reportedAt: string;
}

/** A signed registry version as the national server holds it: exactly the file that was published. */
async function signedRegistryVersion(db: Db, version: number): Promise<SignedAffairRegistry | undefined> {
  const row = await db
    .selectFrom('affair_registry')
    .select(['document', 'signature', 'signer_certificate'])
    .where('version', '=', version)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    registry: JSON.parse(row.document) as SignedAffairRegistry['registry'],
    signature: row.signature,
    signerCertificatePem: row.signer_certificate,
  };
}

/** SHA-256 of a delivered file's canonical JSON, lowercase hex: what a node can compare before and after fetching. */
export function deliveredFileDigest(file: unknown): string {
  return createHash('sha256').update(canonicalJson(file), 'utf8').digest('hex');
}

/** Every delivered file version, oldest first. */
export async function deliveredFiles(db: Db): Promise<DeliveredFilesAnswer['files']> {
  const rows = await db
    .selectFrom('affair_registry')
    .select(['version', 'effective_date', 'document', 'signature', 'signer_certificate'])
    .orderBy('version')
    .execute();
  return rows.map((row) => ({
    file: DeliveredFile.affairRegistry,
    version: Number(row.version),
    effectiveDate: row.effective_date,
    digest: deliveredFileDigest({
      registry: JSON.parse(row.document) as unknown,
      signature: row.signature,
      signerCertificatePem: row.signer_certificate,
    }),
  }));
}

/** The reports of every node on every delivered version, by file, version and node. */
export async function fileDeliveryReports(db: Db): Promise<FileDeliveryReport[]> {
  const rows = await db
    .selectFrom('file_delivery_report')
    .selectAll()
    .orderBy('file')
    .orderBy('version')
    .orderBy('node')
    .execute();
  return rows.map((row) => ({
    node: row.node,
    file: row.file as DeliveredFile,
    version: Number(row.version),
    outcome: row.outcome as FileDeliveryReport['outcome'],
    detail: row.detail,
    reportedAt: row.reported_at,
  }));
}

/**
 * The file delivery routes for prefectural servers (the nodes that provide to agencies beside the national one): the
 * list, one version, and the report. A refusal reported by a node is also a security event here: the file that node
 * received did not verify, or did not apply.
 */
export function fileDeliveryRoutes(options: {
  store: Store;
  clock: Clock;
  securityEvents: SecurityEventLog;
}): NetworkRoute[] {
  const { store, clock, securityEvents } = options;
  const allow = byRoles('prefecture');
  return [
    {
      method: 'GET',
      path: FILES_PATH,
      allow,
      async handler() {
        const body: DeliveredFilesAnswer = { files: await deliveredFiles(store.db) };
        return { body };
      },
    },
    {
      method: 'GET',
      path: FILE_VERSION_PATH,
      allow,
      async handler({ params }) {
        const file = params['file'] ?? '';
        const version = Number(params['version']);
        const signed =
          file === DeliveredFile.affairRegistry && Number.isSafeInteger(version) && version > 0
            ? await signedRegistryVersion(store.db, version)
            : undefined;
        if (signed === undefined) {
          throw new JukinetError(
            'JUKI_ERR_FILE_NOT_DELIVERED',
            `${quote(file)} version ${quote(params['version'])}`,
          );
        }
        return { body: signed };
      },
    },
    {
      method: 'POST',
      path: FILE_REPORTS_PATH,
      allow,
      async handler({ peer, body }) {
        const parsed = fileReportSchema.safeParse(body);
        if (!parsed.success) {
          throw new JukinetError('JUKI_ERR_FILE_REPORT_INVALID', describeIssues(parsed.error.issues, 'body'));
        }
        const report = parsed.data;
        if ((await signedRegistryVersion(store.db, report.version)) === undefined) {
          throw new JukinetError(
            'JUKI_ERR_FILE_REPORT_INVALID',
            `${quote(report.file)} version ${report.version} was never delivered`,
          );
        }
        const row = {
          outcome: report.outcome,
          detail: report.detail ?? null,
          reported_at: clock.now().toISOString(),
        };
        await store.db
          .insertInto('file_delivery_report')
          .values({ node: peer.nodeId, file: report.file, version: report.version, ...row })
          .onConflict((conflict) => conflict.columns(['node', 'file', 'version']).doUpdateSet(row))
          .execute();
        if (report.outcome === 'refused') {
          securityEvents.record({
            kind: FILE_REFUSED_EVENT,
            peer: peer.nodeId,
            detail: { file: report.file, version: report.version, reason: report.detail ?? '' },
          });
        }
        return { status: 204 };
      },
    },
  ];
}
