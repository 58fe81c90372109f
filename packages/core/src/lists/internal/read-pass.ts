import { setImmediate } from 'node:timers/promises';
import { OutpaceError } from '../../errors.js';
import type { FieldTarget } from '../keywords.js';
import { bindMapping, type LabelMap } from '../mapping.js';
import type { BoundMapping, CompiledMapping } from '../mapping-types.js';
import type { TextEncodingName } from './lines.js';
import { type ImportInput, openInput } from './open-input.js';
import { type InputInfo, openRecords, type RawRecord } from './records.js';

export interface ReadPassOptions {
  input: ImportInput;
  fileName?: string | undefined;
  tempDir?: string | undefined;
  signal?: AbortSignal | undefined;
  mapping: CompiledMapping;
  labels?: LabelMap | undefined;
  format: 'auto' | 'delimited' | 'fixed' | 'xlsx';
  encoding: TextEncodingName | 'auto';
  delimiter?: string | undefined;
  maxRecordLines: number;
  looksLikeDevice?: ((cell: string) => boolean) | undefined;
  valuesTarget?: FieldTarget | undefined;
}

/** Receives the bound mapping, then each data record, and gets control between chunks. */
export interface PassHandler {
  bind(bound: BoundMapping, info: InputInfo): void;
  /**
   * Called for every data record, synchronously. Returns `stop` to stop reading
   * (preview), `flush` to have {@link PassHandler.flush} awaited before the next record.
   */
  row(rec: RawRecord): 'stop' | 'flush' | undefined;
  /** Stages what the handler collected (awaited when `row` asks for it). */
  flush(): Promise<void>;
  /** Called after each input chunk: progress, abort checks. */
  afterChunk(bytesRead: number): Promise<void>;
}

export interface PassResult {
  info: InputInfo;
  bound: BoundMapping;
  bytesRead: number;
}

/**
 * Reads the input once: opens containers, decodes, splits records, skips
 * HeaderCount leading and TrailerCount trailing records, binds the mapping to
 * the header row, and hands every data record to the handler.
 */
export async function readPass(options: ReadPassOptions, handler: PassHandler): Promise<PassResult> {
  const mapping = options.mapping;
  const opened = await openInput(options.input, {
    ...(options.fileName !== undefined ? { fileName: options.fileName } : {}),
    ...(options.tempDir !== undefined ? { tempDir: options.tempDir } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
  try {
    if (options.format === 'xlsx' && opened.kind !== 'xlsx') {
      throw new OutpaceError(
        'LIST_FORMAT_UNSUPPORTED',
        `${options.fileName ? `"${options.fileName}"` : 'The input'} is not an XLSX workbook; import it with format "auto".`,
      );
    }
    const needsFields =
      mapping.source === 'header' ||
      mapping.source === 'values' ||
      mapping.fields.some((f) => f.source.kind === 'columns' || f.source.kind === 'columnNames');
    const recordFormat = mapping.format === 'fixed' || !needsFields ? 'fixed' : 'delimited';
    const delimiter = mapping.delimiter ?? options.delimiter;
    const reader = await openRecords(opened, {
      format: recordFormat,
      encoding: options.encoding,
      maxRecordLines: options.maxRecordLines,
      skipForDetection: mapping.headerCount,
      ...(delimiter !== undefined ? { delimiter } : {}),
      ...(mapping.fixedWidth !== undefined ? { fixedWidth: mapping.fixedWidth } : {}),
    });
    const info = reader.info;
    let bound: BoundMapping | undefined;
    if (!mapping.hasHeader) {
      bound = bindMapping(mapping, undefined, options.labels ? { labels: options.labels } : {});
      handler.bind(bound, info);
    }
    let skip = mapping.headerCount;
    const trailer = mapping.trailerCount;
    const ring: RawRecord[] = [];
    let stopped = false;
    let sawAny = false;
    outer: for await (const batch of reader.batches) {
      for (const rec of batch) {
        sawAny = true;
        if (skip > 0) {
          skip--;
          continue;
        }
        if (!bound) {
          if (rec.problem !== undefined) {
            throw new OutpaceError(
              'LIST_MAPPING_INVALID',
              `Header row (line ${rec.line}) cannot be read: ${rec.problem}.`,
              { details: { line: rec.line, reason: rec.problem } },
            );
          }
          const cells = info.format === 'fixed' ? undefined : (rec.fields ?? [rec.raw]).map((c) => c.trim());
          bound = bindMapping(mapping, cells, {
            headerLine: rec.line,
            ...(options.labels ? { labels: options.labels } : {}),
            ...(options.looksLikeDevice ? { looksLikeDevice: options.looksLikeDevice } : {}),
            ...(options.valuesTarget ? { valuesTarget: options.valuesTarget } : {}),
          });
          reader.setExpectedFields(bound.expectedFieldCount);
          handler.bind(bound, info);
          if (!bound.headerless) continue;
        }
        let current = rec;
        if (trailer > 0) {
          ring.push(rec);
          if (ring.length <= trailer) continue;
          current = ring.shift()!;
        }
        const next = handler.row(current);
        if (next === 'stop') {
          stopped = true;
          break outer;
        }
        if (next === 'flush') await handler.flush();
      }
      await handler.afterChunk(opened.bytesRead());
      // A turn of the event loop. While the input has data buffered, the pass goes from chunk to chunk by
      // promise callbacks alone, and I/O a store started stands still meanwhile: a PostgreSQL COPY batch
      // larger than the socket's send buffer sends the rest only when the loop runs, so the server waited
      // for the parser and then the parser for the server. Importing 1,000,000 contacts into PostgreSQL,
      // the store's write phase took 21.9 to 28.3 s with this turn against 27.2 to 33.6 s without (the
      // session waited on the server 6 to 7 s instead of 17); into SQLite the import took 30.0 to 31.2 s
      // against 32.9 to 34.3 s. A turn per chunk of the file costs microseconds.
      await setImmediate();
    }
    if (!bound) {
      if (!sawAny) {
        throw new OutpaceError('LIST_FILE_EMPTY', 'The file has no lines to import (it is empty or blank).', {
          details: { fileName: options.fileName },
        });
      }
      // Every line was skipped by HeaderCount: nothing to import, but the mapping still binds.
      bound = bindMapping({ ...mapping, hasHeader: false }, undefined);
      handler.bind(bound, info);
    }
    if (!stopped) await handler.afterChunk(opened.bytesRead());
    return { info, bound, bytesRead: opened.bytesRead() };
  } finally {
    await opened.close();
  }
}
