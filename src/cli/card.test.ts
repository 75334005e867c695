import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createSoftwareCard } from '../card/index.js';
import type { LocalGovernmentCode, NodeId } from '../domain/index.js';
import { loadNodeConfig, prepareNetwork } from '../servers/common/index.js';
import { freePortRange } from '../servers/common/testing/free-ports.js';
import { municipalityOptionsFor } from '../servers/municipality/index.js';
import { listNetworkCards, presentNetworkCard } from './card.js';

const BUNKYO = '131059' as LocalGovernmentCode;
const TOTTORI = '312011' as LocalGovernmentCode;
const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

async function networkWithCardAtBunkyo() {
  const root = await mkdtemp(join(tmpdir(), 'jukinet-card-cli-'));
  roots.push(root);
  const ids = ['national', 'pref-13', 'pref-31', `muni-${BUNKYO}`, `muni-${TOTTORI}`] as NodeId[];
  await prepareNetwork(root, { nodeIds: ids, basePort: await freePortRange(ids.length * 2) });
  const options = municipalityOptionsFor(
    await loadNodeConfig(join(root, 'nodes', `muni-${BUNKYO}`, 'node.json')),
  );
  const cardPath = join(options.cards!.directory, 'c0ffee00c0ffee00.card');
  await createSoftwareCard(cardPath, { cardId: 'c0ffee00c0ffee00' });
  return { root, cardPath };
}

it('lists a card where its issuer keeps it, and presenting it at 鳥取市 moves it into that card reader', async () => {
  const { root, cardPath } = await networkWithCardAtBunkyo();
  expect(await listNetworkCards(root)).toEqual([
    { cardId: 'c0ffee00c0ffee00', municipality: BUNKYO, place: 'issuer', path: cardPath },
  ]);

  const { to } = await presentNetworkCard(root, 'c0ffee00c0ffee00', TOTTORI);
  expect(to).toContain(join(`muni-${TOTTORI}`));
  expect(await listNetworkCards(root)).toEqual([
    { cardId: 'c0ffee00c0ffee00', municipality: TOTTORI, place: 'reader', path: to },
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
  await expect(
    presentNetworkCard(root, 'c0ffee00c0ffee00', '272175' as LocalGovernmentCode),
  ).rejects.toMatchObject({ code: 'JUKI_ERR_CONFIG_INVALID' });
  await expect(listNetworkCards(join(root, 'nowhere'))).rejects.toMatchObject({
    code: 'JUKI_ERR_CONFIG_INVALID',
  });
  expect(await listNetworkCards(root)).toHaveLength(1);
});
