// `jukinet linkage export|import`: the register–CS linkage as a CSV file (docs/linkage.md), so that another register
// product can be seeded from ours, or can feed our CS, on a municipal node's own store.

import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseNodeId, prefectureNodeOf, type NodeId } from '../domain/index.js';
import { enqueueMessage, signEnvelope } from '../net/index.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { JukinetError, quote } from '../shared/errors.js';
import { openStore, type Store } from '../store/index.js';
import { loadNodeConfig, openNodeCredentials, type NodeConfig } from '../servers/common/index.js';
import {
  exportLinkageCsv,
  formatLinkageReport,
  importLinkageCsv,
  type LinkageContext,
  type LinkageCsvResult,
  type LinkageReport,
} from '../servers/municipality/index.js';

/** Opens the store of a municipal node's configuration, refusing another kind of node or another node's database. */
async function openMunicipalStore(config: NodeConfig): Promise<Store> {
  if (parseNodeId(config.nodeId).role !== 'municipality' || prefectureNodeOf(config.nodeId) === undefined) {
    throw new JukinetError(
      'JUKI_ERR_CLI_ARGUMENT',
      `the linkage needs a municipal node's configuration, not ${quote(config.nodeId)}`,
    );
  }
  const store = await openStore(config.database);
  const owner = await store.db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', 'node_id')
    .executeTakeFirst();
  if (owner !== undefined && owner.value !== config.nodeId) {
    await store.close();
    throw new JukinetError(
      'JUKI_ERR_CONFIG_INVALID',
      `the database belongs to ${quote(owner.value)}, not ${quote(config.nodeId)}`,
    );
  }
  return store;
}

/** The register's linkage messages of the node as CSV text (exportLinkageCsv). */
export async function exportNodeLinkage(config: NodeConfig): Promise<string> {
  const store = await openMunicipalStore(config);
  try {
    return await exportLinkageCsv(store.db);
  } finally {
    await store.close();
  }
}

/**
 * Imports a linkage CSV into the node's CS (importLinkageCsv), signing the identity.changed messages it queues with the
 * node's key, as the running node would. The node's dispatcher delivers them from the outbox (at once when the node
 * runs, or when it next starts).
 */
export async function importNodeLinkage(
  config: NodeConfig,
  text: string,
  options: { readonly passphrase?: string; readonly clock?: Clock } = {},
): Promise<LinkageReport<LinkageCsvResult>> {
  const { privateKey } = await openNodeCredentials(config, {
    ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
  });
  const clock = options.clock ?? systemClock;
  const nodeId: NodeId = config.nodeId;
  const store = await openMunicipalStore(config);
  const context: LinkageContext = {
    nodeId,
    clock,
    transaction: (fn) =>
      store.transaction((trx) =>
        fn(trx, {
          send: ({ to, type, body }) =>
            enqueueMessage(trx, {
              from: nodeId,
              to,
              type,
              body,
              clock,
              sign: (unsigned) => signEnvelope(unsigned, privateKey).sig,
            }),
        }),
      ),
  };
  try {
    return await importLinkageCsv(context, text);
  } finally {
    await store.close();
  }
}

/** Adds `linkage export` and `linkage import` to the program. */
export function registerLinkageCommands(program: Command): void {
  const linkage = program
    .command('linkage')
    .description('the register–CS linkage as CSV: seed another register product from ours, or feed our CS');
  linkage
    .command('export')
    .description("write the register's linkage messages, in the order they were recorded, as CSV")
    .requiredOption('--config <file>', "the municipal node's node.json")
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (options: { config: string; out?: string }) => {
      const text = await exportNodeLinkage(await loadNodeConfig(options.config));
      if (options.out === undefined) process.stdout.write(text);
      else await writeFile(options.out, text, 'utf8');
    });
  linkage
    .command('import')
    .description("feed a linkage CSV to the node's CS, row by row; exits 1 when a row was refused")
    .requiredOption('--config <file>', "the municipal node's node.json")
    .argument('<file>', 'the CSV file (UTF-8, with a header row)')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, options: { config: string; json?: boolean }) => {
      const config = await loadNodeConfig(options.config);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new JukinetError('JUKI_ERR_CLI_ARGUMENT', `cannot read ${quote(file)}`, { cause: error });
      }
      const report = await importNodeLinkage(config, text);
      process.stdout.write(
        options.json === true
          ? `${JSON.stringify(report, null, 2)}\n`
          : formatLinkageReport(report)
              .map((line) => `${line}\n`)
              .join(''),
      );
      if (report.refused > 0) process.exitCode = 1;
    });
}
