// Bugs, not outcomes: an assert() failure means our code is wrong, and nobody catches it for control flow.

/** Thrown when an invariant of our own code does not hold. */
export class BugIndicatingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BugIndicatingError';
  }
}

export function assert(condition: unknown, message = 'Assertion failed'): asserts condition {
  if (!condition) throw new BugIndicatingError(message);
}

/** For the default branch of an exhaustive switch. */
export function assertNever(value: never, message = 'Unexpected value'): never {
  throw new BugIndicatingError(`${message}: ${JSON.stringify(value)}`);
}
