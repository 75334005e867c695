// Card issuance over the terminal's real HTTPS listener, on both engines: a card applied for, registered,
// personalised, notified (the 交付通知書 read back with pdftotext), handed over and activated, the card then proving
// itself and the PIN working; the refusals (a duplicate application, a wrong notice number, a handover without an
// identity check, the PIN set twice, the wrong role); suspension queued for the national server, and re-issuance.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../../test/support/engines.js';
import { openSoftwareCard } from '../../../card/index.js';
import { openSoftwareKeyStore } from '../../../crypto/index.js';
import {
  errorCodeOf,
  type TestAnswer,
  type TestBrowser,
} from '../../common/terminal-api/testing/terminal-client.js';
import type { ResidentRecord } from '../register/index.js';
import { createTestMunicipality } from '../testing/test-municipality.js';
import type { CardApplicationView } from './card-store.js';
import { startMunicipalTerminal } from '../testing/municipal-terminal.js';

const run = promisify(execFile);
const ADDRESS = '東京都文京区本郷二丁目2番2号';
const PASSPORT = { method: 'photo-id', documentType: '旅券', documentNumber: 'TK1234567' };
const LICENCE = { method: 'photo-id', documentType: '運転免許証', documentNumber: '301234567890' };

async function pdfText(bytes: Buffer): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'jukinet-card-notice-'));
  try {
    const path = join(directory, 'notice.pdf');
    await writeFile(path, bytes);
    return (await run('pdftotext', ['-layout', '-enc', 'UTF-8', path, '-'])).stdout;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function applicationOf(answer: TestAnswer): CardApplicationView {
  expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
  return answer.body['application'] as CardApplicationView;
}

describeEachEngine('municipal card issuance routes', ({ openFresh }) => {
  async function setUp() {
    const cleanups: (() => Promise<unknown>)[] = [];
    const store = await openFresh();
    const directory = await mkdtemp(join(tmpdir(), 'jukinet-cards-'));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    const muni = await createTestMunicipality(store, {
      module: {
        certifierName: '本郷 和子',
        cardTerminals: 'own',
        cards: {
          directory: join(directory, 'cards'),
          keyStore: openSoftwareKeyStore(join(directory, 'keys'), { passphrase: 'card test passphrase' }),
        },
      },
    });
    const [resident] = (await muni.module.register.recordOfficialEntries([
      {
        name: '本郷 一郎',
        nameKana: 'ホンゴウ イチロウ',
        birthDate: '1983-02-01',
        sex: 'male',
        address: ADDRESS,
        date: '2024-01-10',
        household: { create: 'h-hongo' },
      },
    ])) as [ResidentRecord];
    const { browsers } = await startMunicipalTerminal(store, muni, cleanups);
    return {
      store,
      muni,
      resident,
      clerk: browsers.get('madoguchi')!,
      examiner: browsers.get('shinsa')!,
      admin: browsers.get('kanri')!,
      cleanups: async () => {
        for (const cleanup of cleanups.reverse()) await cleanup();
      },
    };
  }

  const post = (browser: TestBrowser, path: string, body: unknown = {}) =>
    browser.call('POST', path, body, { 'x-jukinet-terminal': '1' });

  /** Applies, registers, personalises and notifies; answers the application and the notice's text. */
  async function upToNotice(
    clerk: TestBrowser,
    examiner: TestBrowser,
    residentId: string,
    kind: 'new' | 'reissue' = 'new',
  ): Promise<{ application: CardApplicationView; notice: string }> {
    const applied = await post(clerk, '/api/cards/applications', {
      residentId,
      kind,
      faceVersion: 'B',
      identityCheck: LICENCE,
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const { id } = applicationOf(applied);
    applicationOf(await post(examiner, `/api/cards/applications/${id}/register`));
    applicationOf(await post(examiner, `/api/cards/applications/${id}/personalise`));
    const application = applicationOf(await post(examiner, `/api/cards/applications/${id}/notice`));
    const pdf = await examiner.call('GET', `/api/cards/applications/${id}/notice.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.contentType).toContain('application/pdf');
    return { application, notice: await pdfText(pdf.bytes) };
  }

  function noticeNumberIn(text: string): string {
    const match = /通知番号\s+([0-9]{12})/.exec(text);
    expect(match, text).not.toBeNull();
    return match![1]!;
  }

  it('issues a card from application to activation, with its audit trail and a card that works', async () => {
    const { muni, resident, clerk, examiner, cleanups } = await setUp();
    try {
      const { application, notice } = await upToNotice(clerk, examiner, resident.id);
      expect(application.state).toBe('notified');
      expect(application.validity).toEqual({ validFrom: '2024-04-01', validUntil: '2034-03-31' });
      expect(application).not.toHaveProperty('noticeNumber');
      expect(notice).toContain('住民基本台帳カード交付通知書');
      expect(notice).toContain('本郷 一郎');
      expect(notice).toContain(ADDRESS);
      expect(notice).toContain(application.cardId!);
      expect(notice).toContain('令和6年6月30日'); // 交付期限: 90 days after 2024-04-01
      expect(notice).toContain('文京区長');
      const noticeNumber = noticeNumberIn(notice);

      const base = `/api/cards/applications/${application.id}`;
      const handedOver = applicationOf(
        await post(clerk, `${base}/handover`, { noticeNumber, identityCheck: PASSPORT }),
      );
      expect(handedOver.state).toBe('handed-over');
      const active = applicationOf(await post(clerk, `${base}/activate`, { pin: '4321' }));
      expect(active.state).toBe('active');
      expect(active.events.map((event) => event.kind)).toEqual([
        'applied',
        'registered',
        'personalised',
        'notice-issued',
        'handed-over',
        'activated',
      ]);

      // The card itself: it proves itself to the municipality and knows its PIN.
      const card = await openSoftwareCard(muni.module.cardIssuer!.cardPath(active.cardId!), {
        clock: muni.clock,
      });
      expect((await card.readPublicInfo()).state).toBe('active');
      expect((await card.readPublicInfo()).faceVersion).toBe('B');
      expect(await card.verifyPin('4321')).toEqual({ ok: true, value: { remainingTries: 3 } });
    } finally {
      await cleanups();
    }
  });

  it('refuses a duplicate application, a wrong notice number, a handover without identity check and a second PIN', async () => {
    const { resident, clerk, examiner, cleanups } = await setUp();
    try {
      const { application, notice } = await upToNotice(clerk, examiner, resident.id);
      const again = await post(clerk, '/api/cards/applications', {
        residentId: resident.id,
        faceVersion: 'A',
        identityCheck: LICENCE,
      });
      expect(again.status).toBe(409);
      expect(errorCodeOf(again)).toBe('JUKI_ERR_CARD_APPLICATION_DUPLICATE');

      const base = `/api/cards/applications/${application.id}`;
      const wrong = await post(clerk, `${base}/handover`, {
        noticeNumber: '000000000000',
        identityCheck: PASSPORT,
      });
      expect(wrong.status).toBe(403);
      expect(errorCodeOf(wrong)).toBe('JUKI_ERR_CARD_NOTICE_MISMATCH');
      const unchecked = await post(clerk, `${base}/handover`, { noticeNumber: noticeNumberIn(notice) });
      expect(unchecked.status).toBe(400);
      expect(errorCodeOf(unchecked)).toBe('JUKI_ERR_CARD_IDENTITY_CHECK_REQUIRED');

      const early = await post(clerk, `${base}/activate`, { pin: '1234' });
      expect(errorCodeOf(early)).toBe('JUKI_ERR_CARD_ISSUANCE_STATE');
      applicationOf(
        await post(clerk, `${base}/handover`, {
          noticeNumber: noticeNumberIn(notice),
          identityCheck: PASSPORT,
        }),
      );
      applicationOf(await post(clerk, `${base}/activate`, { pin: '1234' }));
      const twice = await post(clerk, `${base}/activate`, { pin: '9999' });
      expect(twice.status).toBe(409);
      expect(errorCodeOf(twice)).toBe('JUKI_ERR_CARD_ISSUANCE_STATE');

      // Separation of duties: the clerk cannot register, the examiner cannot take an application.
      const byExaminer = await post(examiner, '/api/cards/applications', {
        residentId: resident.id,
        faceVersion: 'A',
        identityCheck: LICENCE,
      });
      expect(errorCodeOf(byExaminer)).toBe('JUKI_ERR_OPERATOR_FORBIDDEN');
      const registerByClerk = await post(clerk, `${base}/register`);
      expect(errorCodeOf(registerByClerk)).toBe('JUKI_ERR_OPERATOR_FORBIDDEN');
      const unknown = await clerk.call('GET', '/api/cards/applications/nope');
      expect(unknown.status).toBe(404);
    } finally {
      await cleanups();
    }
  });

  it('suspends a card for the national server, re-issues it, and takes the old card back', async () => {
    const { muni, resident, clerk, examiner, cleanups } = await setUp();
    try {
      const first = await upToNotice(clerk, examiner, resident.id);
      const base = `/api/cards/applications/${first.application.id}`;
      await post(clerk, `${base}/handover`, {
        noticeNumber: noticeNumberIn(first.notice),
        identityCheck: PASSPORT,
      });
      applicationOf(await post(clerk, `${base}/activate`, { pin: '1234' }));

      const plain = await post(clerk, '/api/cards/applications', {
        residentId: resident.id,
        kind: 'reissue',
        faceVersion: 'A',
        identityCheck: LICENCE,
      });
      expect(errorCodeOf(plain)).toBe('JUKI_ERR_CARD_APPLICATION_DUPLICATE');

      const suspended = applicationOf(await post(clerk, `${base}/suspend`, { reason: 'loss' }));
      expect(suspended.state).toBe('suspended');
      const sent = (await muni.outbox()).filter((envelope) => envelope.type === 'card.status-changed');
      expect(sent).toHaveLength(1);
      expect(sent[0]!.to).toBe('national');
      expect(sent[0]!.body).toEqual({
        cardId: first.application.cardId,
        fingerprint: first.application.certificateFingerprint,
        issuerMunicipality: '131059',
        state: 'suspended',
        changedAt: '2024-04-01T01:00:00.000Z',
      });

      const newInsteadOfReissue = await post(clerk, '/api/cards/applications', {
        residentId: resident.id,
        faceVersion: 'A',
        identityCheck: LICENCE,
      });
      expect(errorCodeOf(newInsteadOfReissue)).toBe('JUKI_ERR_CARD_APPLICATION_DUPLICATE');
      const second = await upToNotice(clerk, examiner, resident.id, 'reissue');
      expect(second.application.replacesCardId).toBe(first.application.cardId);
      expect(second.notice).toContain('住民基本台帳カード再交付通知書');

      // The lost card cannot come back once replaced; found later, it is taken back (返納).
      const lift = await post(examiner, `${base}/lift-suspension`, { identityCheck: PASSPORT });
      expect(errorCodeOf(lift)).toBe('JUKI_ERR_CARD_ISSUANCE_STATE');
      const returned = applicationOf(await post(clerk, `${base}/return`));
      expect(returned.state).toBe('returned');
      const card = await openSoftwareCard(muni.module.cardIssuer!.cardPath(first.application.cardId!), {
        clock: muni.clock,
      });
      expect((await card.readPublicInfo()).state).toBe('returned');
      const states = (await muni.outbox())
        .filter((envelope) => envelope.type === 'card.status-changed')
        .map((envelope) => (envelope.body as { state: string }).state);
      expect(states).toEqual(['suspended', 'returned']);
    } finally {
      await cleanups();
    }
  });
});
