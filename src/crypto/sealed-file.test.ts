import { createPublicKey, diffieHellman, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isJukinetError } from '../shared/errors.js';
import { openSoftwareKeyStore } from './key-store.js';
import {
  SEALED_FILE_CHUNK_BYTES,
  openSealedFile,
  readSealedFileHeader,
  sealFile,
  type SealingParty,
} from './sealed-file.js';
import { createTestPki, type TestNode } from './testing/test-pki.js';

const ALIAS = 'tls';
const LABEL = 'provision-batch:test:input';
let dir: string;
let agency: SealingParty;
let national: SealingParty;
let other: SealingParty;
let nationalNode: TestNode;

async function partyOf(node: TestNode, name: string): Promise<SealingParty> {
  const keyStore = openSoftwareKeyStore(join(dir, name), { passphrase: 'sealed file test' });
  await keyStore.importKey(ALIAS, node.privateKeyPem);
  return { keyStore, keyAlias: ALIAS, certificatePem: node.certificatePem };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jukinet-sealed-'));
  const pki = await createTestPki();
  nationalNode = await pki.issue('national');
  agency = await partyOf(await pki.issue('agency-mhlw'), 'agency');
  national = await partyOf(nationalNode, 'national');
  other = await partyOf(await pki.issue('agency-mof'), 'other');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function seal(plaintext: Uint8Array, chunkBytes?: number): Promise<Uint8Array> {
  return sealFile(plaintext, {
    recipientCertificatePem: national.certificatePem,
    sender: agency,
    label: LABEL,
    ...(chunkBytes === undefined ? {} : { chunkBytes }),
  });
}

function open(sealed: Uint8Array, options: { recipient?: SealingParty; label?: string } = {}) {
  return openSealedFile(sealed, {
    recipient: options.recipient ?? national,
    senderCertificatePem: agency.certificatePem,
    label: options.label ?? LABEL,
  });
}

async function refusalCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isJukinetError(error)) return error.code;
    throw error;
  }
  return 'opened';
}

describe('KeyStore.deriveSharedSecret()', () => {
  it('agrees with ECDH computed from the other side, and refuses a key that is not P-256', async () => {
    const ephemeral = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ephemeralPublic = ephemeral.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const fromStore = await national.keyStore.deriveSharedSecret(ALIAS, ephemeralPublic);
    const fromPeer = diffieHellman({
      privateKey: ephemeral.privateKey,
      publicKey: createPublicKey(nationalNode.certificatePem),
    });
    expect(Buffer.from(fromStore).equals(fromPeer)).toBe(true);
    const edwards = generateKeyPairSync('ed25519')
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(await refusalCode(national.keyStore.deriveSharedSecret(ALIAS, edwards))).toBe('JUKI_ERR_KEY_TYPE');
  });
});

describe('sealFile() and openSealedFile()', () => {
  it('round-trips empty, one-byte, chunk-boundary and multi-chunk files', async () => {
    const sizes = [0, 1, 63, 64, 65, 128, 129, 64 * 5];
    for (const size of sizes) {
      const plaintext = randomBytes(size);
      const opened = await open(await seal(plaintext, 64));
      expect(Buffer.from(opened.plaintext).equals(plaintext)).toBe(true);
      expect(opened.header).toMatchObject({ sender: 'agency-mhlw', label: LABEL, chunkBytes: 64 });
    }
  });

  it('round-trips a large file in default-size chunks', async () => {
    const plaintext = randomBytes(SEALED_FILE_CHUNK_BYTES * 3 + 17);
    const sealed = await seal(plaintext);
    expect(sealed.length).toBeGreaterThan(plaintext.length);
    expect(Buffer.from((await open(sealed)).plaintext).equals(plaintext)).toBe(true);
  });

  it('round-trips any content and chunk size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 1, max: 200 }),
        async (data, chunk) => {
          const opened = await open(await seal(data, chunk));
          return Buffer.from(opened.plaintext).equals(Buffer.from(data));
        },
      ),
      { seed: 7, numRuns: 40 },
    );
  });

  it('refuses every single-byte change anywhere in the file', async () => {
    const sealed = Buffer.from(await seal(randomBytes(150), 64));
    const codes = new Set<string>();
    for (let index = 0; index < sealed.length; index++) {
      const changed = Buffer.from(sealed);
      changed[index] = (changed[index] ?? 0) ^ 0x01;
      codes.add(await refusalCode(open(changed)));
    }
    expect(codes.has('opened')).toBe(false);
    for (const code of codes) expect(code).toMatch(/^JUKI_ERR_SEALED_FILE_/);
  });

  it('refuses a truncated, an extended, and a reordered file', async () => {
    const sealed = Buffer.from(await seal(randomBytes(200), 64));
    for (let length = 0; length < sealed.length; length += 7) {
      expect(await refusalCode(open(sealed.subarray(0, length)))).toBe('JUKI_ERR_SEALED_FILE_CORRUPT');
    }
    expect(await refusalCode(open(sealed.subarray(0, sealed.length - 1)))).toBe(
      'JUKI_ERR_SEALED_FILE_CORRUPT',
    );
    expect(await refusalCode(open(Buffer.concat([sealed, Buffer.from([0])])))).toBe(
      'JUKI_ERR_SEALED_FILE_CORRUPT',
    );
    // Swap the first two full chunks: each frame is 5 + 64 + 16 bytes after the header.
    const start = 8 + 4 + sealed.readUInt32BE(8);
    const frame = 5 + 64 + 16;
    const swapped = Buffer.concat([
      sealed.subarray(0, start),
      sealed.subarray(start + frame, start + 2 * frame),
      sealed.subarray(start, start + frame),
      sealed.subarray(start + 2 * frame),
    ]);
    expect(await refusalCode(open(swapped))).toBe('JUKI_ERR_SEALED_FILE_SIGNATURE');
  });

  it('refuses another recipient, another sender, and another purpose', async () => {
    const sealed = await seal(Buffer.from('line_id\n1\n'));
    expect(await refusalCode(open(sealed, { recipient: other }))).toBe('JUKI_ERR_SEALED_FILE_RECIPIENT');
    expect(await refusalCode(open(sealed, { label: 'provision-batch:other:input' }))).toBe(
      'JUKI_ERR_SEALED_FILE_SIGNATURE',
    );
    expect(
      await refusalCode(
        openSealedFile(sealed, {
          recipient: national,
          senderCertificatePem: other.certificatePem,
          label: LABEL,
        }),
      ),
    ).toBe('JUKI_ERR_SEALED_FILE_SIGNATURE');
    expect(readSealedFileHeader(sealed).recipient).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a file whose recipient fingerprint was forged onto a key that cannot open it', async () => {
    // Sealed to `other`, then presented to `national` as if it were its own: the wrong key cannot derive the AES key.
    const sealed = await sealFile(randomBytes(100), {
      recipientCertificatePem: other.certificatePem,
      sender: agency,
      label: LABEL,
    });
    const impostor: SealingParty = { ...national, certificatePem: other.certificatePem };
    expect(await refusalCode(open(sealed, { recipient: impostor }))).toBe('JUKI_ERR_SEALED_FILE_CORRUPT');
  });
});
