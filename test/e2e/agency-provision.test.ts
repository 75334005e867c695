// Online provision to an agency over real mTLS (docs/agencies.md): an agency registered with `jukinet agency
// register` queries the national server by code and by the four items, now and as of a past date; an affair it is
// not registered for, an unregistered agency certificate and another node are refused, the refusals are security
// events, and every answer is in the provision log.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgencyQuery, registerAgencyInNetwork } from '../../src/cli/agency.js';
import { openPkiDirectory, openSoftwareKeyStore } from '../../src/crypto/index.js';
import type { NodeId } from '../../src/domain/node-id.js';
import { createPeerClient } from '../../src/net/index.js';
import { AGENCY_IDENTITY_BY_CODE_PATH } from '../../src/protocol/index.js';
import {
  createAgencyClient,
  loadAgencyClientConfig,
  type AgencyClient,
} from '../../src/servers/agency/index.js';
import { openNodeCredentials, type RunningNode } from '../../src/servers/common/index.js';
import { recordIdentityVersion } from '../../src/servers/common/identity-history.js';
import {
  testChange,
  testIdentityInfo,
  testResidentCode,
} from '../../src/servers/common/testing/identity-fixtures.js';
import { listProvisions, nationalModule, type NationalModule } from '../../src/servers/national/index.js';
import { JukinetError } from '../../src/shared/errors.js';
import { testNetworks } from '../support/network.js';

const createNetwork = testNetworks();
const clients: AgencyClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});

const HANAKO = testResidentCode(101);
const TARO = testResidentCode(102);

async function refusal(promise: Promise<unknown>): Promise<JukinetError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof JukinetError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** A network with the national server, a few residents in its history, and agency-mhlw registered. */
async function startProvisionNetwork() {
  const network = await createNetwork(['national', 'pref-13'] as NodeId[]);
  const national: RunningNode<NationalModule> = await network.start('national' as NodeId, (context) =>
    nationalModule(context),
  );
  const hanako = testIdentityInfo(HANAKO, {
    name: '鈴木 花子',
    nameKana: 'スズキ ハナコ',
    sex: 'female',
    birthDate: '1985-03-03',
    change: { reason: 'birth', date: '1985-03-03' },
  });
  await national.context.transaction(async (trx) => {
    const at = { origin: 'muni-131059' as NodeId, recordedAt: new Date() };
    await recordIdentityVersion(trx, { info: hanako, ...at });
    await recordIdentityVersion(trx, {
      info: testChange(hanako, 'name-change', { date: '2021-10-01', name: '田中 花子' }),
      ...at,
    });
    await recordIdentityVersion(trx, { info: testIdentityInfo(TARO), ...at });
  });
  const registered = await registerAgencyInNetwork(network.root, {
    slug: 'mhlw',
    kind: 'mhlw',
    affairs: ['mhlw-unemployment-benefit', 'mhlw-workers-compensation'],
    name: '厚生労働省職業安定局',
  });
  const client = await createAgencyClient(await loadAgencyClientConfig(registered.clientConfigPath));
  clients.push(client);
  return { network, national, registered, client };
}

describe('online provision to a registered agency', () => {
  it('answers by code and by the four items, now and as of a past date, and logs each provision', async () => {
    const { national, registered, client } = await startProvisionNetwork();
    expect(registered.agency).toMatchObject({
      id: 'agency-mhlw',
      kind: 'mhlw',
      name: '厚生労働省職業安定局',
    });

    const affairs = await client.affairs();
    expect(affairs.affairs.map((affair) => affair.id)).toEqual([
      'mhlw-workers-compensation',
      'mhlw-unemployment-benefit',
    ]);
    expect(affairs.affairs[1]).toMatchObject({ law: '雇用保険法', article: '第13条' });

    const byCode = await client.byCode({ affair: 'mhlw-unemployment-benefit', residentCode: HANAKO });
    expect(byCode).toMatchObject({
      affair: 'mhlw-unemployment-benefit',
      asOf: null,
      count: 1,
      truncated: false,
    });
    expect(byCode.results[0]).toEqual({
      residentCode: HANAKO,
      name: '田中 花子',
      nameKana: 'スズキ ハナコ',
      birthDate: '1985-03-03',
      sex: 'female',
      address: '東京都文京区本郷一丁目1番1号',
      change: { reason: 'name-change', date: '2021-10-01' },
      status: 'registered',
    });

    const past = await client.byCode({
      affair: 'mhlw-unemployment-benefit',
      residentCode: HANAKO,
      asOf: '2021-09-30',
    });
    expect(past).toMatchObject({ asOf: '2021-09-30', count: 1 });
    expect(past.results[0]?.name).toBe('鈴木 花子');

    const search = await client.search({
      affair: 'mhlw-workers-compensation',
      name: '田中　花子',
      birthDate: '1985-03-03',
      sex: 'female',
      address: '東京都文京区',
    });
    expect(search.results.map((result) => result.residentCode)).toEqual([HANAKO]);
    const oldName = await client.search({
      affair: 'mhlw-workers-compensation',
      name: '鈴木花子',
      birthDate: '1985-03-03',
      sex: 'female',
    });
    expect(oldName.count).toBe(0);
    const oldNameThen = await client.search({
      affair: 'mhlw-workers-compensation',
      name: '鈴木花子',
      birthDate: '1985-03-03',
      sex: 'female',
      asOf: '2020-01-01',
    });
    expect(oldNameThen.results.map((result) => result.name)).toEqual(['鈴木 花子']);

    // The CLI client over the same configuration.
    const cli = await runAgencyQuery({
      config: registered.clientConfigPath,
      affair: 'mhlw-unemployment-benefit',
      kana: 'やまだ たろう',
      birthDate: '1980-04-01',
      sex: '男',
    });
    expect(cli.results.map((result) => result.residentCode)).toEqual([TARO]);

    const log = await listProvisions(national.context.store.db, { agency: 'agency-mhlw' });
    expect(
      log.map((entry) => [entry.affair, entry.query, entry.asOf, entry.count, entry.residentCodes]),
    ).toEqual([
      ['mhlw-unemployment-benefit', 'code', null, 1, [HANAKO]],
      ['mhlw-unemployment-benefit', 'code', '2021-09-30', 1, [HANAKO]],
      ['mhlw-workers-compensation', 'four-items', null, 1, [HANAKO]],
      ['mhlw-workers-compensation', 'four-items', null, 0, []],
      ['mhlw-workers-compensation', 'four-items', '2020-01-01', 1, [HANAKO]],
      ['mhlw-unemployment-benefit', 'four-items', null, 1, [TARO]],
    ]);
    expect(log.every((entry) => entry.method === 'online' && entry.registryVersion === 1)).toBe(true);
    expect((await listProvisions(national.context.store.db, { residentCode: TARO })).length).toBe(1);
    expect(byCode.provisionId).toBe(log[0]?.id);
  });

  it('refuses an affair the agency is not registered for, and records it as a security event', async () => {
    const { national, client } = await startProvisionNetwork();
    const refused = await refusal(client.byCode({ affair: 'mic-pension', residentCode: HANAKO }));
    expect(refused.code).toBe('JUKI_ERR_AGENCY_AFFAIR_FORBIDDEN');
    expect(refused.message).toMatch(/"agency-mhlw" cited "mic-pension"/);
    const searchRefused = await refusal(
      client.search({
        affair: 'mhlw-bereaved-pension',
        name: '田中花子',
        birthDate: '1985-03-03',
        sex: 'female',
      }),
    );
    expect(searchRefused.code).toBe('JUKI_ERR_AGENCY_AFFAIR_FORBIDDEN');
    await national.module.securityEvents.flush();
    const events = await national.context.store.db
      .selectFrom('security_event')
      .select(['kind', 'peer', 'detail'])
      .where('kind', '=', 'agency-affair-refused')
      .orderBy('id')
      .execute();
    expect(events.map((event) => [event.peer, JSON.parse(event.detail) as unknown])).toEqual([
      [
        'agency-mhlw',
        expect.objectContaining({
          affair: 'mic-pension',
          query: 'code',
          method: 'online',
          agencyKind: 'mhlw',
        }),
      ],
      ['agency-mhlw', expect.objectContaining({ affair: 'mhlw-bereaved-pension', query: 'four-items' })],
    ]);
    expect(await listProvisions(national.context.store.db)).toEqual([]);
  });

  it('refuses a certificate for an unregistered agency and a prefecture, and bad requests', async () => {
    const { network, national, client } = await startProvisionNetwork();
    // A certificate issued by the CA outside `agency register` still cannot query.
    const passphrase = (await readFile(join(network.root, 'passphrase'), 'utf8')).trim();
    const pki = openPkiDirectory(join(network.root, 'pki'), { passphrase });
    await pki.issue('agency-rogue');
    const rogueKeys = openSoftwareKeyStore(pki.paths.nodeKeys('agency-rogue'), { passphrase });
    const rogue = createPeerClient({
      tls: {
        nodeId: 'agency-rogue' as NodeId,
        certificatePem: await readFile(pki.paths.nodeCertificate('agency-rogue'), 'utf8'),
        privateKey: await rogueKeys.tlsPrivateKey('tls'),
        caPem: await readFile(pki.paths.caCertificate, 'utf8'),
      },
      endpoint: national.networkEndpoint,
      expectedNodeId: 'national' as NodeId,
    });
    const prefecture = createPeerClient({
      tls: await openNodeCredentials(await network.layout.configOf('pref-13' as NodeId)),
      endpoint: national.networkEndpoint,
      expectedNodeId: 'national' as NodeId,
    });
    try {
      const body = { affair: 'mhlw-unemployment-benefit', residentCode: HANAKO };
      expect((await refusal(rogue.request('POST', AGENCY_IDENTITY_BY_CODE_PATH, body))).code).toBe(
        'JUKI_ERR_AGENCY_NOT_REGISTERED',
      );
      expect((await refusal(prefecture.request('POST', AGENCY_IDENTITY_BY_CODE_PATH, body))).code).toBe(
        'JUKI_ERR_PEER_FORBIDDEN',
      );
    } finally {
      await rogue.close();
      await prefecture.close();
    }
    const invalid = [
      client.byCode({ affair: 'mhlw-unemployment-benefit', residentCode: '12345678900' }),
      client.search({ affair: 'mhlw-unemployment-benefit', birthDate: '1985-03-03', sex: 'female' }),
      client.byCode({ affair: 'mhlw-unemployment-benefit', residentCode: HANAKO, asOf: '2999-01-01' }),
    ];
    for (const promise of invalid)
      expect((await refusal(promise)).code).toBe('JUKI_ERR_PROVISION_REQUEST_INVALID');
    await national.module.securityEvents.flush();
    const kinds = await national.context.store.db
      .selectFrom('security_event')
      .select(['kind', 'peer'])
      .execute();
    expect(kinds).toContainEqual({ kind: 'agency-not-registered', peer: 'agency-rogue' });
    expect(kinds).toContainEqual({ kind: 'forbidden', peer: 'pref-13' });
  });

  it('serves the OpenAPI 3.1 document of the agency API to agencies', async () => {
    const { client } = await startProvisionNetwork();
    const document = await client.openApi();
    expect(document['openapi']).toBe('3.1.0');
    expect(Object.keys(document['paths'] as object).sort()).toEqual([
      '/v1/agency/affairs',
      '/v1/agency/batches',
      '/v1/agency/batches/{id}',
      '/v1/agency/batches/{id}/input/{part}',
      '/v1/agency/batches/{id}/result/{part}',
      '/v1/agency/batches/{id}/submit',
      '/v1/agency/identity/by-code',
      '/v1/agency/identity/search',
      '/v1/agency/openapi.json',
    ]);
    const schemas = (
      document['components'] as { schemas: Record<string, { properties?: Record<string, unknown> }> }
    ).schemas;
    expect(Object.keys(schemas['SearchRequest']?.properties ?? {})).toEqual([
      'affair',
      'name',
      'nameKana',
      'birthDate',
      'sex',
      'address',
      'asOf',
    ]);
  });
});

describe('agency registration', () => {
  it('issues no certificate for a kind outside the registry (no private-sector body) or an affair of another kind', async () => {
    const network = await createNetwork(['national'] as NodeId[]);
    await network.start('national' as NodeId, (context) => nationalModule(context));
    const refused = await refusal(
      registerAgencyInNetwork(network.root, { slug: 'megabank', kind: 'bank', affairs: ['mic-pension'] }),
    );
    expect(refused.code).toBe('JUKI_ERR_AGENCY_REGISTRATION');
    expect(refused.message).toMatch(/private-sector bodies can never be registered/);
    expect(
      (
        await refusal(
          registerAgencyInNetwork(network.root, { slug: 'mlit', kind: 'mlit', affairs: ['mic-pension'] }),
        )
      ).code,
    ).toBe('JUKI_ERR_AGENCY_REGISTRATION');
    const passphrase = (await readFile(join(network.root, 'passphrase'), 'utf8')).trim();
    const issued = await openPkiDirectory(join(network.root, 'pki'), { passphrase }).list();
    expect(issued.map((certificate) => certificate.nodeId)).toEqual(['national']);
  });
});
