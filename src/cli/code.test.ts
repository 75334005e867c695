import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isResidentCode } from '../domain/index.js';
import { describeResidentCode, parseCount } from './code.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the real CLI from source in a child process. */
function jukinet(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('describeResidentCode()', () => {
  it('says in words what is wrong with a code', () => {
    expect(describeResidentCode('12345678903')).toEqual({ valid: true, line: '12345678903 valid' });
    expect(describeResidentCode('12345678900').line).toBe('12345678900 invalid: check digit should be 3');
    expect(describeResidentCode('1234').line).toBe('1234 invalid: must have 11 digits, has 4');
    expect(describeResidentCode('1234567890x').line).toBe(
      '1234567890x invalid: must contain only the digits 0-9',
    );
  });
});

describe('parseCount()', () => {
  it('accepts 1 to 1,000,000 and refuses anything else with JUKI_ERR_CLI_ARGUMENT', () => {
    expect(parseCount('1')).toBe(1);
    expect(parseCount('1000000')).toBe(1_000_000);
    for (const bad of ['0', '1000001', '-1', '1.5', 'ten', '', '1e3']) {
      expect(() => parseCount(bad)).toThrow(/Invalid command-line argument: -n ".*": must be a whole number/);
    }
  });
});

describe('jukinet code (child process)', () => {
  it('validate prints one line per code and exits 1 when one is invalid', () => {
    const run = jukinet('code', 'validate', '12345678903', '12345678900', '123');
    expect(run.stdout).toBe(
      '12345678903 valid\n12345678900 invalid: check digit should be 3\n123 invalid: must have 11 digits, has 3\n',
    );
    expect(run.status).toBe(1);
  });

  it('validate exits 0 when every code is valid', () => {
    const run = jukinet('code', 'validate', '12345678903', '00000000000');
    expect(run.stdout).toBe('12345678903 valid\n00000000000 valid\n');
    expect(run.status).toBe(0);
  });

  it('generate prints N valid codes, and refuses a bad N', () => {
    const run = jukinet('code', 'generate', '-n', '25');
    const codes = run.stdout.trimEnd().split('\n');
    expect(run.status).toBe(0);
    expect(codes).toHaveLength(25);
    expect(codes.every(isResidentCode)).toBe(true);

    const refused = jukinet('code', 'generate', '-n', '0');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('JUKI_ERR_CLI_ARGUMENT');
    expect(refused.stdout).toBe('');
  });
});
