// Throwaway card PKI and cards for tests: a municipality's card CA, a terminal CA with a terminal and a clerk, and
// software cards personalised under them. Keys live in memory; card files go where the test says.

import { join } from 'node:path';
import {
  CardTerminalRole,
  createCardIssuerCa,
  createRootCa,
  generateNodeKeyPair,
  issueCardTerminalCertificate,
  type CaMaterial,
} from '../../crypto/index.js';
import {
  generateResidentCode,
  parseLocalGovernmentCode,
  type LocalGovernmentCode,
  type ResidentCode,
} from '../../domain/index.js';
import type { Clock } from '../../shared/clock.js';
import { isJukinetError, type ErrorCode } from '../../shared/errors.js';
import { personaliseCard } from '../card-issuance.js';
import { activateCard, type CardTerminalKey } from '../card-terminal.js';
import type { CardTrust } from '../card-verifier.js';
import { FaceVersion, type CardValidity, type ResidentCard } from '../resident-card.js';
import { createSoftwareCard } from '../software-card.js';

/** 文京区: the issuing municipality of test cards. */
export const TEST_MUNICIPALITY: LocalGovernmentCode = parseLocalGovernmentCode('131059');
export const TEST_VALIDITY: CardValidity = { validFrom: '2015-04-01', validUntil: '2025-03-31' };
/** A day inside TEST_VALIDITY, noon in Japan. */
export const TEST_TODAY = new Date('2020-06-01T03:00:00Z');
export const TEST_PIN = '1234';

export interface TestCardWorld {
  readonly issuerCa: CaMaterial;
  readonly terminalCa: CaMaterial;
  readonly terminal: CardTerminalKey;
  readonly administrator: CardTerminalKey;
  /** What a terminal trusts: the issuer CA, at TEST_TODAY unless another clock is given. */
  trust(clock: Clock): CardTrust;
  /** A new software card at `<directory>/<name>.card`, transport-protected with `transportKey`. */
  blankCard(
    directory: string,
    name: string,
    options: { clock: Clock; transportKey: Uint8Array; maxPinTries?: number },
  ): Promise<ResidentCard>;
  /** A new card, personalised (validity TEST_VALIDITY) and activated with TEST_PIN unless `activate` is false. */
  issueCard(
    directory: string,
    name: string,
    options: { clock: Clock; maxPinTries?: number; activate?: boolean; residentCode?: ResidentCode },
  ): Promise<{ card: ResidentCard; residentCode: ResidentCode; path: string }>;
}

export const TEST_TRANSPORT_KEY = Uint8Array.from({ length: 16 }, (_, i) => i + 1);

/** Creates the CAs, a terminal key and a clerk key valid across TEST_VALIDITY. */
export async function createTestCardWorld(): Promise<TestCardWorld> {
  const validFrom = new Date('2014-01-01T00:00:00Z');
  const issuerCa = await createCardIssuerCa({
    municipalityCode: TEST_MUNICIPALITY,
    validFrom,
    validDays: 20 * 365,
  });
  const terminalCa = await createRootCa({
    commonName: 'Jukinet Test Terminal CA',
    validFrom,
    validDays: 20 * 365,
  });
  const terminalKey = async (terminalId: string, role: CardTerminalRole): Promise<CardTerminalKey> => {
    const keys = generateNodeKeyPair();
    const certificatePem = await issueCardTerminalCertificate(terminalCa, {
      terminalId,
      role,
      publicKeyPem: keys.publicKeyPem,
      validFrom,
      validTo: new Date('2030-01-01T00:00:00Z'),
    });
    return { certificatePem, privateKey: keys.privateKeyPem };
  };
  const terminal = await terminalKey('bunkyo-window-1', CardTerminalRole.terminal);
  const administrator = await terminalKey('bunkyo-clerk-1', CardTerminalRole.administrator);
  const world: TestCardWorld = {
    issuerCa,
    terminalCa,
    terminal,
    administrator,
    trust: (clock) => ({ trustAnchorPems: [issuerCa.certificatePem], clock }),
    blankCard: (directory, name, options) =>
      createSoftwareCard(join(directory, `${name}.card`), {
        clock: options.clock,
        transportKey: options.transportKey,
        ...(options.maxPinTries === undefined ? {} : { maxPinTries: options.maxPinTries }),
      }),
    async issueCard(directory, name, options) {
      const card = await world.blankCard(directory, name, { ...options, transportKey: TEST_TRANSPORT_KEY });
      const residentCode = options.residentCode ?? generateResidentCode();
      await personaliseCard(card, {
        transportKey: TEST_TRANSPORT_KEY,
        residentCode,
        issuerMunicipality: TEST_MUNICIPALITY,
        faceVersion: FaceVersion.b,
        validity: TEST_VALIDITY,
        issuer: issuerCa,
        terminalTrustAnchorPem: terminalCa.certificatePem,
      });
      if (options.activate !== false) {
        await activateCard(card, terminal, TEST_PIN);
        await card.reset();
      }
      return { card, residentCode, path: join(directory, `${name}.card`) };
    },
  };
  return world;
}

/** The code of the JukinetError a command or check was refused with; fails the test when it was not refused. */
export async function refusalOf(promise: Promise<unknown>): Promise<ErrorCode> {
  try {
    await promise;
  } catch (error) {
    if (isJukinetError(error)) return error.code;
    throw error;
  }
  throw new Error('not refused');
}
