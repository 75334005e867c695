// Waiting in tests for something that happens in the background (a delivery, a process ready), by polling: the test
// ends by itself with the condition named when it never holds. A limit, not a timing assertion: it only bounds a hang.

import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `condition` every `everyMs` until it holds; throws naming `what` once `limitMs` have passed. */
export async function waitUntil(
  what: string,
  condition: () => Promise<boolean> | boolean,
  limitMs = 30_000,
  everyMs = 25,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await sleep(everyMs);
  }
}
