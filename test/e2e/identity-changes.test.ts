// Identity changes over real mTLS with the real runtime (docs/decisions/0004-servers.md, "Identity changes"): a
// municipality's change reaches its prefecture and, relayed, the national server; the national server refuses every
// relay it must refuse, each with its own code and a security event, and takes a late move-out.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { openSoftwareKeyStore } from '../../src/crypto/index.js';
import type { IdentityInfo, LocalGovernmentCode, NodeId, ResidentCode } from '../../src/domain/index.js';
import {
  createPeerClient,
  signEnvelope,
  type MessagesResponse,
  type PeerClient,
} from '../../src/net/index.js';
import { createUnsignedEnvelope, type Envelope } from '../../src/protocol/index.js';
import {
  consistencyDigest,
  currentIdentity,
  identityHistory,
  type ConsistencyDigest,
  type IdentityVersion,
} from '../../src/servers/common/identity-history.js';
import { prepareNetwork, type NetworkLayout } from '../../src/servers/common/network-layout.js';
import type { NodeContext, NodeModule } from '../../src/servers/common/node-module.js';
import { startNode, type RunningNode } from '../../src/servers/common/runtime.js';
import { freePortRange } from '../../src/servers/common/testing/free-ports.js';
import {
  testChange,
  testIdentityInfo,
  testResidentCode,
} from '../../src/servers/common/testing/identity-fixtures.js';
import { municipalityModule, type MunicipalityModule } from '../../src/servers/municipality/index.js';
import { nationalModule, type NationalModule } from '../../src/servers/national/index.js';
import { prefectureModule } from '../../src/servers/prefecture/index.js';

const NATIONAL = 'national' as NodeId;
const TOKYO = 'pref-13' as NodeId;
const OSAKA = 'pref-27' as NodeId;
const BUNKYO = 'muni-131059' as NodeId;
const CHIYODA = 'muni-131016' as NodeId;
const MATSUBARA = 'muni-272175' as NodeId;
const silent = pino({ enabled: false });

const running: RunningNode<NodeModule>[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const node of running.splice(0).reverse()) await node.stop();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function layoutOf(ids: readonly NodeId[]): Promise<NetworkLayout> {
  const root = await mkdtemp(join(tmpdir(), 'jukinet-identity-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  return prepareNetwork(root, { nodeIds: ids, basePort: await freePortRange(ids.length * 2) });
}

function factoryOf(id: NodeId): (context: NodeContext) => NodeModule {
  if (id === NATIONAL) return (context) => nationalModule(context);
  if (id.startsWith('pref-')) return (context) => prefectureModule(context, { lowWater: 20, blockSize: 50 });
  return (context) => municipalityModule(context, { lowWater: 5, blockSize: 10 });
}

async function startAll(
  layout: NetworkLayout,
  ids: readonly NodeId[],
  createLocation: () => Promise<string>,
): Promise<Map<NodeId, RunningNode<NodeModule>>> {
  const nodes = new Map<NodeId, RunningNode<NodeModule>>();
  for (const id of ids) {
    const config = { ...(await layout.configOf(id)), database: await createLocation() };
    const node = await startNode(config, factoryOf(id), {
      logger: silent,
      upstreamTimeoutMs: 20_000,
      dispatcher: { backoff: { initialMs: 20, maxMs: 500 }, pollIntervalMs: 500 },
    });
    running.push(node);
    nodes.set(id, node);
  }
  return nodes;
}

/** The signing key and TLS material of a node of `layout`, to act as it. */
async function actAs(
  layout: NetworkLayout,
  id: NodeId,
): Promise<{ key: KeyObject; certificatePem: string; caPem: string }> {
  const config = await layout.configOf(id);
  const passphrase = (await readFile(config.pki.passphraseFile ?? layout.passphraseFile, 'utf8')).split(
    '\n',
  )[0]!;
  const key = await openSoftwareKeyStore(config.pki.keyStore, { passphrase }).tlsPrivateKey('tls');
  return {
    key,
    certificatePem: await readFile(config.pki.certificate, 'utf8'),
    caPem: await readFile(config.pki.caCertificate, 'utf8'),
  };
}

function envelope(
  key: KeyObject,
  options: { type: string; from: NodeId; to: NodeId; seq: number; body: unknown },
): Envelope {
  return signEnvelope(createUnsignedEnvelope(options), key);
}

describeEachEngine('identity changes', ({ createLocation }) => {
  it('a move and a death travel municipality → prefecture → national and the three copies agree', async () => {
    const ids = [NATIONAL, TOKYO, OSAKA, BUNKYO, MATSUBARA];
    const layout = await layoutOf(ids);
    const nodes = await startAll(layout, ids, createLocation);
    const node = (id: NodeId) => nodes.get(id)!;
    const bunkyo = node(BUNKYO).module as MunicipalityModule;
    const matsubara = node(MATSUBARA).module as MunicipalityModule;

    const person = {
      name: '山田 太郎',
      nameKana: 'ヤマダ タロウ',
      birthDate: '2024-03-01',
      sex: 'male' as const,
    };
    const born = await bunkyo.register.recordBirth({ ...person, address: '東京都文京区本郷一丁目1番1号' });
    const other = await bunkyo.register.recordBirth({
      ...person,
      name: '山田 花子',
      sex: 'female',
      address: '東京都文京区本郷一丁目1番1号',
    });
    await bunkyo.register.recordMoveOut(born.id, { destination: '大阪府松原市阿保一丁目1番1号' });
    const movedIn = await matsubara.register.recordMoveIn({
      ...person,
      residentCode: born.residentCode,
      address: '大阪府松原市阿保一丁目1番1号',
    });
    await matsubara.register.recordDeath(movedIn.id);

    await node(BUNKYO).dispatcher.drained(TOKYO);
    await node(MATSUBARA).dispatcher.drained(OSAKA);
    await node(TOKYO).dispatcher.drained(NATIONAL);
    await node(OSAKA).dispatcher.drained(NATIONAL);

    const national = node(NATIONAL).context.store;
    const reasons = (await identityHistory(national.db, born.residentCode)).map((version) => version.reason);
    expect([...reasons].sort()).toEqual(['birth', 'death', 'move-in', 'move-out']);
    expect(await currentIdentity(national.db, born.residentCode)).toMatchObject({
      lgCode: '272175',
      reason: 'death',
      closed: true,
      origin: MATSUBARA,
    });
    expect(
      (await identityHistory(node(TOKYO).context.store.db, born.residentCode)).map((v) => v.reason),
    ).toEqual(['birth', 'move-out']);
    expect(
      (await identityHistory(node(OSAKA).context.store.db, born.residentCode)).map((v) => v.reason),
    ).toEqual(['move-in', 'death']);

    // The national server reads each copy's digest over mTLS, as `jukinet check consistency` does.
    const nationalContext = node(NATIONAL).context;
    for (const [lgCode, municipality, prefecture] of [
      ['131059', BUNKYO, TOKYO],
      ['272175', MATSUBARA, OSAKA],
    ] as const) {
      const path = `/v1/consistency/${lgCode}`;
      const municipal = await nationalContext.call<ConsistencyDigest>(municipality, { method: 'GET', path });
      const prefectural = await nationalContext.call<ConsistencyDigest>(prefecture, { method: 'GET', path });
      const own = await consistencyDigest(national.db, lgCode as LocalGovernmentCode);
      expect(prefectural).toEqual(municipal);
      expect(own).toEqual(municipal);
    }
    const bunkyoDigest = await consistencyDigest(national.db, '131059' as LocalGovernmentCode);
    expect(bunkyoDigest.entries.map(([code]) => code)).toEqual([other.residentCode]);

    const looked = await node(TOKYO).context.call<IdentityVersion>(NATIONAL, {
      method: 'GET',
      path: `/v1/identity/${other.residentCode}`,
    });
    expect(looked).toMatchObject({ residentCode: other.residentCode, lgCode: '131059', closed: false });
    expect(looked.info.name).toBe('山田 花子');
  });

  it('the national server refuses forged, foreign, replayed and unauthorised relays and takes a late move-out', async () => {
    const ids = [NATIONAL, TOKYO, OSAKA, BUNKYO, CHIYODA, MATSUBARA];
    const layout = await layoutOf(ids);
    const nodes = await startAll(layout, [NATIONAL], createLocation);
    const national = nodes.get(NATIONAL)!;
    const keys = new Map<NodeId, KeyObject>();
    for (const id of ids.slice(1)) keys.set(id, (await actAs(layout, id)).key);
    const clients = new Map<NodeId, PeerClient>();
    for (const prefecture of [TOKYO, OSAKA]) {
      const material = await actAs(layout, prefecture);
      const client = createPeerClient({
        tls: {
          nodeId: prefecture,
          certificatePem: material.certificatePem,
          privateKey: material.key,
          caPem: material.caPem,
        },
        endpoint: national.networkEndpoint,
        expectedNodeId: NATIONAL,
      });
      clients.set(prefecture, client);
      cleanups.push(() => client.close());
    }
    const seqs = new Map<string, number>();
    const nextSeq = (channel: string) => {
      const seq = (seqs.get(channel) ?? 0) + 1;
      seqs.set(channel, seq);
      return seq;
    };
    /** An identity.changed original as `from` would write it to `to`, signed with `signer`'s key. */
    const original = (from: NodeId, info: IdentityInfo, options: { to?: NodeId; signer?: NodeId } = {}) => {
      const to = options.to ?? (`pref-${from.slice(5, 7)}` as NodeId);
      return envelope(keys.get(options.signer ?? from)!, {
        type: 'identity.changed',
        from,
        to,
        seq: nextSeq(`${from}>${to}`),
        body: { change: info },
      });
    };
    /** Relays `inner` as `prefecture`; the relay's seq advances only when national applies it. */
    const relay = async (prefecture: NodeId, inner: Envelope) => {
      const seq = (seqs.get(`${prefecture}>national`) ?? 0) + 1;
      const outer = envelope(keys.get(prefecture)!, {
        type: 'node.relay',
        from: prefecture,
        to: NATIONAL,
        seq,
        body: { original: inner },
      });
      const { acks } = await clients.get(prefecture)!.request<MessagesResponse>('POST', '/v1/messages', {
        envelopes: [outer],
      });
      const ack = acks[0]!;
      if (ack.status === 'applied') seqs.set(`${prefecture}>national`, seq);
      return ack.status === 'rejected' ? ack.error.code : ack.status;
    };

    const code: ResidentCode = testResidentCode(101);
    const born = testIdentityInfo(code);
    const birth = original(BUNKYO, born);
    expect(await relay(TOKYO, birth)).toBe('applied');

    // Signed by 千代田区 in the name of 文京区.
    const forged = original(BUNKYO, testChange(born, 'name-change', { name: '偽 太郎' }), {
      signer: CHIYODA,
    });
    expect(await relay(TOKYO, forged)).toBe('JUKI_ERR_RELAY_SIGNATURE');
    // A municipality of another prefecture, addressed to its own prefecture, or to this one.
    const foreign = original(
      MATSUBARA,
      testIdentityInfo(testResidentCode(102), { lgCode: '272175' as LocalGovernmentCode }),
    );
    expect(await relay(TOKYO, foreign)).toBe('JUKI_ERR_RELAY_ORIGIN');
    const misaddressed = original(
      MATSUBARA,
      testIdentityInfo(testResidentCode(103), { lgCode: '272175' as LocalGovernmentCode }),
      { to: TOKYO },
    );
    expect(await relay(TOKYO, misaddressed)).toBe('JUKI_ERR_RELAY_ORIGIN');
    // The same original a second time, in a new relay envelope.
    expect(await relay(TOKYO, birth)).toBe('JUKI_ERR_RELAY_REPLAYED');
    // 千代田区 speaking for a resident of 文京区 it never held.
    const meddling = original(
      CHIYODA,
      testChange(born, 'name-change', { lgCode: '131016', name: '山田 次郎' }),
    );
    expect(await relay(TOKYO, meddling)).toBe('JUKI_ERR_IDENTITY_AUTHORITY');

    // The person moves to 松原市; 大阪府's relay of the move-in arrives before 東京都's relay of the move-out.
    const moveIn = testChange(born, 'move-in', { lgCode: '272175', address: '大阪府松原市阿保一丁目1番1号' });
    expect(await relay(OSAKA, original(MATSUBARA, moveIn))).toBe('applied');
    expect(await relay(TOKYO, original(BUNKYO, testChange(born, 'move-out')))).toBe('applied');

    const store = national.context.store;
    expect((await identityHistory(store.db, code)).map((v) => [v.reason, v.origin])).toEqual([
      ['birth', BUNKYO],
      ['move-in', MATSUBARA],
      ['move-out', BUNKYO],
    ]);
    expect(await currentIdentity(store.db, code)).toMatchObject({
      lgCode: '272175',
      closed: false,
      reason: 'move-in',
    });

    await (national.module as NationalModule).securityEvents.flush();
    const events = await store.db
      .selectFrom('security_event')
      .select(['kind', 'peer'])
      .orderBy('id')
      .execute();
    expect(events.map((event) => event.kind)).toEqual([
      'relay-bad-signature',
      'relay-origin',
      'relay-origin',
      'relay-replayed',
      'identity-authority',
    ]);
    expect(new Set(events.map((event) => event.peer))).toEqual(new Set([TOKYO]));
  });
});
