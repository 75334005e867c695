import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createSoftwareCard } from '../card/index.js';
import type { NodeId } from '../domain/index.js';
import { loadNodeConfig, prepareNetwork } from '../servers/common/index.js';
import { freePortRange } from '../servers/common/testing/free-ports.js';
import { municipalityOptionsFor } from '../servers/municipality/index.js';
import { listNetworkCards, parseCounterNode, presentNetworkCard } from './card.js';

const BUNKYO = 'muni-131059' as NodeId;
const TOTTORI = 'muni-312011' as NodeId;
const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

async function networkWithCardAtBunkyo() {
  const root = await mkdtemp(join(tmpdir(), 'jukinet-card-cli-'));
  roots.push(root);
  const ids = ['national', 'pref-13', 'pref-31', BUNKYO, TOTTORI] as NodeId[];
  await prepareNetwork(root, { nodeIds: ids, basePort: await freePortRange(ids.length * 2) });
  const options = municipalityOptionsFor(await loadNodeConfig(join(root, 'nodes', BUNKYO, 'node.json')));
  const cardPath = join(options.cards!.directory, 'c0ffee00c0ffee00.card');
  await createSoftwareCard(cardPath, { cardId: 'c0ffee00c0ffee00' });
  return { root, cardPath };
}

it('lists a card where its issuer keeps it, and presenting it at 鳥取市 moves it into that card reader', async () => {
  const { root, cardPath } = await networkWithCardAtBunkyo();
  expect(await listNetworkCards(root)).toEqual([
    { cardId: 'c0ffee00c0ffee00', node: BUNKYO, place: 'issuer', path: cardPath },
  ]);

  const { to } = await presentNetworkCard(root, 'c0ffee00c0ffee00', TOTTORI);
  expect(to).toContain(TOTTORI);
  expect(await listNetworkCards(root)).toEqual([
    { cardId: 'c0ffee00c0ffee00', node: TOTTORI, place: 'reader', path: to },
  ]);
  // The chip secret travels with the card, and nothing stays behind.
  await expect(stat(`${to}.chip`)).resolves.toBeDefined();
  await expect(stat(cardPath)).rejects.toMatchObject({ code: 'ENOENT' });
  await expect(stat(`${cardPath}.chip`)).rejects.toMatchObject({ code: 'ENOENT' });
});

it('refuses a card no municipality has, a municipality not in the network, and a directory without a network', async () => {
  const { root } = await networkWithCardAtBunkyo();
  await expect(presentNetworkCard(root, 'deadbeefdeadbeef', TOTTORI)).rejects.toMatchObject({
    code: 'JUKI_ERR_CARD_NOT_IN_READER',
  });
  await expect(presentNetworkCard(root, 'c0ffee00c0ffee00', 'muni-272175' as NodeId)).rejects.toMatchObject({
    code: 'JUKI_ERR_CONFIG_INVALID',
  });
  await expect(listNetworkCards(join(root, 'nowhere'))).rejects.toMatchObject({
    code: 'JUKI_ERR_CONFIG_INVALID',
  });
  expect(await listNetworkCards(root)).toHaveLength(1);
});

it("presents a card at the national and a prefectural server's self-disclosure window, and back at a counter", async () => {
  const { root } = await networkWithCardAtBunkyo();
  const national = await presentNetworkCard(root, 'c0ffee00c0ffee00', parseCounterNode('national'));
  expect(national.to).toContain(join('national', 'card-reader'));
  expect(await listNetworkCards(root)).toEqual([
    { cardId: 'c0ffee00c0ffee00', node: 'national', place: 'reader', path: national.to },
  ]);
  const tokyo = await presentNetworkCard(root, 'c0ffee00c0ffee00', parseCounterNode('pref-13'));
  expect(await listNetworkCards(root)).toEqual([
    { cardId: 'c0ffee00c0ffee00', node: 'pref-13', place: 'reader', path: tokyo.to },
  ]);
  await presentNetworkCard(root, 'c0ffee00c0ffee00', parseCounterNode('131059'));
  expect((await listNetworkCards(root)).map((card) => [card.node, card.place])).toEqual([[BUNKYO, 'reader']]);
});

it('reads a counter as a municipality code or a node id, and refuses anything else', () => {
  expect(parseCounterNode('312011')).toBe(TOTTORI);
  expect(parseCounterNode('muni-312011')).toBe(TOTTORI);
  expect(parseCounterNode('national')).toBe('national');
  expect(parseCounterNode('pref-31')).toBe('pref-31');
  for (const wrong of ['31201', 'agency-mhlw', 'tottori', '']) {
    let code: unknown;
    try {
      parseCounterNode(wrong);
    } catch (error) {
      code = (error as { code?: unknown }).code;
    }
    expect(code).toBe('JUKI_ERR_CLI_ARGUMENT');
  }
});
