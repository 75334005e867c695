// Batch provision to an agency over real mTLS, on every engine (docs/protocol/agency-batch.md): a 100,000-line query
// file, sealed to the national key, uploaded in pieces, processed in the background while the national server is
// stopped and started again, and returned sealed to the agency; every result line is checked against a model of the
// population, and the provision log holds exactly the codes provided, method `batch`, each once. The CLI function
// runs a smaller file; a batch citing an affair the agency is not registered for is refused as a security event.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runAgencyBatchFile } from '../../src/cli/agency-batch.js';
import { registerAgencyInNetwork } from '../../src/cli/agency.js';
import { addDays, type IdentityInfo, type NodeId, type ResidentCode } from '../../src/domain/index.js';
import {
  BATCH_INPUT_COLUMNS,
  BATCH_RESULT_COLUMNS,
  formatBatchResultLine,
  formatCsvLine,
  type BatchResultIdentity,
  type BatchResultLine,
} from '../../src/protocol/index.js';
import { loadAgencyClientConfig, runAgencyBatch } from '../../src/servers/agency/index.js';
import { NODE_KEY_ALIAS, openNodeCredentials, type RunningNode } from '../../src/servers/common/index.js';
import { recordIdentityVersion } from '../../src/servers/common/identity-history.js';
import { registerAgency } from '../../src/servers/common/provision/index.js';
import {
  testChange,
  testIdentityInfo,
  testResidentCode,
} from '../../src/servers/common/testing/identity-fixtures.js';
import { listProvisions, nationalModule, type NationalModule } from '../../src/servers/national/index.js';
import { JukinetError } from '../../src/shared/errors.js';
import { openStore } from '../../src/store/index.js';
import { describeEachEngine } from '../support/engines.js';
import { testNetworks } from '../support/network.js';

const createNetwork = testNetworks();
const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

const AFFAIR = 'mhlw-unemployment-benefit';
const RESIDENTS = 10_000;
const LINES = 100_000;
const FAMILY = [
  ['佐藤', 'サトウ'],
  ['鈴木', 'スズキ'],
  ['高橋', 'タカハシ'],
  ['田中', 'タナカ'],
  ['伊藤', 'イトウ'],
  ['渡辺', 'ワタナベ'],
  ['山本', 'ヤマモト'],
  ['中村', 'ナカムラ'],
  ['小林', 'コバヤシ'],
  ['加藤', 'カトウ'],
] as const;
const GIVEN = [
  ['一郎', 'イチロウ'],
  ['花子', 'ハナコ'],
  ['次郎', 'ジロウ'],
  ['陽子', 'ヨウコ'],
  ['健', 'ケン'],
  ['恵', 'メグミ'],
  ['誠', 'マコト'],
  ['愛', 'アイ'],
  ['翔', 'ショウ'],
  ['舞', 'マイ'],
  ['大輔', 'ダイスケ'],
  ['美咲', 'ミサキ'],
] as const;

/** One resident of the model: every version recorded, oldest first. */
interface ModelResident {
  readonly code: ResidentCode;
  readonly versions: readonly IdentityInfo[];
}

function residentInfo(index: number): IdentityInfo {
  const [family, familyKana] = FAMILY[index % FAMILY.length] ?? FAMILY[0];
  const [given, givenKana] = GIVEN[Math.floor(index / FAMILY.length) % GIVEN.length] ?? GIVEN[0];
  const birthDate = addDays('1950-01-01', index);
  return testIdentityInfo(testResidentCode(100_000 + index), {
    name: `${family} ${given}`,
    nameKana: `${familyKana} ${givenKana}`,
    birthDate,
    sex: index % 2 === 0 ? 'male' : 'female',
    address: `東京都文京区本郷一丁目${index}番`,
    change: { reason: 'birth', date: birthDate },
  });
}

/** `count` residents, each born on its own day, every tenth moved in 2020, every 97th dead in 2022; and twins. */
function population(count: number): ModelResident[] {
  const residents: ModelResident[] = [];
  for (let index = 0; index < count; index++) {
    const born = residentInfo(index);
    const versions = [born];
    if (index % 10 === 3) {
      versions.push(
        testChange(born, 'move-within', { date: '2020-05-01', address: `東京都文京区本郷二丁目${index}番` }),
      );
    }
    if (index % 97 === 5) versions.push(testChange(versions.at(-1) ?? born, 'death', { date: '2022-01-10' }));
    residents.push({ code: born.residentCode, versions });
  }
  for (const twin of [0, 1]) {
    const code = testResidentCode(900 + twin);
    const info = testIdentityInfo(code, {
      name: '双子 同名',
      nameKana: 'フタゴ ドウメイ',
      birthDate: '1949-06-01',
      sex: 'female',
      change: { reason: 'birth', date: '1949-06-01' },
    });
    residents.push({ code, versions: [info] });
  }
  return residents;
}

function inEffect(resident: ModelResident, asOf?: string): IdentityInfo | undefined {
  const versions = resident.versions.filter((info) => asOf === undefined || info.change.date <= asOf);
  return versions.at(-1);
}

function provided(info: IdentityInfo): BatchResultIdentity {
  return {
    residentCode: info.residentCode,
    name: info.name,
    ...(info.nameKana === undefined ? {} : { nameKana: info.nameKana }),
    birthDate: info.birthDate,
    sex: info.sex,
    address: info.address,
    change: { reason: info.change.reason, date: info.change.date },
    status: info.change.reason === 'death' ? 'closed' : 'registered',
  };
}

/** A query file of `count` lines from `first` on, and the result the model says each line must get. */
function queryFile(
  residents: readonly ModelResident[],
  options: { first: number; count: number },
): { csv: string; expected: BatchResultLine[] } {
  const lines = [BATCH_INPUT_COLUMNS.join(',')];
  const expected: BatchResultLine[] = [];
  const people = residents.length - 2;
  const twins = residents.slice(people);
  for (let n = 0; n < options.count; n++) {
    const j = options.first + n;
    const lineId = j % 1000 === 1 ? `q${j},"quoted"` : `q${j}`;
    const line = n + 2;
    const resident = residents[(j * 7919) % people] ?? residents[0]!;
    const current = inEffect(resident)!;
    const row = (fields: readonly string[]) => formatCsvLine([lineId, ...fields]);
    const found = (info: IdentityInfo) =>
      expected.push({ line, lineId, status: 'found', reason: '', identity: provided(info) });
    const other = (status: BatchResultLine['status'], reason: string) =>
      expected.push({ line, lineId, status, reason });
    let kind = j % 20;
    if (kind >= 16 && Math.floor(j / 20) % 2 === 1) kind = 0;
    switch (kind) {
      case 12: {
        lines.push(row([resident.code, '', '', '', '', '', '2019-12-31']));
        found(inEffect(resident, '2019-12-31')!);
        break;
      }
      case 13: {
        lines.push(row([resident.code, '', '', '', '', '', '1960-01-01']));
        const then = inEffect(resident, '1960-01-01');
        if (then === undefined) other('not-found', `no record of ${resident.code} as of 1960-01-01`);
        else found(then);
        break;
      }
      case 14: {
        const unknown = testResidentCode(5_000_000 + j);
        lines.push(row([unknown, '', '', '', '', '', '']));
        other('not-found', `no record of ${unknown}`);
        break;
      }
      case 15: {
        const wrongDigit = `${resident.code.slice(0, 10)}${(Number(resident.code[10]) + 1) % 10}`;
        const invalid: [string, string][] = [
          [
            row([wrongDigit, '', '', '', '', '', '']),
            `resident_code "${wrongDigit}": the check digit is wrong`,
          ],
          [
            row(['', current.name, '', '1985/02/03', 'male', '', '']),
            'birth_date "1985/02/03": expected YYYY-MM-DD',
          ],
          [row([resident.code, '', '']), '4 fields, expected 8'],
          [
            `${lineId.includes(',') ? 'plain' : lineId},"${resident.code},,,,,,`,
            'field 2: the quote is never closed',
          ],
          [row([resident.code, '', '', '', '', '', '2999-12-31']), 'as_of "2999-12-31" is in the future'],
          [row(['', '', '', current.birthDate, current.sex, '', '']), 'give name or name_kana'],
        ];
        const [text, reason] = invalid[Math.floor(j / 20) % invalid.length]!;
        lines.push(text);
        const id = text.startsWith('plain') ? 'plain' : lineId;
        expected.push({ line, lineId: id, status: 'invalid', reason });
        break;
      }
      case 16: {
        lines.push(
          row(['', current.name.replace(' ', '　'), '', current.birthDate, current.sex, '東京都文京区', '']),
        );
        found(current);
        break;
      }
      case 17: {
        lines.push(row(['', '', current.nameKana ?? '', current.birthDate, current.sex, '', '']));
        found(current);
        break;
      }
      case 18: {
        const sex = current.sex === 'male' ? 'female' : 'male';
        lines.push(row(['', current.name, '', current.birthDate, sex, '', '']));
        other('not-found', 'no record matches these items');
        break;
      }
      case 19: {
        const twin = inEffect(twins[0]!)!;
        lines.push(row(['', twin.name, '', twin.birthDate, twin.sex, '', '']));
        other('too-many', '2 records match: give more items (name_kana, address) to narrow the search');
        break;
      }
      default: {
        lines.push(row([resident.code, '', '', '', '', '', '']));
        found(current);
      }
    }
  }
  return { csv: `${lines.join('\r\n')}\r\n`, expected };
}

function resultCsvOf(expected: readonly BatchResultLine[]): string {
  return [BATCH_RESULT_COLUMNS.join(','), ...expected.map(formatBatchResultLine)]
    .map((line) => `${line}\n`)
    .join('');
}

describeEachEngine('batch provision to an agency over mTLS', ({ createLocation }) => {
  async function startBatchNetwork(residentCount: number) {
    const location = await createLocation();
    const network = await createNetwork(['national'] as NodeId[], {
      database: () => Promise.resolve(location),
    });
    const config = await network.layout.configOf('national' as NodeId);
    const start = (): Promise<RunningNode<NationalModule>> =>
      network.start('national' as NodeId, (context) =>
        nationalModule(context, {
          batch: {
            pollIntervalMs: 50,
            credentials: async () => {
              const credentials = await openNodeCredentials(config);
              return {
                keyStore: credentials.keyStore,
                keyAlias: NODE_KEY_ALIAS,
                certificatePem: credentials.certificatePem,
              };
            },
          },
        }),
      );
    const national = await start();
    const residents = population(residentCount);
    await national.context.transaction(async (trx) => {
      for (const resident of residents) {
        for (const info of resident.versions) {
          await recordIdentityVersion(trx, { info, origin: 'muni-131059' as NodeId, recordedAt: new Date() });
        }
      }
    });
    const registration = { slug: 'mhlw', kind: 'mhlw', affairs: [AFFAIR], name: '厚生労働省職業安定局' };
    const registered = await registerAgencyInNetwork(network.root, registration);
    // The running node has its own database (this engine's): register the agency there too.
    await registerAgency(national.context.store, {
      id: 'agency-mhlw',
      kind: registration.kind,
      affairs: registration.affairs,
      name: registration.name,
    });
    const agencyConfig = await loadAgencyClientConfig(registered.clientConfigPath);
    return { location, national, start, residents, registered, agencyConfig };
  }

  it('answers 100,000 lines completely and correctly across a restart, and logs each provided code once', async () => {
    const setup = await startBatchNetwork(RESIDENTS);
    let national = setup.national;
    const { csv, expected } = queryFile(setup.residents, { first: 0, count: LINES });

    let restart: Promise<void> | undefined;
    let processedAtStop = -1;
    const phases = new Set<string>();
    const outcome = await runAgencyBatch(
      setup.agencyConfig,
      { csv: Buffer.from(csv, 'utf8'), affair: AFFAIR },
      {
        pollIntervalMs: 20,
        partBytes: 1024 * 1024,
        onProgress(progress) {
          phases.add(progress.phase);
          if (progress.phase !== 'processing' || restart !== undefined) return;
          if (progress.done === 0 || progress.done >= progress.total) return;
          // Stop the national server for real in the middle of the batch (worker, listeners, database), then
          // start it again on the same database: the worker resumes after the last committed chunk.
          restart = (async () => {
            await national.stop();
            const store = await openStore(setup.location);
            const row = await store.db
              .selectFrom('provision_batch')
              .select('processed_lines')
              .executeTakeFirstOrThrow();
            processedAtStop = Number(row.processed_lines);
            await store.close();
            national = await setup.start();
          })();
        },
      },
    );
    await restart;
    expect([...phases]).toEqual(['upload', 'processing', 'download']);
    expect(processedAtStop).toBeGreaterThan(0);
    expect(processedAtStop).toBeLessThan(LINES);

    expect(outcome.status).toMatchObject({ status: 'done', totalLines: LINES, processedLines: LINES });
    expect(outcome.results).toHaveLength(LINES);
    expect(outcome.results).toEqual(expected);
    expect(outcome.resultCsv).toBe(resultCsvOf(expected));
    const count = (status: string) => expected.filter((line) => line.status === status).length;
    expect(outcome.status.counts).toEqual({
      found: count('found'),
      notFound: count('not-found'),
      invalid: count('invalid'),
      tooMany: count('too-many'),
    });
    expect(count('found')).toBeGreaterThan(70_000);
    expect(count('invalid')).toBeGreaterThan(4_000);

    const log = (await listProvisions(national.context.store.db, { agency: 'agency-mhlw' })).filter(
      (entry) => entry.method === 'batch',
    );
    expect(log.every((entry) => entry.affair === AFFAIR && entry.registryVersion === 1)).toBe(true);
    const logged = log.flatMap((entry) => entry.residentCodes).sort();
    const providedCodes = expected
      .flatMap((line) => (line.identity === undefined ? [] : [line.identity.residentCode]))
      .sort();
    expect(logged).toEqual(providedCodes);
    expect(log.reduce((sum, entry) => sum + entry.count, 0)).toBe(providedCodes.length);
    expect(log.some((entry) => entry.query === 'four-items' && entry.truncated)).toBe(true);
    expect(log.some((entry) => entry.asOf === '2019-12-31')).toBe(true);
  }, 600_000);

  it('runs a file through `jukinet agency batch`, and refuses an affair the agency is not registered for', async () => {
    const setup = await startBatchNetwork(1000);
    const directory = await mkdtemp(join(tmpdir(), 'jukinet-batch-cli-'));
    directories.push(directory);
    const { csv, expected } = queryFile(setup.residents, { first: 7, count: 3000 });
    const file = join(directory, 'queries.csv');
    await writeFile(file, csv);
    const { summary } = await runAgencyBatchFile(file, {
      config: setup.registered.clientConfigPath,
      affair: AFFAIR,
      pollIntervalMs: 20,
    });
    expect(summary).toMatchObject({
      lines: 3000,
      found: expected.filter((line) => line.status === 'found').length,
      notFound: expected.filter((line) => line.status === 'not-found').length,
      invalid: expected.filter((line) => line.status === 'invalid').length,
      tooMany: expected.filter((line) => line.status === 'too-many').length,
      resultPath: join(directory, 'queries.result.csv'),
    });
    expect(await readFile(summary.resultPath, 'utf8')).toBe(resultCsvOf(expected));

    const before = await listProvisions(setup.national.context.store.db, { agency: 'agency-mhlw' });
    let refused: unknown;
    try {
      await runAgencyBatch(setup.agencyConfig, { csv: Buffer.from(csv, 'utf8'), affair: 'mic-pension' });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(JukinetError);
    expect((refused as JukinetError).code).toBe('JUKI_ERR_AGENCY_AFFAIR_FORBIDDEN');
    await setup.national.module.securityEvents.flush();
    const events = await setup.national.context.store.db
      .selectFrom('security_event')
      .select(['peer', 'detail'])
      .where('kind', '=', 'agency-affair-refused')
      .execute();
    expect(events.map((event) => [event.peer, JSON.parse(event.detail) as unknown])).toEqual([
      ['agency-mhlw', expect.objectContaining({ affair: 'mic-pension', method: 'batch' })],
    ]);
    expect(
      await setup.national.context.store.db.selectFrom('provision_batch').select('id').execute(),
    ).toHaveLength(1);
    expect(await listProvisions(setup.national.context.store.db, { agency: 'agency-mhlw' })).toEqual(before);
  }, 300_000);
});
