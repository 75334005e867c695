// The software card's memory: one JSON file, written atomically after every change, whose secrets (the private key,
// the resident code, the PIN and transport key checks) are sealed with AES-256-GCM under a key derived from the card's
// chip secret. The clear fields are the sealed box's associated data, so editing them (say, the PIN counter) breaks it.

import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic, isNotFound, canonicalJson } from '../crypto/index.js';
import { JukinetError, quote } from '../shared/errors.js';
import { secureRandomBytes } from '../shared/random.js';
import { CardState, FaceVersion } from './resident-card.js';
import type { StoredCardState } from './card-rules.js';

const FORMAT = 'jukinet-software-card/1';
/** The chip secret's length: an AES-256 key's worth. */
export const CHIP_SECRET_BYTES = 32;

/** What the card keeps in clear: nothing a terminal could not read or infer, and nothing that unlocks it. */
export interface CardRecord {
  readonly cardId: string;
  readonly state: StoredCardState;
  readonly maxPinTries: number;
  readonly pinTriesRemaining: number;
  readonly faceVersion: FaceVersion | null;
  readonly validity: { readonly validFrom: string; readonly validUntil: string } | null;
  readonly issuerMunicipality: string | null;
  readonly certificatePem: string | null;
  readonly chainPems: readonly string[];
  readonly trustAnchorPem: string | null;
  readonly publicKeyPem: string | null;
}

/** What the card keeps sealed. MACs, not values, for the PIN and the transport key: the card only compares them. */
export interface CardSecrets {
  readonly transportKeyMac: string | null;
  /** PKCS#8 DER, base64. */
  readonly privateKey: string | null;
  readonly residentCode: string | null;
  readonly pinMac: string | null;
}

export const NO_SECRETS: CardSecrets = {
  transportKeyMac: null,
  privateKey: null,
  residentCode: null,
  pinMac: null,
};

const storedStates = Object.values(CardState).filter((state) => state !== CardState.expired) as [
  StoredCardState,
  ...StoredCardState[],
];

const recordSchema = z.strictObject({
  cardId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  state: z.enum(storedStates),
  maxPinTries: z.number().int().min(1).max(15),
  pinTriesRemaining: z.number().int().min(0).max(15),
  faceVersion: z.enum([FaceVersion.a, FaceVersion.b]).nullable(),
  validity: z.strictObject({ validFrom: z.string(), validUntil: z.string() }).nullable(),
  issuerMunicipality: z.string().nullable(),
  certificatePem: z.string().nullable(),
  chainPems: z.array(z.string()),
  trustAnchorPem: z.string().nullable(),
  publicKeyPem: z.string().nullable(),
});

const secretsSchema = z.strictObject({
  transportKeyMac: z.string().nullable(),
  privateKey: z.string().nullable(),
  residentCode: z.string().nullable(),
  pinMac: z.string().nullable(),
});

const fileSchema = z.strictObject({
  format: z.literal(FORMAT),
  record: recordSchema,
  sealed: z.strictObject({ iv: z.string(), data: z.string(), tag: z.string() }),
});

/** Writes the card's file: the record in clear, the secrets sealed and bound to the record. */
export async function writeCardFile(
  path: string,
  content: { record: CardRecord; secrets: CardSecrets; chipSecret: Uint8Array },
  options?: { exclusive?: boolean },
): Promise<void> {
  const { record, secrets, chipSecret } = content;
  const iv = secureRandomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(chipSecret, record.cardId), iv);
  cipher.setAAD(Buffer.from(canonicalJson({ format: FORMAT, record }), 'utf8'));
  const data = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  const file = {
    format: FORMAT,
    record,
    sealed: {
      iv: Buffer.from(iv).toString('base64'),
      data: data.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    },
  };
  try {
    await writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`, {
      mode: 0o600,
      exclusive: options?.exclusive ?? false,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new JukinetError('JUKI_ERR_CARD_FILE_EXISTS', quote(path), { cause: error });
    }
    throw error;
  }
}

/** Reads and opens the card's file; throws JUKI_ERR_CARD_FILE when it is missing, malformed, edited or not this chip's. */
export async function readCardFile(
  path: string,
  chipSecret: Uint8Array,
): Promise<{ record: CardRecord; secrets: CardSecrets }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isNotFound(error))
      throw new JukinetError('JUKI_ERR_CARD_FILE', `no card at ${quote(path)}`, { cause: error });
    throw error;
  }
  let file: z.infer<typeof fileSchema>;
  try {
    file = fileSchema.parse(JSON.parse(text));
  } catch (error) {
    throw new JukinetError('JUKI_ERR_CARD_FILE', `${quote(path)} is not a card file`, { cause: error });
  }
  let secrets: CardSecrets;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      sealKey(chipSecret, file.record.cardId),
      Buffer.from(file.sealed.iv, 'base64'),
    );
    decipher.setAAD(Buffer.from(canonicalJson({ format: FORMAT, record: file.record }), 'utf8'));
    decipher.setAuthTag(Buffer.from(file.sealed.tag, 'base64'));
    const clear = Buffer.concat([decipher.update(Buffer.from(file.sealed.data, 'base64')), decipher.final()]);
    secrets = secretsSchema.parse(JSON.parse(clear.toString('utf8')));
  } catch (error) {
    throw new JukinetError(
      'JUKI_ERR_CARD_FILE',
      `${quote(path)} was changed outside the card or belongs to another chip secret`,
      { cause: error },
    );
  }
  return { record: file.record, secrets };
}

/** A keyed MAC of a PIN or transport key, so the file holds neither; hex. */
export function secretMac(
  chipSecret: Uint8Array,
  cardId: string,
  label: 'pin' | 'transport',
  value: Uint8Array,
): string {
  const key = derive(chipSecret, cardId, `jukinet-card-${label}/1`);
  return createHmac('sha256', key).update(value).digest('hex');
}

/** Compares two MACs in constant time. */
export function macEquals(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

function sealKey(chipSecret: Uint8Array, cardId: string): Buffer {
  return derive(chipSecret, cardId, 'jukinet-card-seal/1');
}

function derive(chipSecret: Uint8Array, cardId: string, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', chipSecret, Buffer.from(cardId, 'utf8'), info, 32));
}
