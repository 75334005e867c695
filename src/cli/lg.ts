// `jukinet lg`: look up local governments (全国地方公共団体コード) by code or by name in the built-in directory.

import type { Command } from 'commander';
import {
  findLocalGovernmentByCode,
  listMunicipalities,
  searchLocalGovernments,
  type LocalGovernment,
} from '../domain/index.js';
import { JukinetError, quote } from '../shared/errors.js';

/** The local governments a query names: a 5- or 6-digit code, a 2-digit prefecture code, or part of a name. */
export function lookUpLocalGovernments(query: string): LocalGovernment[] {
  const trimmed = query.normalize('NFKC').trim();
  if (/^[0-9]{5,6}$/.test(trimmed)) {
    const found = findLocalGovernmentByCode(trimmed);
    return found ? [found] : [];
  }
  if (/^[0-9]{2}$/.test(trimmed)) return listMunicipalities(trimmed, { includeDesignatedCities: true });
  return searchLocalGovernments(trimmed);
}

/** One output line: `131059  東京都 文京区`; a ward shows its city (`011011  北海道 札幌市中央区`). */
export function formatLocalGovernment(lg: LocalGovernment): string {
  return lg.kind === 'prefecture'
    ? `${lg.code}  ${lg.prefecture}`
    : `${lg.code}  ${lg.prefecture} ${lg.fullName}`;
}

/** Adds `lg` to the program. */
export function registerLgCommands(program: Command): void {
  program
    .command('lg')
    .description('find local governments by code (131059, 13105, or 13 for a prefecture) or by name (文京区)')
    .argument('<code-or-name...>', 'a code, or a name or part of one')
    .option('--json', 'print the entries as JSON')
    .action((words: string[], options: { json?: boolean }) => {
      const query = words.join(' ');
      const found = lookUpLocalGovernments(query);
      if (found.length === 0) throw new JukinetError('JUKI_ERR_LG_NOT_FOUND', quote(query));
      process.stdout.write(
        options.json === true
          ? `${JSON.stringify(found, null, 2)}\n`
          : found.map((lg) => `${formatLocalGovernment(lg)}\n`).join(''),
      );
    });
}
