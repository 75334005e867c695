// The municipal terminal's register and certificate routes over the real HTTPS listener, on both engines: a 窓口担当
// searches, views a record and a 除票, and issues certificates read back with pdftotext; operators without the right
// are refused and the refusal is logged; no session is 401.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../../test/support/engines.js';
import { readOperationRecords } from '../../common/operators/index.js';
import { errorCodeOf, type TestAnswer } from '../../common/terminal-api/testing/terminal-client.js';
import { CERTIFIER_NAME_UNSET, municipalityOptionsOf, type MunicipalityOptions } from '../index.js';
import type { ResidentRecord } from '../register/index.js';
import { createTestMunicipality } from '../testing/test-municipality.js';
import { startMunicipalTerminal } from '../testing/municipal-terminal.js';

const run = promisify(execFile);

const ADDRESS = '東京都文京区本郷二丁目2番2号';
const DOMICILE = { place: '北海道札幌市中央区北一条西二丁目1番地', head: '本郷 一郎' };

/** The PDF of an answer as `pdftotext -layout` reads it back. */
async function pdfText(answer: TestAnswer): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'jukinet-terminal-pdf-'));
  try {
    const path = join(directory, 'certificate.pdf');
    await writeFile(path, answer.bytes);
    const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', path, '-']);
    return stdout;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function query(params: Record<string, string>): string {
  return `/api/residents?${new URLSearchParams(params).toString()}`;
}

describeEachEngine('municipal terminal routes', ({ openFresh }) => {
  async function setUp(options: { module?: MunicipalityOptions } = {}) {
    const cleanups: (() => Promise<unknown>)[] = [];
    const store = await openFresh();
    const muni = await createTestMunicipality(store, options);
    const register = muni.module.register;
    const [head, wife] = (await register.recordOfficialEntries([
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
    ])) as [ResidentRecord, ResidentRecord];
    const lodger = await register.recordOfficialEntry({
      name: '文京 次郎',
      nameKana: 'ブンキョウ ジロウ',
      birthDate: '1975-02-10',
      sex: 'male',
      address: '東京都文京区春日一丁目16番21号',
      date: '2024-01-10',
    });
    const moved = await register.recordMoveOut(lodger.id, {
      destination: '大阪府松原市阿保一丁目1番1号',
      date: '2024-03-15',
      filedOn: '2024-03-10',
    });
    const { terminal, browsers } = await startMunicipalTerminal(store, muni, cleanups);
    return { store, terminal, browsers, head, wife, moved, cleanups };
  }

  it('lets a 窓口担当 search, view a record and a 除票, and issue copies that show 本籍 only when asked', async () => {
    const { store, browsers, head, wife, moved, cleanups } = await setUp();
    try {
      const clerk = browsers.get('madoguchi')!;

      const byName = await clerk.call('GET', query({ name: '本郷' }));
      expect(byName.status).toBe(200);
      const found = byName.body['residents'] as { id: string; name: string; residentCode: string }[];
      expect(found.map((r) => r.name).sort()).toEqual(['本郷 一郎', '本郷 花子']);
      const withBirth = await clerk.call('GET', query({ name: '本郷', birthDate: '1985-06-15' }));
      expect((withBirth.body['residents'] as { id: string }[]).map((r) => r.id)).toEqual([wife.id]);
      const byCode = await clerk.call('GET', query({ code: head.residentCode }));
      expect((byCode.body['residents'] as { id: string }[]).map((r) => r.id)).toEqual([head.id]);
      const byAddress = await clerk.call('GET', query({ address: '東京都文京区本郷' }));
      expect((byAddress.body['residents'] as unknown[]).length).toBe(2);
      // A 除票 is found only when asked for.
      expect((await clerk.call('GET', query({ name: '文京' }))).body['residents']).toEqual([]);
      const closed = await clerk.call('GET', query({ name: '文京', includeClosed: 'true' }));
      expect(closed.body['residents']).toMatchObject([{ id: moved.id, closed: true }]);

      for (const bad of [{}, { birthDate: '1985-06-15' }, { code: head.residentCode, name: '本郷' }]) {
        const refused = await clerk.call('GET', query(bad));
        expect([refused.status, errorCodeOf(refused)]).toEqual([400, 'JUKI_ERR_REGISTER_REQUEST_INVALID']);
      }

      const view = await clerk.call('GET', `/api/residents/${head.id}`);
      expect(view.status).toBe(200);
      expect(view.body['resident']).toMatchObject({ id: head.id, name: '本郷 一郎', domicile: DOMICILE });
      expect((view.body['household'] as { members: { name: string }[] }).members.map((m) => m.name)).toEqual([
        '本郷 一郎',
        '本郷 花子',
      ]);
      expect((view.body['history'] as { payload: { kind: string } }[]).map((a) => a.payload.kind)).toEqual([
        'official-entry',
      ]);
      const closedView = await clerk.call('GET', `/api/residents/${moved.id}`);
      expect(closedView.body['resident']).toMatchObject({ closed: true, closure: { reason: 'move-out' } });
      expect((closedView.body['history'] as unknown[]).length).toBe(2);
      const unknown = await clerk.call('GET', '/api/residents/no-such-record');
      expect([unknown.status, errorCodeOf(unknown)]).toEqual([404, 'JUKI_ERR_RESIDENT_NOT_FOUND']);

      const copy = await clerk.call('POST', '/api/certificates', {
        kind: 'copy',
        residentIds: [head.id],
        wholeHousehold: true,
      });
      expect(copy.status).toBe(200);
      expect(copy.contentType).toBe('application/pdf');
      const text = await pdfText(copy);
      expect(text).toContain('住民票の写し');
      expect(text).toContain('本郷 一郎');
      expect(text).toContain('本郷 花子');
      expect(text).toContain('東京都文京区長');
      expect(text).not.toContain(DOMICILE.place);
      expect(text).not.toContain(head.residentCode);

      const withDomicile = await clerk.call('POST', '/api/certificates', {
        kind: 'copy',
        residentIds: [wife.id],
        items: ['domicile'],
      });
      const domicileText = await pdfText(withDomicile);
      expect(domicileText).toContain(DOMICILE.place);
      expect(domicileText).toContain('本郷 花子');
      // Only the chosen member prints; the head appears only as 世帯主 and 筆頭者.
      expect(domicileText).not.toContain('ホンゴウ イチロウ');

      const closedCopy = await clerk.call('POST', '/api/certificates', {
        kind: 'closed-copy',
        residentIds: [moved.id],
      });
      expect(closedCopy.status).toBe(200);
      const closedText = await pdfText(closedCopy);
      expect(closedText).toContain('除票の写し');
      expect(closedText).toContain('文京 次郎');
      const wrongKind = await clerk.call('POST', '/api/certificates', {
        kind: 'copy',
        residentIds: [moved.id],
      });
      expect([wrongKind.status, errorCodeOf(wrongKind)]).toEqual([409, 'JUKI_ERR_CERTIFICATE_RECORD_STATE']);

      // Every operation is logged with the resident codes it touched.
      const log = await readOperationRecords(store.db);
      const issued = log.filter((r) => r.fn === 'certificate-issue' && r.outcome === 'ok');
      expect(issued.map((r) => r.records.filter((code) => /^\d{11}$/.test(code)).sort())).toEqual([
        [head.residentCode, wife.residentCode].sort(),
        [wife.residentCode],
        [moved.residentCode],
      ]);
      const viewed = log.find((r) => r.fn === 'resident-view' && r.outcome === 'ok');
      expect(viewed?.records).toContain(head.residentCode);
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup();
    }
  });

  it("prints the certifier's name from the configuration, and the placeholder when it has none", async () => {
    const named = await setUp({
      module: municipalityOptionsOf({ municipality: { certifierName: '本郷 和子' } }),
    });
    const unnamed = await setUp({ module: municipalityOptionsOf({}) });
    try {
      const body = (id: string) => ({ kind: 'copy', residentIds: [id], wholeHousehold: true });
      const withName = await named.browsers
        .get('madoguchi')!
        .call('POST', '/api/certificates', body(named.head.id));
      expect(withName.status).toBe(200);
      const text = await pdfText(withName);
      expect(text).toMatch(/東京都文京区長\s+本郷 和子/);
      expect(text).not.toContain(CERTIFIER_NAME_UNSET);
      const without = await unnamed.browsers
        .get('madoguchi')!
        .call('POST', '/api/certificates', body(unnamed.head.id));
      expect(await pdfText(without)).toContain(CERTIFIER_NAME_UNSET);
    } finally {
      for (const cleanup of [...named.cleanups, ...unnamed.cleanups].reverse()) await cleanup();
    }
  });

  it('refuses an operator without the right (403, logged) and a caller without a session (401)', async () => {
    const { store, terminal, browsers, head, cleanups } = await setUp();
    try {
      const examiner = browsers.get('shinsa')!;
      // 審査担当 may search but not issue (証明書交付: read only).
      expect((await examiner.call('GET', query({ name: '本郷' }))).status).toBe(200);
      const refused = await examiner.call('POST', '/api/certificates', {
        kind: 'copy',
        residentIds: [head.id],
      });
      expect([refused.status, errorCodeOf(refused)]).toEqual([403, 'JUKI_ERR_OPERATOR_FORBIDDEN']);
      const own = await examiner.call('GET', '/api/log/mine');
      expect(own.body['records']).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            function: 'certificate-issue',
            access: 'execute',
            outcome: 'refused',
            errorCode: 'JUKI_ERR_OPERATOR_FORBIDDEN',
            records: [head.id],
          }),
        ]),
      );

      // システム管理者 sees no resident data.
      const admin = browsers.get('kanri')!;
      const adminSearch = await admin.call('GET', query({ name: '本郷' }));
      expect([adminSearch.status, errorCodeOf(adminSearch)]).toEqual([403, 'JUKI_ERR_OPERATOR_FORBIDDEN']);
      const adminView = await admin.call('GET', `/api/residents/${head.id}`);
      expect([adminView.status, errorCodeOf(adminView)]).toEqual([403, 'JUKI_ERR_OPERATOR_FORBIDDEN']);
      const log = await readOperationRecords(store.db);
      expect(
        log
          .filter((r) => r.outcome === 'refused' && r.errorCode === 'JUKI_ERR_OPERATOR_FORBIDDEN')
          .map((r) => [r.fn, r.access]),
      ).toEqual([
        ['certificate-issue', 'execute'],
        ['resident-search', 'read'],
        ['resident-view', 'read'],
      ]);

      const stranger = terminal.browser();
      for (const answer of [
        await stranger.call('GET', query({ name: '本郷' })),
        await stranger.call('GET', `/api/residents/${head.id}`),
        await stranger.call('POST', '/api/certificates', { kind: 'copy', residentIds: [head.id] }),
      ]) {
        expect([answer.status, errorCodeOf(answer)]).toEqual([401, 'JUKI_ERR_SESSION_INVALID']);
      }
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup();
    }
  });
});
