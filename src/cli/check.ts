// `jukinet check consistency`: compares, per municipality, the municipal, prefectural and national copies of the
// identity information by digest and names the resident codes that differ (docs/protocol/consistency.md).

import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  findLocalGovernmentByCode,
  parseLocalGovernmentCode,
  parseNodeId,
  prefectureNodeOf,
  type LocalGovernmentCode,
  type NodeId,
  type ResidentCode,
} from '../domain/index.js';
import { createPeerClient, type PeerClient } from '../net/index.js';
import { JukinetError, isJukinetError, quote } from '../shared/errors.js';
import type { ConsistencyDigest } from '../servers/common/identity-history.js';
import { loadNodeConfig, openNodeCredentials, type NodeConfig } from '../servers/common/index.js';

/** Reads one node's digest for a municipality: `GET /v1/consistency/:lgCode` on that node, as the national server. */
export type DigestSource = (node: NodeId, lgCode: LocalGovernmentCode) => Promise<ConsistencyDigest>;

/** The copies compared for each municipality; the municipal copy is the reference. */
export const ConsistencyCopy = {
  municipal: 'municipal',
  prefectural: 'prefectural',
  national: 'national',
} as const;
export type ConsistencyCopy = (typeof ConsistencyCopy)[keyof typeof ConsistencyCopy];

/** How a code differs in a copy from the municipal copy. */
export const CodeDifference = {
  /** In the municipal copy, not in this one. */
  missing: 'missing',
  /** In this copy, not in the municipal one. */
  extra: 'extra',
  /** In both, with other identity information. */
  changed: 'changed',
} as const;
export type CodeDifference = (typeof CodeDifference)[keyof typeof CodeDifference];

/** The comparison for one municipality. */
export interface MunicipalityConsistency {
  readonly municipality: NodeId;
  readonly lgCode: LocalGovernmentCode;
  readonly name: string;
  /** Residents counted by each copy that answered. */
  readonly counts: Partial<Record<ConsistencyCopy, number>>;
  /** The codes by which the prefectural or the national copy differs from the municipal copy. */
  readonly differences: readonly {
    readonly copy: 'prefectural' | 'national';
    readonly code: ResidentCode;
    readonly kind: CodeDifference;
  }[];
  /** Copies that could not be read, and why. */
  readonly failures: readonly { readonly copy: ConsistencyCopy; readonly reason: string }[];
  readonly consistent: boolean;
}

/** The comparison for every municipality checked. */
export interface ConsistencyReport {
  readonly municipalities: readonly MunicipalityConsistency[];
  /** True when every copy of every municipality answered and agreed. */
  readonly consistent: boolean;
}

/**
 * Compares, for each municipality in `municipalities`, its own digest with its prefecture's and the national server's
 * (read with `fetchDigest`), and lists each code that differs from the municipal copy. `up --smoke` calls it with the
 * running national node's `context.call`; the CLI with mTLS clients holding the national node's credentials.
 */
export async function checkConsistency(options: {
  municipalities: readonly NodeId[];
  fetchDigest: DigestSource;
}): Promise<ConsistencyReport> {
  const municipalities: MunicipalityConsistency[] = [];
  for (const municipality of options.municipalities) {
    municipalities.push(await compareMunicipality(municipality, options.fetchDigest));
  }
  return { municipalities, consistent: municipalities.every((entry) => entry.consistent) };
}

async function compareMunicipality(
  municipality: NodeId,
  fetchDigest: DigestSource,
): Promise<MunicipalityConsistency> {
  const parsed = parseNodeId(municipality);
  if (parsed.role !== 'municipality') {
    throw new JukinetError('JUKI_ERR_CLI_ARGUMENT', `${quote(municipality)} is not a municipality`);
  }
  const lgCode = parsed.lgCode;
  const sources: readonly [ConsistencyCopy, NodeId][] = [
    ['municipal', municipality],
    ['prefectural', prefectureNodeOf(municipality)!],
    ['national', 'national' as NodeId],
  ];
  const digests = new Map<ConsistencyCopy, ConsistencyDigest>();
  const failures: { copy: ConsistencyCopy; reason: string }[] = [];
  await Promise.all(
    sources.map(async ([copy, node]) => {
      try {
        digests.set(copy, await fetchDigest(node, lgCode));
      } catch (error) {
        if (!isJukinetError(error)) throw error;
        failures.push({ copy, reason: `${error.code}: ${error.message}` });
      }
    }),
  );
  const counts: Partial<Record<ConsistencyCopy, number>> = {};
  for (const [copy] of sources) {
    const digest = digests.get(copy);
    if (digest !== undefined) counts[copy] = digest.count;
  }
  const differences: { copy: 'prefectural' | 'national'; code: ResidentCode; kind: CodeDifference }[] = [];
  const reference = digests.get('municipal');
  if (reference !== undefined) {
    for (const copy of ['prefectural', 'national'] as const) {
      const other = digests.get(copy);
      if (other === undefined || other.digest === reference.digest) continue;
      for (const [code, kind] of compareEntries(reference, other)) differences.push({ copy, code, kind });
    }
  }
  return {
    municipality,
    lgCode,
    name: findLocalGovernmentByCode(lgCode)?.fullName ?? lgCode,
    counts,
    differences,
    failures: failures.sort((a, b) => a.copy.localeCompare(b.copy)),
    consistent: failures.length === 0 && differences.length === 0,
  };
}

/** Each code whose entry differs between the municipal copy and `other`, sorted by code. */
function compareEntries(
  municipal: ConsistencyDigest,
  other: ConsistencyDigest,
): [ResidentCode, CodeDifference][] {
  const theirs = new Map(other.entries);
  const found: [ResidentCode, CodeDifference][] = [];
  for (const [code, hash] of municipal.entries) {
    const their = theirs.get(code);
    if (their === undefined) found.push([code, CodeDifference.missing]);
    else if (their !== hash) found.push([code, CodeDifference.changed]);
    theirs.delete(code);
  }
  for (const code of theirs.keys()) found.push([code, CodeDifference.extra]);
  return found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The report as lines: one per municipality (`131059 文京区: 1000 residents, municipal = prefectural = national`),
 * then one per differing code (`  national: 12345678903 missing`) and per copy that could not be read.
 */
export function formatConsistencyReport(report: ConsistencyReport): string[] {
  const lines: string[] = [];
  for (const entry of report.municipalities) {
    const head = `${entry.lgCode} ${entry.name}`;
    const counts = entry.counts;
    if (entry.consistent) {
      lines.push(`${head}: ${counts.municipal ?? 0} residents, municipal = prefectural = national`);
      continue;
    }
    const countText = (['municipal', 'prefectural', 'national'] as const)
      .map((copy) => `${copy} ${counts[copy] ?? '?'}`)
      .join(', ');
    const differing = [...new Set(entry.differences.map((difference) => difference.copy))];
    const verdict = [
      ...differing.map((copy) => `${copy} differs`),
      ...entry.failures.map((failure) => `${failure.copy} unreadable`),
    ].join(', ');
    lines.push(`${head}: residents ${countText}: ${verdict}`);
    for (const difference of entry.differences) {
      lines.push(`  ${difference.copy}: ${difference.code} ${difference.kind}`);
    }
    for (const failure of entry.failures) lines.push(`  ${failure.copy}: ${failure.reason}`);
  }
  return lines;
}

/**
 * Checks a network from the national node's configuration: its credentials to call every node over mTLS, and its
 * directory's list of nodes for their endpoints and the municipalities to check (all of them unless `municipalities`).
 */
export async function checkNetworkConsistency(
  config: NodeConfig,
  options: { passphrase?: string; municipalities?: readonly NodeId[]; timeoutMs?: number } = {},
): Promise<ConsistencyReport> {
  if (config.nodeId !== 'national' || config.directory === undefined) {
    throw new JukinetError(
      'JUKI_ERR_CLI_ARGUMENT',
      `the check needs the national node's configuration, not ${quote(config.nodeId)}`,
    );
  }
  const tls = await openNodeCredentials(config, {
    ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
  });
  const endpoints = new Map<NodeId, string>(config.directory.nodes.map((node) => [node.id, node.endpoint]));
  const host = config.network.host.includes(':') ? `[${config.network.host}]` : config.network.host;
  endpoints.set('national' as NodeId, `https://${host}:${config.network.port}`);
  const clients = new Map<NodeId, PeerClient>();
  const fetchDigest: DigestSource = (node, lgCode) => {
    let client = clients.get(node);
    if (client === undefined) {
      const endpoint = endpoints.get(node);
      if (endpoint === undefined)
        return Promise.reject(new JukinetError('JUKI_ERR_PEER_UNKNOWN', quote(node)));
      client = createPeerClient({
        tls,
        endpoint,
        expectedNodeId: node,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
      clients.set(node, client);
    }
    return client.request<ConsistencyDigest>('GET', `/v1/consistency/${lgCode}`);
  };
  const municipalities =
    options.municipalities ??
    config.directory.nodes
      .map((node) => node.id)
      .filter((id) => parseNodeId(id).role === 'municipality')
      .sort();
  try {
    return await checkConsistency({ municipalities, fetchDigest });
  } finally {
    await Promise.all([...clients.values()].map((client) => client.close()));
  }
}

/** Adds `check consistency` to the program. */
export function registerCheckCommands(program: Command): void {
  const check = program.command('check').description('check a running network');
  check
    .command('consistency')
    .description('compare the municipal, prefectural and national copies of each municipality by digest')
    .option('--dir <dir>', 'the network directory written by `jukinet up`', '.jukinet')
    .option('--config <file>', "the national node's node.json (instead of --dir)")
    .option('--municipalities <ids>', 'only these municipalities: LG codes or node ids, comma-separated')
    .option('--json', 'print the report as JSON')
    .action(async (options: { dir: string; config?: string; municipalities?: string; json?: boolean }) => {
      const configPath = options.config ?? join(resolve(options.dir), 'nodes', 'national', 'node.json');
      const config = await loadNodeConfig(configPath);
      const municipalities = options.municipalities
        ?.split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
        .map((item) =>
          item.startsWith('muni-')
            ? parseNodeId(item).id
            : (`muni-${parseLocalGovernmentCode(item)}` as NodeId),
        );
      const report = await checkNetworkConsistency(config, {
        ...(municipalities === undefined ? {} : { municipalities }),
      });
      process.stdout.write(
        options.json === true
          ? `${JSON.stringify(report, null, 2)}\n`
          : formatConsistencyReport(report)
              .map((line) => `${line}\n`)
              .join(''),
      );
      if (!report.consistent) process.exitCode = 1;
    });
}
