// Test helper: a 届出 entered at one operator's browser and confirmed (決裁) at another's, over the terminal API.

import { expect } from 'vitest';
import type { TestBrowser } from '../../common/terminal-api/testing/terminal-client.js';
import type { NotificationView } from '../terminal/index.js';

/** Enters a 届出 at `enterer`, checks it is pending, confirms it at `confirmer`; answers the applied notification. */
export async function enterAndConfirm(
  enterer: TestBrowser,
  confirmer: TestBrowser,
  input: Readonly<Record<string, unknown>>,
): Promise<NotificationView> {
  const entered = await enterer.call('POST', '/api/notifications', input);
  expect(entered.status, JSON.stringify(entered.body)).toBe(201);
  const pending = entered.body['notification'] as NotificationView;
  expect(pending).toMatchObject({ kind: input['kind'], status: 'pending', results: [], decidedBy: null });
  const confirmed = await confirmer.call('POST', `/api/notifications/${pending.id}/confirm`);
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  const applied = confirmed.body['notification'] as NotificationView;
  expect(applied.status).toBe('applied');
  return applied;
}
