import { OutpaceError } from '../../errors.js';
import { decodeLines, type TextEncodingName } from './lines.js';
import type { OpenedInput } from './open-input.js';
import { DelimitedTokenizer, detectDelimiter, parseQuoted } from './tokenizer.js';
import { readFirstSheet, toCsvLine } from './xlsx.js';

/** One record read from the input. */
export interface RawRecord {
  /** The record's text as read (lines joined with `\n`), or the row as CSV for XLSX. */
  raw: string;
  /** First physical line (or sheet row) of the record, 1-based. */
  line: number;
  /** Fields of a delimited record or XLSX row; undefined for fixed-width records. */
  fields: string[] | undefined;
  /** Why the record could not be split (broken quoting). */
  problem: string | undefined;
}

/** What was detected about the input. */
export interface InputInfo {
  container: OpenedInput['container'];
  entryName?: string;
  format: 'delimited' | 'fixed' | 'xlsx';
  encoding?: TextEncodingName;
  bom?: boolean;
  delimiter?: string;
}

export interface RecordReader {
  readonly info: InputInfo;
  /** Records, one array per input chunk (so the caller awaits per chunk, not per record). */
  readonly batches: AsyncIterable<RawRecord[]>;
  /** Tells the tokenizer how many fields a record has (once the header is known). */
  setExpectedFields(count: number | undefined): void;
}

export interface RecordReaderOptions {
  /** `fixed` reads each line (or FixedWidth piece) whole; `delimited` splits fields. */
  format: 'delimited' | 'fixed' | 'auto';
  encoding: TextEncodingName | 'auto';
  /** Separator; detected from the first lines when undefined. */
  delimiter?: string;
  /** Cut each line into records of this many characters (spec option FixedWidth). */
  fixedWidth?: number;
  /** Leading lines ignored when detecting the delimiter. */
  skipForDetection?: number;
  /** Most physical lines a quoted record may span. @default 20 */
  maxRecordLines?: number;
}

/** Turns an opened input into records: decodes text and splits it, or reads the first sheet of a workbook. */
export async function openRecords(opened: OpenedInput, options: RecordReaderOptions): Promise<RecordReader> {
  if (opened.kind === 'xlsx') {
    if (options.format === 'fixed') {
      throw new OutpaceError(
        'LIST_FORMAT_UNSUPPORTED',
        'A fixed-width mapping cannot read an XLSX workbook; map its columns by number or name instead.',
      );
    }
    const path = opened.xlsxPath!;
    const info: InputInfo = { container: opened.container, format: 'xlsx' };
    if (opened.entryName !== undefined) info.entryName = opened.entryName;
    return {
      info,
      setExpectedFields: () => undefined,
      batches: (async function* () {
        let batch: RawRecord[] = [];
        for await (const row of readFirstSheet(path)) {
          if (row.cells.every((c) => c.trim().length === 0)) continue;
          batch.push({ raw: toCsvLine(row.cells), line: row.line, fields: row.cells, problem: undefined });
          if (batch.length >= 1000) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length > 0) yield batch;
      })(),
    };
  }
  const fixedWidth = options.fixedWidth;
  const decoded = await decodeLines(opened.chunks!, {
    encoding: options.encoding,
    ...(fixedWidth !== undefined ? { recordBytes: fixedWidth } : {}),
  });
  const split = options.format !== 'fixed';
  const sample = decoded.sample.slice(options.skipForDetection ?? 0);
  const delimiter = split
    ? (options.delimiter ??
      detectDelimiter(fixedWidth !== undefined ? sample.map((l) => l.slice(0, fixedWidth)) : sample))
    : undefined;
  const info: InputInfo = {
    container: opened.container,
    format: split ? 'delimited' : 'fixed',
    encoding: decoded.encoding,
    bom: decoded.bom,
  };
  if (delimiter !== undefined) info.delimiter = delimiter;
  if (opened.entryName !== undefined) info.entryName = opened.entryName;
  let out: RawRecord[] = [];
  const sink = (raw: string, line: number, fields: string[] | undefined, problem: string | undefined) => {
    out.push({ raw, line, fields, problem });
  };
  const tokenizer =
    split && fixedWidth === undefined
      ? new DelimitedTokenizer({ delimiter: delimiter!, maxRecordLines: options.maxRecordLines ?? 20 }, sink)
      : undefined;
  const piece = (text: string, line: number) => {
    if (text.trim().length === 0) return;
    if (!split) sink(text, line, undefined, undefined);
    else if (text.indexOf('"') < 0) sink(text, line, text.split(delimiter!), undefined);
    else {
      const r = parseQuoted(text, delimiter!);
      if (Array.isArray(r)) sink(text, line, r, undefined);
      else sink(text, line, undefined, 'error' in r ? r.error : 'a quote opened in this record is not closed');
    }
  };
  const batches = (async function* () {
    for await (const batch of decoded.batches) {
      const lines = batch.lines;
      let line = batch.first;
      for (let i = 0; i < lines.length; i++, line++) {
        const text = lines[i]!;
        if (tokenizer) tokenizer.push(text, line);
        else if (fixedWidth !== undefined && !decoded.fixedRecords) {
          for (let p = 0; p < text.length; p += fixedWidth) piece(text.slice(p, p + fixedWidth), line);
        } else piece(text, line);
      }
      if (out.length > 0) {
        const ready = out;
        out = [];
        yield ready;
      }
    }
    tokenizer?.end();
    if (out.length > 0) {
      const ready = out;
      out = [];
      yield ready;
    }
  })();
  return {
    info,
    batches,
    setExpectedFields(count) {
      if (tokenizer) tokenizer.expectedFields = count;
    },
  };
}
