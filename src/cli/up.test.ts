import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { parseMunicipalities } from './local-network.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

it('parseMunicipalities() takes 5- and 6-digit codes and refuses what keeps no register', () => {
  expect(parseMunicipalities('13105, 131016,13105')).toEqual(['131059', '131016']);
  expect(parseMunicipalities('all').length).toBeGreaterThan(1700);
  expect(() => parseMunicipalities('130001')).toThrow(/keeps no resident register/);
  expect(() => parseMunicipalities('13104')).not.toThrow();
  expect(() => parseMunicipalities('131058')).toThrow(/not a local government code/);
  expect(() => parseMunicipalities(',')).toThrow(/empty/);
});

it('`jukinet up --smoke` boots the default network, drives a birth, a move and a death, and prints smoke: ok', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', 'up', '--smoke'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  expect(output).toContain('smoke: the national server holds all three changes');
  expect(output.trimEnd().split('\n').at(-1)).toBe('smoke: ok');
  expect(code).toBe(0);
}, 260_000);
