import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCardIssuerCa, createRootCa, generateNodeKeyPair, signCanonical } from '../crypto/index.js';
import { generateResidentCode } from '../domain/index.js';
import { createFixedClock } from '../shared/clock.js';
import { personaliseCard } from './card-issuance.js';
import { activateCard } from './card-terminal.js';
import { authenticateCard } from './card-verifier.js';
import { cardProofPayload, CardProofPurpose, FaceVersion, type ResidentCard } from './resident-card.js';
import {
  createTestCardWorld,
  TEST_MUNICIPALITY,
  TEST_PIN,
  TEST_TODAY,
  TEST_TRANSPORT_KEY,
  TEST_VALIDITY,
  refusalOf as refusal,
  type TestCardWorld,
} from './testing/test-cards.js';

describe('authenticateCard()', () => {
  let dir: string;
  let world: TestCardWorld;
  const clock = createFixedClock(TEST_TODAY);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jukinet-card-verifier-'));
    world = await createTestCardWorld();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a genuine card and says which card and municipality it is', async () => {
    const { card } = await world.issueCard(dir, 'genuine', { clock });
    const { cardId } = await card.readPublicInfo();
    expect(await authenticateCard(card, world.trust(clock))).toMatchObject({
      cardId,
      issuerMunicipality: TEST_MUNICIPALITY,
      faceVersion: FaceVersion.b,
      validity: TEST_VALIDITY,
    });
  });

  it('refuses a card whose certificate comes from another CA', async () => {
    const rogueCa = await createCardIssuerCa({
      municipalityCode: TEST_MUNICIPALITY,
      validFrom: new Date('2014-01-01'),
    });
    const card = await world.blankCard(dir, 'rogue', { clock, transportKey: TEST_TRANSPORT_KEY });
    await personalise(card, { issuer: rogueCa });
    expect(await refusal(authenticateCard(card, world.trust(clock)))).toBe('JUKI_ERR_CARD_CERTIFICATE');
  });

  it('refuses a card that presents a genuine certificate but does not hold its key', async () => {
    const { card: genuine } = await world.issueCard(dir, 'cloned', { clock });
    const { cardId } = await genuine.readPublicInfo();
    const forgerKey = generateNodeKeyPair().privateKeyPem;
    const forged: ResidentCard = {
      ...genuine,
      internalAuthenticate: (challenge) =>
        Promise.resolve(
          signCanonical(
            cardProofPayload(CardProofPurpose.internalAuthenticate, cardId, challenge),
            forgerKey,
          ),
        ),
    };
    expect(await refusal(authenticateCard(forged, world.trust(clock)))).toBe('JUKI_ERR_CARD_SIGNATURE');
  });

  it('refuses a card whose certificate names another card', async () => {
    const { card: first } = await world.issueCard(dir, 'first', { clock });
    const { card: second } = await world.issueCard(dir, 'second', { clock });
    const swapped: ResidentCard = { ...first, readCertificate: () => second.readCertificate() };
    expect(await refusal(authenticateCard(swapped, world.trust(clock)))).toBe('JUKI_ERR_CARD_CERTIFICATE');
  });

  it('follows the chain through the municipality CA to a root above it', async () => {
    const root = await createRootCa({
      commonName: 'Jukinet Test Card Root',
      validFrom: new Date('2014-01-01'),
    });
    const issuer = await createCardIssuerCa({
      municipalityCode: TEST_MUNICIPALITY,
      parent: root,
      validFrom: new Date('2014-01-01'),
    });
    const trust = { trustAnchorPems: [root.certificatePem], clock };
    const chained = await world.blankCard(dir, 'chained', { clock, transportKey: TEST_TRANSPORT_KEY });
    await personalise(chained, { issuer, chainPems: [issuer.certificatePem] });
    await authenticateCard(chained, trust);
    const unchained = await world.blankCard(dir, 'unchained', { clock, transportKey: TEST_TRANSPORT_KEY });
    await personalise(unchained, { issuer });
    expect(await refusal(authenticateCard(unchained, trust))).toBe('JUKI_ERR_CARD_CERTIFICATE');
  });

  it('asks the network whether the card is suspended, and refuses it when it is', async () => {
    const { card } = await world.issueCard(dir, 'lost', { clock });
    const asked: string[] = [];
    const trust = {
      ...world.trust(clock),
      isSuspended: (certificate: { cardId: string }) => {
        asked.push(certificate.cardId);
        return true;
      },
    };
    expect(await refusal(authenticateCard(card, trust))).toBe('JUKI_ERR_CARD_SUSPENDED');
    expect(asked).toEqual([(await card.readPublicInfo()).cardId]);
  });

  async function personalise(
    card: ResidentCard,
    options: { issuer: Awaited<ReturnType<typeof createCardIssuerCa>>; chainPems?: string[] },
  ): Promise<void> {
    await personaliseCard(card, {
      transportKey: TEST_TRANSPORT_KEY,
      residentCode: generateResidentCode(),
      issuerMunicipality: TEST_MUNICIPALITY,
      faceVersion: FaceVersion.a,
      validity: TEST_VALIDITY,
      issuer: options.issuer,
      ...(options.chainPems === undefined ? {} : { chainPems: options.chainPems }),
      terminalTrustAnchorPem: world.terminalCa.certificatePem,
    });
    await activateCard(card, world.terminal, TEST_PIN);
  }
});
