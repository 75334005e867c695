// The software card: a ResidentCard that behaves as the real one, keeping its state in a file between uses
// (software-card-file.ts). A simulator for development and tests, not a secure element (docs/card.md, "The software card").

import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  CardTerminalRole,
  isNotFound,
  readCardCertificate,
  readCardTerminalCertificate,
  signCanonical,
  verifyCanonical,
  verifyCertificateChain,
  writeFileAtomic,
} from '../crypto/index.js';
import {
  checkIsoDate,
  checkLocalGovernmentCode,
  checkResidentCode,
  compareIsoDates,
  japanDateOf,
  type LocalGovernmentCode,
  type ResidentCode,
} from '../domain/index.js';
import { assert } from '../shared/assert.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { JukinetError, isJukinetError, quote, type ErrorCode } from '../shared/errors.js';
import { secureRandomBytes } from '../shared/random.js';
import { err, ok } from '../shared/result.js';
import {
  applyPinAttempt,
  CardCommand,
  checkCommandAllowed,
  checkMaxPinTries,
  checkPinFormat,
  DEFAULT_MAX_PIN_TRIES,
  effectiveState,
} from './card-rules.js';
import {
  cardProofPayload,
  CardProofPurpose,
  CardState,
  FaceVersion,
  type CardProof,
  type CardSession,
  type PinVerification,
  type ResidentCard,
} from './resident-card.js';
import {
  CHIP_SECRET_BYTES,
  macEquals,
  NO_SECRETS,
  readCardFile,
  secretMac,
  writeCardFile,
  type CardRecord,
  type CardSecrets,
} from './software-card-file.js';

/** How a software card is opened: its clock and, optionally, its chip secret. */
export interface SoftwareCardOptions {
  /** The card's idea of today, for its validity and for the terminals' certificates (a real card has no clock). */
  clock?: Clock;
  /**
   * The secret the card's sealed contents are derived from (32 bytes), standing for what a real chip keeps in silicon.
   * When absent it is kept in `<path>.chip` beside the card file (mode 0600), written when the card is created.
   */
  chipSecret?: Uint8Array;
}

const CHALLENGE_BYTES = 16;
const MIN_TERMINAL_CHALLENGE = 16;
const MAX_TERMINAL_CHALLENGE = 64;
const MIN_TRANSPORT_KEY = 16;
const MAX_TRANSPORT_KEY = 32;

/**
 * Manufactures a software card in a new file at `path` (refused with JUKI_ERR_CARD_FILE_EXISTS if there is one):
 * `blank`, or `transport-protected` when `transportKey` is given. The card id is random unless given.
 */
export async function createSoftwareCard(
  path: string,
  options: SoftwareCardOptions & { cardId?: string; maxPinTries?: number; transportKey?: Uint8Array } = {},
): Promise<ResidentCard> {
  const maxPinTries = options.maxPinTries ?? DEFAULT_MAX_PIN_TRIES;
  checkMaxPinTries(maxPinTries);
  const cardId = options.cardId ?? Buffer.from(secureRandomBytes(8)).toString('hex');
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(cardId)) {
    throw new JukinetError(
      'JUKI_ERR_CARD_INPUT',
      `card id ${quote(cardId)} must be lowercase letters, digits and dashes`,
    );
  }
  let chipSecret = options.chipSecret;
  if (chipSecret === undefined) {
    chipSecret = secureRandomBytes(CHIP_SECRET_BYTES);
    try {
      await writeFileAtomic(chipPath(path), chipSecret, { mode: 0o600, exclusive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new JukinetError('JUKI_ERR_CARD_FILE_EXISTS', quote(chipPath(path)), { cause: error });
      }
      throw error;
    }
  }
  checkChipSecret(chipSecret);
  const record: CardRecord = {
    cardId,
    state: CardState.blank,
    maxPinTries,
    pinTriesRemaining: maxPinTries,
    faceVersion: null,
    validity: null,
    issuerMunicipality: null,
    certificatePem: null,
    chainPems: [],
    trustAnchorPem: null,
    publicKeyPem: null,
  };
  await writeCardFile(path, { record, secrets: NO_SECRETS, chipSecret }, { exclusive: true });
  const card = softwareCard(path, {
    record,
    secrets: NO_SECRETS,
    chipSecret,
    clock: options.clock ?? systemClock,
  });
  if (options.transportKey !== undefined) await card.setTransportKey(options.transportKey);
  return card;
}

/** Opens the software card kept at `path`; throws JUKI_ERR_CARD_FILE when it is missing, damaged or edited. */
export async function openSoftwareCard(
  path: string,
  options: SoftwareCardOptions = {},
): Promise<ResidentCard> {
  let chipSecret = options.chipSecret;
  if (chipSecret === undefined) {
    try {
      chipSecret = new Uint8Array(await readFile(chipPath(path)));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      throw new JukinetError('JUKI_ERR_CARD_FILE', `no chip secret at ${quote(chipPath(path))}`, {
        cause: error,
      });
    }
  }
  checkChipSecret(chipSecret);
  const { record, secrets } = await readCardFile(path, chipSecret);
  return softwareCard(path, { record, secrets, chipSecret, clock: options.clock ?? systemClock });
}

/** Where a card's chip secret is kept when the caller does not hold it. */
export function chipPath(path: string): string {
  return `${path}.chip`;
}

function checkChipSecret(chipSecret: Uint8Array): void {
  if (chipSecret.length !== CHIP_SECRET_BYTES) {
    throw new JukinetError('JUKI_ERR_CARD_FILE', `the chip secret must have ${CHIP_SECRET_BYTES} bytes`);
  }
}

function softwareCard(
  path: string,
  loaded: { record: CardRecord; secrets: CardSecrets; chipSecret: Uint8Array; clock: Clock },
): ResidentCard {
  const { chipSecret, clock } = loaded;
  let record = loaded.record;
  let secrets = loaded.secrets;
  let session: CardSession = NO_SESSION;
  let challenge: Uint8Array | null = null;
  // One command at a time, as over one reader: each waits for the one before, refused or not.
  let queue: Promise<unknown> = Promise.resolve();

  function run<T>(command: CardCommand, body: () => T | Promise<T>): Promise<T> {
    const result = queue.then(() => {
      checkCommandAllowed(command, currentState());
      return body();
    });
    queue = result.catch(() => undefined);
    return result;
  }

  function currentState(): CardState {
    return effectiveState(record.state, record.validity, japanDateOf(clock.now()));
  }

  /** Writes the change to the file first; memory follows only once the file has it. */
  async function save(change: {
    record?: Partial<CardRecord>;
    secrets?: Partial<CardSecrets>;
  }): Promise<void> {
    const nextRecord: CardRecord = { ...record, ...change.record };
    const nextSecrets: CardSecrets = { ...secrets, ...change.secrets };
    await writeCardFile(path, { record: nextRecord, secrets: nextSecrets, chipSecret });
    record = nextRecord;
    secrets = nextSecrets;
  }

  function mac(label: 'pin' | 'transport', value: Uint8Array | string): string {
    return secretMac(
      chipSecret,
      record.cardId,
      label,
      typeof value === 'string' ? Buffer.from(value, 'utf8') : value,
    );
  }

  /** Checks a terminal's or clerk's proof over the outstanding challenge, which it uses up either way. */
  function checkProof(
    proof: CardProof,
    role: CardTerminalRole,
    purpose: CardProofPurpose,
    refusal: Extract<ErrorCode, 'JUKI_ERR_CARD_TERMINAL_REFUSED' | 'JUKI_ERR_CARD_ADMIN_REFUSED'>,
  ): void {
    const issued = challenge;
    challenge = null;
    if (issued === null) throw new JukinetError('JUKI_ERR_CARD_CHALLENGE');
    assert(record.trustAnchorPem !== null, 'a personalised card has a trust anchor');
    let holder: ReturnType<typeof readCardTerminalCertificate>;
    try {
      verifyCertificateChain(proof.certificatePem, {
        trustAnchorPems: [record.trustAnchorPem],
        at: clock.now(),
      });
      holder = readCardTerminalCertificate(proof.certificatePem);
    } catch (error) {
      if (!isJukinetError(error)) throw error;
      throw new JukinetError(refusal, error.detail ?? error.message, { cause: error });
    }
    if (holder.role !== role) {
      throw new JukinetError(
        refusal,
        `${quote(holder.terminalId)} is a ${quote(holder.role)}, not a ${quote(role)}`,
      );
    }
    if (
      !verifyCanonical(cardProofPayload(purpose, record.cardId, issued), proof.signature, holder.publicKeyPem)
    ) {
      throw new JukinetError(refusal, `the signature of ${quote(holder.terminalId)} does not verify`);
    }
  }

  async function attemptPin(pin: string): Promise<PinVerification> {
    assert(secrets.pinMac !== null, 'an active card has a PIN');
    const correct = macEquals(mac('pin', pin), secrets.pinMac);
    const counter = applyPinAttempt(
      { remaining: record.pinTriesRemaining, max: record.maxPinTries },
      correct,
    );
    const locked = counter.remaining === 0;
    // The counter reaches the file before the answer leaves the card, so pulling the card cannot save a try.
    if (counter.remaining !== record.pinTriesRemaining) {
      await save({
        record: { pinTriesRemaining: counter.remaining, ...(locked ? { state: CardState.locked } : {}) },
      });
    }
    session = { ...session, pinVerified: correct };
    return correct
      ? ok({ remainingTries: counter.remaining })
      : err({ remainingTries: counter.remaining, locked });
  }

  return {
    readStatus: () =>
      run(CardCommand.readStatus, () => ({
        cardId: record.cardId,
        state: currentState(),
        maxPinTries: record.maxPinTries,
        pinTriesRemaining: record.pinTriesRemaining,
        session,
      })),

    readPublicInfo: () =>
      run(CardCommand.readPublicInfo, () => ({
        cardId: record.cardId,
        state: currentState(),
        faceVersion: record.faceVersion,
        validity: record.validity,
        issuerMunicipality:
          record.issuerMunicipality === null ? null : checkedMunicipality(record.issuerMunicipality),
      })),

    reset: () =>
      run(CardCommand.reset, () => {
        session = NO_SESSION;
        challenge = null;
      }),

    setTransportKey: (transportKey) =>
      run(CardCommand.setTransportKey, async () => {
        if (
          !(transportKey instanceof Uint8Array) ||
          transportKey.length < MIN_TRANSPORT_KEY ||
          transportKey.length > MAX_TRANSPORT_KEY
        ) {
          throw new JukinetError(
            'JUKI_ERR_CARD_INPUT',
            `a transport key has ${MIN_TRANSPORT_KEY} to ${MAX_TRANSPORT_KEY} bytes`,
          );
        }
        await save({
          record: { state: CardState.transportProtected },
          secrets: { transportKeyMac: mac('transport', transportKey) },
        });
      }),

    removeTransportKey: (transportKey) =>
      run(CardCommand.removeTransportKey, async () => {
        assert(secrets.transportKeyMac !== null, 'a transport-protected card has a transport key');
        if (
          !(transportKey instanceof Uint8Array) ||
          !macEquals(mac('transport', transportKey), secrets.transportKeyMac)
        ) {
          throw new JukinetError('JUKI_ERR_CARD_TRANSPORT_KEY', `card ${quote(record.cardId)}`);
        }
        await save({ record: { state: CardState.personalising }, secrets: { transportKeyMac: null } });
      }),

    writeResidentCode: (code) =>
      run(CardCommand.writeResidentCode, async () => {
        const checked = checkResidentCode(String(code));
        if (!checked.ok) throw new JukinetError('JUKI_ERR_CARD_INPUT', `resident code: ${checked.reason}`);
        await save({ secrets: { residentCode: checked.value } });
      }),

    generateKeyPair: () =>
      run(CardCommand.generateKeyPair, async () => {
        if (secrets.privateKey !== null) {
          throw new JukinetError('JUKI_ERR_CARD_STATE', 'the key pair is generated once per card');
        }
        const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
        await save({
          record: { publicKeyPem },
          secrets: { privateKey: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64') },
        });
        return { publicKeyPem };
      }),

    installCertificate: (certificates) =>
      run(CardCommand.installCertificate, async () => {
        if (record.publicKeyPem === null) {
          throw new JukinetError(
            'JUKI_ERR_CARD_STATE',
            'generate the key pair before installing its certificate',
          );
        }
        let info: ReturnType<typeof readCardCertificate>;
        try {
          info = readCardCertificate(certificates.certificatePem);
          for (const pem of certificates.chainPems) new X509Certificate(pem);
        } catch (error) {
          throw new JukinetError('JUKI_ERR_CARD_CERTIFICATE', 'cannot read the certificates', {
            cause: error,
          });
        }
        if (info.cardId !== record.cardId) {
          throw new JukinetError('JUKI_ERR_CARD_CERTIFICATE', `it names card ${quote(info.cardId)}`);
        }
        if (!samePublicKey(info.publicKeyPem, record.publicKeyPem)) {
          throw new JukinetError('JUKI_ERR_CARD_CERTIFICATE', "it does not carry the card's public key");
        }
        await save({
          record: { certificatePem: certificates.certificatePem, chainPems: [...certificates.chainPems] },
        });
      }),

    setValidity: (validity) =>
      run(CardCommand.setValidity, async () => {
        const from = checkIsoDate(validity.validFrom);
        const until = checkIsoDate(validity.validUntil);
        if (!from.ok || !until.ok || compareIsoDates(from.value, until.value) > 0) {
          throw new JukinetError(
            'JUKI_ERR_CARD_INPUT',
            `validity ${quote(validity.validFrom)} to ${quote(validity.validUntil)}`,
          );
        }
        await save({ record: { validity: { validFrom: from.value, validUntil: until.value } } });
      }),

    setFaceVersion: (faceVersion) =>
      run(CardCommand.setFaceVersion, async () => {
        if (faceVersion !== FaceVersion.a && faceVersion !== FaceVersion.b) {
          throw new JukinetError(
            'JUKI_ERR_CARD_INPUT',
            `face version ${quote(faceVersion)} is neither "A" nor "B"`,
          );
        }
        await save({ record: { faceVersion } });
      }),

    writeIssuerMunicipality: (code) =>
      run(CardCommand.writeIssuerMunicipality, async () => {
        const checked = checkLocalGovernmentCode(String(code));
        if (!checked.ok || checked.value !== code) {
          throw new JukinetError('JUKI_ERR_CARD_INPUT', `municipality code ${quote(code)}`);
        }
        await save({ record: { issuerMunicipality: checked.value } });
      }),

    writeTrustAnchor: (certificatePem) =>
      run(CardCommand.writeTrustAnchor, async () => {
        let isCa = false;
        try {
          isCa = new X509Certificate(certificatePem).ca;
        } catch (error) {
          throw new JukinetError('JUKI_ERR_CARD_INPUT', 'cannot read the trust anchor', { cause: error });
        }
        if (!isCa) throw new JukinetError('JUKI_ERR_CARD_INPUT', 'the trust anchor is not a CA certificate');
        await save({ record: { trustAnchorPem: certificatePem } });
      }),

    completePersonalisation: () =>
      run(CardCommand.completePersonalisation, async () => {
        const missing = [
          ['resident code', secrets.residentCode],
          ['key pair', secrets.privateKey],
          ['certificate', record.certificatePem],
          ['validity', record.validity],
          ['face version', record.faceVersion],
          ['issuer municipality', record.issuerMunicipality],
          ['trust anchor', record.trustAnchorPem],
        ]
          .filter(([, value]) => value === null)
          .map(([name]) => name as string);
        if (missing.length > 0) {
          throw new JukinetError('JUKI_ERR_CARD_PERSONALISATION_INCOMPLETE', `missing ${missing.join(', ')}`);
        }
        assert(record.certificatePem !== null);
        const certified = readCardCertificate(record.certificatePem).issuerMunicipality;
        if (certified !== record.issuerMunicipality) {
          throw new JukinetError(
            'JUKI_ERR_CARD_CERTIFICATE',
            `issued for ${quote(certified)}, the card says ${quote(record.issuerMunicipality)}`,
          );
        }
        await save({ record: { state: CardState.personalised, pinTriesRemaining: record.maxPinTries } });
      }),

    readCertificate: () =>
      run(CardCommand.readCertificate, () => {
        assert(record.certificatePem !== null, 'a personalised card has a certificate');
        return { certificatePem: record.certificatePem, chainPems: [...record.chainPems] };
      }),

    getChallenge: () =>
      run(CardCommand.getChallenge, () => {
        challenge = secureRandomBytes(CHALLENGE_BYTES);
        return new Uint8Array(challenge);
      }),

    externalAuthenticate: (proof) =>
      run(CardCommand.externalAuthenticate, () => {
        checkProof(
          proof,
          CardTerminalRole.terminal,
          CardProofPurpose.externalAuthenticate,
          'JUKI_ERR_CARD_TERMINAL_REFUSED',
        );
        session = { ...session, terminalAuthenticated: true };
      }),

    internalAuthenticate: (terminalChallenge) =>
      run(CardCommand.internalAuthenticate, () => {
        if (
          !(terminalChallenge instanceof Uint8Array) ||
          terminalChallenge.length < MIN_TERMINAL_CHALLENGE ||
          terminalChallenge.length > MAX_TERMINAL_CHALLENGE
        ) {
          throw new JukinetError(
            'JUKI_ERR_CARD_INPUT',
            `a challenge has ${MIN_TERMINAL_CHALLENGE} to ${MAX_TERMINAL_CHALLENGE} bytes`,
          );
        }
        assert(secrets.privateKey !== null, 'an active card has a key');
        const key = createPrivateKey({
          key: Buffer.from(secrets.privateKey, 'base64'),
          format: 'der',
          type: 'pkcs8',
        });
        const signature = signCanonical(
          cardProofPayload(CardProofPurpose.internalAuthenticate, record.cardId, terminalChallenge),
          key,
        );
        session = { ...session, cardAuthenticated: true };
        return signature;
      }),

    setPin: (pin) =>
      run(CardCommand.setPin, async () => {
        checkPinFormat(pin);
        if (!session.terminalAuthenticated) {
          throw new JukinetError(
            'JUKI_ERR_CARD_NOT_AUTHENTICATED',
            'the first PIN is set at an authenticated terminal',
          );
        }
        await save({
          record: { state: CardState.active, pinTriesRemaining: record.maxPinTries },
          secrets: { pinMac: mac('pin', pin) },
        });
      }),

    verifyPin: (pin) =>
      run(CardCommand.verifyPin, () => {
        checkPinFormat(pin);
        return attemptPin(pin);
      }),

    changePin: (currentPin, newPin) =>
      run(CardCommand.changePin, async () => {
        checkPinFormat(currentPin);
        checkPinFormat(newPin);
        const verification = await attemptPin(currentPin);
        if (verification.ok) await save({ secrets: { pinMac: mac('pin', newPin) } });
        return verification;
      }),

    readResidentCode: () =>
      run(CardCommand.readResidentCode, () => {
        if (!session.terminalAuthenticated || !session.cardAuthenticated) {
          throw new JukinetError(
            'JUKI_ERR_CARD_NOT_AUTHENTICATED',
            `terminal ${session.terminalAuthenticated ? 'proved' : 'not proved'}, card ${session.cardAuthenticated ? 'proved' : 'not proved'}`,
          );
        }
        if (!session.pinVerified)
          throw new JukinetError('JUKI_ERR_CARD_PIN_REQUIRED', 'to read the resident code');
        assert(secrets.residentCode !== null, 'an active card has a resident code');
        return secrets.residentCode as ResidentCode;
      }),

    unlock: (proof, newPin) =>
      run(CardCommand.unlock, async () => {
        checkPinFormat(newPin);
        checkProof(
          proof,
          CardTerminalRole.administrator,
          CardProofPurpose.unlock,
          'JUKI_ERR_CARD_ADMIN_REFUSED',
        );
        await save({
          record: { state: CardState.active, pinTriesRemaining: record.maxPinTries },
          secrets: { pinMac: mac('pin', newPin) },
        });
        session = { ...session, pinVerified: false };
      }),

    markReturned: (proof) =>
      run(CardCommand.markReturned, async () => {
        checkProof(
          proof,
          CardTerminalRole.administrator,
          CardProofPurpose.markReturned,
          'JUKI_ERR_CARD_ADMIN_REFUSED',
        );
        await save({
          record: { state: CardState.returned },
          secrets: { privateKey: null, residentCode: null, pinMac: null },
        });
        session = NO_SESSION;
      }),
  };
}

const NO_SESSION: CardSession = {
  terminalAuthenticated: false,
  cardAuthenticated: false,
  pinVerified: false,
};

function samePublicKey(a: string, b: string): boolean {
  const der = (pem: string): Buffer => createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return der(a).equals(der(b));
}

function checkedMunicipality(code: string): LocalGovernmentCode {
  const checked = checkLocalGovernmentCode(code);
  assert(checked.ok, 'the card holds a checked municipality code');
  return checked.value;
}
