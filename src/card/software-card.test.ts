import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCardCertificate, readCardCertificate } from '../crypto/index.js';
import { generateResidentCode } from '../domain/index.js';
import { createFixedClock } from '../shared/clock.js';
import { isJukinetError, type ErrorCode } from '../shared/errors.js';
import { CardCommand, COMMAND_STATES } from './card-rules.js';
import {
  activateCard,
  authenticateTerminal,
  confirmCardHolder,
  proveToCard,
  takeBackCard,
  unlockCard,
} from './card-terminal.js';
import { authenticateCard } from './card-verifier.js';
import { CardProofPurpose, CardState, FaceVersion, type ResidentCard } from './resident-card.js';
import { readCardFile } from './software-card-file.js';
import { chipPath, createSoftwareCard, openSoftwareCard } from './software-card.js';
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

describe('software card', () => {
  let dir: string;
  let world: TestCardWorld;
  const clock = createFixedClock(TEST_TODAY);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jukinet-card-'));
    world = await createTestCardWorld();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('lives its whole life: blank, transport key, personalisation, PIN, mutual authentication, code read', async () => {
    const path = join(dir, 'life.card');
    const card = await createSoftwareCard(path, { clock, cardId: 'life-0001' });
    expect((await card.readPublicInfo()).state).toBe(CardState.blank);
    await card.setTransportKey(TEST_TRANSPORT_KEY);
    expect((await card.readPublicInfo()).state).toBe(CardState.transportProtected);
    expect(await refusal(card.writeResidentCode(generateResidentCode()))).toBe('JUKI_ERR_CARD_STATE');

    const wrongKey = new Uint8Array(16).fill(9);
    expect(await refusal(card.removeTransportKey(wrongKey))).toBe('JUKI_ERR_CARD_TRANSPORT_KEY');
    expect((await card.readPublicInfo()).state).toBe(CardState.transportProtected);
    await card.removeTransportKey(TEST_TRANSPORT_KEY);
    expect((await card.readPublicInfo()).state).toBe(CardState.personalising);

    const residentCode = generateResidentCode();
    await card.writeResidentCode(residentCode);
    expect(await refusal(card.completePersonalisation())).toBe('JUKI_ERR_CARD_PERSONALISATION_INCOMPLETE');
    const { publicKeyPem } = await card.generateKeyPair();
    expect(await refusal(card.generateKeyPair())).toBe('JUKI_ERR_CARD_STATE');
    const certificatePem = await issueCardCertificate(world.issuerCa, {
      cardId: 'life-0001',
      issuerMunicipality: TEST_MUNICIPALITY,
      publicKeyPem,
      validFrom: new Date('2015-03-31T15:00:00Z'),
      validTo: new Date('2025-03-31T14:59:59Z'),
    });
    await card.installCertificate({ certificatePem, chainPems: [] });
    await card.setValidity(TEST_VALIDITY);
    await card.setFaceVersion(FaceVersion.a);
    await card.writeIssuerMunicipality(TEST_MUNICIPALITY);
    await card.writeTrustAnchor(world.terminalCa.certificatePem);
    await card.completePersonalisation();
    expect(await card.readPublicInfo()).toEqual({
      cardId: 'life-0001',
      state: CardState.personalised,
      faceVersion: 'A',
      validity: TEST_VALIDITY,
      issuerMunicipality: TEST_MUNICIPALITY,
    });

    // Handover: the first PIN needs a genuine terminal.
    expect(await refusal(card.setPin(TEST_PIN))).toBe('JUKI_ERR_CARD_NOT_AUTHENTICATED');
    expect(await refusal(card.verifyPin(TEST_PIN))).toBe('JUKI_ERR_CARD_STATE');
    await activateCard(card, world.terminal, TEST_PIN);
    expect((await card.readStatus()).state).toBe(CardState.active);
    await card.reset();

    // Identity confirmation, step by step: the code needs both authentications and the PIN.
    expect(await refusal(card.readResidentCode())).toBe('JUKI_ERR_CARD_NOT_AUTHENTICATED');
    await authenticateCard(card, world.trust(clock));
    expect(await refusal(card.readResidentCode())).toBe('JUKI_ERR_CARD_NOT_AUTHENTICATED');
    await authenticateTerminal(card, world.terminal);
    expect(await refusal(card.readResidentCode())).toBe('JUKI_ERR_CARD_PIN_REQUIRED');
    expect(await card.verifyPin(TEST_PIN)).toEqual({ ok: true, value: { remainingTries: 3 } });
    expect(await card.readResidentCode()).toBe(residentCode);
    expect((await card.readStatus()).session).toEqual({
      terminalAuthenticated: true,
      cardAuthenticated: true,
      pinVerified: true,
    });
    await card.reset();
    expect(await refusal(card.readResidentCode())).toBe('JUKI_ERR_CARD_NOT_AUTHENTICATED');

    // The whole of flow 4 in one call.
    const confirmed = await confirmCardHolder(card, {
      pin: TEST_PIN,
      terminal: world.terminal,
      trust: world.trust(clock),
    });
    expect(confirmed.ok && confirmed.value.residentCode).toBe(residentCode);
    expect(confirmed.ok && confirmed.value.card.cardId).toBe('life-0001');

    // The PIN can be changed by whoever knows it.
    expect((await card.changePin(TEST_PIN, '9876')).ok).toBe(true);
    expect((await card.verifyPin(TEST_PIN)).ok).toBe(false);
    expect((await card.verifyPin('9876')).ok).toBe(true);

    // Returned (返納): the card is dead.
    await takeBackCard(card, world.administrator);
    expect((await card.readPublicInfo()).state).toBe(CardState.returned);
    expect(await refusal(card.getChallenge())).toBe('JUKI_ERR_CARD_STATE');
    const { secrets } = await readCardFile(path, readFileSync(chipPath(path)));
    expect(secrets).toEqual({ transportKeyMac: null, privateKey: null, residentCode: null, pinMac: null });
  });

  it('refuses a certificate for another key or another card, and a PIN that is not 4 digits', async () => {
    const card = await createSoftwareCard(join(dir, 'install.card'), {
      clock,
      cardId: 'install-1',
      transportKey: TEST_TRANSPORT_KEY,
    });
    await card.removeTransportKey(TEST_TRANSPORT_KEY);
    const { publicKeyPem } = await card.generateKeyPair();
    const other = createPublicKey(createPrivateKey({ key: world.terminal.privateKey as string }))
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const certificate = (cardId: string, key: string): Promise<string> =>
      issueCardCertificate(world.issuerCa, {
        cardId,
        issuerMunicipality: TEST_MUNICIPALITY,
        publicKeyPem: key,
        validFrom: TEST_TODAY,
        validTo: new Date('2025-03-31T00:00:00Z'),
      });
    expect(
      await refusal(
        card.installCertificate({ certificatePem: await certificate('install-1', other), chainPems: [] }),
      ),
    ).toBe('JUKI_ERR_CARD_CERTIFICATE');
    expect(
      await refusal(
        card.installCertificate({
          certificatePem: await certificate('install-2', publicKeyPem),
          chainPems: [],
        }),
      ),
    ).toBe('JUKI_ERR_CARD_CERTIFICATE');
    expect(await refusal(card.setValidity({ validFrom: '2025-01-01', validUntil: '2024-01-01' }))).toBe(
      'JUKI_ERR_CARD_INPUT',
    );

    const { card: active } = await world.issueCard(dir, 'pin-format', { clock });
    for (const pin of ['123', '12345', '12a4', '１２３４', '']) {
      expect(await refusal(active.verifyPin(pin))).toBe('JUKI_ERR_CARD_PIN_FORMAT');
    }
    expect((await active.readStatus()).pinTriesRemaining).toBe(3);
  });

  it('locks after 3 wrong PINs in a row, the counter resets on a right one, and only a clerk unlocks it', async () => {
    const { card, residentCode } = await world.issueCard(dir, 'lock', { clock });
    expect(await card.verifyPin('0000')).toEqual({ ok: false, reason: { remainingTries: 2, locked: false } });
    expect(await card.verifyPin('0001')).toEqual({ ok: false, reason: { remainingTries: 1, locked: false } });
    expect(await card.verifyPin(TEST_PIN)).toEqual({ ok: true, value: { remainingTries: 3 } });
    expect(await card.verifyPin('0000')).toEqual({ ok: false, reason: { remainingTries: 2, locked: false } });
    expect(await card.verifyPin('0000')).toEqual({ ok: false, reason: { remainingTries: 1, locked: false } });
    expect(await card.verifyPin('0000')).toEqual({ ok: false, reason: { remainingTries: 0, locked: true } });
    expect((await card.readStatus()).state).toBe(CardState.locked);
    expect(await refusal(card.verifyPin(TEST_PIN))).toBe('JUKI_ERR_CARD_LOCKED');
    expect(await refusal(card.internalAuthenticate(new Uint8Array(16)))).toBe('JUKI_ERR_CARD_LOCKED');
    expect(await refusal(card.changePin(TEST_PIN, '5555'))).toBe('JUKI_ERR_CARD_LOCKED');

    // A terminal is not a clerk; a proof needs a fresh challenge and serves once.
    expect(await refusal(unlockCard(card, world.terminal, '2468'))).toBe('JUKI_ERR_CARD_ADMIN_REFUSED');
    const proof = await proveToCard(card, world.administrator, CardProofPurpose.unlock);
    await card.unlock(proof, '2468');
    expect(await refusal(card.unlock(proof, '2468'))).toBe('JUKI_ERR_CARD_CHALLENGE');
    const forReturn = await proveToCard(card, world.administrator, CardProofPurpose.markReturned);
    expect(await refusal(card.unlock(forReturn, '2468'))).toBe('JUKI_ERR_CARD_ADMIN_REFUSED');

    expect(await card.readStatus()).toMatchObject({ state: CardState.active, pinTriesRemaining: 3 });
    expect((await card.verifyPin(TEST_PIN)).ok).toBe(false);
    await unlockCard(card, world.administrator, '2468');
    const confirmed = await confirmCardHolder(card, {
      pin: '2468',
      terminal: world.terminal,
      trust: world.trust(clock),
    });
    expect(confirmed).toMatchObject({ ok: true, value: { residentCode } });
  });

  it('refuses external authenticate from an unknown terminal, a clerk key, a stale or replayed challenge', async () => {
    const { card } = await world.issueCard(dir, 'terminals', { clock });
    const stranger = await createTestCardWorld();
    expect(await refusal(authenticateTerminal(card, stranger.terminal))).toBe(
      'JUKI_ERR_CARD_TERMINAL_REFUSED',
    );
    expect(await refusal(authenticateTerminal(card, world.administrator))).toBe(
      'JUKI_ERR_CARD_TERMINAL_REFUSED',
    );
    const proof = await proveToCard(card, world.terminal, CardProofPurpose.externalAuthenticate);
    await card.getChallenge();
    expect(await refusal(card.externalAuthenticate(proof))).toBe('JUKI_ERR_CARD_TERMINAL_REFUSED');
    expect(await refusal(card.externalAuthenticate(proof))).toBe('JUKI_ERR_CARD_CHALLENGE');
    const fresh = await proveToCard(card, world.terminal, CardProofPurpose.externalAuthenticate);
    await card.externalAuthenticate(fresh);
    expect(await refusal(card.externalAuthenticate(fresh))).toBe('JUKI_ERR_CARD_CHALLENGE');
    expect((await card.readStatus()).session.terminalAuthenticated).toBe(true);
  });

  it('refuses every command outside the states docs/card.md gives it', async () => {
    const cardClock = createFixedClock(TEST_TODAY);
    const cards: Record<string, ResidentCard> = {
      [CardState.blank]: await createSoftwareCard(join(dir, 'm-blank.card'), { clock: cardClock }),
      [CardState.transportProtected]: await world.blankCard(dir, 'm-transport', {
        clock: cardClock,
        transportKey: TEST_TRANSPORT_KEY,
      }),
      [CardState.personalised]: (
        await world.issueCard(dir, 'm-personalised', { clock: cardClock, activate: false })
      ).card,
      [CardState.active]: (await world.issueCard(dir, 'm-active', { clock: cardClock })).card,
      [CardState.locked]: (await world.issueCard(dir, 'm-locked', { clock: cardClock, maxPinTries: 1 })).card,
      [CardState.expired]: (await world.issueCard(dir, 'm-expired', { clock: cardClock })).card,
      [CardState.returned]: (await world.issueCard(dir, 'm-returned', { clock: cardClock })).card,
    };
    const personalising = await world.blankCard(dir, 'm-personalising', {
      clock: cardClock,
      transportKey: TEST_TRANSPORT_KEY,
    });
    await personalising.removeTransportKey(TEST_TRANSPORT_KEY);
    cards[CardState.personalising] = personalising;
    await cards[CardState.locked]!.verifyPin('0000');
    await takeBackCard(cards[CardState.returned]!, world.administrator);
    const expired = createFixedClock(new Date('2025-04-01T00:00:00+09:00'));
    cards[CardState.expired] = await openSoftwareCard(join(dir, 'm-expired.card'), { clock: expired });

    const proof = { certificatePem: world.terminal.certificatePem, signature: 'AA' };
    const call: Record<CardCommand, (card: ResidentCard) => Promise<unknown>> = {
      readStatus: (card) => card.readStatus(),
      readPublicInfo: (card) => card.readPublicInfo(),
      reset: (card) => card.reset(),
      setTransportKey: (card) => card.setTransportKey(TEST_TRANSPORT_KEY),
      removeTransportKey: (card) => card.removeTransportKey(TEST_TRANSPORT_KEY),
      writeResidentCode: (card) => card.writeResidentCode(generateResidentCode()),
      generateKeyPair: (card) => card.generateKeyPair(),
      installCertificate: (card) => card.installCertificate({ certificatePem: '', chainPems: [] }),
      setValidity: (card) => card.setValidity(TEST_VALIDITY),
      setFaceVersion: (card) => card.setFaceVersion(FaceVersion.a),
      writeIssuerMunicipality: (card) => card.writeIssuerMunicipality(TEST_MUNICIPALITY),
      writeTrustAnchor: (card) => card.writeTrustAnchor(world.terminalCa.certificatePem),
      completePersonalisation: (card) => card.completePersonalisation(),
      readCertificate: (card) => card.readCertificate(),
      getChallenge: (card) => card.getChallenge(),
      externalAuthenticate: (card) => card.externalAuthenticate(proof),
      internalAuthenticate: (card) => card.internalAuthenticate(new Uint8Array(16)),
      setPin: (card) => card.setPin(TEST_PIN),
      verifyPin: (card) => card.verifyPin(TEST_PIN),
      changePin: (card) => card.changePin(TEST_PIN, TEST_PIN),
      readResidentCode: (card) => card.readResidentCode(),
      unlock: (card) => card.unlock(proof, TEST_PIN),
      markReturned: (card) => card.markReturned(proof),
    };
    let refused = 0;
    for (const [state, card] of Object.entries(cards)) {
      expect((await card.readStatus()).state).toBe(state);
      for (const command of Object.values(CardCommand)) {
        if (COMMAND_STATES[command].includes(state as CardState)) continue;
        const expected =
          state === CardState.locked
            ? 'JUKI_ERR_CARD_LOCKED'
            : state === CardState.expired
              ? 'JUKI_ERR_CARD_EXPIRED'
              : 'JUKI_ERR_CARD_STATE';
        expect({ state, command, code: await refusal(call[command](card)) }).toEqual({
          state,
          command,
          code: expected,
        });
        refused += 1;
      }
      expect((await card.readStatus()).state).toBe(state);
    }
    expect(refused).toBeGreaterThan(100);
  });

  it('refuses an expired card by its own clock and by the terminal clock, and a clerk can still take it back', async () => {
    const cardClock = createFixedClock(TEST_TODAY);
    const { card, path } = await world.issueCard(dir, 'expiry', { clock: cardClock });
    expect((await card.readPublicInfo()).state).toBe(CardState.active);

    // The terminal's clock is past the validity; the card's is not.
    const terminalClock = createFixedClock(new Date('2025-04-01T00:00:00+09:00'));
    expect(await refusal(authenticateCard(card, world.trust(terminalClock)))).toBe('JUKI_ERR_CARD_EXPIRED');

    // 2025-03-31 is the last day, in Japan.
    cardClock.set(new Date('2025-03-31T23:59:00+09:00'));
    expect((await card.readPublicInfo()).state).toBe(CardState.active);
    cardClock.set(new Date('2025-04-01T00:00:00+09:00'));
    expect((await card.readPublicInfo()).state).toBe(CardState.expired);
    expect(await refusal(card.verifyPin(TEST_PIN))).toBe('JUKI_ERR_CARD_EXPIRED');
    expect(await refusal(authenticateCard(card, world.trust(cardClock)))).toBe('JUKI_ERR_CARD_EXPIRED');
    expect(
      await refusal(
        confirmCardHolder(card, { pin: TEST_PIN, terminal: world.terminal, trust: world.trust(cardClock) }),
      ),
    ).toBe('JUKI_ERR_CARD_EXPIRED');
    await takeBackCard(card, world.administrator);
    expect((await (await openSoftwareCard(path, { clock: cardClock })).readPublicInfo()).state).toBe(
      CardState.returned,
    );
  });

  it('keeps its state across reopening, and refuses a file edited outside the card or another chip secret', async () => {
    const { card, path, residentCode } = await world.issueCard(dir, 'persist', { clock });
    await card.verifyPin('0000');
    const reopened = await openSoftwareCard(path, { clock });
    expect(await reopened.readStatus()).toEqual({
      cardId: (await card.readPublicInfo()).cardId,
      state: CardState.active,
      maxPinTries: 3,
      pinTriesRemaining: 2,
      session: { terminalAuthenticated: false, cardAuthenticated: false, pinVerified: false },
    });
    const confirmed = await confirmCardHolder(reopened, {
      pin: TEST_PIN,
      terminal: world.terminal,
      trust: world.trust(clock),
    });
    expect(confirmed).toMatchObject({ ok: true, value: { residentCode } });

    await reopened.verifyPin('0000');
    await reopened.verifyPin('0000');
    await reopened.verifyPin('0000');
    expect((await (await openSoftwareCard(path, { clock })).readStatus()).state).toBe(CardState.locked);

    // Resetting the counter by editing the file breaks the seal.
    const file = JSON.parse(readFileSync(path, 'utf8')) as {
      record: { state: string; pinTriesRemaining: number };
    };
    file.record.state = 'active';
    file.record.pinTriesRemaining = 3;
    const edited = join(dir, 'edited.card');
    writeFileSync(edited, JSON.stringify(file));
    copyFileSync(chipPath(path), chipPath(edited));
    expect(await refusal(openSoftwareCard(edited, { clock }))).toBe('JUKI_ERR_CARD_FILE');
    expect(await refusal(openSoftwareCard(path, { clock, chipSecret: new Uint8Array(32) }))).toBe(
      'JUKI_ERR_CARD_FILE',
    );
    expect(await refusal(openSoftwareCard(join(dir, 'missing.card'), { clock }))).toBe('JUKI_ERR_CARD_FILE');
    expect(await refusal(createSoftwareCard(path, { clock }))).toBe('JUKI_ERR_CARD_FILE_EXISTS');
  });

  it('never gives out its private key, and keeps neither the key nor the code in clear in its file', async () => {
    const outputs: unknown[] = [];
    const record = async <T>(promise: Promise<T>): Promise<T> => {
      const value = await promise;
      outputs.push(value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value);
      return value;
    };
    const path = join(dir, 'secret.card');
    const card = await record(createSoftwareCard(path, { clock, transportKey: TEST_TRANSPORT_KEY }));
    await record(card.removeTransportKey(TEST_TRANSPORT_KEY));
    const { cardId } = await record(card.readPublicInfo());
    const residentCode = generateResidentCode();
    await record(card.writeResidentCode(residentCode));
    const { publicKeyPem } = await record(card.generateKeyPair());
    const certificatePem = await issueCardCertificate(world.issuerCa, {
      cardId,
      issuerMunicipality: TEST_MUNICIPALITY,
      publicKeyPem,
      validFrom: TEST_TODAY,
      validTo: new Date('2025-03-31T00:00:00Z'),
    });
    await record(card.installCertificate({ certificatePem, chainPems: [] }));
    await record(card.setValidity(TEST_VALIDITY));
    await record(card.setFaceVersion(FaceVersion.b));
    await record(card.writeIssuerMunicipality(TEST_MUNICIPALITY));
    await record(card.writeTrustAnchor(world.terminalCa.certificatePem));
    await record(card.completePersonalisation());
    await record(activateCard(card, world.terminal, TEST_PIN));
    await record(card.readStatus());
    await record(card.readCertificate());
    await record(card.internalAuthenticate(new Uint8Array(32).fill(7)));
    await record(card.verifyPin(TEST_PIN));
    await record(card.readResidentCode());

    // The key, as the card sealed it: it must be the certified one.
    const { secrets } = await readCardFile(path, readFileSync(chipPath(path)));
    const privateKey = createPrivateKey({
      key: Buffer.from(secrets.privateKey!, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    expect(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' })).toBe(
      readCardCertificate(certificatePem).publicKeyPem,
    );
    const der = privateKey.export({ type: 'pkcs8', format: 'der' });
    const sec1 = privateKey.export({ type: 'sec1', format: 'der' });
    const jwk = privateKey.export({ format: 'jwk' });
    const scalar = Buffer.from(jwk.d!, 'base64url');
    const pemBody = privateKey
      .export({ type: 'pkcs8', format: 'pem' })
      .toString()
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('-----'));

    const fileBytes = readFileSync(path);
    const fileText = fileBytes.toString('utf8');
    const said = JSON.stringify(outputs);
    for (const bytes of [der, sec1, scalar]) {
      expect(fileBytes.indexOf(bytes)).toBe(-1);
      for (const encoding of ['base64', 'base64url', 'hex'] as const) {
        expect(fileText).not.toContain(bytes.toString(encoding));
        expect(said).not.toContain(bytes.toString(encoding));
      }
    }
    expect(fileText).not.toContain(jwk.d);
    expect(said).not.toContain(jwk.d);
    for (const line of pemBody) {
      expect(fileText).not.toContain(line);
      expect(said).not.toContain(line);
    }
    expect(fileText).not.toContain(residentCode);
    expect(said).toContain(residentCode);
  });

  it('keeps the PIN counter and the lock as the rule says for any sequence of PIN attempts', async () => {
    const { path } = await world.issueCard(dir, 'template', { clock });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { maxLength: 8 }), async (attempts) => {
        run += 1;
        const copy = join(dir, `property-${run}.card`);
        copyFileSync(path, copy);
        copyFileSync(chipPath(path), chipPath(copy));
        const card = await openSoftwareCard(copy, { clock });
        let wrongInARow = 0;
        for (const right of attempts) {
          const result = await refusalOr(card.verifyPin(right ? TEST_PIN : '0000'));
          if (wrongInARow >= 3) {
            expect(result).toBe('JUKI_ERR_CARD_LOCKED');
            continue;
          }
          wrongInARow = right ? 0 : wrongInARow + 1;
          expect(result).toEqual(
            right
              ? { ok: true, value: { remainingTries: 3 } }
              : { ok: false, reason: { remainingTries: 3 - wrongInARow, locked: wrongInARow === 3 } },
          );
        }
        const status = await (await openSoftwareCard(copy, { clock })).readStatus();
        expect(status.pinTriesRemaining).toBe(3 - Math.min(wrongInARow, 3));
        expect(status.state).toBe(wrongInARow >= 3 ? CardState.locked : CardState.active);
      }),
      { seed: 5, numRuns: 40 },
    );
  });
});

async function refusalOr<T>(promise: Promise<T>): Promise<T | ErrorCode> {
  try {
    return await promise;
  } catch (error) {
    if (isJukinetError(error)) return error.code;
    throw error;
  }
}
