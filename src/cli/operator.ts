// `jukinet operator init`: creates the first システム管理者 of a node that has no operators yet and prints a one-time
// set-up code (and URL) with which the terminal's 初期設定 screen registers their security key. The password comes from
// $JUKINET_OPERATOR_PASSWORD or a prompt, never from the command line (docs/operators.md, "The first administrator").

import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import {
  SETUP_TERMINAL,
  createOperatorService,
  loadNodeConfig,
  operatorSettingsFor,
  type NodeConfig,
  type Operator,
} from '../servers/common/index.js';
import type { Clock } from '../shared/clock.js';
import { systemClock } from '../shared/clock.js';
import { JukinetError } from '../shared/errors.js';
import { openStore, type Store } from '../store/index.js';

export const OPERATOR_PASSWORD_ENV = 'JUKINET_OPERATOR_PASSWORD';
/** How long the set-up code stays valid: long enough to walk to the terminal, short enough not to linger. */
export const SETUP_CODE_VALIDITY_MS = 30 * 60_000;

/** The first administrator as created, and how their key is registered at the terminal. */
export interface FirstAdministrator {
  readonly operator: Operator;
  /** One-time: it registers one key, and is refused after SETUP_CODE_VALIDITY_MS. */
  readonly setupCode: string;
  /** The terminal's 初期設定 with the code in the fragment (which the browser never sends to the server). */
  readonly setupUrl: string;
  readonly expiresAt: Date;
}

/**
 * Creates the first administrator of the node `config` describes (JUKI_ERR_OPERATORS_EXIST once it has operators),
 * or with `renew` gives them a new set-up code while no key is registered (name and password are then ignored).
 * `store` uses an open store instead of opening the node's database (tests that run the node in-process).
 */
export async function initFirstAdministrator(
  config: NodeConfig,
  input: {
    readonly loginName: string;
    readonly displayName: string;
    readonly password: string;
    readonly renew?: boolean;
    readonly store?: Store;
    readonly clock?: Clock;
  },
): Promise<FirstAdministrator> {
  const clock = input.clock ?? systemClock;
  const store = input.store ?? (await openStore(config.database));
  try {
    // The set-up code is the handle of the enrolment started here, so it lives as long as that challenge.
    const settings = { ...operatorSettingsFor(config), challengeTimeoutMs: SETUP_CODE_VALIDITY_MS };
    const service = createOperatorService(store, { settings, clock });
    const { operator, enrolment } =
      input.renew === true
        ? await service.renewFirstAdministratorSetup({ loginName: input.loginName, terminal: SETUP_TERMINAL })
        : await service.enrolFirstAdministrator({
            loginName: input.loginName,
            displayName: input.displayName,
            password: input.password,
            terminal: SETUP_TERMINAL,
          });
    return {
      operator,
      setupCode: enrolment.enrolmentId,
      setupUrl: `https://${settings.rpId}:${config.terminal.port}/setup#${enrolment.enrolmentId}`,
      expiresAt: new Date(clock.now().getTime() + SETUP_CODE_VALIDITY_MS),
    };
  } finally {
    if (input.store === undefined) await store.close();
  }
}

/** The command that creates a node's first administrator, as `jukinet up` prints it. */
export function operatorInitCommand(configPath: string): string {
  return `jukinet operator init --config ${configPath} --login kanri --name 管理者`;
}

/** Adds `operator` to the CLI. */
export function registerOperatorCommands(program: Command): void {
  const operator = program.command('operator').description("the terminal's operators (操作者)");
  operator
    .command('init')
    .description('create the first administrator of a node without operators, and print the set-up code')
    .requiredOption('--config <file>', 'the node configuration (JSON)')
    .requiredOption('--login <name>', 'login name (a-z, 0-9, ".", "_", "-"; 3 to 32)')
    .option('--name <display>', 'display name (表示名); required unless --renew')
    .option('--renew', 'a new set-up code for the first administrator, while no security key is registered')
    .action(async (options: { config: string; login: string; name?: string; renew?: boolean }) => {
      const config = await loadNodeConfig(options.config);
      const renew = options.renew === true;
      if (!renew && options.name === undefined) {
        throw new JukinetError('JUKI_ERR_CLI_ARGUMENT', '--name is required');
      }
      const password = renew ? '' : (process.env[OPERATOR_PASSWORD_ENV] ?? (await promptPassword()));
      const created = await initFirstAdministrator(config, {
        loginName: options.login,
        displayName: options.name ?? '',
        password,
        renew,
      });
      const write = (line: string): void => void process.stdout.write(`${line}\n`);
      write(
        `${renew ? 'renewed the set-up code of' : 'created'} システム管理者 ${created.operator.loginName} (${created.operator.displayName})`,
      );
      write(`set-up code: ${created.setupCode}`);
      write(`register the security key at 初期設定 before ${created.expiresAt.toISOString()}:`);
      write(`  ${created.setupUrl}`);
    });
}

/** Asks for the password twice on the terminal without echoing it; refused when stdin is not a terminal. */
async function promptPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new JukinetError(
      'JUKI_ERR_CLI_ARGUMENT',
      `no password: set ${OPERATOR_PASSWORD_ENV} or run on a terminal`,
    );
  }
  const first = await askHidden('password: ');
  const second = await askHidden('password again: ');
  if (first !== second) throw new JukinetError('JUKI_ERR_CLI_ARGUMENT', 'the passwords differ');
  return first;
}

function askHidden(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  // Echo nothing of what is typed; the question itself is written before muting.
  process.stdout.write(question);
  (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = () => undefined;
  return new Promise((resolve) => {
    rl.question('', (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}
