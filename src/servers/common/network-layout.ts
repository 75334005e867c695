// A whole network laid out in one directory (what `jukinet up` keeps in ./.jukinet, docs/running.md): the CA and every
// node's certificate and key, a generated passphrase, stable ports in network.json, and one node.json per node.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  initPkiDirectory,
  openPkiDirectory,
  readNodeIdentity,
  type PkiDirectory,
} from '../../crypto/index.js';
import { parseNodeId, type NodeId } from '../../domain/node-id.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { JukinetError, quote } from '../../shared/errors.js';
import { loadNodeConfig, type NodeConfig, type NodeConfigInput } from './config.js';

/** The default first port: the national server's network port; each node takes two (network, terminal). */
export const DEFAULT_BASE_PORT = 47_000;

/** One node of a laid-out network. */
export interface LayoutNode {
  readonly id: NodeId;
  readonly networkPort: number;
  readonly terminalPort: number;
  /** nodes/<id>/node.json */
  readonly configPath: string;
  /** nodes/<id>/node.db */
  readonly databasePath: string;
}

/** A network laid out in `root`. */
export interface NetworkLayout {
  readonly root: string;
  readonly pkiDirectory: string;
  readonly passphraseFile: string;
  readonly host: string;
  /** In start order: national, prefectures, municipalities. */
  readonly nodes: readonly LayoutNode[];
  /** Whether this call created the network (a first run), as opposed to resuming it. */
  readonly created: boolean;
  /** Nodes whose certificate was issued (first run, a new node) or renewed in this call. */
  readonly issued: readonly NodeId[];
  configOf(id: NodeId): Promise<NodeConfig>;
}

interface NetworkFile {
  readonly version: 1;
  readonly host: string;
  readonly basePort: number;
  readonly nextPort: number;
  readonly nodes: Record<string, { readonly network: number; readonly terminal: number }>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Creates or resumes the network in `root` with `nodeIds`: the CA on first run, a certificate for each node that
 * lacks one or whose certificate ends within `renewWithinDays` (default 30), ports kept from earlier runs (new nodes
 * get the next free pair from `basePort`), and each node's configuration written afresh. National must be listed.
 */
export async function prepareNetwork(
  root: string,
  options: {
    nodeIds: readonly NodeId[];
    basePort?: number;
    host?: string;
    renewWithinDays?: number;
    clock?: Clock;
    /** Days a new certificate is valid (default 90). */
    certificateDays?: number;
  },
): Promise<NetworkLayout> {
  const clock = options.clock ?? systemClock;
  const ids = orderNodes(options.nodeIds);
  if (!ids.includes('national' as NodeId)) {
    throw new JukinetError('JUKI_ERR_CLI_ARGUMENT', 'a network needs the national server');
  }
  await mkdir(root, { recursive: true, mode: 0o700 });

  const passphraseFile = join(root, 'passphrase');
  let passphrase = await readOptional(passphraseFile);
  if (passphrase === undefined) {
    passphrase = randomBytes(32).toString('base64url');
    await writeFile(passphraseFile, `${passphrase}\n`, { mode: 0o600, flag: 'wx' });
  }
  passphrase = passphrase.split(/\r?\n/)[0]!;

  const pkiDirectory = join(root, 'pki');
  let pki: PkiDirectory;
  let created = false;
  if ((await readOptional(join(pkiDirectory, 'ca', 'ca.crt.pem'))) === undefined) {
    pki = await initPkiDirectory(pkiDirectory, {
      passphrase,
      commonName: 'Jukinet Local Network Root CA',
      clock,
    });
    created = true;
  } else {
    pki = openPkiDirectory(pkiDirectory, { passphrase, clock });
  }

  const networkPath = join(root, 'network.json');
  const previous = await readOptional(networkPath);
  const host = options.host ?? '127.0.0.1';
  const basePort = options.basePort ?? DEFAULT_BASE_PORT;
  let network: NetworkFile =
    previous === undefined
      ? { version: 1, host, basePort, nextPort: basePort, nodes: {} }
      : (JSON.parse(previous) as NetworkFile);
  for (const id of ids) {
    if (network.nodes[id] !== undefined) continue;
    const port = network.nextPort;
    network = {
      ...network,
      nextPort: port + 2,
      nodes: { ...network.nodes, [id]: { network: port, terminal: port + 1 } },
    };
  }
  await writeFile(networkPath, `${JSON.stringify(network, null, 2)}\n`);

  // Issued one at a time: the CA's record (issued.json) is rewritten by each issue.
  const issued: NodeId[] = [];
  const renewBefore = clock.now().getTime() + (options.renewWithinDays ?? 30) * DAY_MS;
  for (const id of ids) {
    const certificate = await readOptional(pki.paths.nodeCertificate(id));
    if (certificate !== undefined && readNodeIdentity(certificate).notAfter.getTime() > renewBefore) continue;
    await pki.issue(id, {
      ...(options.certificateDays === undefined ? {} : { days: options.certificateDays }),
    });
    issued.push(id);
  }

  const endpoint = (port: number): string => `https://${network.host}:${port}`;
  const nodes: LayoutNode[] = [];
  for (const id of ids) {
    const ports = network.nodes[id]!;
    const directory = join(root, 'nodes', id);
    await mkdir(directory, { recursive: true, mode: 0o700 });
    const rel = (path: string): string => relative(directory, path);
    const config: NodeConfigInput = {
      nodeId: id,
      database: 'node.db',
      network: { host: network.host, port: ports.network },
      terminal: { host: network.host, port: ports.terminal },
      pki: {
        caCertificate: rel(pki.paths.caCertificate),
        certificate: rel(pki.paths.nodeCertificate(id)),
        keyStore: rel(pki.paths.nodeKeys(id)),
        passphraseFile: rel(passphraseFile),
      },
      ...(id === 'national'
        ? {
            directory: {
              refreshSeconds: 300,
              crl: rel(pki.paths.crl),
              nodes: ids
                .filter((other) => other !== id)
                .map((other) => ({
                  id: other,
                  endpoint: endpoint(network.nodes[other]!.network),
                  terminal: endpoint(network.nodes[other]!.terminal),
                  certificate: rel(pki.paths.nodeCertificate(other)),
                })),
            },
          }
        : { national: { endpoint: endpoint(network.nodes.national!.network), refreshSeconds: 300 } }),
    };
    const configPath = join(directory, 'node.json');
    await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
    nodes.push({
      id,
      networkPort: ports.network,
      terminalPort: ports.terminal,
      configPath,
      databasePath: join(directory, 'node.db'),
    });
  }

  const byId = new Map(nodes.map((node) => [node.id, node]));
  return {
    root,
    pkiDirectory,
    passphraseFile,
    host: network.host,
    nodes,
    created,
    issued,
    async configOf(id) {
      const node = byId.get(id);
      if (node === undefined)
        throw new JukinetError('JUKI_ERR_CLI_ARGUMENT', `${quote(id)} is not in the network`);
      return loadNodeConfig(node.configPath);
    },
  };
}

/** National first, then prefectures, then municipalities (then agencies), each group by id. */
export function orderNodes(ids: readonly NodeId[]): NodeId[] {
  const rank = { national: 0, prefecture: 1, municipality: 2, agency: 3 } as const;
  return [...new Set(ids)].sort((a, b) => {
    const byRole = rank[parseNodeId(a).role] - rank[parseNodeId(b).role];
    return byRole !== 0 ? byRole : a < b ? -1 : a > b ? 1 : 0;
  });
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
