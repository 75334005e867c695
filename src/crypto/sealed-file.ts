// Sealed files (docs/protocol/agency-batch.md, "Sealing"): a file encrypted to one node's certificate key and signed by
// the node that sealed it. ECIES on P-256: an ephemeral ECDH key, HKDF-SHA256 to an AES-256-GCM key, the plaintext in
// fixed-size chunks bound to their index, to the last-chunk flag and to the header, and an ECDSA signature over all.

import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  verify,
  X509Certificate,
} from 'node:crypto';
import { z } from 'zod';
import { JukinetError, quote } from '../shared/errors.js';
import { certificateFingerprint, readNodeIdentity } from './ca.js';
import { canonicalJson } from './canonical-json.js';
import type { KeyStore } from './key-store.js';

/** Plaintext bytes per chunk unless told otherwise. */
export const SEALED_FILE_CHUNK_BYTES = 64 * 1024;

/** The scheme named in every header: ECDH P-256, HKDF-SHA256, AES-256-GCM, ECDSA P-256 SHA-256. */
export const SEALED_FILE_SUITE = 'ECDH-P256+HKDF-SHA256+AES-256-GCM+ECDSA-P256-SHA256';

const MAGIC = Buffer.from('JKSEALv1', 'ascii');
const MAX_HEADER_BYTES = 4096;
const TAG_BYTES = 16;
const SIGNATURE_BYTES = 64;
const FRAME_HEAD_BYTES = 5;
const KEY_INFO = Buffer.from('jukinet sealed file v1: aes-256-gcm key', 'utf8');
const SIGNATURE_CONTEXT = Buffer.from('jukinet sealed file v1: signature\0', 'utf8');
const LAST = 1;
const MORE = 0;

const headerSchema = z.strictObject({
  v: z.literal(1),
  suite: z.literal(SEALED_FILE_SUITE),
  chunkBytes: z
    .number()
    .int()
    .min(1)
    .max(16 * 1024 * 1024),
  /** SHA-256 fingerprint of the recipient's certificate, as the directory publishes it. */
  recipient: z.string().regex(/^[0-9a-f]{64}$/),
  /** The ephemeral public key, SPKI DER in base64url. */
  ephemeralKey: z.string().regex(/^[A-Za-z0-9_-]+$/),
  /** The sealing node's id and the fingerprint of the certificate whose key signed. */
  sender: z.string().min(1).max(100),
  senderCertificate: z.string().regex(/^[0-9a-f]{64}$/),
  /** What the file is for (e.g. `provision-batch:<id>:input`), so that it cannot be passed off as another. */
  label: z.string().min(1).max(200),
});

/** The header of a sealed file, bound into every chunk and covered by the signature. */
export type SealedFileHeader = z.output<typeof headerSchema>;

/** Who seals: a node's key (through its key store) and the certificate that names the node. */
export interface SealingParty {
  readonly keyStore: KeyStore;
  readonly keyAlias: string;
  readonly certificatePem: string;
}

function corrupt(detail: string): JukinetError {
  return new JukinetError('JUKI_ERR_SEALED_FILE_CORRUPT', detail);
}

function chunkKey(sharedSecret: Uint8Array, headerDigest: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', sharedSecret, headerDigest, KEY_INFO, 32));
}

/** The nonce of chunk `index`: unique under a key that is new for every file. */
function nonceOf(index: number): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(index), 4);
  return nonce;
}

function aadOf(headerDigest: Buffer, index: number, flag: number): Buffer {
  const aad = Buffer.alloc(headerDigest.length + 9);
  headerDigest.copy(aad, 0);
  aad.writeBigUInt64BE(BigInt(index), headerDigest.length);
  aad.writeUInt8(flag, headerDigest.length + 8);
  return aad;
}

function signedData(headerDigest: Buffer, bodyDigest: Buffer): Buffer {
  return Buffer.concat([SIGNATURE_CONTEXT, headerDigest, bodyDigest]);
}

function sha256(...parts: readonly Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/**
 * Seals `plaintext` to the holder of `recipientCertificatePem` (a P-256 node certificate), signed by `sender`:
 * `label` says what the file is for and must be given again to open it. The layout is in
 * docs/protocol/agency-batch.md, "Sealing".
 */
export async function sealFile(
  plaintext: Uint8Array,
  options: { recipientCertificatePem: string; sender: SealingParty; label: string; chunkBytes?: number },
): Promise<Uint8Array> {
  const chunkBytes = options.chunkBytes ?? SEALED_FILE_CHUNK_BYTES;
  const recipientKey = new X509Certificate(options.recipientCertificatePem).publicKey;
  const ephemeral = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const header: SealedFileHeader = headerSchema.parse({
    v: 1,
    suite: SEALED_FILE_SUITE,
    chunkBytes,
    recipient: certificateFingerprint(options.recipientCertificatePem),
    ephemeralKey: ephemeral.publicKey.export({ type: 'spki', format: 'der' }).toString('base64url'),
    sender: readNodeIdentity(options.sender.certificatePem).nodeId,
    senderCertificate: certificateFingerprint(options.sender.certificatePem),
    label: options.label,
  });
  const headerBytes = Buffer.from(canonicalJson(header), 'utf8');
  const headerDigest = sha256(headerBytes);
  const key = chunkKey(
    diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipientKey }),
    headerDigest,
  );

  const frames: Buffer[] = [];
  const count = Math.max(1, Math.ceil(plaintext.length / chunkBytes));
  for (let index = 0; index < count; index++) {
    const flag = index === count - 1 ? LAST : MORE;
    const cipher = createCipheriv('aes-256-gcm', key, nonceOf(index));
    cipher.setAAD(aadOf(headerDigest, index, flag));
    const body = Buffer.concat([
      cipher.update(plaintext.subarray(index * chunkBytes, (index + 1) * chunkBytes)),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    const head = Buffer.alloc(FRAME_HEAD_BYTES);
    head.writeUInt8(flag, 0);
    head.writeUInt32BE(body.length, 1);
    frames.push(head, body);
  }
  const bodyDigest = sha256(...frames);
  const signature = await options.sender.keyStore.sign(
    options.sender.keyAlias,
    signedData(headerDigest, bodyDigest),
  );
  const headerLength = Buffer.alloc(4);
  headerLength.writeUInt32BE(headerBytes.length, 0);
  return Buffer.concat([MAGIC, headerLength, headerBytes, ...frames, signature]);
}

/** A sealed file taken apart, before anything in it is trusted. */
interface SealedFileParts {
  readonly header: SealedFileHeader;
  readonly headerDigest: Buffer;
  readonly frames: readonly { readonly flag: number; readonly body: Buffer }[];
  readonly bodyDigest: Buffer;
  readonly signature: Buffer;
}

function parseSealedFile(sealed: Uint8Array): SealedFileParts {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw corrupt('not a sealed file');
  }
  const headerLength = bytes.readUInt32BE(MAGIC.length);
  const headerStart = MAGIC.length + 4;
  if (headerLength > MAX_HEADER_BYTES || headerStart + headerLength > bytes.length) {
    throw corrupt('the header is cut off or too long');
  }
  const headerBytes = bytes.subarray(headerStart, headerStart + headerLength);
  const header = readHeader(headerBytes);
  const frames: { flag: number; body: Buffer }[] = [];
  let offset = headerStart + headerLength;
  const bodyStart = offset;
  for (;;) {
    if (offset + FRAME_HEAD_BYTES > bytes.length) throw corrupt(`truncated before chunk ${frames.length}`);
    const flag = bytes.readUInt8(offset);
    const length = bytes.readUInt32BE(offset + 1);
    if ((flag !== LAST && flag !== MORE) || length < TAG_BYTES || length > header.chunkBytes + TAG_BYTES) {
      throw corrupt(`chunk ${frames.length} has a bad frame`);
    }
    if (flag === MORE && length !== header.chunkBytes + TAG_BYTES) {
      throw corrupt(`chunk ${frames.length} is short but not the last`);
    }
    offset += FRAME_HEAD_BYTES;
    if (offset + length > bytes.length) throw corrupt(`truncated inside chunk ${frames.length}`);
    frames.push({ flag, body: bytes.subarray(offset, offset + length) });
    offset += length;
    if (flag === LAST) break;
  }
  const bodyDigest = sha256(bytes.subarray(bodyStart, offset));
  if (bytes.length - offset !== SIGNATURE_BYTES) {
    throw corrupt(
      bytes.length - offset < SIGNATURE_BYTES ? 'the signature is cut off' : 'data after the signature',
    );
  }
  return {
    header,
    headerDigest: sha256(headerBytes),
    frames,
    bodyDigest,
    signature: bytes.subarray(offset),
  };
}

function readHeader(headerBytes: Buffer): SealedFileHeader {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch {
    throw corrupt('the header is not JSON');
  }
  const parsed = headerSchema.safeParse(value);
  if (!parsed.success) throw corrupt('the header does not fit the format');
  // The header is written as canonical JSON; any other spelling of the same values is not what was sealed.
  if (canonicalJson(parsed.data) !== headerBytes.toString('utf8'))
    throw corrupt('the header is not canonical');
  return parsed.data;
}

/**
 * The header of a sealed file, read without checking anything but its form: to see who sealed it and for whom
 * before opening it. JUKI_ERR_SEALED_FILE_CORRUPT when it is not a sealed file.
 */
export function readSealedFileHeader(sealed: Uint8Array): SealedFileHeader {
  return parseSealedFile(sealed).header;
}

/**
 * Opens a sealed file with the recipient's key, checking in order: its form (JUKI_ERR_SEALED_FILE_CORRUPT), that it
 * was sealed to `recipient`'s certificate (JUKI_ERR_SEALED_FILE_RECIPIENT), that it is for `label` and signed with
 * the key of `senderCertificatePem` (JUKI_ERR_SEALED_FILE_SIGNATURE), and then every chunk
 * (JUKI_ERR_SEALED_FILE_CORRUPT for any altered, reordered, missing or added byte). Nothing is returned unless all pass.
 */
export async function openSealedFile(
  sealed: Uint8Array,
  options: { recipient: SealingParty; senderCertificatePem: string; label: string },
): Promise<{ plaintext: Uint8Array; header: SealedFileHeader }> {
  const parts = parseSealedFile(sealed);
  const { header, headerDigest } = parts;
  const ownFingerprint = certificateFingerprint(options.recipient.certificatePem);
  if (header.recipient !== ownFingerprint) {
    throw new JukinetError(
      'JUKI_ERR_SEALED_FILE_RECIPIENT',
      `sealed to certificate ${header.recipient.slice(0, 16)}…, this is ${ownFingerprint.slice(0, 16)}…`,
    );
  }
  if (header.label !== options.label) {
    throw new JukinetError(
      'JUKI_ERR_SEALED_FILE_SIGNATURE',
      `sealed for ${quote(header.label)}, not ${quote(options.label)}`,
    );
  }
  const sender = readNodeIdentity(options.senderCertificatePem);
  if (header.sender !== sender.nodeId || header.senderCertificate !== sender.fingerprint) {
    throw new JukinetError(
      'JUKI_ERR_SEALED_FILE_SIGNATURE',
      `sealed by ${quote(header.sender)}, expected ${quote(sender.nodeId)} with its current certificate`,
    );
  }
  const signed = verify(
    'sha256',
    signedData(headerDigest, parts.bodyDigest),
    { key: new X509Certificate(options.senderCertificatePem).publicKey, dsaEncoding: 'ieee-p1363' },
    parts.signature,
  );
  if (!signed) {
    throw new JukinetError(
      'JUKI_ERR_SEALED_FILE_SIGNATURE',
      `the signature of ${quote(header.sender)} does not verify`,
    );
  }
  const ephemeralPem = ephemeralKeyPem(header.ephemeralKey);
  const secret = await options.recipient.keyStore.deriveSharedSecret(
    options.recipient.keyAlias,
    ephemeralPem,
  );
  const key = chunkKey(secret, headerDigest);
  const plaintext: Buffer[] = [];
  for (const [index, frame] of parts.frames.entries()) {
    const decipher = createDecipheriv('aes-256-gcm', key, nonceOf(index));
    decipher.setAAD(aadOf(headerDigest, index, frame.flag));
    decipher.setAuthTag(frame.body.subarray(frame.body.length - TAG_BYTES));
    try {
      plaintext.push(
        decipher.update(frame.body.subarray(0, frame.body.length - TAG_BYTES)),
        decipher.final(),
      );
    } catch (error) {
      throw new JukinetError('JUKI_ERR_SEALED_FILE_CORRUPT', `chunk ${index} does not decrypt`, {
        cause: error,
      });
    }
  }
  return { plaintext: Buffer.concat(plaintext), header };
}

function ephemeralKeyPem(base64url: string): string {
  try {
    return createPublicKey({ key: Buffer.from(base64url, 'base64url'), format: 'der', type: 'spki' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
  } catch (error) {
    throw new JukinetError('JUKI_ERR_SEALED_FILE_CORRUPT', 'the ephemeral key cannot be read', {
      cause: error,
    });
  }
}
