// The annual report of provision, end to end on every engine: two registered agencies query the national server over
// real mTLS in several months and across a year end in Japan time (an injected clock), batch provisions are logged
// beside them, and `jukinet report provision` run on the national node's configuration writes a CSV and a PDF whose
// counts per recipient, month and method equal the provision log's.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { registerAgencyInNetwork } from '../../src/cli/agency.js';
import { formatProvisionReportOutcome, runProvisionReport } from '../../src/cli/report.js';
import type { NodeId, ResidentCode } from '../../src/domain/index.js';
import {
  createAgencyClient,
  loadAgencyClientConfig,
  type AgencyClient,
} from '../../src/servers/agency/index.js';
import type { RunningNode } from '../../src/servers/common/index.js';
import { recordIdentityVersion } from '../../src/servers/common/identity-history.js';
import { testIdentityInfo, testResidentCode } from '../../src/servers/common/testing/identity-fixtures.js';
import { listProvisions, recordProvision } from '../../src/servers/common/provision/index.js';
import { nationalModule, type NationalModule } from '../../src/servers/national/index.js';
import { createFixedClock } from '../../src/shared/clock.js';
import { parseCsv } from '../support/csv.js';
import { describeEachEngine } from '../support/engines.js';
import { testNetworks } from '../support/network.js';
import { pdfText, printedReportOf, tallyProvisionLog } from '../support/provision-report-text.js';

const createNetwork = testNetworks();
const clients: AgencyClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});

const MHLW = 'agency-mhlw';
const MLIT = 'agency-mlit';
const HANAKO = testResidentCode(201);
const TARO = testResidentCode(202);
const JIRO = testResidentCode(203);

/** The instants the agencies query at (UTC), with the Japan month each falls in. */
const AT = {
  /** 2025-01-10 10:00 in Japan. */
  january: '2025-01-10T01:00:00.000Z',
  /** 2025-03-31 23:59:59 in Japan: still March. */
  marchEnd: '2025-03-31T14:59:59.000Z',
  /** 2025-04-01 00:00 in Japan: April, though still 31 March in UTC. */
  aprilStart: '2025-03-31T15:00:00.000Z',
  /** 2025-12-31 23:30 in Japan: December 2025. */
  yearEnd: '2025-12-31T14:30:00.000Z',
  /** 2026-01-01 00:30 in Japan: January 2026, though 2025 in UTC. */
  newYear: '2025-12-31T15:30:00.000Z',
  /** 2026-02-02 09:00 in Japan. */
  february: '2026-02-02T00:00:00.000Z',
  /** When the reports are made: 2026-03-02 09:00 in Japan. */
  reportDay: '2026-03-02T00:00:00.000Z',
} as const;

describeEachEngine('the annual provision report', ({ engine, createLocation }) => {
  it('counts, in its CSV and its PDF, exactly what the provision log holds per recipient, month and method', async () => {
    const clock = createFixedClock(new Date(AT.january));
    const network = await createNetwork(['national'] as NodeId[], { clock });
    // The national node's configuration names this engine's database: the server and the CLI both open it from there.
    const configPath = join(network.root, 'nodes', 'national', 'node.json');
    const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
    await writeFile(configPath, JSON.stringify({ ...config, database: await createLocation() }, null, 2));
    const national: RunningNode<NationalModule> = await network.start('national' as NodeId, (context) =>
      nationalModule(context),
    );
    expect(national.context.store.engine).toBe(engine);
    await national.context.transaction(async (trx) => {
      const at = { origin: 'muni-131059' as NodeId, recordedAt: new Date(AT.january) };
      await recordIdentityVersion(trx, {
        info: testIdentityInfo(HANAKO, { name: '鈴木 花子', sex: 'female' }),
        ...at,
      });
      await recordIdentityVersion(trx, { info: testIdentityInfo(TARO), ...at });
      await recordIdentityVersion(trx, { info: testIdentityInfo(JIRO, { name: '山田 次郎' }), ...at });
    });

    const agencies = {
      mhlw: await registerAgencyInNetwork(network.root, {
        slug: 'mhlw',
        kind: 'mhlw',
        affairs: ['mhlw-unemployment-benefit'],
        name: '厚生労働省職業安定局',
      }),
      mlit: await registerAgencyInNetwork(network.root, {
        slug: 'mlit',
        kind: 'mlit',
        affairs: ['mlit-construction-permit'],
      }),
    };
    const mhlw = await createAgencyClient(await loadAgencyClientConfig(agencies.mhlw.clientConfigPath));
    const mlit = await createAgencyClient(await loadAgencyClientConfig(agencies.mlit.clientConfigPath));
    clients.push(mhlw, mlit);
    const byCode = (client: AgencyClient, affair: string, residentCode: ResidentCode) =>
      client.byCode({ affair, residentCode });
    const unemployment = (code: ResidentCode) => byCode(mhlw, 'mhlw-unemployment-benefit', code);
    const permit = (code: ResidentCode) => byCode(mlit, 'mlit-construction-permit', code);
    const permitSearch = () =>
      mlit.search({
        affair: 'mlit-construction-permit',
        nameKana: 'ヤマダ',
        birthDate: '1980-04-01',
        sex: 'male',
      });

    // Online queries, each at its instant.
    clock.set(new Date(AT.january));
    await unemployment(HANAKO);
    await unemployment(TARO);
    await unemployment(testResidentCode(299)); // Nobody: logged with count 0.
    clock.set(new Date(AT.marchEnd));
    await permit(JIRO);
    clock.set(new Date(AT.aprilStart));
    await permit(TARO);
    await unemployment(HANAKO);
    clock.set(new Date(AT.yearEnd));
    await unemployment(JIRO);
    clock.set(new Date(AT.newYear));
    await unemployment(TARO);
    await permitSearch(); // The reading alone: no match, count 0.
    clock.set(new Date(AT.february));
    await permit(HANAKO);

    // Batch provisions (媒体) beside them, as the batch upload logs them.
    const batch = async (at: string, agency: string, codes: readonly ResidentCode[]) => {
      await recordProvision(
        national.context.store,
        {
          agency: agency as NodeId,
          affair: agency === MHLW ? 'mhlw-unemployment-benefit' : 'mlit-construction-permit',
          registryVersion: 1,
          method: 'batch',
          query: 'code',
          asOf: null,
          count: codes.length,
          truncated: false,
          residentCodes: codes,
        },
        { clock: createFixedClock(new Date(at)) },
      );
    };
    await batch('2025-06-15T05:00:00.000Z', MHLW, [HANAKO, TARO, JIRO]);
    await batch('2025-06-20T05:00:00.000Z', MHLW, [TARO, JIRO]);
    await batch(AT.newYear, MLIT, [HANAKO, TARO]);

    const log = await listProvisions(national.context.store.db);
    expect(log).toHaveLength(13);
    // The log's own tally, by Japan month, is what every report below must show.
    const logged2025 = tallyProvisionLog(log, 2025);
    const logged2026 = tallyProvisionLog(log, 2026);
    expect(logged2025).toEqual(
      new Map([
        [`${MHLW}|1|online`, [3, 2]],
        [`${MLIT}|3|online`, [1, 1]],
        [`${MLIT}|4|online`, [1, 1]],
        [`${MHLW}|4|online`, [1, 1]],
        [`${MHLW}|12|online`, [1, 1]],
        [`${MHLW}|6|batch`, [2, 5]],
      ]),
    );
    expect(logged2026).toEqual(
      new Map([
        [`${MHLW}|1|online`, [1, 1]],
        [`${MLIT}|1|online`, [1, 0]],
        [`${MLIT}|1|batch`, [1, 2]],
        [`${MLIT}|2|online`, [1, 1]],
      ]),
    );

    clock.set(new Date(AT.reportDay));
    for (const [year, logged] of [
      [2025, logged2025],
      [2026, logged2026],
    ] as const) {
      const out = join(network.root, 'reports');
      const outcome = await runProvisionReport(
        year === 2025
          ? { year: String(year), config: configPath, out, clock }
          : { year: String(year), dir: network.root, node: 'national', out, clock },
      );
      expect(outcome.files.map((file) => file.path)).toEqual([
        join(out, `provision-report-${year}-national.csv`),
        join(out, `provision-report-${year}-national.pdf`),
      ]);
      const total = [...logged.values()].reduce(
        (sum, [provisions, records]) => ({
          provisions: sum.provisions + provisions,
          records: sum.records + records,
        }),
        { provisions: 0, records: 0 },
      );
      expect(outcome.report.total).toEqual(total);
      expect(formatProvisionReportOutcome(outcome)).toContain(
        `${year === 2025 ? '令和7年' : '令和8年'} 本人確認情報の提供状況 (national): 2 recipients, ${total.provisions} provisions, ${total.records} records`,
      );

      const [header, ...lines] = parseCsv(await readFile(outcome.files[0]!.path, 'utf8'));
      expect(header).toEqual(['提供先', '提供先名称', '年', '月', '提供方法', '提供回数', '提供件数']);
      expect(lines.every((line) => line[2] === String(year))).toBe(true);
      expect(
        new Map(
          lines.map(([agency, , , month, method, provisions, records]) => [
            `${agency}|${month}|${method === 'オンライン' ? 'online' : 'batch'}`,
            [Number(provisions), Number(records)],
          ]),
        ),
      ).toEqual(logged);
      expect(new Set(lines.map(([agency, name]) => `${agency} ${name}`))).toEqual(
        new Set([`${MHLW} 厚生労働省職業安定局`, `${MLIT} 国土交通省`]),
      );

      const text = await pdfText(await readFile(outcome.files[1]!.path));
      expect(text).toContain(`${year === 2025 ? '令和7年' : '令和8年'} 本人確認情報の提供状況`);
      expect(text).toContain('作成：全国サーバ（national）');
      expect(text).toContain('作成日：令和8年3月2日');
      expect(text).toMatch(/agency-mhlw\s+厚生労働省職業安定局/);
      expect(text).toMatch(/agency-mlit\s+国土交通省/);
      const printed = printedReportOf(text);
      expect(printed.rows).toEqual(logged);
      for (const agency of [MHLW, MLIT]) {
        const own = [...logged].filter(([key]) => key.startsWith(`${agency}|`));
        expect(printed.recipients.get(agency)).toEqual([
          own.reduce((sum, [, [provisions]]) => sum + provisions, 0),
          own.reduce((sum, [, [, records]]) => sum + records, 0),
        ]);
      }
      expect(printed.total).toEqual({ recipients: 2, ...total });
    }
  });
});
