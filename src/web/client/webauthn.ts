// The security key in the browser (navigator.credentials, WebAuthn Level 3): the server's options arrive as JSON with
// base64url binary fields, which this module turns into ArrayBuffers and back, as @simplewebauthn/browser would.

/** navigator.credentials.create() options as @simplewebauthn/server sends them. */
export interface CreationOptionsJSON {
  readonly rp: { readonly id?: string; readonly name: string };
  readonly user: { readonly id: string; readonly name: string; readonly displayName: string };
  readonly challenge: string;
  readonly pubKeyCredParams: readonly { readonly alg: number; readonly type: 'public-key' }[];
  readonly timeout?: number;
  readonly excludeCredentials?: readonly DescriptorJSON[];
  readonly authenticatorSelection?: AuthenticatorSelectionCriteria;
  readonly attestation?: AttestationConveyancePreference;
}

/** navigator.credentials.get() options as @simplewebauthn/server sends them. */
export interface RequestOptionsJSON {
  readonly challenge: string;
  readonly timeout?: number;
  readonly rpId?: string;
  readonly allowCredentials?: readonly DescriptorJSON[];
  readonly userVerification?: UserVerificationRequirement;
}

interface DescriptorJSON {
  readonly id: string;
  readonly type: 'public-key';
  readonly transports?: readonly string[];
}

/** Registers a new key: the answer to send back, with binary fields in base64url. */
export async function createCredential(options: CreationOptionsJSON): Promise<Record<string, unknown>> {
  const publicKey: PublicKeyCredentialCreationOptions = {
    rp: options.rp,
    user: { ...options.user, id: fromBase64url(options.user.id) },
    challenge: fromBase64url(options.challenge),
    pubKeyCredParams: [...options.pubKeyCredParams],
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    excludeCredentials: (options.excludeCredentials ?? []).map(descriptor),
    ...(options.authenticatorSelection === undefined
      ? {}
      : { authenticatorSelection: options.authenticatorSelection }),
    attestation: options.attestation ?? 'none',
  };
  const credential = (await navigator.credentials.create({ publicKey })) as PublicKeyCredential | null;
  if (credential === null) throw new DOMException('No credential', 'NotAllowedError');
  const response = credential.response as AuthenticatorAttestationResponse;
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: 'public-key',
    ...attachment(credential),
    clientExtensionResults: credential.getClientExtensionResults(),
    response: {
      clientDataJSON: toBase64url(response.clientDataJSON),
      attestationObject: toBase64url(response.attestationObject),
      transports: response.getTransports(),
    },
  };
}

/** Signs the login challenge with an enrolled key: the answer to send back. */
export async function getAssertion(options: RequestOptionsJSON): Promise<Record<string, unknown>> {
  const publicKey: PublicKeyCredentialRequestOptions = {
    challenge: fromBase64url(options.challenge),
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    ...(options.rpId === undefined ? {} : { rpId: options.rpId }),
    allowCredentials: (options.allowCredentials ?? []).map(descriptor),
    ...(options.userVerification === undefined ? {} : { userVerification: options.userVerification }),
  };
  const credential = (await navigator.credentials.get({ publicKey })) as PublicKeyCredential | null;
  if (credential === null) throw new DOMException('No credential', 'NotAllowedError');
  const response = credential.response as AuthenticatorAssertionResponse;
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: 'public-key',
    ...attachment(credential),
    clientExtensionResults: credential.getClientExtensionResults(),
    response: {
      clientDataJSON: toBase64url(response.clientDataJSON),
      authenticatorData: toBase64url(response.authenticatorData),
      signature: toBase64url(response.signature),
      ...(response.userHandle === null ? {} : { userHandle: toBase64url(response.userHandle) }),
    },
  };
}

/** The Japanese message for a failed key ceremony (the user cancelled, the time ran out, a known key). */
export function keyErrorMessage(error: unknown): string | undefined {
  if (!(error instanceof DOMException)) return undefined;
  switch (error.name) {
    case 'NotAllowedError':
      return 'セキュリティキーの操作が取り消されたか、時間切れになりました';
    case 'InvalidStateError':
      return 'このセキュリティキーは既に登録されています';
    case 'SecurityError':
      return 'この接続ではセキュリティキーを使えません（https と正しいホスト名で接続してください）';
    default:
      return `セキュリティキーを使えませんでした (${error.name})`;
  }
}

function attachment(credential: PublicKeyCredential): { authenticatorAttachment?: string } {
  const value = credential.authenticatorAttachment;
  return value === 'platform' || value === 'cross-platform' ? { authenticatorAttachment: value } : {};
}

function descriptor(json: DescriptorJSON): PublicKeyCredentialDescriptor {
  return {
    id: fromBase64url(json.id),
    type: 'public-key',
    ...(json.transports === undefined ? {} : { transports: json.transports as AuthenticatorTransport[] }),
  };
}

export function fromBase64url(text: string): ArrayBuffer {
  const base64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

export function toBase64url(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
