// `jukinet card`: the software resident cards of a network made by `jukinet up`, where each one is (kept by its issuer,
// or in a municipality's card reader), and presenting one at another municipality's counter by moving its files into
// that municipality's card reader (docs/card-issuance.md, "The card reader").

import { readdir, rename, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { openSoftwareCard } from '../card/index.js';
import {
  findLocalGovernmentByCode,
  parseLocalGovernmentCode,
  type LocalGovernmentCode,
} from '../domain/index.js';
import { loadNodeConfig } from '../servers/common/index.js';
import { municipalityOptionsFor } from '../servers/municipality/index.js';
import { JukinetError, quote } from '../shared/errors.js';

/** Where a card is: kept by a municipality's issuer, or in a municipality's card reader. */
export interface CardLocation {
  readonly cardId: string;
  readonly municipality: LocalGovernmentCode;
  readonly place: 'issuer' | 'reader';
  readonly path: string;
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

/** The card directories of the municipality `lgCode` in the network at `dir`: its issuer's and its reader's. */
async function directoriesOf(
  dir: string,
  lgCode: LocalGovernmentCode,
): Promise<{ issuer: string | undefined; reader: string | undefined }> {
  const config = await loadNodeConfig(join(resolve(dir), 'nodes', `muni-${lgCode}`, 'node.json')).catch(
    (error: unknown) => {
      throw new JukinetError('JUKI_ERR_CONFIG_INVALID', `no municipality ${quote(lgCode)} in ${quote(dir)}`, {
        cause: error,
      });
    },
  );
  const options = municipalityOptionsFor(config);
  return { issuer: options.cards?.directory, reader: options.cardReader };
}

/** Every card in the network at `dir`, by municipality, issuer's cards first. */
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
  for (const node of nodes.filter((name) => name.startsWith('muni-')).sort()) {
    const municipality = parseLocalGovernmentCode(node.slice('muni-'.length));
    const { issuer, reader } = await directoriesOf(dir, municipality);
    for (const file of await cardFiles(issuer)) found.push({ ...file, municipality, place: 'issuer' });
    for (const file of await cardFiles(reader)) found.push({ ...file, municipality, place: 'reader' });
  }
  return found;
}

/**
 * Presents card `cardId` at municipality `at`: moves its file and chip secret into that municipality's card reader,
 * wherever the card is in the network. JUKI_ERR_CARD_NOT_IN_READER when no municipality has it.
 */
export async function presentNetworkCard(
  dir: string,
  cardId: string,
  at: LocalGovernmentCode,
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
        const where = `${nameOf(location.municipality)} ${location.place === 'issuer' ? '交付窓口' : 'カードリーダー'}`;
        const issuer = info.issuerMunicipality === null ? '—' : nameOf(info.issuerMunicipality);
        process.stdout.write(`${location.cardId}  ${info.state}  交付: ${issuer}  所在: ${where}\n`);
      }
    });
  card
    .command('present')
    .description("put a card in a municipality's card reader, as the resident hands it over the counter")
    .argument('<card-id>', 'the card id (jukinet card list)')
    .requiredOption('--at <lg-code>', 'the municipality whose counter the card is presented at, e.g. 312011')
    .option('--dir <dir>', 'the network directory written by `jukinet up`', '.jukinet')
    .action(async (cardId: string, options: { at: string; dir: string }) => {
      const at = parseLocalGovernmentCode(options.at);
      const { from } = await presentNetworkCard(options.dir, cardId, at);
      process.stdout.write(`${cardId}: ${nameOf(from.municipality)} → ${nameOf(at)} カードリーダー\n`);
    });
}
