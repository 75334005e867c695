// The signed directory (docs/decisions/0004-servers.md, "The directory"): the national server builds and signs it and
// serves it at GET /v1/directory; every other node fetches it, accepts it only when the signature verifies under a
// certificate that chains to the network CA and names `national`, and keeps it fresh on a schedule.

import { createHash, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { isNodeId, roleOf, type NodeId } from '../../domain/node-id.js';
import { canonicalJson, readNodeIdentity, verifyCanonical, type KeyStore } from '../../crypto/index.js';
import { anyPeer, type NetworkRoute, type PeerClient } from '../../net/index.js';
import { describeIssues } from '../../protocol/index.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { JukinetError, isJukinetError, quote, type ErrorCode } from '../../shared/errors.js';
import type { DirectoryNode, DirectoryView } from './node-module.js';

/** The path the national server answers the directory on. */
export const DIRECTORY_PATH = '/v1/directory';

/** The directory's content: what the national server signs. */
export interface DirectoryDocument {
  /** Grows whenever the content changes; a node never goes back to a lower version. */
  readonly version: number;
  readonly issuedAt: string;
  readonly nodes: readonly DirectoryNode[];
  /** The network CA's current CRL, or null before there is one. */
  readonly crlPem: string | null;
}

/** What GET /v1/directory answers: the document, the national node's signature over its canonical JSON, its certificate. */
export interface SignedDirectory {
  readonly directory: DirectoryDocument;
  /** base64url ECDSA P-256 (IEEE P1363) over canonicalJson(directory). */
  readonly signature: string;
  readonly signerCertificatePem: string;
}

/** A node as the national server lists it, before the fingerprint is computed. */
export interface DirectoryEntry {
  readonly id: NodeId;
  readonly endpoint: string;
  readonly terminal?: string;
  readonly certificatePem: string;
}

const nodeSchema = z.strictObject({
  id: z.string().refine(isNodeId, { message: 'not a node id' }),
  role: z.enum(['national', 'prefecture', 'municipality', 'agency']),
  endpoint: z.string().regex(/^https:\/\/[^/\s]+$/),
  terminal: z
    .string()
    .regex(/^https:\/\/[^/\s]+$/)
    .optional(),
  certificatePem: z.string().min(1),
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
});
const signedSchema = z.strictObject({
  directory: z.strictObject({
    version: z.number().int().nonnegative(),
    issuedAt: z.iso.datetime(),
    nodes: z.array(nodeSchema),
    crlPem: z.string().nullable(),
  }),
  signature: z.string().min(1),
  signerCertificatePem: z.string().min(1),
});
const unchangedSchema = z.strictObject({ version: z.number().int(), unchanged: z.literal(true) });

/**
 * Builds the directory and signs it with the national node's key (`keyAlias` in `keyStore`, `tls` by default) over
 * its canonical JSON. Each node's fingerprint is computed here from its certificate.
 */
export async function buildDirectory(
  entries: readonly DirectoryEntry[],
  options: {
    keyStore: KeyStore;
    signerCertificatePem: string;
    version: number;
    crlPem?: string;
    keyAlias?: string;
    clock?: Clock;
  },
): Promise<SignedDirectory> {
  const nodes = [...entries]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((entry): DirectoryNode => ({
      id: entry.id,
      role: roleOf(entry.id),
      endpoint: entry.endpoint,
      ...(entry.terminal === undefined ? {} : { terminal: entry.terminal }),
      certificatePem: entry.certificatePem,
      fingerprint: pemFingerprint(entry.certificatePem),
    }));
  const directory: DirectoryDocument = {
    version: options.version,
    issuedAt: (options.clock ?? systemClock).now().toISOString(),
    nodes,
    crlPem: options.crlPem ?? null,
  };
  const data = Buffer.from(canonicalJson(directory), 'utf8');
  const signature = Buffer.from(await options.keyStore.sign(options.keyAlias ?? 'tls', data)).toString(
    'base64url',
  );
  return { directory, signature, signerCertificatePem: options.signerCertificatePem };
}

/**
 * Checks a directory as received: its shape, a signer certificate issued by the network CA (signature, validity) that
 * names `national`, the signature over the canonical JSON, and each node's fingerprint. With `minVersion`, an older
 * version is refused (no rollback). Throws JUKI_ERR_DIRECTORY_INVALID saying why.
 */
export function verifyDirectory(
  value: unknown,
  options: { caPem: string; minVersion?: number; clock?: Clock },
): DirectoryDocument {
  const parsed = signedSchema.safeParse(value);
  if (!parsed.success) {
    throw new JukinetError('JUKI_ERR_DIRECTORY_INVALID', describeIssues(parsed.error.issues, 'directory'));
  }
  const { directory, signature, signerCertificatePem } = parsed.data;
  checkNationalSigner(
    signerCertificatePem,
    options.caPem,
    (options.clock ?? systemClock).now(),
    'JUKI_ERR_DIRECTORY_INVALID',
  );
  if (!verifyCanonical(directory, signature, signerCertificatePem)) {
    throw new JukinetError('JUKI_ERR_DIRECTORY_INVALID', 'the signature does not verify');
  }
  if (options.minVersion !== undefined && directory.version < options.minVersion) {
    throw new JukinetError(
      'JUKI_ERR_DIRECTORY_INVALID',
      `version ${directory.version} is older than ${options.minVersion} already in hand`,
    );
  }
  const seen = new Set<string>();
  for (const node of directory.nodes) {
    if (seen.has(node.id))
      throw new JukinetError('JUKI_ERR_DIRECTORY_INVALID', `${quote(node.id)} listed twice`);
    seen.add(node.id);
    if (node.role !== roleOf(node.id)) {
      throw new JukinetError('JUKI_ERR_DIRECTORY_INVALID', `${quote(node.id)} listed as ${quote(node.role)}`);
    }
    if (pemFingerprint(node.certificatePem) !== node.fingerprint) {
      throw new JukinetError('JUKI_ERR_DIRECTORY_INVALID', `${quote(node.id)}: fingerprint does not match`);
    }
  }
  return directory as DirectoryDocument;
}

/** Fetches GET /v1/directory from the national server and verifies it (see verifyDirectory). */
export async function fetchDirectory(
  client: PeerClient,
  options: { caPem: string; current?: DirectoryDocument; clock?: Clock },
): Promise<DirectoryDocument> {
  const current = options.current;
  const path = current === undefined ? DIRECTORY_PATH : `${DIRECTORY_PATH}?version=${current.version}`;
  const answer = await client.request('GET', path);
  if (current !== undefined && unchangedSchema.safeParse(answer).success) {
    if ((answer as { version: number }).version === current.version) return current;
  }
  return verifyDirectory(answer, {
    caPem: options.caPem,
    ...(current === undefined ? {} : { minVersion: current.version }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
}

/** The GET /v1/directory route (national): the signed directory for any authenticated peer. */
export function directoryRoute(current: () => SignedDirectory | undefined): NetworkRoute {
  return {
    method: 'GET',
    path: DIRECTORY_PATH,
    allow: anyPeer(),
    handler({ query }) {
      const signed = current();
      if (signed === undefined) throw new JukinetError('JUKI_ERR_INTERNAL', 'the directory is not built yet');
      // A node that already holds this version gets a short answer instead of every certificate again.
      if (query.get('version') === String(signed.directory.version)) {
        return { body: { version: signed.directory.version, unchanged: true } };
      }
      return { body: signed };
    },
  };
}

/** A DirectoryView that always reads the latest document from `current` (none yet: empty, issuedAt ''). */
export function directoryView(current: () => DirectoryDocument | undefined): DirectoryView {
  let indexed: { document: DirectoryDocument; byId: Map<string, DirectoryNode> } | undefined;
  function index(): Map<string, DirectoryNode> | undefined {
    const document = current();
    if (document === undefined) return undefined;
    if (indexed?.document !== document) {
      indexed = { document, byId: new Map(document.nodes.map((node) => [node.id, node])) };
    }
    return indexed.byId;
  }
  return {
    node: (id) => index()?.get(id),
    nodes: () => current()?.nodes ?? [],
    get issuedAt() {
      return current()?.issuedAt ?? '';
    },
  };
}

/**
 * SHA-256 of the certificate's DER, lowercase hex (the same value as certificateFingerprint), computed from the PEM
 * text alone: the directory may list thousands of certificates and parsing each would be slow.
 */
export function pemFingerprint(certificatePem: string): string {
  const body = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(certificatePem)?.[1];
  if (body === undefined) throw new JukinetError('JUKI_ERR_DIRECTORY_INVALID', 'a certificate is not PEM');
  return createHash('sha256')
    .update(Buffer.from(body.replace(/\s+/g, ''), 'base64'))
    .digest('hex');
}

/**
 * Checks that `signerCertificatePem` is the national server's, issued by the network CA and valid at `now`: what a
 * document the national server signs (the directory, a 別表 registry file) is checked against. Refuses with `code`.
 */
export function checkNationalSigner(
  signerCertificatePem: string,
  caPem: string,
  now: Date,
  code: Extract<ErrorCode, 'JUKI_ERR_DIRECTORY_INVALID' | 'JUKI_ERR_REGISTRY_SIGNATURE'>,
): void {
  let signer: X509Certificate;
  let ca: X509Certificate;
  try {
    signer = new X509Certificate(signerCertificatePem);
    ca = new X509Certificate(caPem);
  } catch (error) {
    throw new JukinetError(code, 'cannot read the signer certificate', {
      cause: error,
    });
  }
  if (!signer.checkIssued(ca) || !signer.verify(ca.publicKey)) {
    throw new JukinetError(code, 'the signer certificate is not from the network CA');
  }
  if (now.getTime() < Date.parse(signer.validFrom) || now.getTime() > Date.parse(signer.validTo)) {
    throw new JukinetError(code, 'the signer certificate is not valid now');
  }
  let signerId: NodeId;
  try {
    signerId = readNodeIdentity(signerCertificatePem).nodeId;
  } catch (error) {
    if (!isJukinetError(error)) throw error;
    throw new JukinetError(code, `signer: ${error.message}`, { cause: error });
  }
  if (signerId !== 'national') {
    throw new JukinetError(code, `signed by ${quote(signerId)}, not "national"`);
  }
}
