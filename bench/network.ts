// A small network for the benchmarks, laid out and started in one process the way `jukinet up` does: the national
// server, the prefectures of the chosen municipalities and the municipalities, seeded with a synthetic population.

import { pino } from 'pino';
import {
  parseLocalGovernmentCode,
  prefectureNodeOf,
  type LocalGovernmentCode,
  type NodeId,
} from '../src/domain/index.js';
import { openSoftwareKeyStore } from '../src/crypto/index.js';
import type { NodeTlsMaterial } from '../src/net/index.js';
import { generatePopulation, type SyntheticHousehold } from '../src/ops/index.js';
import { NODE_KEY_ALIAS, startNode, type NodeModule, type RunningNode } from '../src/servers/common/index.js';
import { prepareNetwork } from '../src/servers/common/network-layout.js';
import { freePortRange } from '../src/servers/common/testing/free-ports.js';
import { municipalityModule, type MunicipalityModule } from '../src/servers/municipality/index.js';
import { nationalModule } from '../src/servers/national/index.js';
import { prefectureModule } from '../src/servers/prefecture/index.js';
import { JukinetError } from '../src/shared/errors.js';
import { readFile } from 'node:fs/promises';

/** A seeded resident of a municipality, as the benchmark drives it. */
export interface BenchResident {
  readonly id: string;
  readonly residentCode: string;
  /**
   * Heads a household with other members: a 転居 alone would need a new head named (docs/linkage.md, "One head per
   * household"), so the benchmark moves the others.
   */
  readonly headsOthers: boolean;
}

export interface BenchMunicipality {
  readonly lgCode: LocalGovernmentCode;
  readonly node: RunningNode<MunicipalityModule>;
  readonly residents: readonly BenchResident[];
  /** Addresses of the municipality, for moves within it. */
  readonly addresses: readonly string[];
}

export interface BenchNetwork {
  readonly national: RunningNode<NodeModule>;
  readonly prefectures: readonly RunningNode<NodeModule>[];
  readonly municipalities: readonly BenchMunicipality[];
  /** TLS material of a prefecture (a node allowed to look identities up), for a load client beside the network. */
  readonly lookupClientTls: NodeTlsMaterial;
  /** TLS material of the national server: the echo baseline serves with the same certificate. */
  readonly nationalTls: NodeTlsMaterial;
  stop(): Promise<void>;
}

const NATIONAL = 'national' as NodeId;

async function tlsOf(
  layout: Awaited<ReturnType<typeof prepareNetwork>>,
  id: NodeId,
): Promise<NodeTlsMaterial> {
  const config = await layout.configOf(id);
  const passphrase = (await readFile(layout.passphraseFile, 'utf8')).split(/\r?\n/)[0]!;
  const keyStore = openSoftwareKeyStore(config.pki.keyStore, { passphrase });
  return {
    nodeId: id,
    certificatePem: await readFile(config.pki.certificate, 'utf8'),
    privateKey: await keyStore.tlsPrivateKey(NODE_KEY_ALIAS),
    caPem: await readFile(config.pki.caCertificate, 'utf8'),
  };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Records the households as existing residents (職権記載), a batch at a time, waiting for codes when the holding is low. */
async function seed(
  municipality: RunningNode<MunicipalityModule>,
  households: readonly SyntheticHousehold[],
  options: { referenceDate: string },
): Promise<BenchResident[]> {
  const residents: BenchResident[] = [];
  const batch = 50;
  for (let start = 0; start < households.length; start += batch) {
    const requests = households.slice(start, start + batch).flatMap((household, offset) => {
      const householdId = `bench-${start + offset}`;
      return household.members.map((member, index) => ({
        name: member.name,
        nameKana: member.nameKana,
        ...(member.commonName === undefined ? {} : { commonName: member.commonName }),
        birthDate: member.birthDate,
        sex: member.sex,
        foreignResident: member.foreignResident,
        address: household.address,
        date: options.referenceDate,
        household: index === 0 ? { create: householdId } : { join: householdId },
        ...(index === 0 ? {} : { relationship: member.relationship }),
        acknowledgeDuplicate: true,
      }));
    });
    for (let attempt = 0; ; attempt++) {
      try {
        const records = await municipality.module.register.recordOfficialEntries(requests);
        const sizes = new Map<string, number>();
        for (const record of records) sizes.set(record.householdId, (sizes.get(record.householdId) ?? 0) + 1);
        residents.push(
          ...records.map((record) => ({
            id: record.id,
            residentCode: record.residentCode,
            headsOthers: record.relationship === '世帯主' && (sizes.get(record.householdId) ?? 0) > 1,
          })),
        );
        break;
      } catch (error) {
        // The code holding refills in the background; wait for it rather than fail the run.
        if (!(error instanceof JukinetError) || error.code !== 'JUKI_ERR_CODE_POOL_EMPTY' || attempt > 200) {
          throw error;
        }
        await pause(100);
      }
    }
  }
  return residents;
}

/**
 * Lays out a network in `root` (CA, certificates, databases, ports), starts it in start order, and seeds `residents`
 * synthetic residents in each municipality. Logs go to stderr at `logLevel` (default "error").
 */
export async function startBenchNetwork(
  root: string,
  options: {
    municipalities: readonly string[];
    residents: number;
    seed: number;
    referenceDate: string;
    logLevel?: string;
  },
): Promise<BenchNetwork> {
  const lgCodes = options.municipalities.map((code) => parseLocalGovernmentCode(code));
  const muniIds = lgCodes.map((code) => `muni-${code}` as NodeId);
  const prefIds = [...new Set(muniIds.map((id) => prefectureNodeOf(id)!))];
  const ids = [NATIONAL, ...prefIds, ...muniIds];
  const layout = await prepareNetwork(root, { nodeIds: ids, basePort: await freePortRange(ids.length * 2) });
  const logger = pino({ level: options.logLevel ?? 'error' }, pino.destination(2));
  const started: RunningNode<NodeModule>[] = [];
  const stop = async (): Promise<void> => {
    for (const node of started.splice(0).reverse()) await node.stop();
  };
  try {
    const national = await startNode(await layout.configOf(NATIONAL), (context) => nationalModule(context), {
      logger,
    });
    started.push(national);
    const prefectures: RunningNode<NodeModule>[] = [];
    for (const id of prefIds) {
      const node = await startNode(await layout.configOf(id), (context) => prefectureModule(context), {
        logger,
      });
      started.push(node);
      prefectures.push(node);
    }
    const municipalities: BenchMunicipality[] = [];
    for (const [index, id] of muniIds.entries()) {
      const lgCode = lgCodes[index]!;
      const node = await startNode(
        await layout.configOf(id),
        (context) =>
          municipalityModule(context, {
            lowWater: Math.max(100, Math.min(1000, options.residents)),
            blockSize: 1000,
          }),
        { logger },
      );
      started.push(node);
      const households = generatePopulation({
        lgCode,
        count: options.residents,
        seed: options.seed + index,
        referenceDate: options.referenceDate,
      });
      const residents = await seed(node, households, { referenceDate: options.referenceDate });
      municipalities.push({
        lgCode,
        node,
        residents,
        addresses: households.map((household) => household.address),
      });
    }
    return {
      national,
      prefectures,
      municipalities,
      lookupClientTls: await tlsOf(layout, prefIds[0]!),
      nationalTls: await tlsOf(layout, NATIONAL),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** How many identity versions a node's history holds. */
export async function countVersions(node: RunningNode<NodeModule>): Promise<number> {
  const row = await node.context.store.db
    .selectFrom('identity_version')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The versions recorded at or after `since` (ISO), keyed by "code/version", with when each was recorded (ms). */
export async function versionsSince(
  node: RunningNode<NodeModule>,
  since: string,
): Promise<Map<string, number>> {
  const rows = await node.context.store.db
    .selectFrom('identity_version')
    .select(['resident_code', 'version', 'recorded_at'])
    .where('recorded_at', '>=', since)
    .execute();
  return new Map(
    rows.map((row) => [`${row.resident_code}/${row.version}`, Date.parse(String(row.recorded_at))]),
  );
}
