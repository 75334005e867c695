// Where a resident is registered: the national server answers a municipality which municipality's register holds a
// resident code, for the wide-area copy (広域交付, docs/protocol/wide-area-copy.md). Only the LG code leaves.

import { parseResidentCode } from '../../domain/index.js';
import { byRoles, type NetworkRoute } from '../../net/index.js';
import { WIDE_AREA_LOCATE_PATH, type WideAreaLocateAnswer } from '../../protocol/messages/wide-area-copy.js';
import { JukinetError, quote } from '../../shared/errors.js';
import type { Store } from '../../store/index.js';
import { currentIdentity } from '../common/identity-history.js';

/**
 * `GET /v1/identity/:code/municipality` for municipalities: the LG code of the municipality whose register holds the
 * code's record in the national copy (open, or closed there as a 除票: that municipality answers why it cannot issue),
 * nothing personal beyond it. JUKI_ERR_IDENTITY_NOT_FOUND for a code the national server never recorded.
 */
export function municipalityLocateRoute(store: Store): NetworkRoute {
  return {
    method: 'GET',
    path: WIDE_AREA_LOCATE_PATH,
    allow: byRoles('municipality'),
    async handler({ params }) {
      const code = parseResidentCode(params['code'] ?? '');
      const version = await currentIdentity(store.db, code);
      if (version === undefined) throw new JukinetError('JUKI_ERR_IDENTITY_NOT_FOUND', quote(code));
      const answer: WideAreaLocateAnswer = { lgCode: version.lgCode };
      return { body: answer };
    },
  };
}
