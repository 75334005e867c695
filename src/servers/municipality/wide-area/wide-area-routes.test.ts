// The wide-area copy between two municipal modules on both engines, in-process: 鳥取市's terminal over HTTPS asks a
// stand-in national server and 文京区's real answering route (its handler, called as the mTLS peer 鳥取市), issues the
// PDF read back with pdftotext, and records its fee; refusals (requester, participation, 除票, a forged caller) record
// nothing. The same flow over real mTLS is test/e2e/wide-area-copy.test.ts.

import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../../test/support/engines.js';
import type { NodeId } from '../../../domain/index.js';
import type { NetworkRoute } from '../../../net/index.js';
import { WIDE_AREA_COPY_PATH } from '../../../protocol/messages/wide-area-copy.js';
import { createFixedClock } from '../../../shared/clock.js';
import { JukinetError, quote } from '../../../shared/errors.js';
import type { Store } from '../../../store/index.js';
import type { NodeContext } from '../../common/node-module.js';
import { readOperationRecords } from '../../common/operators/index.js';
import { errorCodeOf, type TestAnswer } from '../../common/terminal-api/testing/terminal-client.js';
import { recordTestCardConfirmation } from '../testing/card-confirmations.js';
import { municipalityModule, type MunicipalityOptions } from '../index.js';
import { createRegisterReader, type ResidentRecord } from '../register/index.js';
import { startMunicipalTerminal } from '../testing/municipal-terminal.js';
import {
  createTestContext,
  createTestMunicipality,
  TEST_NOW,
  type TestMunicipality,
} from '../testing/test-municipality.js';
import { listWideAreaAnswers } from './wide-area-store.js';
import type { WideAreaCopyView } from './wide-area-store.js';

const run = promisify(execFile);

const BUNKYO = 'muni-131059' as NodeId;
const TOTTORI = 'muni-312011' as NodeId;
const ADDRESS = '東京都文京区本郷二丁目2番2号';
const DOMICILE = { place: '北海道札幌市中央区北一条西二丁目1番地', head: '本郷 一郎' };
const PHOTO_ID = { method: 'photo-id', documentType: 'drivers-license', documentNumber: '301234567890' };

async function pdfText(answer: TestAnswer): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'jukinet-wide-area-pdf-'));
  try {
    const path = join(directory, 'copy.pdf');
    await writeFile(path, answer.bytes);
    return (await run('pdftotext', ['-layout', '-enc', 'UTF-8', path, '-'])).stdout;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** 文京区's answering route as the mTLS peer `caller` reaches it. */
function answerAs(route: NetworkRoute, caller: NodeId, body: unknown): Promise<unknown> {
  return Promise.resolve(
    route.handler({
      peer: { nodeId: caller, role: 'municipality', fingerprint: '0'.repeat(64), serialNumber: '01' },
      method: 'POST',
      path: WIDE_AREA_COPY_PATH,
      params: {},
      query: new URLSearchParams(),
      headers: {},
      body: JSON.parse(JSON.stringify(body)) as unknown,
    }),
  ).then((answer) => answer.body);
}

async function copiesAt(store: Store): Promise<number> {
  const rows = await store.db.selectFrom('wide_area_copy').select('id').execute();
  return rows.length;
}

describeEachEngine('wide-area copy routes', ({ openFresh }) => {
  async function setUp(options: { bunkyo?: MunicipalityOptions; tottori?: MunicipalityOptions } = {}) {
    const cleanups: (() => Promise<unknown>)[] = [];
    const bunkyoStore = await openFresh();
    const tottoriStore = await openFresh();
    const bunkyo = await createTestMunicipality(bunkyoStore, {
      nodeId: BUNKYO,
      ...(options.bunkyo === undefined ? {} : { module: options.bunkyo }),
    });
    const [head, wife, lodger] = (await bunkyo.module.register.recordOfficialEntries([
      {
        name: '本郷 一郎',
        nameKana: 'ホンゴウ イチロウ',
        birthDate: '1983-02-01',
        sex: 'male',
        address: ADDRESS,
        date: '2024-01-10',
        household: { create: 'h-hongo' },
        domicile: DOMICILE,
      },
      {
        name: '本郷 花子',
        nameKana: 'ホンゴウ ハナコ',
        birthDate: '1985-06-15',
        sex: 'female',
        address: ADDRESS,
        date: '2024-01-10',
        household: { join: 'h-hongo' },
        relationship: '妻',
        domicile: DOMICILE,
      },
      {
        name: '春日 明',
        nameKana: 'カスガ アキラ',
        birthDate: '1990-05-05',
        sex: 'male',
        address: '東京都文京区春日一丁目1番1号',
        date: '2024-01-10',
        household: { create: 'h-kasuga' },
      },
    ])) as [ResidentRecord, ResidentRecord, ResidentRecord];
    const answerRoute = bunkyo.module.networkRoutes?.().find((route) => route.path === WIDE_AREA_COPY_PATH);
    if (answerRoute === undefined) throw new Error('文京区 has no wide-area copy route');

    // 鳥取市: calls go to a stand-in national server (which knows 文京区's codes) and to 文京区's route.
    const calls: string[] = [];
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const clock = createFixedClock(TEST_NOW);
    const context: NodeContext = {
      ...createTestContext(tottoriStore, { nodeId: TOTTORI, privateKey, clock }),
      call: (async (peer: NodeId, request: { method: string; path: string; body?: unknown }) => {
        calls.push(`${request.method} ${peer} ${request.path}`);
        if (peer === 'national') {
          const code = request.path.split('/')[3] ?? '';
          const record = await createRegisterReader(bunkyoStore.db).findByCode(code);
          if (record === undefined) throw new JukinetError('JUKI_ERR_IDENTITY_NOT_FOUND', quote(code));
          return { lgCode: '131059' };
        }
        if (peer === BUNKYO) return answerAs(answerRoute, TOTTORI, request.body);
        throw new Error(`No peer ${peer} in this test`);
      }) as NodeContext['call'],
    };
    const tottori: TestMunicipality = {
      module: municipalityModule(context, { certifierName: '因幡 一郎', ...options.tottori }),
      context,
      clock,
      publicKey,
      outbox: () => Promise.resolve([]),
    };
    const { browsers } = await startMunicipalTerminal(tottoriStore, tottori, cleanups);
    const clerk = browsers.get('madoguchi')!;
    return { bunkyo, bunkyoStore, tottoriStore, answerRoute, head, wife, lodger, calls, clerk, cleanups };
  }

  it('issues a household copy for a photo ID: certified by 鳥取市, without 本籍, its fee recorded, the answer logged', async () => {
    const { bunkyoStore, tottoriStore, head, wife, clerk, cleanups } = await setUp({
      tottori: { wideArea: { fee: 350 } },
    });
    try {
      const answer = await clerk.call('POST', '/api/wide-area/copies', {
        residentCode: wife.residentCode,
        members: 'household',
        requester: PHOTO_ID,
        items: ['relationship'],
      });
      expect(answer.status, answer.bytes.toString()).toBe(200);
      expect(answer.contentType).toContain('application/pdf');
      const text = await pdfText(answer);
      expect(text).toContain('住民票の写し');
      expect(text).toContain('世帯全員');
      expect(text).toContain('本郷 一郎');
      expect(text).toContain('本郷 花子');
      expect(text).toContain('令和6年4月1日');
      expect(text).toContain('鳥取県鳥取市長');
      expect(text).toContain('因幡 一郎');
      expect(text).toContain('住民基本台帳法第12条の4');
      expect(text).toContain('（住所地：東京都文京区）');
      expect(text).not.toContain('本籍');
      expect(text).not.toContain('筆頭者');
      expect(text).not.toContain(DOMICILE.place);

      const [copy] = await tottoriStore.db.selectFrom('wide_area_copy').selectAll().execute();
      expect(copy).toMatchObject({
        requester_method: 'photo-id',
        document_type: 'drivers-license',
        document_number: '301234567890',
        address_lg_code: '131059',
        resident_code: wife.residentCode,
        fee: 350,
        pages: 1,
        admission_basis: 'window',
      });
      expect(JSON.parse(copy!.codes_printed)).toEqual([head.residentCode, wife.residentCode]);

      const [logged] = await listWideAreaAnswers(bunkyoStore.db);
      expect(logged).toMatchObject({
        id: copy!.answer_id,
        requestedByNode: TOTTORI,
        requestedBy: '312011',
        residentCode: wife.residentCode,
        codesAnswered: [head.residentCode, wife.residentCode],
        wholeHousehold: true,
        admissionBasis: 'window',
      });
      const answerRow = await bunkyoStore.db.selectFrom('wide_area_answer').selectAll().execute();
      expect(JSON.stringify(answerRow)).not.toContain('本郷');

      const operations = await readOperationRecords(tottoriStore.db);
      expect(operations.at(-1)).toMatchObject({ fn: 'wide-area-copy', access: 'execute', outcome: 'ok' });
      expect(operations.at(-1)?.records).toEqual(
        expect.arrayContaining([head.residentCode, wife.residentCode]),
      );

      const listed = await clerk.call('GET', '/api/wide-area/copies?from=2024-04-01&to=2024-04-01');
      expect(listed.status).toBe(200);
      expect(listed.body).toMatchObject({ from: '2024-04-01', to: '2024-04-01', count: 1, totalFee: 350 });
      expect((listed.body['copies'] as WideAreaCopyView[])[0]).toMatchObject({
        id: copy!.id,
        fee: 350,
        requester: { method: 'photo-id', documentType: 'drivers-license' },
      });
      const before = await clerk.call('GET', '/api/wide-area/copies?from=2024-03-01&to=2024-03-31');
      expect(before.body).toMatchObject({ count: 0, totalFee: 0 });
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });

  it('copies a member for a card holder of the same household, asking for the holder but printing the member only', async () => {
    const { tottoriStore, head, wife, clerk, cleanups } = await setUp();
    try {
      const confirmation = await tottoriStore.transaction((trx) =>
        recordTestCardConfirmation(
          trx,
          { residentCode: head.residentCode, cardId: 'c0ffee00c0ffee00', issuerMunicipality: '131059' },
          TEST_NOW,
        ),
      );
      const answer = await clerk.call('POST', '/api/wide-area/copies', {
        residentCode: wife.residentCode,
        members: 'self',
        requester: { method: 'card', confirmationId: confirmation.id },
      });
      expect(answer.status, answer.bytes.toString()).toBe(200);
      const text = await pdfText(answer);
      expect(text).toContain('本郷 花子');
      expect(text).toContain('世帯の一部');
      // 世帯主 prints at the top for the household; the holder has no block of their own.
      expect(text).not.toContain('1983');
      expect(text).not.toContain('昭和58年2月1日');
      const [copy] = await tottoriStore.db.selectFrom('wide_area_copy').selectAll().execute();
      expect(copy).toMatchObject({
        requester_method: 'card',
        document_type: 'resident-card',
        document_number: 'c0ffee00c0ffee00',
        card_confirmation_id: confirmation.id,
        fee: 300,
      });
      expect(JSON.parse(copy!.codes_printed)).toEqual([wife.residentCode]);
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });

  it('refuses a card holder of another household with JUKI_ERR_WIDE_AREA_REQUESTER and records no copy', async () => {
    const { tottoriStore, wife, lodger, clerk, cleanups } = await setUp();
    try {
      const confirmation = await tottoriStore.transaction((trx) =>
        recordTestCardConfirmation(
          trx,
          { residentCode: lodger.residentCode, cardId: 'c0ffee00c0ffee01', issuerMunicipality: '131059' },
          TEST_NOW,
        ),
      );
      const refused = await clerk.call('POST', '/api/wide-area/copies', {
        residentCode: wife.residentCode,
        members: 'household',
        requester: { method: 'card', confirmationId: confirmation.id },
      });
      expect([refused.status, errorCodeOf(refused)]).toEqual([409, 'JUKI_ERR_WIDE_AREA_REQUESTER']);
      expect(await copiesAt(tottoriStore)).toBe(0);
      const unknown = await clerk.call('POST', '/api/wide-area/copies', {
        residentCode: wife.residentCode,
        members: 'self',
        requester: { method: 'card', confirmationId: 'no-such-confirmation' },
      });
      expect(errorCodeOf(unknown)).toBe('JUKI_ERR_CARD_CONFIRMATION_NOT_FOUND');
      const operations = await readOperationRecords(tottoriStore.db);
      expect(operations.slice(-2).map((operation) => [operation.outcome, operation.errorCode])).toEqual([
        ['refused', 'JUKI_ERR_WIDE_AREA_REQUESTER'],
        ['refused', 'JUKI_ERR_CARD_CONFIRMATION_NOT_FOUND'],
      ]);
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });

  it('refuses at a municipality that does not take part before calling anyone', async () => {
    const { tottoriStore, wife, calls, clerk, cleanups } = await setUp({
      tottori: { wideArea: { participating: false } },
    });
    try {
      const refused = await clerk.call('POST', '/api/wide-area/copies', {
        residentCode: wife.residentCode,
        members: 'self',
        requester: PHOTO_ID,
      });
      expect([refused.status, errorCodeOf(refused)]).toEqual([409, 'JUKI_ERR_WIDE_AREA_NOT_PARTICIPATING']);
      expect(calls).toEqual([]);
      expect(await copiesAt(tottoriStore)).toBe(0);
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });

  it('refuses a 除票 at the address municipality, and a member who is not of the household', async () => {
    const { bunkyo, bunkyoStore, tottoriStore, wife, lodger, clerk, cleanups } = await setUp();
    try {
      await bunkyo.module.register.recordDeath(lodger.id, { date: '2024-03-30', filedOn: '2024-04-01' });
      const closed = await clerk.call('POST', '/api/wide-area/copies', {
        residentCode: lodger.residentCode,
        members: 'self',
        requester: PHOTO_ID,
      });
      expect([closed.status, errorCodeOf(closed)]).toEqual([409, 'JUKI_ERR_WIDE_AREA_RECORD_CLOSED']);
      const stranger = await clerk.call('POST', '/api/wide-area/copies', {
        residentCode: wife.residentCode,
        members: [lodger.residentCode],
        requester: PHOTO_ID,
      });
      expect(errorCodeOf(stranger)).toBe('JUKI_ERR_CERTIFICATE_PERSON_NOT_IN_HOUSEHOLD');
      expect(await copiesAt(tottoriStore)).toBe(0);
      // 文京区 answered the second request with the person alone: the lodger's items never left.
      const answers = await listWideAreaAnswers(bunkyoStore.db);
      expect(answers.map((answer) => answer.codesAnswered)).toEqual([[wife.residentCode]]);
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });

  it('refuses a caller asking in another municipality’s name, and a request with a field it does not know', async () => {
    const { bunkyoStore, answerRoute, wife, cleanups } = await setUp();
    try {
      const request = {
        residentCode: wife.residentCode,
        household: false,
        requestedBy: { lgCode: '312011' },
      };
      await expect(answerAs(answerRoute, 'muni-131016' as NodeId, request)).rejects.toMatchObject({
        code: 'JUKI_ERR_PEER_FORBIDDEN',
      });
      await expect(answerAs(answerRoute, TOTTORI, { ...request, withDomicile: true })).rejects.toMatchObject({
        code: 'JUKI_ERR_REQUEST_INVALID',
      });
      expect(await listWideAreaAnswers(bunkyoStore.db)).toEqual([]);
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });
});
