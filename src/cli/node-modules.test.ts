import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LocalGovernmentCode, NodeId } from '../domain/index.js';
import { prepareNetwork, type NetworkLayout } from '../servers/common/index.js';
import { freePortRange } from '../servers/common/testing/free-ports.js';
import { createCardIssuer, municipalityOptionsFor } from '../servers/municipality/index.js';
import { systemClock } from '../shared/clock.js';

const BUNKYO = 'muni-131059' as NodeId;
let root: string;
let layout: NetworkLayout;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jukinet-node-modules-'));
  layout = await prepareNetwork(root, {
    nodeIds: ['national' as NodeId, 'pref-13' as NodeId, BUNKYO],
    basePort: await freePortRange(6),
  });
});
afterAll(() => rm(root, { recursive: true, force: true }));

it('gives a municipal node from its configuration a card issuer whose CA is kept beside its key store', async () => {
  const config = await layout.configOf(BUNKYO);
  const { cards } = municipalityOptionsFor(config);
  expect(cards?.directory).toBe(join(dirname(config.pki.keyStore), 'cards'));
  const issuer = createCardIssuer(cards!, { lgCode: '131059' as LocalGovernmentCode, clock: systemClock });
  const ca = await issuer.ca();
  expect(existsSync(join(cards!.directory, 'issuer', 'card-ca.pem'))).toBe(true);
  // Made once: a node started again finds the same CA.
  const again = createCardIssuer(municipalityOptionsFor(config).cards!, {
    lgCode: '131059' as LocalGovernmentCode,
    clock: systemClock,
  });
  expect((await again.ca()).certificatePem).toBe(ca.certificatePem);
});
