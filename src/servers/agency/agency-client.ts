// An agency's side of online provision: its client configuration (what `jukinet agency register` writes beside its
// certificate and key store) and an mTLS client for the agency API of the national server, or of a prefectural server for
// the prefecture's own organs (docs/agencies.md).

import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { openSoftwareKeyStore, readNodeIdentity } from '../../crypto/index.js';
import { isNodeId, roleOf, type NodeId } from '../../domain/index.js';
import { createPeerClient, type PeerClient } from '../../net/index.js';
import {
  AGENCY_AFFAIRS_PATH,
  AGENCY_IDENTITY_BY_CODE_PATH,
  AGENCY_IDENTITY_SEARCH_PATH,
  AGENCY_OPENAPI_PATH,
  agencyAffairsAnswerSchema,
  agencyProvisionAnswerSchema,
  describeIssues,
  type AgencyAffairsAnswer,
  type AgencyByCodeRequest,
  type AgencyProvisionAnswer,
  type AgencySearchRequest,
} from '../../protocol/index.js';
import { JukinetError, quote } from '../../shared/errors.js';
import { NODE_KEY_ALIAS } from '../common/node-credentials.js';

/** The key store alias of the agency's TLS key, as the CA writes it. */
const AGENCY_KEY_ALIAS = NODE_KEY_ALIAS;

const endpointSchema = z
  .string()
  .regex(/^https:\/\/[^/\s]+$/, { error: 'expected https://host:port without a path' });
/** Limit for one request, in milliseconds. Default 10000. */
const timeoutSchema = z.number().int().min(100).max(600_000).optional();

/**
 * The JSON of an agency's client configuration; relative paths are relative to the file. The server it asks is the
 * national server (`national`) or, for a prefecture's own organs, their prefectural server (`prefecture`): one of the
 * two.
 */
export const agencyClientConfigSchema = z
  .strictObject({
    agencyId: z.string().refine((id) => isNodeId(id) && roleOf(id) === 'agency', {
      error: 'must be an agency id (agency-<slug>)',
    }),
    national: z.strictObject({ endpoint: endpointSchema, timeoutMs: timeoutSchema }).optional(),
    prefecture: z
      .strictObject({
        nodeId: z.string().refine((id) => isNodeId(id) && roleOf(id) === 'prefecture', {
          error: 'must be a prefectural node id (pref-NN)',
        }),
        endpoint: endpointSchema,
        timeoutMs: timeoutSchema,
      })
      .optional(),
    pki: z.strictObject({
      caCertificate: z.string().min(1),
      certificate: z.string().min(1),
      keyStore: z.string().min(1),
      /** First line: the key store passphrase. */
      passphraseFile: z.string().min(1),
    }),
  })
  .refine((config) => (config.national === undefined) !== (config.prefecture === undefined), {
    error: 'give the server to ask: either "national" or "prefecture"',
  });
export type AgencyClientConfigInput = z.input<typeof agencyClientConfigSchema>;

/** A validated agency client configuration with absolute paths. */
export interface AgencyClientConfig {
  readonly agencyId: NodeId;
  /** The server the agency asks: `national`, or the prefectural server of a prefecture's own organs. */
  readonly server: { readonly nodeId: NodeId; readonly endpoint: string; readonly timeoutMs?: number };
  readonly pki: {
    readonly caCertificate: string;
    readonly certificate: string;
    readonly keyStore: string;
    readonly passphraseFile: string;
  };
}

/** Reads and validates the agency client configuration at `path` (JUKI_ERR_CONFIG_INVALID when it cannot). */
export async function loadAgencyClientConfig(path: string): Promise<AgencyClientConfig> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new JukinetError('JUKI_ERR_CONFIG_INVALID', `cannot read ${quote(path)} as JSON`, { cause: error });
  }
  const parsed = agencyClientConfigSchema.safeParse(value);
  if (!parsed.success) {
    throw new JukinetError(
      'JUKI_ERR_CONFIG_INVALID',
      `${quote(path)}: ${describeIssues(parsed.error.issues, 'config')}`,
    );
  }
  const base = dirname(resolve(path));
  const at = (file: string): string => (isAbsolute(file) ? file : resolve(base, file));
  const { pki, national, prefecture } = parsed.data;
  const server = prefecture ?? { ...national!, nodeId: 'national' };
  return {
    agencyId: parsed.data.agencyId as NodeId,
    server: {
      nodeId: server.nodeId as NodeId,
      endpoint: server.endpoint,
      ...(server.timeoutMs === undefined ? {} : { timeoutMs: server.timeoutMs }),
    },
    pki: {
      caCertificate: at(pki.caCertificate),
      certificate: at(pki.certificate),
      keyStore: at(pki.keyStore),
      passphraseFile: at(pki.passphraseFile),
    },
  };
}

/** The agency API of the national (or prefectural) server as an agency calls it. Every answer is checked against its schema. */
export interface AgencyClient {
  readonly agencyId: NodeId;
  affairs(): Promise<AgencyAffairsAnswer>;
  byCode(request: AgencyByCodeRequest): Promise<AgencyProvisionAnswer>;
  search(request: AgencySearchRequest): Promise<AgencyProvisionAnswer>;
  openApi(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new JukinetError('JUKI_ERR_CONFIG_INVALID', `${what}: cannot read ${quote(path)}`, {
      cause: error,
    });
  }
}

/**
 * Opens the agency's credentials (its key store with the passphrase file, its certificate, which must name the
 * configured agency, and the network CA) and returns a client of the configured server over mTLS.
 */
export async function createAgencyClient(config: AgencyClientConfig): Promise<AgencyClient> {
  const passphrase =
    (await readText(config.pki.passphraseFile, 'pki.passphraseFile')).split(/\r?\n/)[0] ?? '';
  if (passphrase === '') throw new JukinetError('JUKI_ERR_CONFIG_INVALID', 'pki.passphraseFile is empty');
  const keyStore = openSoftwareKeyStore(config.pki.keyStore, { passphrase });
  const privateKey = await keyStore.tlsPrivateKey(AGENCY_KEY_ALIAS);
  const certificatePem = await readText(config.pki.certificate, 'pki.certificate');
  const caPem = await readText(config.pki.caCertificate, 'pki.caCertificate');
  const named = readNodeIdentity(certificatePem).nodeId;
  if (named !== config.agencyId) {
    throw new JukinetError(
      'JUKI_ERR_CONFIG_INVALID',
      `the certificate names ${quote(named)}, not ${quote(config.agencyId)}`,
    );
  }
  const peer: PeerClient = createPeerClient({
    tls: { nodeId: config.agencyId, certificatePem, privateKey, caPem },
    endpoint: config.server.endpoint,
    expectedNodeId: config.server.nodeId,
    ...(config.server.timeoutMs === undefined ? {} : { timeoutMs: config.server.timeoutMs }),
  });
  function checked<S extends z.ZodType>(schema: S, answer: unknown): z.output<S> {
    const parsed = schema.safeParse(answer);
    if (!parsed.success) {
      throw new JukinetError(
        'JUKI_ERR_PEER_ERROR',
        `unexpected answer: ${describeIssues(parsed.error.issues, 'answer')}`,
      );
    }
    return parsed.data;
  }
  return {
    agencyId: config.agencyId,
    async affairs() {
      return checked(agencyAffairsAnswerSchema, await peer.request('GET', AGENCY_AFFAIRS_PATH));
    },
    async byCode(request) {
      return checked(
        agencyProvisionAnswerSchema,
        await peer.request('POST', AGENCY_IDENTITY_BY_CODE_PATH, request),
      );
    },
    async search(request) {
      return checked(
        agencyProvisionAnswerSchema,
        await peer.request('POST', AGENCY_IDENTITY_SEARCH_PATH, request),
      );
    },
    async openApi() {
      return (await peer.request<Record<string, unknown>>('GET', AGENCY_OPENAPI_PATH)) ?? {};
    },
    close() {
      return peer.close();
    },
  };
}
