// The CS (コミュニケーションサーバ) side of the linkage: takes the register's change message, derives the resident's
// 本人確認情報, appends it to the CS's identity history and sends identity.changed to the prefecture, all in the
// register's transaction (docs/linkage.md, docs/decisions/0004-servers.md "Identity changes").

import type { Transaction } from 'kysely';
import {
  parseIdentityInfo,
  prefectureNodeOf,
  type IdentityInfo,
  type NodeId,
} from '../../../domain/index.js';
import { identityChanged } from '../../../protocol/index.js';
import { assert } from '../../../shared/assert.js';
import { quote } from '../../../shared/errors.js';
import type { Database } from '../../../store/index.js';
import { recordIdentityVersion, type IdentityVersion } from '../../common/identity-history.js';
import type { Outbox } from '../../common/node-module.js';
import { identityInfoOf, parseRegisterChange } from '../linkage.js';

/** What the CS did with one change: the version it recorded and the message it sent. */
export interface CsOutcome {
  readonly version: IdentityVersion;
  readonly messageId: string;
}

/**
 * Applies one linkage message (docs/linkage.md) inside `trx`: checks it (JUKI_ERR_LINKAGE_MESSAGE_INVALID), derives
 * the IdentityInfo (JUKI_ERR_IDENTITY_INFO_INVALID when a field breaks its rules), records it as this node's next
 * identity version and queues identity.changed to `origin`'s prefecture with `outbox`. A throw rolls the whole
 * transaction back, the register's action included. The CS keeps only 本人確認情報, never 本籍 or household details.
 */
export async function applyRegisterChange(
  trx: Transaction<Database>,
  input: unknown,
  options: { readonly origin: NodeId; readonly outbox: Outbox },
): Promise<CsOutcome> {
  const change = parseRegisterChange(input);
  const info: IdentityInfo = parseIdentityInfo(identityInfoOf(change));
  const previousResidentCode = change.action.previousResidentCode;
  const version = await recordIdentityVersion(trx, {
    info,
    origin: options.origin,
    recordedAt: new Date(change.action.recordedAt),
    ...(previousResidentCode === undefined ? {} : { previousResidentCode }),
  });
  const prefecture = prefectureNodeOf(options.origin);
  assert(prefecture !== undefined, `The CS runs on a municipality, not ${quote(options.origin)}`);
  const envelope = await options.outbox.send({
    to: prefecture,
    type: identityChanged.type,
    body: { change: info, ...(previousResidentCode === undefined ? {} : { previousResidentCode }) },
  });
  return { version, messageId: envelope.id };
}
