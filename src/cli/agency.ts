// `jukinet agency`: register an agency at the national server and give it a certificate (only for a kind and affairs
// of the affair registry), sign and publish registry versions, and query the national server as an agency over mTLS
// (docs/agencies.md).

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { registerAgencyBatchCommand } from './agency-batch.js';
import { openPkiDirectory, writeFileAtomic } from '../crypto/index.js';
import {
  AgencyCategory,
  Sex,
  changeReasonLabel,
  isNodeId,
  parseNodeId,
  roleOf,
  type NodeId,
} from '../domain/index.js';
import type { AgencyProvisionAnswer } from '../protocol/index.js';
import {
  createAgencyClient,
  loadAgencyClientConfig,
  type AgencyClientConfigInput,
} from '../servers/agency/index.js';
import { loadNodeConfig, openNodeCredentials, type NodeConfig } from '../servers/common/index.js';
import {
  currentAffairRegistry,
  deliveredFiles,
  fileDeliveryReports,
  heldAffairRegistries,
  listAgencies,
  loadSignedAffairRegistry,
  registerAgency,
  signAffairRegistry,
  type FileDeliveryReport,
  type RegisteredAgency,
} from '../servers/national/index.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { JukinetError, quote } from '../shared/errors.js';
import { openStore, type Store } from '../store/index.js';

/** Where an agency's client configuration lives in a network directory: beside the nodes' own. */
export function agencyClientConfigPath(dir: string, agencyId: NodeId): string {
  return join(resolve(dir), 'nodes', agencyId, 'agency.json');
}

/** `13`, `pref-13`: the prefectural node id; JUKI_ERR_CLI_ARGUMENT otherwise. */
function prefectureNodeIdOf(text: string): NodeId {
  const id = /^[0-9]{2}$/.test(text) ? `pref-${text}` : text;
  if (!isNodeId(id) || roleOf(id) !== 'prefecture') {
    throw new JukinetError(
      'JUKI_ERR_CLI_ARGUMENT',
      `--prefecture ${quote(text)}: a prefecture number (01-47)`,
    );
  }
  return id;
}

/** The national node's configuration in a network directory written by `jukinet up`. */
function nationalConfigPath(dir: string): string {
  return join(resolve(dir), 'nodes', 'national', 'node.json');
}

async function nationalConfig(options: { dir?: string; config?: string }): Promise<NodeConfig> {
  const config = await loadNodeConfig(options.config ?? nationalConfigPath(options.dir ?? '.jukinet'));
  if (config.nodeId !== 'national') {
    throw new JukinetError(
      'JUKI_ERR_CLI_ARGUMENT',
      `this needs the national node's configuration, not ${quote(config.nodeId)}`,
    );
  }
  return config;
}

/** Runs `work` on the store of the node configured at `configPath` and closes the store after it. */
async function withNodeStore<T>(configPath: string, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore((await loadNodeConfig(configPath)).database);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Runs `work` on the national node's store (opened from its configuration) and closes the store after it. */
async function withNationalStore<T>(
  options: { dir?: string; config?: string },
  work: (store: Store, config: NodeConfig) => Promise<T>,
): Promise<T> {
  const config = await nationalConfig(options);
  const store = await openStore(config.database);
  try {
    return await work(store, config);
  } finally {
    await store.close();
  }
}

/** What `agency register` did. */
export interface AgencyRegistrationOutcome {
  readonly agency: RegisteredAgency;
  readonly certificatePath: string;
  readonly serialNumber: string;
  readonly notAfter: string;
  readonly clientConfigPath: string;
}

/**
 * Registers `agency-<slug>` at the national server of the network in `dir` (its database, through the national
 * node's configuration) and only then issues its certificate from the network CA in `dir/pki` and writes its client
 * configuration. A kind or affair the registry does not list is refused before anything is issued.
 */
export async function registerAgencyInNetwork(
  dir: string,
  input: {
    slug: string;
    kind: string;
    affairs: readonly string[];
    name?: string;
    days?: number;
    clock?: Clock;
    /**
     * Register at this prefecture's server (`13` or `pref-13`) instead of the national one: for the prefecture's own
     * organs (住基法第30条の11, 第30条の12), local-government kinds only.
     */
    prefecture?: string;
  },
): Promise<AgencyRegistrationOutcome> {
  const agencyId = parseNodeId(`agency-${input.slug}`).id;
  const prefecture = input.prefecture === undefined ? undefined : prefectureNodeIdOf(input.prefecture);
  const config =
    prefecture === undefined
      ? await nationalConfig({ dir })
      : await loadNodeConfig(join(resolve(dir), 'nodes', prefecture, 'node.json'));
  if (config.pki.passphraseFile === undefined) {
    throw new JukinetError(
      'JUKI_ERR_CONFIG_INVALID',
      `the configuration of ${quote(config.nodeId)} names no passphrase file`,
    );
  }
  const clock = input.clock ?? systemClock;
  const store = await openStore(config.database);
  let agency: RegisteredAgency;
  try {
    agency = await registerAgency(
      store,
      {
        id: agencyId,
        kind: input.kind,
        affairs: input.affairs,
        ...(input.name === undefined ? {} : { name: input.name }),
      },
      { clock, ...(prefecture === undefined ? {} : { categories: [AgencyCategory.localGovernment] }) },
    );
  } finally {
    await store.close();
  }
  const passphraseFile = config.pki.passphraseFile;
  const passphrase = (await readFile(passphraseFile, 'utf8')).split(/\r?\n/)[0] ?? '';
  const pki = openPkiDirectory(join(resolve(dir), 'pki'), { passphrase, clock });
  const issued = await pki.issue(agencyId, input.days === undefined ? {} : { days: input.days });
  const clientConfigPath = agencyClientConfigPath(dir, agencyId);
  const clientDirectory = join(resolve(dir), 'nodes', agencyId);
  await mkdir(clientDirectory, { recursive: true, mode: 0o700 });
  const rel = (path: string): string => relative(clientDirectory, path);
  const host = config.network.host.includes(':') ? `[${config.network.host}]` : config.network.host;
  const client: AgencyClientConfigInput = {
    agencyId,
    ...(prefecture === undefined
      ? { national: { endpoint: `https://${host}:${config.network.port}` } }
      : { prefecture: { nodeId: prefecture, endpoint: `https://${host}:${config.network.port}` } }),
    pki: {
      caCertificate: rel(pki.paths.caCertificate),
      certificate: rel(pki.paths.nodeCertificate(agencyId)),
      keyStore: rel(pki.paths.nodeKeys(agencyId)),
      passphraseFile: rel(passphraseFile),
    },
  };
  await writeFileAtomic(clientConfigPath, `${JSON.stringify(client, null, 2)}\n`, { mode: 0o600 });
  return {
    agency,
    certificatePath: issued.certificatePath,
    serialNumber: issued.certificate.serialNumber,
    notAfter: issued.certificate.notAfter,
    clientConfigPath,
  };
}

/** Per delivered registry version: the nodes that applied it, and each refusal with its reason. */
export function formatDeliveries(
  files: readonly { version: number; effectiveDate: string }[],
  reports: readonly FileDeliveryReport[],
): string[] {
  if (files.length === 0) return ['no registry version delivered: only the built-in one is in use'];
  const lines: string[] = [];
  for (const file of files) {
    const about = reports.filter((report) => report.version === file.version);
    const applied = about.filter((report) => report.outcome === 'applied').map((report) => report.node);
    lines.push(
      `version ${file.version}, effective ${file.effectiveDate}: applied by ${applied.length} node(s)${applied.length === 0 ? '' : ` (${applied.join(', ')})`}`,
    );
    for (const refused of about.filter((report) => report.outcome === 'refused')) {
      lines.push(`  refused by ${refused.node} at ${refused.reportedAt}: ${refused.detail ?? ''}`);
    }
  }
  return lines;
}

/** One line per provided record, or a line saying there was none; the truncation note last. */
export function formatProvisionAnswer(answer: AgencyProvisionAnswer): string[] {
  const lines = [
    `provision ${answer.provisionId}: ${answer.count} record(s) for ${answer.affair}${answer.asOf === null ? '' : ` as of ${answer.asOf}`}`,
  ];
  for (const result of answer.results) {
    const kana = result.nameKana === undefined ? '' : ` (${result.nameKana})`;
    const status = result.status === 'closed' ? ' [除票]' : '';
    lines.push(
      `  ${result.residentCode}  ${result.name}${kana}  ${result.birthDate}  ${result.sex === 'male' ? '男' : '女'}  ${result.address}  ${changeReasonLabel(result.change.reason)} ${result.change.date}${status}`,
    );
  }
  if (answer.count === 0) lines.push('  no record matches');
  if (answer.truncated) lines.push('  more records matched than the cap: narrow the criteria');
  return lines;
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function write(lines: readonly string[]): void {
  process.stdout.write(lines.map((line) => `${line}\n`).join(''));
}

interface QueryOptions {
  config: string;
  affair: string;
  code?: string;
  name?: string;
  kana?: string;
  birthDate?: string;
  sex?: string;
  address?: string;
  asOf?: string;
  json?: boolean;
}

/** Runs `agency query` with an agency client configuration and returns the answer. */
export async function runAgencyQuery(options: QueryOptions): Promise<AgencyProvisionAnswer> {
  const fourItems = [options.name, options.kana, options.birthDate, options.sex, options.address];
  const byFourItems = fourItems.some((value) => value !== undefined);
  if ((options.code === undefined) === !byFourItems) {
    throw new JukinetError(
      'JUKI_ERR_CLI_ARGUMENT',
      'give either --code, or --birth-date, --sex and --name or --kana (and optionally --address)',
    );
  }
  const client = await createAgencyClient(await loadAgencyClientConfig(options.config));
  const asOf = options.asOf === undefined ? {} : { asOf: options.asOf };
  try {
    if (options.code !== undefined) {
      return await client.byCode({ affair: options.affair, residentCode: options.code, ...asOf });
    }
    if (options.birthDate === undefined || options.sex === undefined) {
      throw new JukinetError('JUKI_ERR_CLI_ARGUMENT', 'a four-item query needs --birth-date and --sex');
    }
    const sex =
      options.sex === '男' || options.sex === 'male'
        ? Sex.male
        : options.sex === '女' || options.sex === 'female'
          ? Sex.female
          : undefined;
    if (sex === undefined)
      throw new JukinetError('JUKI_ERR_CLI_ARGUMENT', `--sex ${quote(options.sex)}: male or female`);
    return await client.search({
      affair: options.affair,
      birthDate: options.birthDate,
      sex,
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.kana === undefined ? {} : { nameKana: options.kana }),
      ...(options.address === undefined ? {} : { address: options.address }),
      ...asOf,
    });
  } finally {
    await client.close();
  }
}

/** Adds `agency register|list|query|affairs|openapi` and `agency registry show|sign|publish` to the program. */
export function registerAgencyCommands(program: Command): void {
  const agency = program.command('agency').description('agencies (国の機関等): registration and provision');

  agency
    .command('register')
    .description(
      'register an agency for affairs of the registry and issue its certificate and client configuration',
    )
    .requiredOption('--slug <slug>', 'the agency id without "agency-" (a-z, 0-9, "-")')
    .requiredOption('--kind <kind>', 'a kind of body the affair registry lists (e.g. mhlw)')
    .requiredOption('--affairs <ids>', 'affair ids of the registry for that kind, comma-separated')
    .option('--name <name>', "the body's name (default: the kind's)")
    .option('--days <days>', 'certificate validity in days (default 90)')
    .option(
      '--prefecture <nn>',
      "register at this prefecture's server (a prefecture's own organs, local-government kinds only)",
    )
    .option('--dir <dir>', 'the network directory written by `jukinet up`', '.jukinet')
    .action(
      async (options: {
        slug: string;
        kind: string;
        affairs: string;
        name?: string;
        days?: string;
        prefecture?: string;
        dir: string;
      }) => {
        const days = options.days === undefined ? undefined : Number(options.days);
        if (days !== undefined && (!Number.isInteger(days) || days < 1)) {
          throw new JukinetError('JUKI_ERR_CLI_ARGUMENT', `--days ${quote(options.days)}`);
        }
        const outcome = await registerAgencyInNetwork(options.dir, {
          slug: options.slug,
          kind: options.kind,
          affairs: splitList(options.affairs),
          ...(options.name === undefined ? {} : { name: options.name }),
          ...(days === undefined ? {} : { days }),
          ...(options.prefecture === undefined ? {} : { prefecture: options.prefecture }),
        });
        write([
          `registered ${outcome.agency.id} (${outcome.agency.name}, kind ${outcome.agency.kind}) for ${outcome.agency.affairs.join(', ')}`,
          `certificate ${outcome.certificatePath}: serial ${outcome.serialNumber}, valid until ${outcome.notAfter}`,
          `client configuration ${outcome.clientConfigPath}`,
          `  jukinet agency query --config ${outcome.clientConfigPath} --affair ${outcome.agency.affairs[0] ?? ''} --code …`,
        ]);
      },
    );

  agency
    .command('list')
    .description('the agencies registered at the national server, or at a prefectural server')
    .option('--dir <dir>', 'the network directory', '.jukinet')
    .option('--config <file>', "the national node's node.json (instead of --dir)")
    .option('--prefecture <nn>', "list those registered at this prefecture's server instead")
    .action(async (options: { dir: string; config?: string; prefecture?: string }) => {
      const list = (store: Store) => listAgencies(store.db);
      const agencies =
        options.prefecture === undefined
          ? await withNationalStore(options, list)
          : await withNodeStore(
              join(resolve(options.dir), 'nodes', prefectureNodeIdOf(options.prefecture), 'node.json'),
              list,
            );
      write(
        agencies.length === 0
          ? ['no agency registered']
          : agencies.map((entry) => `${entry.id}  ${entry.kind}  ${entry.name}  ${entry.affairs.join(',')}`),
      );
    });

  agency
    .command('query')
    .description(
      'ask the national (or the prefectural) server for identity information, citing an affair (over mTLS)',
    )
    .requiredOption('--config <file>', "the agency's client configuration (agency.json)")
    .requiredOption('--affair <id>', 'the affair of the registry the query is made for')
    .option('--code <code>', 'the resident code (住民票コード)')
    .option('--name <name>', '氏名')
    .option('--kana <kana>', 'the reading')
    .option('--birth-date <date>', 'YYYY-MM-DD')
    .option('--sex <sex>', 'male|female (男|女)')
    .option('--address <address>', 'the address or its beginning')
    .option('--as-of <date>', 'the information in effect at the end of this date')
    .option('--json', 'print the answer as JSON')
    .action(async (options: QueryOptions) => {
      const answer = await runAgencyQuery(options);
      write(options.json === true ? [JSON.stringify(answer, null, 2)] : formatProvisionAnswer(answer));
    });

  agency
    .command('affairs')
    .description('the affairs this agency may cite')
    .requiredOption('--config <file>', "the agency's client configuration (agency.json)")
    .action(async (options: { config: string }) => {
      const client = await createAgencyClient(await loadAgencyClientConfig(options.config));
      try {
        const answer = await client.affairs();
        write([
          `${answer.agency} (kind ${answer.kind}), registry version ${answer.registryVersion}`,
          ...answer.affairs.map(
            (affair) =>
              `  ${affair.id}  ${affair.name}  ${affair.law}${affair.article === undefined ? '' : affair.article}`,
          ),
        ]);
      } finally {
        await client.close();
      }
    });

  agency
    .command('openapi')
    .description("print the national server's OpenAPI document of the agency API")
    .requiredOption('--config <file>', "the agency's client configuration (agency.json)")
    .action(async (options: { config: string }) => {
      const client = await createAgencyClient(await loadAgencyClientConfig(options.config));
      try {
        write([JSON.stringify(await client.openApi(), null, 2)]);
      } finally {
        await client.close();
      }
    });

  registerAgencyBatchCommand(agency);

  const registry = agency.command('registry').description('the affair registry (別表)');
  registry
    .command('show')
    .description('the registry versions the national server holds, and the one in force')
    .option('--dir <dir>', 'the network directory', '.jukinet')
    .option('--config <file>', "the national node's node.json (instead of --dir)")
    .action(async (options: { dir: string; config?: string }) => {
      const [inForce, held] = await withNationalStore(
        options,
        async (store) =>
          [
            await currentAffairRegistry(store.db, systemClock.now()),
            await heldAffairRegistries(store.db),
          ] as const,
      );
      const lines: string[] = [];
      for (const version of held) {
        const mark = version.registry.version === inForce.version ? ' (in force)' : '';
        lines.push(
          `version ${version.registry.version}, effective ${version.registry.effectiveDate}, ${version.source}${mark}: ${version.registry.kinds.length} kinds, ${version.registry.affairs.length} affairs`,
        );
      }
      for (const affair of inForce.affairs) {
        lines.push(
          `  ${affair.id}  [${affair.kind}]  ${affair.name}  ${affair.legalBasis.law}${affair.legalBasis.article ?? ''}`,
        );
      }
      write(lines);
    });
  registry
    .command('deliveries')
    .description('which prefectural servers applied or refused each registry version delivered to them')
    .option('--dir <dir>', 'the network directory', '.jukinet')
    .option('--config <file>', "the national node's node.json (instead of --dir)")
    .action(async (options: { dir: string; config?: string }) => {
      const [files, reports] = await withNationalStore(
        options,
        async (store) => [await deliveredFiles(store.db), await fileDeliveryReports(store.db)] as const,
      );
      write(formatDeliveries(files, reports));
    });
  registry
    .command('sign')
    .description("sign a registry file with the national server's key")
    .requiredOption('--file <file>', 'the registry (JSON, as data/beppyo/v1.json)')
    .requiredOption('--out <file>', 'where to write the signed file')
    .option('--dir <dir>', 'the network directory', '.jukinet')
    .option('--config <file>', "the national node's node.json (instead of --dir)")
    .action(async (options: { file: string; out: string; dir: string; config?: string }) => {
      const config = await nationalConfig(options);
      const credentials = await openNodeCredentials(config);
      const signed = signAffairRegistry(await readJson(options.file), {
        privateKey: credentials.privateKey,
        certificatePem: credentials.certificatePem,
      });
      await writeFile(options.out, `${JSON.stringify(signed, null, 2)}\n`);
      write([`signed registry version ${signed.registry.version} into ${options.out}`]);
    });
  registry
    .command('publish')
    .description(
      'verify a signed registry file and load it into the national server, to take effect on its date',
    )
    .requiredOption('--file <file>', 'the signed registry file')
    .option('--dir <dir>', 'the network directory', '.jukinet')
    .option('--config <file>', "the national node's node.json (instead of --dir)")
    .action(async (options: { file: string; dir: string; config?: string }) => {
      const loaded = await withNationalStore(options, async (store, config) =>
        loadSignedAffairRegistry(store, await readJson(options.file), {
          caPem: await readFile(config.pki.caCertificate, 'utf8'),
        }),
      );
      write([
        `loaded registry version ${loaded.version}, effective ${loaded.effectiveDate}: ${loaded.affairs.length} affairs`,
      ]);
    });
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new JukinetError('JUKI_ERR_CLI_ARGUMENT', `cannot read ${quote(path)} as JSON`, { cause: error });
  }
}
