// `jukinet code`: check and generate 住民票コード (resident codes) from the command line.

import type { Command } from 'commander';
import { checkResidentCode, generateResidentCode, residentCodeCheckDigit } from '../domain/index.js';
import { JukinetError, quote } from '../shared/errors.js';

const MAX_COUNT = 1_000_000;

/** One line of `code validate` output: `CODE valid` or `CODE invalid: <reason in words>`. */
export function describeResidentCode(input: string): { valid: boolean; line: string } {
  const result = checkResidentCode(input);
  if (result.ok) return { valid: true, line: `${input} valid` };
  let reason: string;
  switch (result.reason) {
    case 'length':
      reason = `must have 11 digits, has ${[...input].length}`;
      break;
    case 'non-digit':
      reason = 'must contain only the digits 0-9';
      break;
    case 'check-digit':
      reason = `check digit should be ${residentCodeCheckDigit(input.slice(0, 10))}`;
      break;
  }
  return { valid: false, line: `${input} invalid: ${reason}` };
}

/** Parses the `-n` of `code generate`: a whole number from 1 to 1,000,000. */
export function parseCount(value: string): number {
  const count = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_COUNT) {
    throw new JukinetError(
      'JUKI_ERR_CLI_ARGUMENT',
      `-n ${quote(value)}: must be a whole number from 1 to 1,000,000`,
    );
  }
  return count;
}

/** Adds `code validate` and `code generate` to the program. */
export function registerCodeCommands(program: Command): void {
  const code = program.command('code').description('住民票コード: check and generate resident codes');
  code
    .command('validate')
    .description('check resident codes; exits 1 unless every one is valid')
    .argument('<codes...>', 'resident codes of 11 digits')
    .action((codes: string[]) => {
      const results = codes.map(describeResidentCode);
      process.stdout.write(results.map((result) => `${result.line}\n`).join(''));
      if (!results.every((result) => result.valid)) process.exitCode = 1;
    });
  code
    .command('generate')
    .description('print new random resident codes (not reserved in any code pool)')
    .option('-n, --count <n>', 'how many, 1 to 1,000,000', '1')
    .action((options: { count: string }) => {
      const count = parseCount(options.count);
      for (let done = 0; done < count;) {
        const batch = Math.min(10_000, count - done);
        const lines: string[] = [];
        for (let i = 0; i < batch; i++) lines.push(generateResidentCode());
        process.stdout.write(`${lines.join('\n')}\n`);
        done += batch;
      }
    });
}
