// The `jukinet` command: one CLI for every run mode and tool (DESIGN.md §1). Subcommands live in their own files.

import { Command, CommanderError } from 'commander';
import { isJukinetError } from '../shared/errors.js';
import { registerAgencyCommands } from './agency.js';
import { registerCardCommands } from './card.js';
import { registerCheckCommands } from './check.js';
import { registerCodeCommands } from './code.js';
import { registerLgCommands } from './lg.js';
import { registerLinkageCommands } from './linkage.js';
import { registerOperatorCommands } from './operator.js';
import { registerPkiCommands } from './pki.js';
import { registerReportCommands } from './report.js';
import { registerSeedCommand } from './seed.js';
import { registerServeCommand } from './serve.js';
import { registerUpCommand } from './up.js';

/** Builds the command tree; each subsystem adds its subcommands in its own module. */
export function buildProgram(): Command {
  const program = new Command('jukinet')
    .description('住基ネット: the Basic Resident Register Network')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError();
  registerAgencyCommands(program);
  registerCardCommands(program);
  registerCheckCommands(program);
  registerCodeCommands(program);
  registerLgCommands(program);
  registerLinkageCommands(program);
  registerOperatorCommands(program);
  registerPkiCommands(program);
  registerReportCommands(program);
  registerSeedCommand(program);
  registerServeCommand(program);
  registerUpCommand(program);
  return program;
}

/** Runs the CLI and returns the process exit code; JukinetErrors print their code and message. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode;
    }
    if (isJukinetError(error)) {
      process.stderr.write(`jukinet: ${error.code}: ${error.message}\n`);
      return error.category === 'validation' ? 2 : 1;
    }
    throw error;
  }
}
