import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import type { LocalGovernmentCode } from '../domain/index.js';
import { freePortRange } from '../servers/common/testing/free-ports.js';
import { parseMunicipalities } from './local-network.js';
import { runUp } from './up.js';

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

it('`jukinet up` interrupted while starting stops the servers it started and frees their ports', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'jukinet-up-interrupted-'));
  const nodes = 1 + 47 + 1;
  const basePort = await freePortRange(2 * nodes);
  const lines: string[] = [];
  try {
    // Stopping asked for before the start: the start notices it before the first municipality.
    await runUp({
      dir,
      municipalities: ['131059' as LocalGovernmentCode],
      population: 10,
      basePort,
      write: (line) => lines.push(line),
      until: Promise.resolve(),
    });
    expect(lines).toContain('  47 prefectural servers ready');
    expect(lines.at(-1)).toBe('jukinet: interrupted while starting; the servers already started are stopped');
    expect(lines.some((line) => line.includes('municipal servers ready'))).toBe(false);
    for (let port = basePort; port < basePort + 2 * nodes; port++) {
      await new Promise<void>((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);
