// A whole network in this one process (what `jukinet up` runs): the national server, the 47 prefectures and the chosen
// municipalities, each with its own listeners, database and keys, started in order and stopped in reverse.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import {
  findLocalGovernmentByCode,
  listMunicipalities,
  listPrefectures,
  LocalGovernmentKind,
  checkLocalGovernmentCode,
  japanDateOf,
  type LocalGovernmentCode,
  type NodeId,
} from '../domain/index.js';
import { generatePopulation } from '../ops/seed/index.js';
import {
  prepareNetwork,
  startNode,
  type NetworkLayout,
  type NodeModule,
  type RunningNode,
  type StartNodeOptions,
} from '../servers/common/index.js';
import {
  municipalityModule,
  municipalityOptionsFor,
  type MunicipalityModule,
  type OfficialEntryRequest,
} from '../servers/municipality/index.js';
import { JukinetError, isJukinetError, quote } from '../shared/errors.js';
import { moduleFactoryOf } from './node-modules.js';

/** 文京区, 松原市, 滝川市, 鳥取市: the municipalities `jukinet up` starts unless told otherwise. */
export const DEFAULT_MUNICIPALITIES: readonly LocalGovernmentCode[] = [
  '131059',
  '272175',
  '012254',
  '312011',
].map((code) => code as LocalGovernmentCode);

/** The network running in this process, in start order. */
export interface LocalNetwork {
  readonly layout: NetworkLayout;
  readonly national: RunningNode<NodeModule>;
  readonly prefectures: readonly RunningNode<NodeModule>[];
  readonly municipalities: readonly RunningNode<MunicipalityModule>[];
  /** Every node, in start order. */
  all(): readonly RunningNode<NodeModule>[];
  /** Stops municipalities, then prefectures, then the national server. */
  stop(): Promise<void>;
}

/**
 * Parses `--municipalities`: `all`, or a comma-separated list of 5- or 6-digit codes of bodies that keep a resident
 * register (not a prefecture, not a designated city whose wards keep them). JUKI_ERR_CLI_ARGUMENT otherwise.
 */
export function parseMunicipalities(value: string): LocalGovernmentCode[] {
  if (value.trim() === 'all') return listMunicipalities().map((lg) => lg.code);
  const codes = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (codes.length === 0) throw new JukinetError('JUKI_ERR_CLI_ARGUMENT', '--municipalities is empty');
  return [
    ...new Set(
      codes.map((input) => {
        const checked = checkLocalGovernmentCode(input);
        if (!checked.ok)
          throw new JukinetError('JUKI_ERR_CLI_ARGUMENT', `${quote(input)}: not a local government code`);
        const lg = findLocalGovernmentByCode(checked.value);
        if (lg === undefined)
          throw new JukinetError('JUKI_ERR_CLI_ARGUMENT', `${quote(input)}: no such municipality`);
        if (lg.kind === LocalGovernmentKind.prefecture || lg.kind === LocalGovernmentKind.designatedCity) {
          throw new JukinetError(
            'JUKI_ERR_CLI_ARGUMENT',
            `${quote(input)}: ${lg.name} keeps no resident register of its own`,
          );
        }
        return lg.code;
      }),
    ),
  ];
}

/** Every node id of a network with `municipalities`: national, all 47 prefectures, the municipalities. */
export function networkNodeIds(municipalities: readonly LocalGovernmentCode[]): NodeId[] {
  return [
    'national' as NodeId,
    ...listPrefectures().map((lg) => `pref-${lg.prefectureCode}` as NodeId),
    ...municipalities.map((code) => `muni-${code}` as NodeId),
  ];
}

/**
 * Lays out (or resumes) the network in `directory` and starts it: national, then the prefectures in parallel, then the
 * municipalities (`concurrency` at a time). `onProgress` hears each group as it comes up.
 */
export async function startLocalNetwork(
  directory: string,
  options: {
    municipalities: readonly LocalGovernmentCode[];
    basePort?: number;
    logger: Logger;
    concurrency?: number;
    onProgress?: (line: string) => void;
    /** Aborted (Ctrl-C), the start stops the servers it started and throws JUKI_ERR_CLI_INTERRUPTED. */
    signal?: AbortSignal;
    nodeOptions?: Omit<StartNodeOptions, 'logger' | 'sharedDirectory'>;
  },
): Promise<LocalNetwork> {
  const layout = await prepareNetwork(directory, {
    nodeIds: networkNodeIds(options.municipalities),
    ...(options.basePort === undefined ? {} : { basePort: options.basePort }),
  });
  const progress = options.onProgress ?? (() => undefined);
  if (layout.issued.length > 0) progress(`certificates issued or renewed: ${layout.issued.length}`);
  const started: RunningNode<NodeModule>[] = [];
  const nodeOptions = { ...options.nodeOptions, logger: options.logger };

  try {
    const nationalConfig = await layout.configOf('national' as NodeId);
    const national = await startNode(
      nationalConfig,
      moduleFactoryOf('national', nationalConfig),
      nodeOptions,
    );
    started.push(national);
    progress(`national server ready at ${national.networkEndpoint}`);
    // Every node in this process trusts the directory the national server here just signed until its own refresh.
    const shared = { ...nodeOptions, sharedDirectory: () => national.directory() };

    const prefectureIds = layout.nodes.filter((node) => node.id.startsWith('pref-')).map((node) => node.id);
    const prefectures = await Promise.all(
      prefectureIds.map(async (id) => {
        const node = await startNode(await layout.configOf(id), moduleFactoryOf('prefecture'), shared);
        started.push(node);
        return node;
      }),
    );
    progress(`${prefectures.length} prefectural servers ready`);

    const municipalityIds = layout.nodes.filter((node) => node.id.startsWith('muni-')).map((node) => node.id);
    const municipalities: RunningNode<MunicipalityModule>[] = [];
    const concurrency = options.concurrency ?? 16;
    for (let first = 0; first < municipalityIds.length; first += concurrency) {
      throwIfInterrupted(options.signal, 'the start');
      const batch = await Promise.all(
        municipalityIds.slice(first, first + concurrency).map(async (id) => {
          const config = await layout.configOf(id);
          const node = await startNode(
            config,
            (context) => municipalityModule(context, municipalityOptionsFor(config)),
            shared,
          );
          started.push(node);
          return node;
        }),
      );
      municipalities.push(...batch);
      if (municipalityIds.length > concurrency) {
        progress(`municipal servers ready: ${municipalities.length}/${municipalityIds.length}`);
      }
    }
    progress(`${municipalities.length} municipal servers ready`);

    let stopping: Promise<void> | undefined;
    return {
      layout,
      national,
      prefectures,
      municipalities,
      all: () => [national, ...prefectures, ...municipalities],
      stop() {
        stopping ??= (async () => {
          await Promise.all(municipalities.map((node) => node.stop()));
          await Promise.all(prefectures.map((node) => node.stop()));
          await national.stop();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await stopInReverse(started);
    throw error;
  }
}

/** Stops nodes started so far: municipalities, then prefectures, then national. */
async function stopInReverse(nodes: readonly RunningNode<NodeModule>[]): Promise<void> {
  for (const role of ['municipality', 'prefecture', 'national'] as const) {
    await Promise.all(nodes.filter((node) => node.context.role === role).map((node) => node.stop()));
  }
}

/**
 * Seeds each municipality that has no resident yet with `population` synthetic residents (households recorded by
 * 職権記載, a few hundred per transaction), and returns how many it recorded per node.
 */
export async function seedPopulation(
  municipalities: readonly RunningNode<MunicipalityModule>[],
  options: {
    population: number;
    onProgress?: (line: string) => void;
    referenceDate?: string;
    /** Aborted (Ctrl-C), seeding stops between two batches and throws JUKI_ERR_CLI_INTERRUPTED. */
    signal?: AbortSignal;
  },
): Promise<Map<NodeId, number>> {
  const seeded = new Map<NodeId, number>();
  if (options.population === 0) return seeded;
  const referenceDate = options.referenceDate ?? japanDateOf(new Date());
  // One line per municipality for a few; for many (--municipalities all), one line per hundred.
  const lineEach = municipalities.length > SEED_LINES_MAX;
  let done = 0;
  let total = 0;
  for (const node of municipalities) {
    done += 1;
    const { register } = node.module;
    if ((await register.countResidents({ includeClosed: true })) > 0) continue;
    const lgCode = node.nodeId.slice('muni-'.length) as LocalGovernmentCode;
    const households = generatePopulation({
      lgCode,
      count: options.population,
      seed: Number(lgCode),
      referenceDate,
    });
    let batch: OfficialEntryRequest[] = [];
    let recorded = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      throwIfInterrupted(options.signal, 'seeding');
      await recordWhenCodesArrive(() => register.recordOfficialEntries(batch));
      recorded += batch.length;
      batch = [];
    };
    for (const [index, household] of households.entries()) {
      const householdId = `seed-${index + 1}`;
      for (const [position, person] of household.members.entries()) {
        batch.push({
          name: person.name,
          nameKana: person.nameKana,
          ...(person.commonName === undefined ? {} : { commonName: person.commonName }),
          birthDate: person.birthDate,
          sex: person.sex,
          foreignResident: person.foreignResident,
          address: household.address,
          household: position === 0 ? { create: householdId } : { join: householdId },
          ...(position === 0 ? {} : { relationship: person.relationship }),
          // A synthetic population may repeat a name, reading and birth date: distinct people by construction.
          acknowledgeDuplicate: true,
        });
      }
      if (batch.length >= 200) await flush();
    }
    await flush();
    seeded.set(node.nodeId, recorded);
    total += recorded;
    if (!lineEach) {
      const lg = findLocalGovernmentByCode(lgCode);
      options.onProgress?.(`seeded ${lg?.fullName ?? lgCode}: ${recorded} residents`);
    } else if (done % 100 === 0 || done === municipalities.length) {
      options.onProgress?.(`seeded ${done}/${municipalities.length} municipalities: ${total} residents`);
    }
  }
  return seeded;
}

/** Above this many municipalities, seeding reports progress every hundred instead of each one. */
const SEED_LINES_MAX = 20;

function throwIfInterrupted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted === true) throw new JukinetError('JUKI_ERR_CLI_INTERRUPTED', `${what} was interrupted`);
}

/**
 * Runs `record` again while the municipality's code holding is empty: seeding outpaces the background refill from
 * the prefecture, and a batch is all or nothing, so waiting and retrying loses nothing. Gives up after `limitMs`.
 */
async function recordWhenCodesArrive<T>(record: () => Promise<T>, limitMs = 180_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    try {
      return await record();
    } catch (error) {
      if (!isJukinetError(error, 'JUKI_ERR_CODE_POOL_EMPTY') || Date.now() > deadline) throw error;
      await sleep(250);
    }
  }
}

/** Open (not closed) identity records this node holds: a municipality's residents, a prefecture's, everyone's. */
export async function countOpenIdentities(node: RunningNode<NodeModule>): Promise<number> {
  const row = await node.context.store.db
    .selectFrom('identity_current')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('closed', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
