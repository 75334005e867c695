// Who a self-disclosure is about, as only the national server can say (docs/self-disclosure.md): from the code a card
// gave, every code the person held (a code change, 住民票コード変更, links the old code and the new one by the message
// that made it), their current identity information, and the prefectures whose servers hold part of their history
// (and so may hold provisions about them). The national window asks it directly; prefectural windows over mTLS.

import type { Kysely, Transaction } from 'kysely';
import {
  ChangeReason,
  parseResidentCode,
  prefectureNodeOf,
  type NodeId,
  type ResidentCode,
} from '../../domain/index.js';
import { byRoles, type NetworkRoute } from '../../net/index.js';
import {
  DISCLOSURE_MAX_CODES,
  DISCLOSURE_SUBJECT_PATH,
  disclosureSubjectRequestSchema,
  type DisclosureSubjectAnswer,
} from '../../protocol/index.js';
import { JukinetError, quote } from '../../shared/errors.js';
import type { Database, Store } from '../../store/index.js';
import type { DisclosureSubject } from '../common/disclosure/index.js';
import { currentIdentity } from '../common/identity-history.js';
import { parseBody } from '../common/terminal-api/index.js';
import { refuseInactiveCard } from './card-status.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Every code linked to `code` through code changes, in either direction (a card still carrying an old code finds the
 * new one). A code change is one message recorded under two codes: the old code's closing version and the new
 * code's first, both with the message's id.
 */
async function linkedCodes(db: Db, code: ResidentCode): Promise<ResidentCode[]> {
  const found = new Set<ResidentCode>([code]);
  const frontier = [code];
  while (frontier.length > 0 && found.size <= DISCLOSURE_MAX_CODES) {
    const next = frontier.pop()!;
    const rows = await db
      .selectFrom('identity_version as mine')
      .innerJoin('identity_version as other', 'other.message_id', 'mine.message_id')
      .select(['other.resident_code as code', 'mine.reason as mine', 'other.reason as other'])
      .where('mine.resident_code', '=', next)
      .where('mine.message_id', 'is not', null)
      .where('other.resident_code', '!=', next)
      .execute();
    for (const row of rows) {
      // Only a code change shares a message between two codes; anything else is not a link.
      if (row.mine !== ChangeReason.codeChange && row.other !== ChangeReason.codeChange) continue;
      const linked = row.code as ResidentCode;
      if (!found.has(linked)) {
        found.add(linked);
        frontier.push(linked);
      }
    }
  }
  return [...found];
}

/**
 * The subject of a disclosure asked with the card `cardId` that gave `residentCode`. Refused with
 * JUKI_ERR_CARD_SUSPENDED (JUKI_ERR_CARD_STATE for a returned card) when the national record says so, whatever the
 * window says, and JUKI_ERR_IDENTITY_NOT_FOUND for a code the national copy does not hold.
 */
export async function disclosureSubjectOf(
  db: Db,
  request: { readonly residentCode: ResidentCode; readonly cardId: string },
): Promise<DisclosureSubject> {
  await refuseInactiveCard(db, request.cardId);
  const codes = await linkedCodes(db, request.residentCode);
  const versions = [];
  for (const code of codes) {
    const version = await currentIdentity(db, code);
    if (version !== undefined) versions.push(version);
  }
  // The current code is the one not closed by a code change; the latest recorded if, against the rules, several are.
  const current = versions
    .filter((version) => !(version.closed && version.reason === ChangeReason.codeChange))
    .sort((a, b) => (a.recordedAt < b.recordedAt ? 1 : a.recordedAt > b.recordedAt ? -1 : 0))[0];
  if (current === undefined) {
    throw new JukinetError('JUKI_ERR_IDENTITY_NOT_FOUND', quote(request.residentCode));
  }
  const former = versions
    .filter((version) => version.residentCode !== current.residentCode)
    .sort((a, b) => (a.recordedAt < b.recordedAt ? 1 : a.recordedAt > b.recordedAt ? -1 : 0))
    .map((version) => version.residentCode);
  const municipalities = await db
    .selectFrom('identity_version')
    .select('lg_code')
    .distinct()
    .where('resident_code', 'in', codes)
    .execute();
  const prefectures = new Set<NodeId>();
  for (const { lg_code: lgCode } of municipalities) {
    const prefecture = prefectureNodeOf(`muni-${lgCode}` as NodeId);
    if (prefecture !== undefined) prefectures.add(prefecture);
  }
  return {
    identity: current.info,
    residentCodes: [current.residentCode, ...former],
    prefectures: [...prefectures].sort(),
  };
}

/** The subject route for the prefectures' self-disclosure windows (docs/protocol/disclosure.md). */
export function disclosureSubjectRoute(store: Store): NetworkRoute {
  return {
    method: 'POST',
    path: DISCLOSURE_SUBJECT_PATH,
    allow: byRoles('prefecture'),
    async handler({ body }) {
      const request = parseBody(disclosureSubjectRequestSchema, body);
      const subject = await disclosureSubjectOf(store.db, {
        residentCode: parseResidentCode(request.residentCode),
        cardId: request.cardId,
      });
      const answer: DisclosureSubjectAnswer = {
        identity: subject.identity,
        residentCodes: [...subject.residentCodes],
        prefectures: [...subject.prefectures],
      };
      return { body: answer };
    },
  };
}

/** Whether the national card status record has card `cardId` as suspended (the national window's own check). */
export async function isCardSuspendedAtNational(db: Db, cardId: string): Promise<boolean> {
  const status = await db
    .selectFrom('card_status')
    .select('state')
    .where('card_id', '=', cardId)
    .executeTakeFirst();
  return status?.state === 'suspended';
}
