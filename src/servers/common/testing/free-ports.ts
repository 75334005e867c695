// Test helper: a run of free TCP ports on loopback, for networks whose directory must name fixed ports up front.

import { createServer } from 'node:net';

/** A base port such that base … base+count−1 are free now (tried at random from 20000, below the ephemeral range). */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    // Below Linux's ephemeral range (32768–60999), where outgoing connections take their local ports.
    const base = 20_000 + Math.floor(Math.random() * (32_768 - 20_000 - count));
    if (await allFree(base, count)) return base;
  }
  throw new Error(`No run of ${count} free ports found`);
}

async function allFree(base: number, count: number): Promise<boolean> {
  for (let port = base; port < base + count; port += 1) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}
