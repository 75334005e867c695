// A node's configuration file (docs/decisions/0004-servers.md, "Configuration"; docs/running.md): its schema, and
// loading it with every relative path resolved against the file's own directory.

import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { isNodeId, roleOf, type NodeId, type NodeRole } from '../../domain/node-id.js';
import {
  checkOperatingHoursSettings,
  createOperatingCalendar,
  DEFAULT_OPERATING_HOURS,
  isIsoDate,
  minutesOfTimeOfDay,
  type OperatingCalendar,
} from '../../domain/index.js';
import { describeIssues } from '../../protocol/index.js';
import { JukinetError, quote } from '../../shared/errors.js';
import {
  DEFAULT_MAX_FAILED_LOGINS,
  operatorSettingsOf,
  operatorsConfigSchema,
  type OperatorSettings,
} from './operators/index.js';

const nodeIdSchema = z
  .string()
  .refine(isNodeId, { message: 'not a node id (national, pref-NN, muni-NNNNNN)' });
const endpointSchema = z
  .string()
  .regex(/^https:\/\/[^/\s]+$/, { message: 'expected https://host:port without a path' });
const listenerSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535),
});
const timeOfDaySchema = z.string().refine((text) => minutesOfTimeOfDay(text) !== undefined, {
  message: 'expected HH:MM from 00:00 to 24:00',
});

/** The common operating hours (docs/operating-hours.md); every field has a default, so `{}` is the default calendar. */
const operatingHoursSchema = z
  .strictObject({
    /** Japan time the window opens on a window day. Default 08:30. */
    opens: timeOfDaySchema.default(DEFAULT_OPERATING_HOURS.opens),
    /** Japan time it closes, the first closed minute ("24:00" for midnight). Default 17:15. */
    closes: timeOfDaySchema.default(DEFAULT_OPERATING_HOURS.closes),
    /** Extra days without a window (YYYY-MM-DD), besides weekends, national holidays and 12/29–1/3. */
    closedDays: z.array(z.string().refine(isIsoDate, { message: 'expected a date YYYY-MM-DD' })).default([]),
    exceptions: z
      .strictObject({
        /** Whether exceptions arranged between municipalities open services outside the window. Default true. */
        allowed: z.boolean().default(true),
        /** A daily span (Japan time, may cross midnight) in which no exception applies, e.g. the daily batch. */
        lockout: z.strictObject({ from: timeOfDaySchema, to: timeOfDaySchema }).optional(),
      })
      .prefault({}),
  })
  .superRefine((section, context) => {
    const checked = checkOperatingHoursSettings(section);
    if (checked.ok) return;
    const [field = '', ...rest] = checked.reason.split(': ');
    context.addIssue({ code: 'custom', path: field.split('.'), message: rest.join(': ') });
  });

/** Days after the planned move-out date the one-visit move stays open (DOMAIN.md, "One-visit move"; our reading). */
export const SPECIAL_MOVE_LIMIT_DAYS = 30;

/** The fee per wide-area copy a municipality charges unless it configures its own (`municipality.wideArea.fee`). */
export const WIDE_AREA_DEFAULT_FEE = 300;

/** The JSON a node's configuration file holds; relative paths are relative to the file. */
export const nodeConfigSchema = z
  .strictObject({
    nodeId: nodeIdSchema,
    /** A SQLite file path, `sqlite:PATH`, `:memory:` or a postgres:// URL. */
    database: z.string().min(1),
    /** The network port (mTLS, HTTP/2) other nodes reach this one on. */
    network: listenerSchema,
    /** The terminal port (TLS, HTTP/1.1) operators' browsers reach. */
    terminal: listenerSchema,
    pki: z.strictObject({
      caCertificate: z.string().min(1),
      certificate: z.string().min(1),
      /** The node's software key store directory; the TLS and signing key is its `tls` alias. */
      keyStore: z.string().min(1),
      /** First line: the key store passphrase. */
      passphraseFile: z.string().min(1).optional(),
    }),
    /** Where the national server listens: every other node bootstraps the directory from it. */
    national: z
      .strictObject({
        endpoint: endpointSchema,
        /** How often to fetch the directory again. Default 300. */
        refreshSeconds: z.number().int().min(1).max(86_400).default(300),
      })
      .optional(),
    /** National only: the nodes the directory lists. */
    directory: z
      .strictObject({
        /** How often to rebuild and re-sign the directory (renewed certificates, a new CRL). Default 300. */
        refreshSeconds: z.number().int().min(1).max(86_400).default(300),
        /** The CRL file the directory publishes (the CA's `ca/crl.pem`). */
        crl: z.string().min(1).optional(),
        nodes: z.array(
          z.strictObject({
            id: nodeIdSchema,
            endpoint: endpointSchema,
            terminal: endpointSchema.optional(),
            /** The node's certificate file. */
            certificate: z.string().min(1),
          }),
        ),
      })
      .optional(),
    /** pino level for this node's log. Default info. */
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /**
     * The terminal's operators (docs/operators.md): the WebAuthn relying party, the inactivity limit, the failed-login
     * limit. Optional: rpId defaults to the terminal's host name (`localhost` for an IP address, which browsers refuse
     * as an RP id) and origins to https://RPID:PORT of the terminal listener.
     */
    operators: operatorsConfigSchema
      .extend({
        rpId: operatorsConfigSchema.shape.rpId.optional(),
        origins: operatorsConfigSchema.shape.origins.optional(),
      })
      .optional(),
    /** Municipal nodes only: what the municipality prints and names (docs/certificates.md). */
    municipality: z
      .strictObject({
        /**
         * 市区町村長の氏名, printed on certificates after the title (東京都文京区長, 本郷 和子). Left out, certificates
         * print 「（氏名未設定）」.
         */
        certifierName: z.string().trim().min(1).max(40).optional(),
        /** The one-visit move (転入転出の特例, docs/special-move.md). */
        specialMove: z
          .strictObject({
            /**
             * Days after the planned move-out date (転出予定年月日) within which the move-in must be filed and the
             * 転出証明書情報 is answered. Default 30 (DOMAIN.md, our reading).
             */
            limitDays: z.number().int().min(1).max(365).default(SPECIAL_MOVE_LIMIT_DAYS),
          })
          .optional(),
        /** The wide-area copy (住民票の写しの広域交付, docs/wide-area-copy.md). Left out: participating, 300 yen. */
        wideArea: z
          .strictObject({
            /** Whether the municipality issues copies for others' residents and answers for its own. Default true. */
            participating: z.boolean().default(true),
            /** The fee per copy this municipality charges when it issues one, in yen. Default 300. */
            fee: z.number().int().min(0).max(100_000).default(WIDE_AREA_DEFAULT_FEE),
          })
          .optional(),
      })
      .optional(),
    /** The common operating hours (共通運用時間帯) for cross-municipality services. Default 08:30–17:15. */
    operatingHours: operatingHoursSchema.prefault({}),
  })
  .superRefine((config, context) => {
    const national = config.nodeId === 'national';
    if (national && config.directory === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['directory'],
        message: 'the national server needs a directory',
      });
    }
    if (!national && config.directory !== undefined) {
      context.addIssue({ code: 'custom', path: ['directory'], message: 'only the national server has one' });
    }
    if (config.municipality !== undefined && !config.nodeId.startsWith('muni-')) {
      context.addIssue({
        code: 'custom',
        path: ['municipality'],
        message: 'only a municipal node has one',
      });
    }
    if (!national && config.national === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['national'],
        message: 'every other node needs the national endpoint',
      });
    }
  });

/** The file as written. */
export type NodeConfigInput = z.input<typeof nodeConfigSchema>;

/** A validated configuration with absolute paths. */
export type NodeConfig = Omit<z.output<typeof nodeConfigSchema>, 'nodeId'> & {
  readonly nodeId: NodeId;
  readonly role: NodeRole;
};

/**
 * Validates `value` as a node configuration and resolves its relative paths against `baseDirectory`. Throws
 * JUKI_ERR_CONFIG_INVALID listing every zod issue.
 */
export function parseNodeConfig(
  value: unknown,
  options: { baseDirectory: string; source?: string },
): NodeConfig {
  const parsed = nodeConfigSchema.safeParse(value);
  if (!parsed.success) {
    throw new JukinetError(
      'JUKI_ERR_CONFIG_INVALID',
      `${options.source === undefined ? '' : `${quote(options.source)}: `}${describeIssues(parsed.error.issues, 'config')}`,
    );
  }
  const config = parsed.data;
  const at = (path: string): string => (isAbsolute(path) ? path : resolve(options.baseDirectory, path));
  const nodeId = config.nodeId;
  return {
    ...config,
    nodeId,
    role: roleOf(nodeId),
    database: resolveDatabase(config.database, options.baseDirectory),
    pki: {
      caCertificate: at(config.pki.caCertificate),
      certificate: at(config.pki.certificate),
      keyStore: at(config.pki.keyStore),
      ...(config.pki.passphraseFile === undefined ? {} : { passphraseFile: at(config.pki.passphraseFile) }),
    },
    ...(config.directory === undefined
      ? {}
      : {
          directory: {
            ...config.directory,
            ...(config.directory.crl === undefined ? {} : { crl: at(config.directory.crl) }),
            nodes: config.directory.nodes.map((node) => ({ ...node, certificate: at(node.certificate) })),
          },
        }),
  };
}

/** Reads and validates the configuration file at `path` (JUKI_ERR_CONFIG_INVALID when unreadable or invalid). */
export async function loadNodeConfig(path: string): Promise<NodeConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new JukinetError('JUKI_ERR_CONFIG_INVALID', `cannot read ${quote(path)}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new JukinetError('JUKI_ERR_CONFIG_INVALID', `${quote(path)} is not JSON`, { cause: error });
  }
  return parseNodeConfig(value, { baseDirectory: dirname(resolve(path)), source: path });
}

/**
 * The operator settings of a node: its `operators` section with the defaults filled in from the terminal listener.
 * `terminalPort` is the port the terminal listens on (known only after listening when configured as 0).
 */
export function operatorSettingsFor(
  config: NodeConfig,
  terminalPort = config.terminal.port,
): OperatorSettings {
  const section = config.operators;
  const rpId = section?.rpId ?? terminalHostName(config.terminal.host);
  return operatorSettingsOf({
    rpId,
    rpName: section?.rpName ?? '住基ネット',
    origins: section?.origins ?? [`https://${rpId}${terminalPort === 443 ? '' : `:${terminalPort}`}`],
    idleTimeoutMinutes: section?.idleTimeoutMinutes ?? 15,
    maxFailedLogins: section?.maxFailedLogins ?? DEFAULT_MAX_FAILED_LOGINS,
  });
}

/** The node's common operating hours calendar (docs/operating-hours.md), from its `operatingHours` section. */
export function operatingCalendarFor(config: NodeConfig): OperatingCalendar {
  return createOperatingCalendar(config.operatingHours);
}

/**
 * The host name browsers reach a terminal listener by: the configured name, or `localhost` for an IP address or a
 * wildcard, since browsers refuse IP addresses as WebAuthn RP ids (and the node certificate names localhost).
 */
export function terminalHostName(host: string): string {
  return isIP(host) === 0 ? host : 'localhost';
}

/** A SQLite path in the location resolves like any other path; URLs and `:memory:` stay as they are. */
function resolveDatabase(location: string, baseDirectory: string): string {
  if (location === ':memory:' || /^postgres(ql)?:\/\//i.test(location)) return location;
  if (location.startsWith('sqlite:')) {
    const path = location.slice('sqlite:'.length);
    return path === ':memory:' || isAbsolute(path) ? location : `sqlite:${resolve(baseDirectory, path)}`;
  }
  return isAbsolute(location) ? location : resolve(baseDirectory, location);
}
