// `jukinet card`: the software resident cards of a network made by `jukinet up`, where each one is (kept by its issuer,
// or in a card reader), and presenting one at another municipality's counter, or at the self-disclosure window of the
// national or a prefectural server, by moving its files into that node's card reader (docs/card-issuance.md, "The card
// reader", docs/self-disclosure.md).

import { readdir, rename, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { openSoftwareCard } from '../card/index.js';
import {
  findLocalGovernmentByCode,
  checkLocalGovernmentCode,
  isNodeId,
  parseNodeId,
  roleOf,
  type LocalGovernmentCode,
  type NodeId,
} from '../domain/index.js';
import { displayNameOf, loadNodeConfig, type NodeConfig } from '../servers/common/index.js';
import { municipalityOptionsFor } from '../servers/municipality/index.js';
import { nationalOptionsFor } from '../servers/national/index.js';
import { prefectureOptionsFor } from '../servers/prefecture/index.js';
import { JukinetError, quote } from '../shared/errors.js';

/** Where a card is: kept by a municipality's issuer, or in a node's card reader (a counter or a window). */
export interface CardLocation {
  readonly cardId: string;
  /** The municipality (`muni-…`), or the national or prefectural server whose window has the card. */
  readonly node: NodeId;
  readonly place: 'issuer' | 'reader';
  readonly path: string;
}

/** `312011` or `muni-312011`, `pref-13`, `national`: the node whose counter or window a card is presented at. */
export function parseCounterNode(text: string): NodeId {
  const id = checkLocalGovernmentCode(text).ok ? `muni-${text}` : text;
  if (!isNodeId(id) || roleOf(id) === 'agency') {
    throw new JukinetError(
      'JUKI_ERR_CLI_ARGUMENT',
      `--at ${quote(text)}: a municipality's code (312011), pref-NN or national`,
    );
  }
  return parseNodeId(id).id;
}

const CARD_FILE = /^([a-z0-9][a-z0-9-]{0,63})\.card$/;

async function cardFiles(directory: string | undefined): Promise<{ cardId: string; path: string }[]> {
  if (directory === undefined) return [];
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .map((name) => ({ cardId: CARD_FILE.exec(name)?.[1], path: join(directory, name) }))
    .filter((file): file is { cardId: string; path: string } => file.cardId !== undefined)
    .sort((a, b) => a.cardId.localeCompare(b.cardId));
}

/** The card directories of `node` in the network at `dir`: a municipality's issuer's, and its reader's or a window's. */
async function directoriesOf(
  dir: string,
  node: NodeId,
): Promise<{ issuer: string | undefined; reader: string | undefined }> {
  const config: NodeConfig = await loadNodeConfig(join(resolve(dir), 'nodes', node, 'node.json')).catch(
    (error: unknown) => {
      throw new JukinetError('JUKI_ERR_CONFIG_INVALID', `no ${quote(node)} in ${quote(dir)}`, {
        cause: error,
      });
    },
  );
  switch (roleOf(node)) {
    case 'municipality': {
      const options = municipalityOptionsFor(config);
      return { issuer: options.cards?.directory, reader: options.cardReader };
    }
    case 'prefecture':
      return { issuer: undefined, reader: prefectureOptionsFor(config).disclosure?.cardReader };
    case 'national':
      return { issuer: undefined, reader: nationalOptionsFor(config).disclosure?.cardReader };
    case 'agency':
      return { issuer: undefined, reader: undefined };
  }
}

/** The nodes with card readers, in the order `card list` shows them: national, prefectures, municipalities. */
function readerNodesOf(names: readonly string[]): NodeId[] {
  const rank = { national: 0, prefecture: 1, municipality: 2, agency: 3 } as const;
  return names
    .filter((name) => isNodeId(name) && roleOf(name) !== 'agency')
    .map((name) => name as NodeId)
    .sort((a, b) => rank[roleOf(a)] - rank[roleOf(b)] || a.localeCompare(b));
}

/** Every card in the network at `dir`, by node (national, prefectures, municipalities), issuer's cards first. */
export async function listNetworkCards(dir: string): Promise<CardLocation[]> {
  let nodes: string[];
  try {
    nodes = await readdir(join(resolve(dir), 'nodes'));
  } catch (error) {
    throw new JukinetError('JUKI_ERR_CONFIG_INVALID', `no network in ${quote(dir)}: run jukinet up first`, {
      cause: error,
    });
  }
  const found: CardLocation[] = [];
  for (const node of readerNodesOf(nodes)) {
    const { issuer, reader } = await directoriesOf(dir, node);
    for (const file of await cardFiles(issuer)) found.push({ ...file, node, place: 'issuer' });
    for (const file of await cardFiles(reader)) found.push({ ...file, node, place: 'reader' });
  }
  return found;
}

/**
 * Presents card `cardId` at node `at` (a municipality's counter, or the national or a prefectural server's
 * self-disclosure window): moves its file and chip secret into that node's card reader, wherever the card is in the
 * network. JUKI_ERR_CARD_NOT_IN_READER when no node has it.
 */
export async function presentNetworkCard(
  dir: string,
  cardId: string,
  at: NodeId,
): Promise<{ from: CardLocation; to: string }> {
  const from = (await listNetworkCards(dir)).find((card) => card.cardId === cardId);
  if (from === undefined)
    throw new JukinetError('JUKI_ERR_CARD_NOT_IN_READER', `no card ${quote(cardId)} in ${quote(dir)}`);
  const { reader } = await directoriesOf(dir, at);
  if (reader === undefined)
    throw new JukinetError('JUKI_ERR_CONFIG_INVALID', `${quote(at)} has no card reader`);
  const to = join(reader, `${cardId}.card`);
  if (from.path === to) return { from, to };
  await mkdir(reader, { recursive: true, mode: 0o700 });
  // The chip secret first: a card file never sits anywhere without it.
  await rename(`${from.path}.chip`, `${to}.chip`);
  await rename(from.path, to);
  return { from, to };
}

function nameOf(code: LocalGovernmentCode): string {
  return findLocalGovernmentByCode(code)?.fullName ?? code;
}

/** A node's name for people: the municipality's full name, or 全国サーバ, 東京都サーバ. */
function nodeNameOf(node: NodeId): string {
  const parsed = parseNodeId(node);
  return parsed.role === 'municipality' ? nameOf(parsed.lgCode) : displayNameOf(node);
}

/** Adds `card list` and `card present` to the program. */
export function registerCardCommands(program: Command): void {
  const card = program
    .command('card')
    .description('the software resident cards of a network made by `jukinet up`');
  card
    .command('list')
    .description('every card, with its state and where it is (kept by its issuer, or in a card reader)')
    .option('--dir <dir>', 'the network directory written by `jukinet up`', '.jukinet')
    .action(async (options: { dir: string }) => {
      const cards = await listNetworkCards(options.dir);
      if (cards.length === 0)
        process.stdout.write('no cards yet: issue one at a municipal terminal (住基カード)\n');
      for (const location of cards) {
        const info = await (await openSoftwareCard(location.path)).readPublicInfo();
        const where = `${nodeNameOf(location.node)} ${location.place === 'issuer' ? '交付窓口' : 'カードリーダー'}`;
        const issuer = info.issuerMunicipality === null ? '—' : nameOf(info.issuerMunicipality);
        process.stdout.write(`${location.cardId}  ${info.state}  交付: ${issuer}  所在: ${where}\n`);
      }
    });
  card
    .command('present')
    .description("put a card in a counter's or window's card reader, as the resident hands it over")
    .argument('<card-id>', 'the card id (jukinet card list)')
    .requiredOption(
      '--at <node>',
      "where the card is presented: a municipality's code (312011), or pref-NN or national (本人確認情報開示)",
    )
    .option('--dir <dir>', 'the network directory written by `jukinet up`', '.jukinet')
    .action(async (cardId: string, options: { at: string; dir: string }) => {
      const at = parseCounterNode(options.at);
      const { from } = await presentNetworkCard(options.dir, cardId, at);
      process.stdout.write(`${cardId}: ${nodeNameOf(from.node)} → ${nodeNameOf(at)} カードリーダー\n`);
    });
}
