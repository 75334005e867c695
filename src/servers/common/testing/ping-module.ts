// Test helper: the smallest server module of any role. It accepts node.ping and records each one it applies in
// `test_applied` (src/net/testing/delivery-log.ts), so a test can start a runtime without the real servers.

import type { NodeRole } from '../../../domain/node-id.js';
import { createAppliedLog, recordingApply } from '../../../net/testing/delivery-log.js';
import { nodePing } from '../../../protocol/index.js';
import type { NodeContext, NodeModule } from '../node-module.js';

/** A module factory for `role` that applies node.ping messages by recording them. */
export function pingModule(role: NodeRole): (context: NodeContext) => Promise<NodeModule> {
  return async (context) => {
    await createAppliedLog(context.store);
    const apply = recordingApply();
    return {
      role,
      messages: [nodePing],
      apply: (trx, { envelope, body }) => apply(trx, envelope, body),
      // A terminal route of the node kind's own, answering who the terminal's relying party is (runtime.test.ts).
      terminalRoutes(app, { operators }) {
        app.get('/api/ping', () => ({ role, rpId: operators().settings.rpId }));
      },
    };
  };
}
