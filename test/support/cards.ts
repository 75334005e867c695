// Resident cards in network tests: the whole issuance at a municipality's terminal over HTTPS (application,
// registration, personalisation, notice, handover, PIN) as its clerk and examiner do it, and presenting a card at
// another municipality's reader (the resident carries the card files there).

import { mkdir, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { expect } from 'vitest';
import type { RunningNode } from '../../src/servers/common/index.js';
import type {
  TestAnswer,
  TestBrowser,
} from '../../src/servers/common/terminal-api/testing/terminal-client.js';
import type { CardApplicationView, MunicipalityModule } from '../../src/servers/municipality/index.js';

/** The identity check a clerk records at the counter in these tests. */
export const PHOTO_ID = {
  method: 'photo-id',
  documentType: '運転免許証',
  documentNumber: '301234567890',
} as const;

/** A POST from a terminal (with the terminal header the API asks of state-changing calls). */
export function postFrom(browser: TestBrowser, path: string, body: unknown = {}): Promise<TestAnswer> {
  return browser.call('POST', path, body, { 'x-jukinet-terminal': '1' });
}

/** The answer's body, after checking the call succeeded (the body is shown when it did not). */
export function okBody<T = Record<string, unknown>>(answer: TestAnswer): T {
  expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
  return answer.body as T;
}

/** Issues a card to `residentId` at `node` by the clerk and the examiner, and activates it with `pin`. */
export async function issueActiveCard(
  node: RunningNode<MunicipalityModule>,
  operators: { clerk: TestBrowser; examiner: TestBrowser },
  residentId: string,
  pin: string,
): Promise<CardApplicationView> {
  const { clerk, examiner } = operators;
  const application = (answer: TestAnswer) =>
    okBody<{ application: CardApplicationView }>(answer).application;
  const applied = application(
    await postFrom(clerk, '/api/cards/applications', {
      residentId,
      faceVersion: 'A',
      identityCheck: PHOTO_ID,
    }),
  );
  const base = `/api/cards/applications/${applied.id}`;
  application(await postFrom(examiner, `${base}/register`));
  application(await postFrom(examiner, `${base}/personalise`));
  application(await postFrom(examiner, `${base}/notice`));
  // The notice number is printed on the mailed notice only; the resident brings it back.
  const { notice_number: noticeNumber } = await node.context.store.db
    .selectFrom('card_application')
    .select('notice_number')
    .where('id', '=', applied.id)
    .executeTakeFirstOrThrow();
  application(await postFrom(clerk, `${base}/handover`, { noticeNumber, identityCheck: PHOTO_ID }));
  const active = application(await postFrom(clerk, `${base}/activate`, { pin }));
  expect(active.state).toBe('active');
  return active;
}

/**
 * The resident takes the card at `cardPath` (its issuer's, after the handover, or another reader's) to a counter's card
 * reader, `readerDirectory`: the files move, as the one card does. Answers the card's path in the reader.
 */
export async function presentCard(cardPath: string, readerDirectory: string): Promise<string> {
  const to = join(readerDirectory, basename(cardPath));
  await mkdir(readerDirectory, { recursive: true });
  await rename(cardPath, to);
  await rename(`${cardPath}.chip`, `${to}.chip`);
  return to;
}
