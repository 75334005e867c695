// Catches the two ways code can misuse a store inside its own transaction, a nested transaction() and a statement on
// store.db: on SQLite's single connection either would wait forever, so both fail at once as bugs instead.

import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  TransactionSettings,
} from 'kysely';
import { assert } from '../shared/assert.js';

/** A transaction's mark: open until the transaction's callback settles. */
interface Mark {
  open: boolean;
}

/**
 * One async-context storage for every guard, holding the marks of the transactions the context is inside, by guard.
 * Node 20 runs every enabled AsyncLocalStorage on every promise it creates, so one storage per store made each promise
 * of a process that hosts many nodes (`jukinet up --municipalities all`) cost more with every node it started.
 */
const scopes = new AsyncLocalStorage<ReadonlyMap<TransactionGuard, Mark>>();

/** Knows whether the current async context is inside one of this store's open transactions. */
export class TransactionGuard {
  /** Fails (a bug) when called from inside an open transaction of this store; `what` names the misuse. */
  assertOutside(what: string): void {
    assert(
      scopes.getStore()?.get(this)?.open !== true,
      `${what} inside a transaction of the same store: use the trx given to the transaction callback`,
    );
  }

  /** Runs `fn` marked as inside a transaction; the mark ends when `fn` settles, even for work `fn` left running. */
  async runInside<T>(fn: () => Promise<T>): Promise<T> {
    const mark: Mark = { open: true };
    const marks = new Map(scopes.getStore());
    marks.set(this, mark);
    try {
      return await scopes.run(marks, fn);
    } finally {
      mark.open = false;
    }
  }
}

/** Wraps a Kysely dialect so that acquiring a connection inside an open transaction fails as a bug. */
export function guardDialect(dialect: Dialect, guard: TransactionGuard): Dialect {
  return {
    createAdapter: (): DialectAdapter => dialect.createAdapter(),
    createDriver: () => new GuardedDriver(dialect.createDriver(), guard),
    createQueryCompiler: (): QueryCompiler => dialect.createQueryCompiler(),
    createIntrospector: (db: Kysely<unknown>): DatabaseIntrospector => dialect.createIntrospector(db),
  };
}

class GuardedDriver implements Driver {
  readonly #inner: Driver;
  readonly #guard: TransactionGuard;

  constructor(inner: Driver, guard: TransactionGuard) {
    this.#inner = inner;
    this.#guard = guard;
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    this.#guard.assertOutside('A statement on store.db');
    return this.#inner.acquireConnection();
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.#inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.rollbackTransaction(connection);
  }

  savepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    const done = this.#inner.savepoint?.(connection, name, compile);
    assert(done, 'The driver has no savepoints');
    return done;
  }

  rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    const done = this.#inner.rollbackToSavepoint?.(connection, name, compile);
    assert(done, 'The driver has no savepoints');
    return done;
  }

  releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    const done = this.#inner.releaseSavepoint?.(connection, name, compile);
    assert(done, 'The driver has no savepoints');
    return done;
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(connection);
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}
