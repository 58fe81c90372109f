import { OutpaceError } from '../../errors.js';

/** One worksheet row: its 1-based row number and its cells as text. */
export interface SheetRow {
  line: number;
  cells: string[];
}

interface ExcelModule {
  stream: {
    xlsx: {
      WorkbookReader: new (
        input: string,
        options: Record<string, string>,
      ) => AsyncIterable<AsyncIterable<{ number: number; values: unknown }>>;
    };
  };
}

/** Loads exceljs, the optional peer used for XLSX; a missing install is a clear error. */
export async function loadExcel(): Promise<ExcelModule> {
  try {
    const mod = (await import('exceljs')) as unknown as { default?: ExcelModule } & ExcelModule;
    return mod.default ?? mod;
  } catch (error) {
    throw new OutpaceError(
      'LIST_DEPENDENCY_MISSING',
      'Reading XLSX workbooks needs the optional package "exceljs"; install it next to @outpace/core with `npm install exceljs`, or export the sheet as CSV.',
      { cause: error, details: { package: 'exceljs' } },
    );
  }
}

/** Text of one cell value as exceljs gives it (numbers, dates, rich text, hyperlinks, formulas). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return v.richText.map((r: { text?: string }) => r.text ?? '').join('');
    if ('result' in v) return cellText(v.result);
    if (typeof v.text === 'string') return v.text;
    if (typeof v.text === 'object') return cellText(v.text);
    if ('error' in v) return '';
  }
  return String(value);
}

/**
 * Streams the first worksheet of a workbook with exceljs' streaming reader
 * (shared strings cached, styles and hyperlinks ignored). Rows come in order
 * with their sheet row numbers; empty rows are skipped by the reader.
 */
export async function* readFirstSheet(path: string): AsyncGenerator<SheetRow> {
  const excel = await loadExcel();
  const reader = new excel.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const values = row.values as unknown[];
      const cells: string[] = [];
      for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
      yield { line: row.number, cells };
    }
    return; // first sheet only
  }
}

/** A row written back as one CSV line (for the rejects artifact). */
export function toCsvLine(cells: readonly string[], delimiter = ','): string {
  return cells
    .map((c) => (/[",\r\n]/.test(c) || c.includes(delimiter) ? `"${c.replace(/"/g, '""')}"` : c))
    .join(delimiter);
}
