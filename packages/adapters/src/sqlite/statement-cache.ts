import type { SqliteDatabase } from './driver.js';

type Statement = ReturnType<SqliteDatabase['prepare']>;

/**
 * A view of a better-sqlite3 connection whose `prepare` reuses statements,
 * for kysely's SQLite driver, which prepares every query afresh: compiling
 * `select *` over the wide contacts table cost more than running it.
 *
 * `all`, `get` and `run` finish before they return, so one cached statement
 * serves every caller; `iterate` keeps its statement busy until the iteration
 * ends, so each iteration gets a statement of its own. The least recently
 * used statements beyond `size` are dropped.
 */
export function withStatementCache(database: SqliteDatabase, size = 256): SqliteDatabase {
  const cache = new Map<string, Statement>();
  const prepare = (source: string): Statement => {
    let statement = cache.get(source);
    if (statement !== undefined) {
      // Map order is insertion order: re-inserting marks it most recently used.
      cache.delete(source);
    } else {
      const prepared = database.prepare(source);
      statement = {
        reader: prepared.reader,
        all: (...params) => prepared.all(...params),
        get: (...params) => prepared.get(...params),
        run: (...params) => prepared.run(...params),
        iterate: (...params) => database.prepare(source).iterate(...params),
      };
      if (cache.size >= size) cache.delete(cache.keys().next().value as string);
    }
    cache.set(source, statement);
    return statement;
  };
  return new Proxy(database, {
    get(target, property, receiver) {
      if (property === 'prepare') return prepare;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
