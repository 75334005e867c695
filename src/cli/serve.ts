// `jukinet serve --config FILE`: runs one node in this process until SIGTERM or SIGINT, then stops it gracefully
// (docs/running.md). The module is chosen by the node's role.

import type { Command } from 'commander';
import { pino } from 'pino';
import type { NodeRole } from '../domain/node-id.js';
import {
  loadNodeConfig,
  startNode,
  type NodeConfig,
  type NodeModuleFactory,
} from '../servers/common/index.js';
import { moduleFactoryOf } from './node-modules.js';

export interface ServeOptions {
  /** The module factory for a role; by default the real servers (node-modules.ts). */
  readonly factoryOf?: (role: NodeRole, config: NodeConfig) => NodeModuleFactory;
  /** Where the ready line goes (stdout by default). */
  readonly write?: (line: string) => void;
  /** Resolves to stop the node; by default the first SIGTERM or SIGINT. */
  readonly until?: Promise<unknown>;
  readonly upstreamTimeoutMs?: number;
}

/**
 * Runs the node of `configPath`: prints `ready <id> network <url> terminal <url>` once it is ready and resolves after
 * the graceful stop that follows SIGTERM or SIGINT (a second signal while starting aborts the start).
 */
export async function runServe(configPath: string, options: ServeOptions = {}): Promise<void> {
  const config = await loadNodeConfig(configPath);
  const logger = pino({ level: config.logLevel, base: { node: config.nodeId } }, pino.destination(2));
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const abort = new AbortController();
  const stopRequested =
    options.until ??
    new Promise<NodeJS.Signals>((resolve) => {
      const onSignal = (signal: NodeJS.Signals): void => {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        resolve(signal);
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    });
  void stopRequested.then(() => abort.abort(new Error('stopped while starting')));

  const factoryOf = options.factoryOf ?? moduleFactoryOf;
  const node = await startNode(config, factoryOf(config.role, config), {
    logger,
    signal: abort.signal,
    ...(options.upstreamTimeoutMs === undefined ? {} : { upstreamTimeoutMs: options.upstreamTimeoutMs }),
  });
  write(`ready ${node.nodeId} network ${node.networkEndpoint} terminal ${node.terminalUrl}`);
  const reason = await stopRequested;
  logger.info({ reason: String(reason) }, 'Stopping');
  await node.stop();
  logger.flush();
}

/** Adds `serve` to the CLI. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run one node (national, prefecture or municipality) from its configuration file')
    .requiredOption('--config <file>', 'the node configuration (JSON, see docs/running.md)')
    .action(async (options: { config: string }) => {
      await runServe(options.config);
    });
}
