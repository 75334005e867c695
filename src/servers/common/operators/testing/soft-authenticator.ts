// A FIDO2 authenticator in software, for tests: a P-256 key, authenticator data with the RP id hash, flags and
// signature counter, a CBOR 'none' attestation, and signed assertions, so tests run the real @simplewebauthn
// verification (WebAuthn Level 3, §6.1 authenticator data, §6.5 attestation, §8.7 none).

import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

/** COSE algorithm ES256 (ECDSA P-256 with SHA-256). */
const ES256 = -7;

const FLAG_USER_PRESENT = 0x01;
const FLAG_USER_VERIFIED = 0x04;
const FLAG_ATTESTED_CREDENTIAL = 0x40;

export interface SoftAuthenticator {
  /** The credential id, base64url. */
  readonly credentialId: string;
  /** The signature counter after the last assertion. */
  readonly counter: number;
  /** Answers navigator.credentials.create() for `options` as a browser at `origin` would pass it on. */
  register(options: PublicKeyCredentialCreationOptionsJSON, origin: string): RegistrationResponseJSON;
  /**
   * Answers navigator.credentials.get(): refuses (throws) when `allowCredentials` is given and does not list this
   * credential, as a real key would, unless `ignoreAllowCredentials` plays a client that answers anyway.
   */
  authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    origin: string,
    behaviour?: { readonly ignoreAllowCredentials?: boolean },
  ): AuthenticationResponseJSON;
}

/**
 * Creates an authenticator with a new key pair. `credentialId` reuses an id (to play a forged key under a known id);
 * `userVerified` false plays a key used without its PIN.
 */
export function createSoftAuthenticator(
  options: { readonly credentialId?: string; readonly userVerified?: boolean } = {},
): SoftAuthenticator {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const credentialId = options.credentialId ?? randomBytes(32).toString('base64url');
  const flags = FLAG_USER_PRESENT | (options.userVerified === false ? 0 : FLAG_USER_VERIFIED);
  let counter = 0;
  const rpIdHashOf = (rpId: string): Buffer => sha256(Buffer.from(rpId, 'utf8'));

  return {
    credentialId,
    get counter() {
      return counter;
    },
    register(creation, origin) {
      if (!creation.pubKeyCredParams.some((param) => param.alg === ES256)) {
        throw new Error('The relying party does not accept ES256');
      }
      if (creation.excludeCredentials?.some((credential) => credential.id === credentialId) === true) {
        throw new Error('This authenticator is already registered (InvalidStateError)');
      }
      const rawId = Buffer.from(credentialId, 'base64url');
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(rawId.length);
      const authData = Buffer.concat([
        rpIdHashOf(creation.rp.id ?? new URL(origin).hostname),
        Buffer.from([flags | FLAG_ATTESTED_CREDENTIAL]),
        uint32(counter),
        Buffer.alloc(16), // AAGUID: all zero, as for 'none' attestation
        idLength,
        rawId,
        coseKeyOf(publicKey),
      ]);
      const attestationObject = encodeCbor(
        new Map<CborValue, CborValue>([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', authData],
        ]),
      );
      return {
        id: credentialId,
        rawId: credentialId,
        type: 'public-key',
        authenticatorAttachment: 'cross-platform',
        clientExtensionResults: {},
        response: {
          clientDataJSON: clientData('webauthn.create', creation.challenge, origin).toString('base64url'),
          attestationObject: attestationObject.toString('base64url'),
          transports: ['usb', 'nfc'],
        },
      };
    },
    authenticate(request, origin, behaviour = {}) {
      const allowed = request.allowCredentials ?? [];
      if (
        behaviour.ignoreAllowCredentials !== true &&
        allowed.length > 0 &&
        !allowed.some((credential) => credential.id === credentialId)
      ) {
        throw new Error('No credential of this authenticator is allowed (NotAllowedError)');
      }
      counter += 1;
      const authData = Buffer.concat([
        rpIdHashOf(request.rpId ?? new URL(origin).hostname),
        Buffer.from([flags]),
        uint32(counter),
      ]);
      const clientDataJSON = clientData('webauthn.get', request.challenge, origin);
      return {
        id: credentialId,
        rawId: credentialId,
        type: 'public-key',
        authenticatorAttachment: 'cross-platform',
        clientExtensionResults: {},
        response: {
          clientDataJSON: clientDataJSON.toString('base64url'),
          authenticatorData: authData.toString('base64url'),
          signature: signAssertion(privateKey, authData, clientDataJSON).toString('base64url'),
        },
      };
    },
  };
}

/** The signature over authenticatorData ‖ SHA-256(clientDataJSON), DER-encoded ECDSA as authenticators send it. */
function signAssertion(privateKey: KeyObject, authData: Buffer, clientDataJSON: Buffer): Buffer {
  return sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), privateKey);
}

function clientData(type: string, challenge: string, origin: string): Buffer {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
}

/** The COSE_Key of a P-256 public key: kty EC2, alg ES256, crv P-256, x, y (RFC 9053 §7.1). */
function coseKeyOf(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  return encodeCbor(
    new Map<CborValue, CborValue>([
      [1, 2],
      [3, ES256],
      [-1, 1],
      [-2, Buffer.from(jwk.x ?? '', 'base64url')],
      [-3, Buffer.from(jwk.y ?? '', 'base64url')],
    ]),
  );
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

type CborValue = number | string | Uint8Array | readonly CborValue[] | ReadonlyMap<CborValue, CborValue>;

/**
 * A minimal CBOR encoder (RFC 8949): integers, byte and text strings, arrays and maps, each in its shortest form.
 * Map entries keep their insertion order, which is the deterministic order for the keys used here.
 */
export function encodeCbor(value: CborValue): Buffer {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`CBOR: not an integer: ${value}`);
    return value >= 0 ? head(0, value) : head(1, -1 - value);
  }
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  if (Array.isArray(value)) {
    const items = value as readonly CborValue[];
    return Buffer.concat([head(4, items.length), ...items.map(encodeCbor)]);
  }
  const map = value as ReadonlyMap<CborValue, CborValue>;
  const parts = [head(5, map.size)];
  for (const [key, item] of map) parts.push(encodeCbor(key), encodeCbor(item));
  return Buffer.concat(parts);
}

/** A major type and its argument, in the shortest encoding. */
function head(major: number, argument: number): Buffer {
  const type = major << 5;
  if (argument < 24) return Buffer.from([type | argument]);
  if (argument < 0x100) return Buffer.from([type | 24, argument]);
  if (argument < 0x10000) {
    const buffer = Buffer.from([type | 25, 0, 0]);
    buffer.writeUInt16BE(argument, 1);
    return buffer;
  }
  if (argument < 0x1_0000_0000) {
    const buffer = Buffer.from([type | 26, 0, 0, 0, 0]);
    buffer.writeUInt32BE(argument, 1);
    return buffer;
  }
  const buffer = Buffer.from([type | 27, 0, 0, 0, 0, 0, 0, 0, 0]);
  buffer.writeBigUInt64BE(BigInt(argument), 1);
  return buffer;
}
