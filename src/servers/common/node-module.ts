// The contract between the node runtime and each kind of server (national, prefecture, municipality): what the
// runtime gives a server (NodeContext) and what a server gives the runtime (NodeModule). docs/decisions/0004-servers.md.

import type { Server } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Transaction } from 'kysely';
import type { NodeId, NodeRole } from '../../domain/node-id.js';
import type { Envelope, MessageDefinition } from '../../protocol/index.js';
import type { NetworkRoute, PeerIdentity } from '../../net/index.js';
import type { Clock } from '../../shared/clock.js';
import type { Database, Store } from '../../store/index.js';
import type { TerminalOperators } from './terminal-api/index.js';

/** One node as the directory lists it (DESIGN.md §3 Directory). */
export interface DirectoryNode {
  readonly id: NodeId;
  readonly role: NodeRole;
  /** The network port (mTLS), e.g. https://127.0.0.1:47001 */
  readonly endpoint: string;
  /** The terminal port (operators' browser UI and API). */
  readonly terminal?: string;
  /** The node's current certificate (PEM), so that any node can verify an originator's signature. */
  readonly certificatePem: string;
  readonly fingerprint: string;
}

/** The verified directory as a node sees it. */
export interface DirectoryView {
  /** The node, or undefined when the directory does not list it. */
  node(id: NodeId): DirectoryNode | undefined;
  nodes(): readonly DirectoryNode[];
  /** When the national server issued the version in hand. */
  readonly issuedAt: string;
}

/** Sends messages from inside a transaction: they commit with the state change and are dispatched after it. */
export interface Outbox {
  send(options: { to: NodeId; type: string; body: unknown }): Promise<Envelope>;
}

/** What the runtime gives a server module. */
export interface NodeContext {
  readonly nodeId: NodeId;
  readonly role: NodeRole;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly directory: DirectoryView;
  /**
   * Runs fn in one store transaction with an outbox bound to it; the dispatcher is woken after the commit.
   * fn may run more than once on PostgreSQL (serialization retries): no side effects outside trx.
   */
  transaction<T>(fn: (trx: Transaction<Database>, outbox: Outbox) => Promise<T>): Promise<T>;
  /** A request/response call to a peer over mTLS (wide-area copy, code blocks, look-ups); JukinetError on failure. */
  call<T>(peer: NodeId, request: { method: 'GET' | 'POST'; path: string; body?: unknown }): Promise<T>;
  /** The certificate of a node as the directory lists it, for verifying an originator's signature. */
  certificateOf(id: NodeId): string | undefined;
  /** The network CA's certificate (PEM): what a file the national server signs is checked against. */
  readonly caPem: string;
}

/** What a node kind's terminal routes get: the node's operators, read per request (set once the terminal listens). */
export interface TerminalRouteContext {
  readonly operators: () => TerminalOperators;
}

/** What a kind of server gives the runtime. */
export interface NodeModule {
  readonly role: NodeRole;
  /** Message types this node accepts on POST /v1/messages. */
  readonly messages: readonly MessageDefinition[];
  /**
   * Applies one inbound message inside the inbox transaction (exactly once, in order per sender). A JukinetError
   * refuses the message and rolls back; `outbox` sends follow-up messages (a relay) in the same transaction.
   */
  apply(
    trx: Transaction<Database>,
    message: { envelope: Envelope; body: unknown; outbox: Outbox },
  ): Promise<void>;
  /** Whether this peer may send this message (DESIGN.md §3: only muni-X speaks for X; only pref-P relays for P). */
  authorise?(peer: PeerIdentity, envelope: Envelope): boolean;
  /** Routes on the network port beyond the runtime's own (/v1/messages, /v1/health, /v1/directory). */
  networkRoutes?(): readonly NetworkRoute[];
  /**
   * Adds the node kind's routes (under /api/) to its terminal's Fastify app, beside the operator routes; each route
   * runs its work through the operator service's `perform()` so that rights are checked and the operation is logged.
   */
  terminalRoutes?(app: FastifyInstance<Server>, context: TerminalRouteContext): void;
  /** Background work once the node and its upstream are up (e.g. refilling code blocks). */
  start?(): Promise<void>;
  /** Stops the background work; the runtime closes listeners and the store afterwards. */
  stop?(): Promise<void>;
}

/** Creates a server module once the runtime has built its context. */
export type NodeModuleFactory = (context: NodeContext) => NodeModule | Promise<NodeModule>;
