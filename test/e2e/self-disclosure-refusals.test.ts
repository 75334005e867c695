// The refusals of the national self-disclosure window (POST /api/disclosures, docs/self-disclosure.md) over its real
// HTTPS terminal and the network's mTLS: no card in the reader, a bad body, a wrong PIN (tries left) until the card
// locks, a locked card, a suspended card, and operators without the right. Each refusal is in the operation log and
// makes no disclosure.

import { expect, it } from 'vitest';
import type { NodeId } from '../../src/domain/index.js';
import {
  connectNodeTerminal,
  errorCodeOf,
  logInOperators,
  type TestAnswer,
} from '../../src/servers/common/terminal-api/testing/terminal-client.js';
import type { ResidentRecord } from '../../src/servers/municipality/index.js';
import { startCardNetwork } from '../support/card-network.js';
import { issueActiveCard, okBody, postFrom, presentCard } from '../support/cards.js';
import { testNetworks } from '../support/network.js';
import { waitUntil } from '../support/wait.js';

const BUNKYO = 'muni-131059' as NodeId;
const NATIONAL = 'national' as NodeId;
const network = testNetworks();

function refusal(answer: TestAnswer): { status: number; code: unknown; message: string } {
  const error = answer.body['error'] as { message?: string } | undefined;
  return { status: answer.status, code: errorCodeOf(answer), message: error?.message ?? '' };
}

it('refuses without a card, with a wrong PIN, on a locked or suspended card, and without the right', async () => {
  const net = await startCardNetwork(network, [BUNKYO], {});
  const bunkyo = net.municipality(BUNKYO);
  const staff = await net.staffAt(BUNKYO);
  const [ichiro, jiro] = (await bunkyo.module.register.recordOfficialEntries(
    ['本郷 一郎', '本郷 次郎'].map((name, index) => ({
      name,
      birthDate: `1983-02-0${index + 1}`,
      sex: 'male' as const,
      address: '東京都文京区本郷二丁目2番2号',
      household: { create: `h-${index}` },
    })),
  )) as [ResidentRecord, ResidentRecord];
  const toLock = (await issueActiveCard(bunkyo, staff, ichiro.id, '2468')).cardId!;
  const toSuspend = await issueActiveCard(bunkyo, staff, jiro.id, '1357');
  for (const cardId of [toLock, toSuspend.cardId!]) {
    await presentCard(bunkyo.module.cardIssuer!.cardPath(cardId), net.readerOf(NATIONAL));
  }
  const browsers = await logInOperators(await connectNodeTerminal(net.national, net.configOf(NATIONAL)), [
    { loginName: 'madoguchi', displayName: '窓口 一子', role: 'counter-clerk' },
    { loginName: 'shinsa', displayName: '審査 二郎', role: 'examiner' },
  ]);
  const clerk = browsers.get('madoguchi')!;
  const disclose = (cardId: string, pin: string) => postFrom(clerk, '/api/disclosures', { cardId, pin });

  // No such card in the reader; a body the route does not know.
  expect(refusal(await disclose('c0ffee00c0ffee00', '2468'))).toMatchObject({
    status: 400,
    code: 'JUKI_ERR_CARD_NOT_IN_READER',
  });
  expect(
    refusal(await postFrom(clerk, '/api/disclosures', { cardId: toLock, pin: '2468', code: 'x' })),
  ).toMatchObject({ status: 400, code: 'JUKI_ERR_REQUEST_INVALID' });

  // Wrong PINs: the tries left, then the card locks, and stays locked for the right PIN.
  const first = refusal(await disclose(toLock, '0000'));
  expect(first.code).toBe('JUKI_ERR_CARD_PIN_WRONG');
  expect(first.message).toContain('2 tries left');
  const second = refusal(await disclose(toLock, '0000'));
  expect(second.code).toBe('JUKI_ERR_CARD_PIN_WRONG');
  expect(second.message).toContain('1 tries left');
  expect(refusal(await disclose(toLock, '0000'))).toMatchObject({ code: 'JUKI_ERR_CARD_LOCKED' });
  expect(refusal(await disclose(toLock, '2468'))).toMatchObject({ code: 'JUKI_ERR_CARD_LOCKED' });
  const { cards } = okBody<{ cards: { cardId: string; state: string; pinTriesRemaining: number }[] }>(
    await clerk.call('GET', '/api/disclosure/reader'),
  );
  expect(cards.find((card) => card.cardId === toLock)).toMatchObject({
    state: 'locked',
    pinTriesRemaining: 0,
  });

  // Suspended at 文京区 (loss): refused at the national window once the national record has it.
  okBody(await postFrom(staff.clerk, `/api/cards/applications/${toSuspend.id}/suspend`, { reason: 'loss' }));
  await waitUntil('the suspension reaches the national server', async () => {
    const status = await net.national.context.store.db
      .selectFrom('card_status')
      .select('state')
      .where('card_id', '=', toSuspend.cardId!)
      .executeTakeFirst();
    return status?.state === 'suspended';
  });
  expect(refusal(await disclose(toSuspend.cardId!, '1357'))).toMatchObject({
    status: 403,
    code: 'JUKI_ERR_CARD_SUSPENDED',
  });

  // The examiner may look at the reader but not disclose; the administrator may do neither.
  const examiner = browsers.get('shinsa')!;
  expect((await examiner.call('GET', '/api/disclosure/reader')).status).toBe(200);
  expect(
    refusal(await postFrom(examiner, '/api/disclosures', { cardId: toSuspend.cardId!, pin: '1357' })),
  ).toMatchObject({ status: 403, code: 'JUKI_ERR_OPERATOR_FORBIDDEN' });
  const administrator = browsers.get('kanri')!;
  expect(refusal(await administrator.call('GET', '/api/disclosure/reader'))).toMatchObject({
    code: 'JUKI_ERR_OPERATOR_FORBIDDEN',
  });

  // Nothing was disclosed; every attempt is in the operation log with its outcome.
  const db = net.national.context.store.db;
  expect(await db.selectFrom('disclosure_log').selectAll().execute()).toEqual([]);
  const attempts = await db
    .selectFrom('operation_log')
    .select(['access', 'outcome', 'error_code'])
    .where('function', '=', 'self-disclosure')
    .where('access', '=', 'execute')
    .orderBy('seq')
    .execute();
  expect(attempts.map((row) => row.error_code)).toEqual([
    'JUKI_ERR_CARD_NOT_IN_READER',
    'JUKI_ERR_CARD_PIN_WRONG',
    'JUKI_ERR_CARD_PIN_WRONG',
    'JUKI_ERR_CARD_LOCKED',
    'JUKI_ERR_CARD_LOCKED',
    'JUKI_ERR_CARD_SUSPENDED',
    'JUKI_ERR_OPERATOR_FORBIDDEN',
  ]);
});
