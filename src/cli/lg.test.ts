import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findLocalGovernmentByCode } from '../domain/index.js';
import { formatLocalGovernment, lookUpLocalGovernments } from './lg.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the real CLI from source in a child process. */
function jukinet(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('lookUpLocalGovernments()', () => {
  it('takes a six- or five-digit code, a prefecture code or a name', () => {
    expect(lookUpLocalGovernments('131059').map(formatLocalGovernment)).toEqual(['131059  東京都 文京区']);
    expect(lookUpLocalGovernments('13105').map(formatLocalGovernment)).toEqual(['131059  東京都 文京区']);
    expect(lookUpLocalGovernments('１３１０５９').map((lg) => lg.code)).toEqual(['131059']);
    expect(lookUpLocalGovernments('131058')).toEqual([]);
    expect(lookUpLocalGovernments('31').map((lg) => lg.fullName)).toContain('鳥取市');
    expect(lookUpLocalGovernments('滝川').map(formatLocalGovernment)).toEqual(['012254  北海道 滝川市']);
  });

  it('formats a ward with its city and a prefecture alone', () => {
    expect(formatLocalGovernment(findLocalGovernmentByCode('011011')!)).toBe('011011  北海道 札幌市中央区');
    expect(formatLocalGovernment(findLocalGovernmentByCode('130001')!)).toBe('130001  東京都');
  });
});

describe('jukinet lg (child process)', () => {
  it('finds 文京区 by code and by name', () => {
    const byCode = jukinet('lg', '131059');
    expect(byCode).toMatchObject({ status: 0, stdout: '131059  東京都 文京区\n' });
    const byName = jukinet('lg', '松原市');
    expect(byName).toMatchObject({ status: 0, stdout: '272175  大阪府 松原市\n' });
  });

  it('exits 1 with a message on stderr when nothing matches', () => {
    const run = jukinet('lg', 'アトランティス');
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'jukinet: JUKI_ERR_LG_NOT_FOUND: No local government matches: "アトランティス"\n',
    );
  });
});
