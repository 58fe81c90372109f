/**
 * Splits delimited text into records, line by line, recovering from broken
 * quoting: a quoted field may span lines (up to `maxRecordLines`), but when the
 * quote never closes properly, or the multi-line record does not have the
 * expected number of fields, only the first physical line is rejected and the
 * following lines are read again as records of their own. A broken quote thus
 * costs one line, never the rest of the file.
 */

/** Receives each record: its raw text, first physical line, fields, and a quoting problem if any. */
export type RecordSink = (raw: string, line: number, fields: string[] | undefined, problem: string | undefined) => void;

export interface TokenizerOptions {
  delimiter: string;
  /** Most physical lines one quoted record may span. @default 20 */
  maxRecordLines?: number;
  /** Fields a record must have; a multi-line record with another count is treated as a broken quote. */
  expectedFields?: number;
}

type ParseResult = string[] | { open: true } | { error: string };

export class DelimitedTokenizer {
  private pendingLines: string[] = [];
  private pendingNos: number[] = [];
  private readonly maxRecordLines: number;
  expectedFields: number | undefined;

  constructor(
    private readonly options: TokenizerOptions,
    private readonly sink: RecordSink,
  ) {
    this.maxRecordLines = options.maxRecordLines ?? 20;
    this.expectedFields = options.expectedFields;
  }

  /** Feeds one physical line (without its terminator). */
  push(text: string, line: number): void {
    if (this.pendingLines.length > 0) {
      this.pendingLines.push(text);
      this.pendingNos.push(line);
      this.tryPending(false);
      return;
    }
    if (isBlank(text)) return;
    if (text.indexOf('"') < 0) {
      this.sink(text, line, text.split(this.options.delimiter), undefined);
      return;
    }
    const result = parseQuoted(text, this.options.delimiter);
    if (Array.isArray(result)) this.sink(text, line, result, undefined);
    else if ('error' in result) this.sink(text, line, undefined, result.error);
    else {
      this.pendingLines.push(text);
      this.pendingNos.push(line);
    }
  }

  /** Signals the end of the input; flushes an unterminated quoted record. */
  end(): void {
    while (this.pendingLines.length > 0) this.tryPending(true);
  }

  private tryPending(atEnd: boolean): void {
    const raw = this.pendingLines.join('\n');
    const result = parseQuoted(raw, this.options.delimiter);
    if (Array.isArray(result)) {
      if (this.expectedFields === undefined || result.length === this.expectedFields) {
        const line = this.pendingNos[0]!;
        this.pendingLines = [];
        this.pendingNos = [];
        this.sink(raw, line, result, undefined);
        return;
      }
      this.recover('a quoted field spans several lines and the record does not have the expected number of fields');
      return;
    }
    if ('error' in result) {
      this.recover(result.error);
      return;
    }
    if (atEnd || this.pendingLines.length >= this.maxRecordLines) {
      this.recover(
        atEnd
          ? 'a quote opened on this line is never closed before the end of the file'
          : 'a quote opened on this line is not closed',
      );
    }
  }

  /** Rejects the first pending line and reads the others again. */
  private recover(problem: string): void {
    const lines = this.pendingLines;
    const nos = this.pendingNos;
    this.pendingLines = [];
    this.pendingNos = [];
    this.sink(lines[0]!, nos[0]!, undefined, problem);
    for (let i = 1; i < lines.length; i++) this.push(lines[i]!, nos[i]!);
  }
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/**
 * Parses one record with quotes (RFC 4180 plus leniency): `""` inside quotes
 * is a quote; spaces around a quoted field are ignored; a quote inside an
 * unquoted field is kept as text; text after a closing quote is an error.
 */
export function parseQuoted(s: string, delimiter: string): ParseResult {
  const fields: string[] = [];
  const n = s.length;
  const single = delimiter.length === 1;
  const dc = delimiter.charCodeAt(0);
  const tabIsSpace = delimiter !== '\t';
  const isSpace = (c: number) => c === 32 || (c === 9 && tabIsSpace);
  let i = 0;
  for (;;) {
    let j = i;
    while (j < n && isSpace(s.charCodeAt(j))) j++;
    if (s.charCodeAt(j) === 34) {
      let value = '';
      let k = j + 1;
      let segment = k;
      for (;;) {
        const q = s.indexOf('"', k);
        if (q < 0) return { open: true };
        if (s.charCodeAt(q + 1) === 34) {
          value += s.slice(segment, q + 1);
          k = q + 2;
          segment = k;
          continue;
        }
        value = value.length === 0 ? s.slice(segment, q) : value + s.slice(segment, q);
        k = q + 1;
        break;
      }
      while (k < n && isSpace(s.charCodeAt(k))) k++;
      fields.push(value);
      if (k >= n) return fields;
      if (single ? s.charCodeAt(k) === dc : s.startsWith(delimiter, k)) {
        i = k + delimiter.length;
        if (i >= n) {
          fields.push('');
          return fields;
        }
        continue;
      }
      return {
        error: `unexpected ${JSON.stringify(s.slice(k, k + 10))} after the closing quote of field ${fields.length}; double quotes inside a quoted field ("") or remove the stray quote`,
      };
    }
    const d = s.indexOf(delimiter, i);
    if (d < 0) {
      fields.push(s.slice(i));
      return fields;
    }
    fields.push(s.slice(i, d));
    i = d + delimiter.length;
    if (i >= n) {
      fields.push('');
      return fields;
    }
  }
}

const CANDIDATES = [',', '\t', '|', ';', ':'];

/**
 * Guesses the delimiter from the first lines: the candidate that appears the
 * same number of times (at least once) on every sampled line, most often;
 * ties go to `,` `\t` `|` `;` `:` in that order. Falls back to the candidate
 * most frequent on the first line, then to `,` (a one-column file).
 */
export function detectDelimiter(sample: readonly string[]): string {
  const lines = sample.filter((l) => !isBlank(l)).slice(0, 20);
  if (lines.length === 0) return ',';
  const counts = CANDIDATES.map((c) => lines.map((l) => countOutsideQuotes(l, c)));
  let best: string | undefined;
  let bestCount = 0;
  CANDIDATES.forEach((c, i) => {
    const per = counts[i]!;
    const first = per[0]!;
    if (first > 0 && per.every((x) => x === first) && first > bestCount) {
      best = c;
      bestCount = first;
    }
  });
  if (best) return best;
  CANDIDATES.forEach((c, i) => {
    const first = counts[i]![0]!;
    if (first > bestCount) {
      best = c;
      bestCount = first;
    }
  });
  return best ?? ',';
}

function countOutsideQuotes(line: string, c: string): number {
  let count = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === c && !quoted) count++;
  }
  return count;
}
