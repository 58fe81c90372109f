import type { Pool, PoolClient } from 'pg';
import type { BulkColumn, RowSink, RowStager } from '../sql/dialect.js';

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
  const sink = new CopyTextSink();
  for (const row of rows) {
    sink.push(...row);
    sink.endRow();
  }
  return sink.text;
}

/**
 * Rows written straight into COPY text as they are encoded. Against encoding
 * arrays and turning them into text after, 200,000 of the benchmark's contacts
 * took 1.59 to 1.62 s instead of 1.93 to 2.01 s (encoding, text and buffer,
 * three rounds), and no row arrays are left for the collector; the pipeline of
 * 1,000,000 used 14.8 to 17.6 CPU-seconds against 15.5 to 20.7 (three
 * interleaved pairs).
 */
export class CopyTextSink implements RowSink {
  text = '';
  rows = 0;
  private first = true;

  push(...values: unknown[]): number {
    for (let i = 0; i < values.length; i++) {
      this.text += (this.first ? '' : '\t') + copyValue(values[i]);
      this.first = false;
    }
    return 0;
  }

  endRow(): void {
    this.text += '\n';
    this.first = true;
    this.rows++;
  }
}

/** The parts of pg's connection a COPY FROM STDIN drives (as pg-copy-streams does). */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/**
 * One simple-protocol query holding a `COPY … FROM STDIN`, as a pg
 * submittable: pg hands it the connection, it sends the query and the data
 * at once, and it settles at ReadyForQuery.
 *
 * The data goes out without waiting for the server's CopyInResponse: the
 * server reads it when the COPY starts, and if a statement fails first it
 * drops the CopyData and CopyDone that follow (the protocol has it accept and
 * ignore them outside a COPY). So a batch costs the server no round trip
 * through the importing process, whose event loop may be busy parsing: with
 * the four round trips of BEGIN, SET, COPY and COMMIT, the write phase of
 * 200,000 contacts took 6.1 to 7.2 s, as one query 4.2 to 4.7 s.
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
    for (let offset = 0; offset < this.data.length; offset += CHUNK) {
      connection.sendCopyFromChunk(this.data.subarray(offset, offset + CHUNK));
    }
    connection.endCopyFrom();
  }

  /** The data went out with the query. */
  handleCopyInResponse(): void {}

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
 * pool, each batch in a transaction of its own with `synchronous_commit =
 * off`, sent as one query: staging rows are invisible until the import
 * commits, so losing the last ones in a crash loses nothing.
 */
export function createCopyStager(pool: Pool, qualified: (table: string) => string): RowStager {
  return {
    sink: () => new CopyTextSink(),
    async write(table: string, columns: readonly BulkColumn[], rows: readonly unknown[][] | RowSink) {
      if (!(rows instanceof CopyTextSink) && !Array.isArray(rows)) {
        throw new TypeError('The COPY stager takes row arrays or a sink of its own (stager.sink()).');
      }
      const text = rows instanceof CopyTextSink ? rows.text : copyText(rows as readonly unknown[][]);
      if (text === '') return;
      const names = columns.map((c) => `"${c.name}"`).join(', ');
      const copy = new CopyIn(
        `begin; set local synchronous_commit = off; copy ${qualified(table)} (${names}) from stdin; commit`,
        Buffer.from(text, 'utf8'),
      );
      const client: PoolClient = await pool.connect();
      let broken = false;
      try {
        client.query(copy as never);
        try {
          await copy.done;
        } catch (error) {
          // The failed statement left the transaction aborted (or never began it).
          await client.query('rollback');
          throw error;
        }
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
