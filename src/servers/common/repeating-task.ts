// A node's background work on a schedule (refilling code blocks, fetching delivered files): a run at once, then every
// interval after the last run ended; after failures the wait grows, up to a limit; one run at a time.

/** The running schedule: `runNow` runs at once, or joins the run in flight; `stop` ends the schedule. */
export interface RepeatingTask<T> {
  readonly runNow: () => Promise<T>;
  /** Ends the schedule and waits for the run in flight, if any, whatever its outcome. */
  readonly stop: () => Promise<void>;
}

/**
 * Starts `run` now and then `intervalMs` after each run ends. After `failures` failed runs in a row the next waits
 * `backoff(failures)` instead (the caller's rule, e.g. doubling up to a limit) and `onFailure` is told. The timers do
 * not keep the process alive.
 */
export function startRepeatingTask<T>(options: {
  readonly run: () => Promise<T>;
  readonly intervalMs: number;
  readonly backoff: (failures: number) => number;
  readonly onFailure: (error: unknown, failures: number, retryInMs: number) => void;
}): RepeatingTask<T> {
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<T> | undefined;

  function runNow(): Promise<T> {
    inFlight ??= options.run().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => void tick(), delayMs);
    timer.unref();
  }

  async function tick(): Promise<void> {
    try {
      await runNow();
      failures = 0;
      schedule(options.intervalMs);
    } catch (error) {
      failures += 1;
      const delayMs = options.backoff(failures);
      options.onFailure(error, failures, delayMs);
      schedule(delayMs);
    }
  }

  schedule(0);
  return {
    runNow,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await inFlight?.catch(() => undefined);
    },
  };
}
