// The node runtime (docs/decisions/0004-servers.md, "One runtime, three kinds of server"): from a configuration it
// opens the store, loads the TLS material, starts the network and terminal servers, the outbox dispatcher and the
// directory, waits for its upstream, then starts the server module; stop() undoes it all in reverse.

import type { Transaction } from 'kysely';
import { pino, type Logger } from 'pino';
import { listPrefectures, findLocalGovernmentByCode, parseNodeId, type NodeId } from '../../domain/index.js';
import type { KeyStore } from '../../crypto/index.js';
import {
  createDispatcher,
  createNetworkServer,
  createPeerClient,
  enqueueMessage,
  messagesRoute,
  signEnvelope,
  type Dispatcher,
  type DispatcherOptions,
  type EnvelopeSigner,
  type NetworkServer,
  type NodeTlsMaterial,
  type PeerClient,
  type SecurityEvent,
} from '../../net/index.js';
import { createMessageRegistry, type Envelope } from '../../protocol/index.js';
import { assert } from '../../shared/assert.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { JukinetError, isJukinetError, quote } from '../../shared/errors.js';
import { openStore, type Database, type Store } from '../../store/index.js';
import { operatorSettingsFor, type NodeConfig } from './config.js';
import { NODE_KEY_ALIAS, openNodeCredentials, readConfiguredFile } from './node-credentials.js';
import {
  buildDirectory,
  directoryRoute,
  directoryView,
  fetchDirectory,
  type DirectoryDocument,
  type DirectoryEntry,
  type SignedDirectory,
} from './directory.js';
import { healthRoute, retryUntil, upstreamOf, waitForReady, type NodeHealth } from './health.js';
import type { NodeContext, NodeModule, Outbox } from './node-module.js';
import { createOperatorService } from './operators/index.js';
import type { TerminalOperators } from './terminal-api/index.js';
import { createTerminalServer, type NodeStatus, type TerminalServer } from './terminal-server.js';

/** How often sessions idle past the limit are ended (they also end at their next use). */
const IDLE_SWEEP_MS = 60_000;

export { NODE_KEY_ALIAS } from './node-credentials.js';

export interface StartNodeOptions {
  readonly clock?: Clock;
  /** The node's logger; by default pino at the configuration's level on stderr. */
  readonly logger?: Logger;
  /** The key store passphrase; by default the first line of `pki.passphraseFile`. */
  readonly passphrase?: string;
  /** Give up waiting for the national server's directory and the upstream node after this long. Default: never. */
  readonly upstreamTimeoutMs?: number;
  /** Aborting stops a start that is still waiting for its upstream. */
  readonly signal?: AbortSignal;
  /** Dispatcher tuning (tests shorten the backoff). */
  readonly dispatcher?: Pick<
    DispatcherOptions,
    'batchSize' | 'backoff' | 'pollIntervalMs' | 'requestTimeoutMs'
  >;
  /**
   * A directory already verified in this process (`jukinet up` hosts many nodes): used until the node's own fetch,
   * so that a thousand nodes do not each download and verify it at once.
   */
  readonly sharedDirectory?: () => DirectoryDocument | undefined;
}

/** A node that runs: its module, its context, where it listens, and how to stop it. */
export interface RunningNode<M extends NodeModule> {
  readonly nodeId: NodeId;
  readonly module: M;
  readonly context: NodeContext;
  readonly dispatcher: Dispatcher;
  /** https://host:port of the network port (mTLS, HTTP/2). */
  readonly networkEndpoint: string;
  /** https://host:port/ of the terminal port. */
  readonly terminalUrl: string;
  /** The directory in hand (undefined on the national server before its first build, never after start). */
  directory(): DirectoryDocument | undefined;
  /** Fetches (or, on the national server, rebuilds) the directory now. */
  refreshDirectory(): Promise<void>;
  status(): NodeStatus;
  /** Stops the module, the dispatcher, both servers and the store, in that order. Calling it again does nothing. */
  stop(): Promise<void>;
}

/**
 * Starts one node from its configuration and the factory of its module (nationalModule, prefectureModule,
 * municipalityModule). Resolves once the node is ready: listening, directory in hand, upstream ready, module started.
 */
export async function startNode<M extends NodeModule>(
  config: NodeConfig,
  factory: (context: NodeContext) => M | Promise<M>,
  options: StartNodeOptions = {},
): Promise<RunningNode<M>> {
  const { nodeId } = config;
  const role = parseNodeId(nodeId).role;
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? pino({ level: config.logLevel }, pino.destination(2))).child({
    node: nodeId,
  });
  const cleanups: (() => Promise<void>)[] = [];
  const runCleanups = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.error({ err: error }, 'Stopping failed');
      }
    }
  };

  try {
    // Keys and certificates.
    const { keyStore, certificatePem, privateKey, caPem } = await openNodeCredentials(config, {
      ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
    });
    let tls: NodeTlsMaterial = { nodeId, certificatePem, privateKey, caPem };
    const sign: EnvelopeSigner = (unsigned) => signEnvelope(unsigned, privateKey).sig;

    // The store.
    const store = await openStore(config.database, { logger });
    cleanups.push(() => store.close());
    await claimStore(store, nodeId);

    // The directory: built here on the national server, fetched from it everywhere else.
    let document: DirectoryDocument | undefined;
    let signed: SignedDirectory | undefined;
    const view = directoryView(() => document ?? options.sharedDirectory?.());

    // Peers.
    const clients = new Map<NodeId, PeerClient>();
    cleanups.push(async () => {
      await Promise.all([...clients.values()].map((client) => client.close().catch(() => undefined)));
      clients.clear();
    });
    function endpointOf(peer: NodeId): string {
      const listed = view.node(peer)?.endpoint;
      if (listed !== undefined) return listed;
      if (peer === 'national' && config.national !== undefined) return config.national.endpoint;
      throw new JukinetError('JUKI_ERR_PEER_UNKNOWN', quote(peer));
    }
    function clientOf(peer: NodeId): PeerClient {
      const endpoint = endpointOf(peer);
      const existing = clients.get(peer);
      if (existing !== undefined && existing.endpoint === endpoint) return existing;
      void existing?.close().catch(() => undefined);
      const client = createPeerClient({ tls, endpoint, expectedNodeId: peer, logger });
      clients.set(peer, client);
      return client;
    }

    const dispatcher = createDispatcher({
      store,
      tls,
      resolvePeer: (peer) => ({ endpoint: endpointOf(peer) }),
      logger,
      clock,
      ...options.dispatcher,
    });
    cleanups.push(() => dispatcher.stop());

    function outboxFor(trx: Transaction<Database>, peers: Set<NodeId>): Outbox {
      return {
        send({ to, type, body }): Promise<Envelope> {
          peers.add(to);
          return enqueueMessage(trx, { from: nodeId, to, type, body, sign, clock });
        },
      };
    }

    const context: NodeContext = {
      nodeId,
      role,
      store,
      clock,
      logger,
      directory: view,
      async transaction(fn) {
        let peers = new Set<NodeId>();
        const result = await store.transaction((trx) => {
          peers = new Set();
          return fn(trx, outboxFor(trx, peers));
        });
        for (const peer of peers) dispatcher.kick(peer);
        return result;
      },
      call(peer, request) {
        return clientOf(peer).request(request.method, request.path, request.body);
      },
      certificateOf(id) {
        return view.node(id)?.certificatePem;
      },
      caPem,
    };

    const module = await factory(context);
    if (module.role !== role) {
      throw new JukinetError(
        'JUKI_ERR_CONFIG_INVALID',
        `${quote(nodeId)} cannot run a ${module.role} module`,
      );
    }

    // The network port.
    let ready = false;
    const health = (): NodeHealth => ({ nodeId, role, ready, directoryIssuedAt: view.issuedAt });
    const inboundPeers = new Set<NodeId>();
    const messages = messagesRoute({
      store,
      self: nodeId,
      registry: createMessageRegistry(module.messages),
      apply: (trx, envelope, body) =>
        module.apply(trx, { envelope, body, outbox: outboxFor(trx, inboundPeers) }),
      senderCertificate: (id) => context.certificateOf(id),
      ...(module.authorise === undefined ? {} : { authorise: module.authorise.bind(module) }),
      onSecurityEvent: (event) =>
        logger.warn({ event: event.kind, peer: event.peer, ...event.detail }, 'Refused message'),
      clock,
    });
    const routes = [
      {
        ...messages,
        async handler(request: Parameters<typeof messages.handler>[0]) {
          try {
            return await messages.handler(request);
          } finally {
            // Follow-up messages (relays) committed with the applied ones: wake their loops.
            for (const peer of inboundPeers) dispatcher.kick(peer);
            inboundPeers.clear();
          }
        },
      },
      healthRoute(health),
      ...(role === 'national' ? [directoryRoute(() => signed)] : []),
      ...(module.networkRoutes?.() ?? []),
    ];
    const networkServer: NetworkServer = createNetworkServer({
      tls,
      routes,
      logger,
      onSecurityEvent: (event) => recordSecurityEvent(store, event, clock),
    });
    const { port: networkPort } = await networkServer.listen(config.network.port, config.network.host);
    cleanups.push(() => networkServer.close());
    const networkEndpoint = `https://${hostForUrl(config.network.host)}:${networkPort}`;

    // The terminal port.
    const name = displayNameOf(nodeId);
    const status = (): NodeStatus => ({
      nodeId,
      role,
      name,
      ready,
      queue: Object.fromEntries(
        Object.entries(dispatcher.stats()).map(([peer, stats]) => [
          peer,
          { queued: stats.queued, state: stats.state },
        ]),
      ),
      directoryIssuedAt: view.issuedAt,
    });
    // The operators' relying party names the port the terminal listens on, known only once it does (port 0).
    const operators: { current?: TerminalOperators } = {};
    const terminal: TerminalServer = createTerminalServer({
      certificatePem,
      privateKey,
      status,
      logger,
      operators: () => {
        assert(
          operators.current !== undefined,
          'The operator service is set as soon as the terminal listens',
        );
        return operators.current;
      },
      // The node kind's own terminal routes (the municipal register and certificates), beside the operator routes.
      routes: (app, current) => module.terminalRoutes?.(app, { operators: current }),
    });
    const { port: terminalPort } = await terminal.listen(config.terminal.port, config.terminal.host);
    const operatorSettings = operatorSettingsFor(config, terminalPort);
    operators.current = {
      service: createOperatorService(store, { settings: operatorSettings, clock, logger }),
      settings: operatorSettings,
    };
    cleanups.push(() => terminal.close());
    // The terminal by its relying party's name (localhost for an IP address): WebAuthn refuses IP addresses as RP ids.
    const terminalUrl = `https://${operatorSettings.rpId}:${terminalPort}/`;
    const idleSweep = setInterval(() => {
      operators.current?.service.endIdleSessions().catch((error: unknown) => {
        logger.warn({ err: error }, 'Ending idle sessions failed');
      });
    }, IDLE_SWEEP_MS);
    idleSweep.unref();
    cleanups.push(() => {
      clearInterval(idleSweep);
      return Promise.resolve();
    });

    let lastCrl: string | undefined;
    function applyDirectory(next: DirectoryDocument): void {
      const changed = document?.version !== next.version;
      document = next;
      if (next.crlPem !== null && next.crlPem !== lastCrl) {
        lastCrl = next.crlPem;
        tls = { ...tls, crlPem: next.crlPem };
        networkServer.updateTls({ crlPem: next.crlPem });
        for (const client of clients.values()) client.updateTls({ crlPem: next.crlPem });
      }
      if (changed) logger.info({ version: next.version, nodes: next.nodes.length }, 'Directory in hand');
    }

    let directoryVersion = 0;
    async function refreshDirectory(): Promise<void> {
      if (role === 'national') {
        const next = await buildNationalDirectory(config, {
          keyStore,
          certificatePem,
          networkEndpoint,
          terminalUrl,
          clock,
          previous: signed,
          nextVersion: () =>
            (directoryVersion = Math.max(directoryVersion + 1, Math.floor(clock.now().getTime() / 1000))),
        });
        signed = next;
        applyDirectory(next.directory);
        return;
      }
      const shared = options.sharedDirectory?.();
      if (document === undefined && shared !== undefined) {
        applyDirectory(shared);
        return;
      }
      applyDirectory(
        await fetchDirectory(clientOf('national' as NodeId), {
          caPem,
          ...(document === undefined ? {} : { current: document }),
          clock,
        }),
      );
    }

    const waitOptions = {
      ...(options.upstreamTimeoutMs === undefined ? {} : { timeoutMs: options.upstreamTimeoutMs }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onRetry: (error: unknown, attempt: number) => {
        if (attempt === 1 || attempt % 10 === 0) {
          logger.info(
            { attempt, error: isJukinetError(error) ? error.message : String(error) },
            'Waiting for upstream',
          );
        }
      },
    };
    await retryUntil('fetching the directory', refreshDirectory, waitOptions);
    const refresher = startRefreshLoop(
      () => refreshDirectory(),
      (role === 'national' ? config.directory?.refreshSeconds : config.national?.refreshSeconds) ?? 300,
      logger,
    );
    cleanups.push(() => refresher.stop());

    dispatcher.start();
    const upstream = upstreamOf(nodeId);
    if (upstream !== undefined) {
      await waitForReady((peer, path) => context.call(peer, { method: 'GET', path }), upstream, waitOptions);
    }
    await module.start?.();
    cleanups.push(async () => {
      await module.stop?.();
    });
    ready = true;
    logger.info({ network: networkEndpoint, terminal: terminalUrl }, 'Node ready');

    let stopping: Promise<void> | undefined;
    return {
      nodeId,
      module,
      context,
      dispatcher,
      networkEndpoint,
      terminalUrl,
      directory: () => document,
      refreshDirectory,
      status,
      stop() {
        stopping ??= (async () => {
          ready = false;
          await runCleanups();
          logger.info('Node stopped');
        })();
        return stopping;
      },
    };
  } catch (error) {
    await runCleanups();
    throw error;
  }
}

/** The national server's directory: every configured node's certificate read afresh, itself as it listens now. */
async function buildNationalDirectory(
  config: NodeConfig,
  options: {
    keyStore: KeyStore;
    certificatePem: string;
    networkEndpoint: string;
    terminalUrl: string;
    clock: Clock;
    previous: SignedDirectory | undefined;
    nextVersion: () => number;
  },
): Promise<SignedDirectory> {
  const directory = config.directory;
  if (directory === undefined)
    throw new JukinetError('JUKI_ERR_CONFIG_INVALID', 'the national server needs a directory');
  const entries: DirectoryEntry[] = [
    {
      id: config.nodeId,
      endpoint: options.networkEndpoint,
      terminal: options.terminalUrl.replace(/\/$/, ''),
      certificatePem: options.certificatePem,
    },
  ];
  for (const node of directory.nodes) {
    if (node.id === config.nodeId) continue;
    entries.push({
      id: node.id,
      endpoint: node.endpoint,
      ...(node.terminal === undefined ? {} : { terminal: node.terminal }),
      certificatePem: await readConfiguredFile(node.certificate, `directory certificate of ${node.id}`),
    });
  }
  const crlPem =
    directory.crl === undefined ? undefined : await readConfiguredFile(directory.crl, 'directory.crl');
  const previous = options.previous?.directory;
  if (previous !== undefined && sameContent(previous, entries, crlPem)) return options.previous!;
  return buildDirectory(entries, {
    keyStore: options.keyStore,
    signerCertificatePem: options.certificatePem,
    version: options.nextVersion(),
    ...(crlPem === undefined ? {} : { crlPem }),
    keyAlias: NODE_KEY_ALIAS,
    clock: options.clock,
  });
}

function sameContent(
  previous: DirectoryDocument,
  entries: readonly DirectoryEntry[],
  crlPem: string | undefined,
): boolean {
  if ((previous.crlPem ?? undefined) !== crlPem || previous.nodes.length !== entries.length) return false;
  const byId = new Map(previous.nodes.map((node) => [node.id, node]));
  return entries.every((entry) => {
    const node = byId.get(entry.id);
    return (
      node !== undefined &&
      node.endpoint === entry.endpoint &&
      node.terminal === entry.terminal &&
      node.certificatePem === entry.certificatePem
    );
  });
}

/** Runs `refresh` every `seconds` (±10 % jitter) until stopped; a failure is logged and tried at the next turn. */
function startRefreshLoop(
  refresh: () => Promise<void>,
  seconds: number,
  logger: Logger,
): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  function schedule(): void {
    if (stopped) return;
    const delay = seconds * 1000 * (0.9 + Math.random() * 0.2);
    timer = setTimeout(() => {
      running = refresh()
        .catch((error: unknown) => logger.warn({ err: error }, 'Directory refresh failed'))
        .finally(schedule);
    }, delay);
    timer.unref();
  }
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** Records who owns the database on first open, and refuses a database another node owns. */
async function claimStore(store: Store, nodeId: NodeId): Promise<void> {
  const owner = await store.db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', 'node_id')
    .executeTakeFirst();
  if (owner === undefined) {
    await store.db.insertInto('meta').values({ key: 'node_id', value: nodeId }).execute();
  } else if (owner.value !== nodeId) {
    throw new JukinetError(
      'JUKI_ERR_CONFIG_INVALID',
      `the database belongs to ${quote(owner.value)}, not ${quote(nodeId)}`,
    );
  }
}

async function recordSecurityEvent(store: Store, event: SecurityEvent, clock: Clock): Promise<void> {
  await store.db
    .insertInto('security_event')
    .values({
      at: clock.now().toISOString(),
      kind: event.kind,
      peer: event.peer ?? null,
      detail: JSON.stringify(event.detail),
    })
    .execute();
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** The node's name for people: 全国サーバ, 東京都サーバ, 東京都文京区. */
export function displayNameOf(nodeId: NodeId): string {
  const parsed = parseNodeId(nodeId);
  switch (parsed.role) {
    case 'national':
      return '全国サーバ';
    case 'prefecture': {
      const prefecture = listPrefectures().find((lg) => lg.prefectureCode === parsed.prefecture);
      return `${prefecture?.name ?? parsed.id}サーバ`;
    }
    case 'municipality': {
      const lg = findLocalGovernmentByCode(parsed.lgCode);
      return lg === undefined ? parsed.id : `${lg.prefecture}${lg.fullName}`;
    }
    case 'agency':
      return parsed.id;
  }
}
