import type { Pool, PoolClient } from 'pg';
import type { BulkColumn, RowStager } from '../sql/dialect.js';

/** Bytes per CopyData message. */
const CHUNK = 1 << 16;

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY's text format. */
function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = String(value);
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (ch) => ESCAPES[ch] as string) : text;
}

/** The rows as COPY text: tab-separated values, one line per row. */
export function copyText(rows: readonly unknown[][]): string {
  let text = '';
  for (const row of rows) {
    for (let c = 0; c < row.length; c++) text += (c === 0 ? '' : '\t') + copyValue(row[c]);
    text += '\n';
  }
  return text;
}

/** The parts of pg's connection a COPY FROM STDIN drives (as pg-copy-streams does). */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/**
 * `COPY … FROM STDIN` as a pg submittable: pg hands it the connection, it
 * sends the data when the server asks for it, and settles at ReadyForQuery.
 */
class CopyIn {
  readonly done: Promise<void>;
  private settle!: { resolve: () => void; reject: (error: unknown) => void };

  constructor(
    private readonly text: string,
    private readonly data: Buffer,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    for (let offset = 0; offset < this.data.length; offset += CHUNK) {
      connection.sendCopyFromChunk(this.data.subarray(offset, offset + CHUNK));
    }
    connection.endCopyFrom();
  }

  /** pg forgets the query on an error (ReadyForQuery then goes to nobody), so settle now. */
  handleError(error: unknown): void {
    this.settle.reject(error);
  }

  handleReadyForQuery(): void {
    this.settle.resolve();
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/**
 * Stages rows with `COPY … FROM STDIN` (text format) on a connection of the
 * pool, each batch in a transaction of its own with `synchronous_commit = off`:
 * staging rows are invisible until the import commits, so losing the last
 * ones in a crash loses nothing.
 */
export function createCopyStager(pool: Pool, qualified: (table: string) => string): RowStager {
  return {
    async write(table: string, columns: readonly BulkColumn[], rows: readonly unknown[][]) {
      if (rows.length === 0) return;
      const names = columns.map((c) => `"${c.name}"`).join(', ');
      const copy = new CopyIn(`copy ${qualified(table)} (${names}) from stdin`, Buffer.from(copyText(rows), 'utf8'));
      const client: PoolClient = await pool.connect();
      let broken = false;
      try {
        await client.query('begin');
        await client.query('set local synchronous_commit = off');
        client.query(copy as never);
        try {
          await copy.done;
        } catch (error) {
          await client.query('rollback');
          throw error;
        }
        await client.query('commit');
      } catch (error) {
        broken = (error as { code?: string }).code === undefined;
        throw error;
      } finally {
        // A connection that failed outside SQL (network) is not given back to the pool.
        client.release(broken);
      }
    },
  };
}
