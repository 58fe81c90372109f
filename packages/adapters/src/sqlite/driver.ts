import { OutpaceError } from '@outpace/core';

/** The parts of a better-sqlite3 `Database` the SQLite store uses. */
export interface SqliteDatabase {
  readonly name: string;
  readonly memory: boolean;
  readonly open: boolean;
  prepare(source: string): {
    run(...params: unknown[]): unknown;
    all(...params: unknown[]): unknown[];
    get(...params: unknown[]): unknown;
    iterate(...params: unknown[]): IterableIterator<unknown>;
    readonly reader: boolean;
  };
  pragma(source: string, options?: { simple?: boolean }): unknown;
  function(name: string, options: { deterministic?: boolean }, fn: (...args: never[]) => unknown): unknown;
  exec(source: string): unknown;
  close(): unknown;
}

type DatabaseConstructor = new (filename: string, options?: { timeout?: number }) => SqliteDatabase;

/**
 * Loads better-sqlite3 on first use, so importing `@outpace/adapters/sqlite`
 * costs nothing and a missing driver fails with an error naming the package.
 */
export async function loadBetterSqlite3(): Promise<DatabaseConstructor> {
  try {
    const module = (await import('better-sqlite3')) as unknown as { default: DatabaseConstructor };
    return module.default;
  } catch (cause) {
    throw new OutpaceError(
      'ADAPTER_DRIVER_MISSING',
      'The SQLite store needs the better-sqlite3 package, which could not be loaded; install it with "npm install better-sqlite3@12".',
      { cause },
    );
  }
}
