// Provision by a prefectural server and delivery of the affair registry to it (docs/agencies.md, docs/file-delivery.md),
// over real mTLS: a prefecture's own organ registered at its prefecture asks it and gets that prefecture's residents
// only, each answer in the prefecture's own provision log; a national-government body cannot be registered there. A
// registry version signed and published with the CLI reaches the prefectures by file delivery and governs their
// provision from its date; a file that does not verify is refused, reported and recorded as a security event.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatDeliveries, registerAgencyInNetwork } from '../../src/cli/agency.js';
import { runAgencyBatchFile } from '../../src/cli/agency-batch.js';
import { main } from '../../src/cli/main.js';
import { fileExists } from '../../src/crypto/index.js';
import { japanDateOf, type LocalGovernmentCode, type NodeId } from '../../src/domain/index.js';
import {
  createAgencyClient,
  loadAgencyClientConfig,
  type AgencyClient,
} from '../../src/servers/agency/index.js';
import type { NodeContext, RunningNode } from '../../src/servers/common/index.js';
import { recordIdentityVersion } from '../../src/servers/common/identity-history.js';
import {
  currentAffairRegistry,
  heldAffairRegistries,
  listProvisions,
} from '../../src/servers/common/provision/index.js';
import { testIdentityInfo, testResidentCode } from '../../src/servers/common/testing/identity-fixtures.js';
import {
  FILE_REFUSED_EVENT,
  deliveredFiles,
  fileDeliveryReports,
  nationalModule,
  type NationalModule,
} from '../../src/servers/national/index.js';
import { prefectureModule, type PrefectureModule } from '../../src/servers/prefecture/index.js';
import { JukinetError } from '../../src/shared/errors.js';
import { testNetworks } from '../support/network.js';

const createNetwork = testNetworks();
const clients: AgencyClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});

const TOKYO = 'pref-13' as NodeId;
const OSAKA = 'pref-27' as NodeId;
const AFFAIR = 'election-board-voting-right';
const HANAKO = testResidentCode(201);
const JIRO = testResidentCode(202);

async function refusal(promise: Promise<unknown>): Promise<JukinetError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof JukinetError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** Records `info` in a node's identity history as if relayed from `origin`. */
async function recordAt(context: NodeContext, origin: string, info: ReturnType<typeof testIdentityInfo>) {
  await context.transaction((trx) =>
    recordIdentityVersion(trx, { info, origin: origin as NodeId, recordedAt: new Date() }),
  );
}

/** National, Tokyo and Osaka; 花子 lives in 文京区 (Tokyo), 次郎 in 松原市 (Osaka). */
async function startNetwork() {
  const network = await createNetwork(['national', TOKYO, OSAKA] as NodeId[]);
  const national: RunningNode<NationalModule> = await network.start('national' as NodeId, (context) =>
    nationalModule(context),
  );
  // Rounds run when the test asks for them (syncFiles), not on the schedule.
  const slow = { fileDeliveryIntervalMs: 3_600_000 };
  const tokyo: RunningNode<PrefectureModule> = await network.start(TOKYO, (context) =>
    prefectureModule(context, slow),
  );
  const osaka: RunningNode<PrefectureModule> = await network.start(OSAKA, (context) =>
    prefectureModule(context, slow),
  );
  const hanako = testIdentityInfo(HANAKO, { name: '佐藤 花子', nameKana: 'サトウ ハナコ', sex: 'female' });
  const jiro = testIdentityInfo(JIRO, {
    name: '田中 次郎',
    nameKana: 'タナカ ジロウ',
    address: '大阪府松原市阿保一丁目1番1号',
    lgCode: '272175' as LocalGovernmentCode,
  });
  for (const context of [national.context, tokyo.context]) await recordAt(context, 'muni-131059', hanako);
  for (const context of [national.context, osaka.context]) await recordAt(context, 'muni-272175', jiro);
  return { network, national, tokyo, osaka };
}

async function clientOf(configPath: string): Promise<AgencyClient> {
  const client = await createAgencyClient(await loadAgencyClientConfig(configPath));
  clients.push(client);
  return client;
}

describe('provision by a prefectural server', () => {
  it("answers a prefecture's own organ about that prefecture's residents, and logs it there", async () => {
    const { network, national, tokyo } = await startNetwork();
    const registered = await registerAgencyInNetwork(network.root, {
      slug: 'tokyo-election',
      kind: 'election-board',
      affairs: [AFFAIR],
      name: '東京都選挙管理委員会',
      prefecture: '13',
    });
    const config = JSON.parse(await readFile(registered.clientConfigPath, 'utf8')) as Record<string, unknown>;
    expect(config['prefecture']).toMatchObject({ nodeId: TOKYO });
    expect(config['national']).toBeUndefined();

    const client = await clientOf(registered.clientConfigPath);
    expect((await client.affairs()).affairs.map((affair) => affair.id)).toEqual([AFFAIR]);
    const found = await client.byCode({ affair: AFFAIR, residentCode: HANAKO });
    expect(found.results.map((result) => [result.residentCode, result.name])).toEqual([
      [HANAKO, '佐藤 花子'],
    ]);
    // 次郎 lives in Osaka: the Tokyo server holds nothing about him.
    const elsewhere = await client.byCode({ affair: AFFAIR, residentCode: JIRO });
    expect(elsewhere.count).toBe(0);
    const searched = await client.search({
      affair: AFFAIR,
      nameKana: 'さとう はなこ',
      birthDate: '1980-04-01',
      sex: 'female',
    });
    expect(searched.results.map((result) => result.residentCode)).toEqual([HANAKO]);

    // Batch provision is the national server's: a prefecture's organ is told so before anything is sent.
    const queries = join(network.root, 'queries.csv');
    await writeFile(
      queries,
      `line_id,resident_code,name,name_kana,birth_date,sex,address,as_of\nq1,${HANAKO},,,,,,\n`,
    );
    const batch = await refusal(
      runAgencyBatchFile(queries, { config: registered.clientConfigPath, affair: AFFAIR }),
    );
    expect(batch.code).toBe('JUKI_ERR_CLI_ARGUMENT');

    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      const list = ['node', 'jukinet', 'agency', 'list', '--dir', network.root];
      expect(await main([...list, '--prefecture', '13'])).toBe(0);
      expect(await main(list)).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(printed).toEqual([
      `agency-tokyo-election  election-board  東京都選挙管理委員会  ${AFFAIR}\n`,
      'no agency registered\n',
    ]);

    const log = await listProvisions(tokyo.context.store.db);
    expect(log.map((entry) => [entry.agency, entry.affair, entry.method, entry.residentCodes])).toEqual([
      ['agency-tokyo-election', AFFAIR, 'online', [HANAKO]],
      ['agency-tokyo-election', AFFAIR, 'online', []],
      ['agency-tokyo-election', AFFAIR, 'online', [HANAKO]],
    ]);
    expect(await listProvisions(national.context.store.db)).toEqual([]);
  });

  it('refuses to register a national-government body at a prefecture, and issues it nothing', async () => {
    const { network } = await startNetwork();
    const error = await refusal(
      registerAgencyInNetwork(network.root, {
        slug: 'mhlw',
        kind: 'mhlw',
        affairs: ['mhlw-unemployment-benefit'],
        prefecture: 'pref-13',
      }),
    );
    expect(error.code).toBe('JUKI_ERR_AGENCY_REGISTRATION');
    expect(error.message).toContain('national-government');
    expect(await fileExists(join(network.root, 'pki', 'nodes', 'agency-mhlw', 'cert.pem'))).toBe(false);
    const unknown = await refusal(
      registerAgencyInNetwork(network.root, { slug: 'x', kind: 'governor', affairs: [], prefecture: '48' }),
    );
    expect(unknown.code).toBe('JUKI_ERR_CLI_ARGUMENT');
  });
});

describe('delivery of the affair registry to prefectural servers', () => {
  it('signs and publishes a version with the CLI, delivers it, and the prefecture provides under it', async () => {
    const { network, national, tokyo, osaka } = await startNetwork();
    const registered = await registerAgencyInNetwork(network.root, {
      slug: 'tokyo-election',
      kind: 'election-board',
      affairs: [AFFAIR],
      prefecture: '13',
    });
    const client = await clientOf(registered.clientConfigPath);
    expect((await client.byCode({ affair: AFFAIR, residentCode: HANAKO })).count).toBe(1);

    // Version 2, in force today, no longer lists the affair the election board cited.
    const v1 = JSON.parse(
      await readFile(new URL('../../src/domain/data/beppyo/v1.json', import.meta.url), 'utf8'),
    ) as { version: number; effectiveDate: string; affairs: { id: string }[] };
    const v2 = {
      ...v1,
      version: 2,
      effectiveDate: japanDateOf(new Date()),
      affairs: v1.affairs.filter((affair) => affair.id !== AFFAIR),
    };
    const source = join(network.root, 'beppyo-v2.json');
    const signed = join(network.root, 'beppyo-v2.signed.json');
    await writeFile(source, JSON.stringify(v2));
    const cli = ['node', 'jukinet', 'agency', 'registry'];
    expect(await main([...cli, 'sign', '--file', source, '--out', signed, '--dir', network.root])).toBe(0);
    expect(JSON.parse(await readFile(signed, 'utf8'))).toMatchObject({ registry: { version: 2 } });
    expect(await main([...cli, 'publish', '--file', signed, '--dir', network.root])).toBe(0);
    // A second publish of the same version is refused (no second file under a used number).
    expect(await main([...cli, 'publish', '--file', signed, '--dir', network.root])).not.toBe(0);
    // A file changed after signing is refused, and nothing is loaded.
    const changed = JSON.parse(await readFile(signed, 'utf8')) as { registry: { version: number } };
    changed.registry.version = 3;
    await writeFile(join(network.root, 'changed.json'), JSON.stringify(changed));
    expect(
      await main([...cli, 'publish', '--file', join(network.root, 'changed.json'), '--dir', network.root]),
    ).not.toBe(0);
    expect(
      (await heldAffairRegistries(national.context.store.db)).map((held) => held.registry.version),
    ).toEqual([1, 2]);

    expect(await tokyo.module.syncFiles()).toEqual({ applied: [2], refused: [] });
    expect(await tokyo.module.syncFiles()).toEqual({ applied: [], refused: [] });
    expect((await currentAffairRegistry(tokyo.context.store.db, new Date())).version).toBe(2);
    expect(
      (await fileDeliveryReports(national.context.store.db)).map((report) => [
        report.node,
        report.version,
        report.outcome,
      ]),
    ).toEqual([[TOKYO, 2, 'applied']]);

    expect(await main([...cli, 'deliveries', '--dir', network.root])).toBe(0);
    expect(
      formatDeliveries(
        await deliveredFiles(national.context.store.db),
        await fileDeliveryReports(national.context.store.db),
      ),
    ).toEqual([`version 2, effective ${v2.effectiveDate}: applied by 1 node(s) (pref-13)`]);

    const withdrawn = await refusal(client.byCode({ affair: AFFAIR, residentCode: HANAKO }));
    expect(withdrawn.code).toBe('JUKI_ERR_AGENCY_AFFAIR_FORBIDDEN');

    // Osaka has not fetched yet: it still provides under version 1.
    expect((await currentAffairRegistry(osaka.context.store.db, new Date())).version).toBe(1);
  });

  it('refuses a delivered file that does not verify, reports it and records a security event', async () => {
    const { national, osaka } = await startNetwork();
    const v1 = JSON.parse(
      await readFile(new URL('../../src/domain/data/beppyo/v1.json', import.meta.url), 'utf8'),
    ) as Record<string, unknown>;
    // A row changed in the national database after it was loaded: its signature no longer covers it.
    await national.context.store.db
      .insertInto('affair_registry')
      .values({
        version: 2,
        effective_date: '2024-04-01',
        document: JSON.stringify({ ...v1, version: 2 }),
        signature: 'AAAA',
        signer_certificate: national.context.certificateOf('national' as NodeId) ?? '',
        loaded_at: new Date().toISOString(),
      })
      .execute();

    const outcome = await osaka.module.syncFiles();
    expect(outcome.applied).toEqual([]);
    expect(outcome.refused.map((entry) => entry.version)).toEqual([2]);
    expect(outcome.refused[0]?.reason).toContain('JUKI_ERR_REGISTRY_SIGNATURE');
    expect((await heldAffairRegistries(osaka.context.store.db)).map((held) => held.registry.version)).toEqual(
      [1],
    );

    const reports = await fileDeliveryReports(national.context.store.db);
    expect(reports.map((report) => [report.node, report.version, report.outcome])).toEqual([
      [OSAKA, 2, 'refused'],
    ]);
    await national.module.securityEvents.flush();
    const events = await national.context.store.db
      .selectFrom('security_event')
      .select(['kind', 'peer'])
      .where('kind', '=', FILE_REFUSED_EVENT)
      .execute();
    expect(events).toEqual([{ kind: FILE_REFUSED_EVENT, peer: OSAKA }]);
  });
});
