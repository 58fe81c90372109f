import type { DatabaseConnection, SqliteDialectConfig } from 'kysely';
import { CompiledQuery, SqliteDialect, SqliteDriver } from 'kysely';

/**
 * kysely's SQLite dialect, with transactions that take the write lock as they
 * begin (`BEGIN IMMEDIATE`) instead of at their first write.
 *
 * The store's connection is not the only writer of a file it opened: its
 * staging thread writes imports' rows through a connection of its own. A
 * deferred transaction that has read, then writes after the other connection
 * committed, fails at once with SQLITE_BUSY_SNAPSHOT (its snapshot is stale),
 * and one that asks for the lock while the other holds it can fail with
 * SQLITE_BUSY without waiting. Taken at `BEGIN`, the lock is waited for with
 * the busy timeout like any other, and the transaction's snapshot is the latest.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
