// The schedule of a node's background work: a run at once, one run at a time, the interval after a success, the
// caller's backoff after failures, and nothing more after stop().

import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { startRepeatingTask } from './repeating-task.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

it('runs at once, then an interval after each success, and joins a run in flight', async () => {
  let runs = 0;
  const task = startRepeatingTask({
    run: () => Promise.resolve(++runs),
    intervalMs: 1000,
    backoff: () => 60_000,
    onFailure: () => undefined,
  });
  await vi.advanceTimersByTimeAsync(0);
  expect(runs).toBe(1);
  const [a, b] = await Promise.all([task.runNow(), task.runNow()]);
  expect([a, b, runs]).toEqual([2, 2, 2]);
  await vi.advanceTimersByTimeAsync(999);
  expect(runs).toBe(2);
  await vi.advanceTimersByTimeAsync(1);
  expect(runs).toBe(3);
  await task.stop();
  await vi.advanceTimersByTimeAsync(10_000);
  expect(runs).toBe(3);
});

it('waits by the backoff after failures, tells each, and goes back to the interval after a success', async () => {
  const outcomes = [false, false, true, true];
  const failures: [number, number][] = [];
  let runs = 0;
  const task = startRepeatingTask({
    run: () => {
      const ok = outcomes[runs++] ?? true;
      return ok ? Promise.resolve() : Promise.reject(new Error('unreachable'));
    },
    intervalMs: 100,
    backoff: (count) => 1000 * count,
    onFailure: (_error, count, retryInMs) => failures.push([count, retryInMs]),
  });
  await vi.advanceTimersByTimeAsync(0);
  expect(failures).toEqual([[1, 1000]]);
  await vi.advanceTimersByTimeAsync(1000);
  expect(failures).toEqual([
    [1, 1000],
    [2, 2000],
  ]);
  await vi.advanceTimersByTimeAsync(2000);
  expect(runs).toBe(3);
  await vi.advanceTimersByTimeAsync(100);
  expect(runs).toBe(4);
  expect(failures).toHaveLength(2);
  await task.stop();
});
