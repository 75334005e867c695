// `jukinet seed`: prints the synthetic population `jukinet up` would seed in a municipality, without writing anything.

import type { Command } from 'commander';
import { findLocalGovernmentByCode, japanDateOf, sexLabel } from '../domain/index.js';
import { ageOn, generatePopulation, type SyntheticHousehold } from '../ops/index.js';
import { JukinetError, quote } from '../shared/errors.js';

/** The households as text: the address, then one member a line with 続柄, name, reading, sex, birth date and age. */
export function formatPopulation(households: readonly SyntheticHousehold[], referenceDate: string): string {
  return households
    .map((household) => {
      const members = household.members.map((member) => {
        const alias = member.commonName === undefined ? '' : ` 通称 ${member.commonName}`;
        const foreign = member.foreignResident ? ' 外国人住民' : '';
        return `  ${member.relationship}  ${member.name} (${member.nameKana})${alias}  ${sexLabel(member.sex)}  ${member.birthDate} (${ageOn(member.birthDate, referenceDate)})${foreign}\n`;
      });
      return `${household.address}\n${members.join('')}`;
    })
    .join('');
}

function wholeNumber(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new JukinetError('JUKI_ERR_CLI_ARGUMENT', `--${name} must be a whole number, not ${quote(value)}`);
  }
  return n;
}

/** Adds `seed` to the program. */
export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description(
      'print a synthetic population of a municipality (households, names, birth dates, real towns); writes nothing',
    )
    .argument('<lg-code>', 'the municipality, e.g. 131059')
    .option('--count <n>', 'how many persons', '20')
    .option('--seed <n>', 'the same seed gives the same population', '1')
    .option('--date <yyyy-mm-dd>', 'the day ages are counted to (default: today in Japan)')
    .option('--json', 'print the households as JSON')
    .action((code: string, options: { count: string; seed: string; date?: string; json?: boolean }) => {
      const lg = findLocalGovernmentByCode(code);
      if (lg === undefined) throw new JukinetError('JUKI_ERR_LG_NOT_FOUND', quote(code));
      const referenceDate = options.date ?? japanDateOf(new Date());
      const households = generatePopulation({
        lgCode: lg.code,
        count: wholeNumber('count', options.count),
        seed: wholeNumber('seed', options.seed),
        referenceDate,
      });
      process.stdout.write(
        options.json === true
          ? `${JSON.stringify(households, null, 2)}\n`
          : formatPopulation(households, referenceDate),
      );
    });
}
