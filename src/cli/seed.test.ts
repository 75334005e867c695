import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseLocalGovernmentCode } from '../domain/index.js';
import { generatePopulation } from '../ops/index.js';
import { formatPopulation } from './seed.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function jukinet(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('formatPopulation()', () => {
  it('prints each household under its address, the head first with its age', () => {
    const households = generatePopulation({
      lgCode: parseLocalGovernmentCode('312011'),
      count: 5,
      seed: 3,
      referenceDate: '2025-04-01',
    });
    const text = formatPopulation(households, '2025-04-01');
    expect(text.startsWith('鳥取県鳥取市')).toBe(true);
    expect(text).toMatch(/^ {2}世帯主 {2}\S+ \S+ \([ァ-ヺー ]+\)/m);
  });
});

describe('jukinet seed (child process)', () => {
  it('prints the same population as JSON for the same seed, and refuses an unknown code', () => {
    const first = jukinet('seed', '131059', '--count', '7', '--seed', '5', '--date', '2025-04-01', '--json');
    expect(first.status).toBe(0);
    const households = JSON.parse(first.stdout) as { members: unknown[] }[];
    expect(households.flatMap((household) => household.members)).toHaveLength(7);
    const second = jukinet('seed', '131059', '--count', '7', '--seed', '5', '--date', '2025-04-01', '--json');
    expect(second.stdout).toBe(first.stdout);
    const unknown = jukinet('seed', '999999');
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('JUKI_ERR_LG_NOT_FOUND');
  });
});
