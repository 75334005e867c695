// Helper for end-to-end tests: one node run by `jukinet serve --config` as its own OS process, from source (tsx).

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A `jukinet serve` child process. */
export interface ServeChild {
  readonly child: ChildProcess;
  /** Resolves with the ready line (`ready <id> network … terminal …`); rejects if the process exits first or in time. */
  readonly ready: Promise<string>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the process wrote on stderr so far (its log), for failure messages. */
  stderr(): string;
}

/** Spawns `node --import tsx src/cli/entry.ts serve --config <configPath>`; the ready wait is bounded by `readyMs`. */
export function spawnServe(configPath: string, options: { readyMs?: number } = {}): ServeChild {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/entry.ts', 'serve', '--config', configPath],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err = (err + chunk).slice(-200_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`serve ${configPath} not ready in time; stderr:\n${err.slice(-4000)}`));
    }, options.readyMs ?? 60_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((candidate) => candidate.startsWith('ready '));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code ?? signal}) before ready; stderr:\n${err.slice(-4000)}`));
    });
  });
  ready.catch(() => undefined);
  return { child, ready, exited, stderr: () => err };
}

/** Sends `signal` and waits (bounded) for the process to exit. */
export async function stopChild(
  serve: ServeChild,
  signal: NodeJS.Signals = 'SIGTERM',
  limitMs = 20_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (serve.child.exitCode !== null || serve.child.signalCode !== null) return serve.exited;
  serve.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      serve.child.kill('SIGKILL');
      reject(new Error(`serve did not exit within ${limitMs} ms of ${signal}`));
    }, limitMs);
  });
  try {
    return await Promise.race([serve.exited, limit]);
  } finally {
    clearTimeout(timer);
  }
}
