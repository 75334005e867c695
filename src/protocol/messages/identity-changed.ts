// identity.changed: a resident's 本人確認情報 after a change, sent municipality → prefecture → national
// (住民基本台帳法第30条の6 and 第30条の7; docs/protocol/identity.changed.md).

import { z } from 'zod';
import { identityInfoSchema } from '../../domain/index.js';
import { defineMessage } from '../message-types.js';

/**
 * The identity information of one resident as it stands after a change (異動), with the change's reason and date
 * inside it. The receiver appends it to that resident's history; delivery makes sure it arrives once and in order.
 */
export const identityChanged = defineMessage({
  type: 'identity.changed',
  version: 1,
  body: z.strictObject({ change: identityInfoSchema }),
  description: "A resident's identity information after a change, for the prefectural and national copies",
});
