import { OutpaceError } from '../errors.js';
import { KEYWORD_HELP, resolveKeyword } from './keywords.js';
import type { CompiledMapping, MappedField } from './mapping-types.js';

/**
 * Parses a specification file (`.spc`) in the product's grammar into a
 * compiled mapping. Every problem is reported before any data is read, as an
 * `OutpaceError` `LIST_SPEC_INVALID` whose details carry `{ line, reason }`.
 *
 * Grammar, one statement per line (see `docs/lists.md`):
 *
 * - blank lines and lines starting with `#` are ignored;
 * - `Option: <Name> <Value>` sets CSVFieldSeparator, HeaderCount, TrailerCount,
 *   ErrorLimit, ErrorLimitPercent, FixedWidth, CallerID, CreditCardCheck or
 *   ClientIDHash;
 * - `<keyword>:s/<CSV>/$n/` takes column n (1-based; `$(10)` and up for
 *   columns ≥ 10) of the record split by the separator; `$1,$2` concatenates
 *   columns with a space;
 * - `<keyword>:s/<regex>/<replacement>/[flags]` matches a JavaScript regular
 *   expression against the whole record; the value is the replacement with
 *   `$1`…`$9`, `$(10)`… and `$&` expanded, or empty when the record does not
 *   match.
 *
 * @example
 * parseSpecFile('Option: CSVFieldSeparator |\n# names\nFirstName:s/<CSV>/$1/\nDevice1:s/^.{20}(.{10})/$1/\n');
 */
export function parseSpecFile(
  text: string,
  options: { labels?: Readonly<Record<string, string>> } = {},
): CompiledMapping {
  const mapping: CompiledMapping = {
    source: 'spec',
    format: 'delimited',
    hasHeader: false,
    headerCount: 0,
    trailerCount: 0,
    creditCardCheck: false,
    clientIdHash: false,
    fields: [],
  };
  const seenOptions = new Map<string, number>();
  const seenTargets = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const rawLine = lines[i]!;
    const lineNo = i + 1;
    const fail = (reason: string): never => {
      throw new OutpaceError('LIST_SPEC_INVALID', `Specification file, line ${lineNo}: ${reason}`, {
        details: { line: lineNo, reason, text: rawLine.slice(0, 200) },
      });
    };
    const line = rawLine.trim();
    if (line.length === 0 || line.startsWith('#')) continue;
    const option = /^option\s*:\s*([A-Za-z]+)(?:\s+(.*))?$/i.exec(line);
    if (option) {
      const name = option[1]!;
      const value = (option[2] ?? '').trim();
      const key = name.toLowerCase();
      const previous = seenOptions.get(key);
      if (previous !== undefined) fail(`option ${name} is already set on line ${previous}; keep one of them.`);
      seenOptions.set(key, lineNo);
      applyOption(mapping, name, key, value, fail);
      continue;
    }
    const field = /^([^:]+?)\s*:\s*s\/(.*)$/.exec(line);
    if (!field) {
      return fail(
        `expected a field line such as "FirstName:s/<CSV>/$1/", an "Option: Name Value" line or a "#" comment, got "${line.slice(0, 60)}".`,
      );
    }
    const keyword = field[1]!.trim();
    const target = resolveKeyword(keyword, options.labels);
    if (!target) fail(`unknown keyword "${keyword}"; use one of ${KEYWORD_HELP}.`);
    const previous = seenTargets.get(target!);
    if (previous !== undefined) fail(`"${keyword}" is already mapped on line ${previous}; map each field once.`);
    seenTargets.set(target!, lineNo);
    const parts = splitSubstitution(field[2]!);
    if (!parts) {
      return fail(
        `the substitution after "${keyword}:" must be s/<pattern>/<replacement>/ with both slashes (escape a slash inside as \\/).`,
      );
    }
    const [pattern, replacement, flags] = parts;
    if (!/^[imsu]*$/.test(flags)) fail(`unsupported regular-expression flags "${flags}"; use i, m, s or u.`);
    const entry: MappedField = {
      target: target!,
      label: keyword,
      line: lineNo,
      source: { kind: 'columns', columns: [], join: ' ' },
    };
    if (pattern.toUpperCase() === '<CSV>') {
      if (!/^\$(\d|\(\d+\))(,\$(\d|\(\d+\)))*$/.test(replacement)) {
        fail(
          `with <CSV> the replacement must list columns such as $1, $(12) or $1,$2 (concatenation), got "${replacement}".`,
        );
      }
      const columns = [...replacement.matchAll(/\$(?:(\d)|\((\d+)\))/g)].map((m) => Number(m[1] ?? m[2]));
      if (columns.some((c) => c < 1)) fail('columns are numbered from 1 ($1 is the first column).');
      entry.source = { kind: 'columns', columns, join: ' ' };
    } else {
      let groups = 0;
      try {
        // An alternative that matches the empty string reveals the group count.
        groups = (new RegExp(`${pattern}|`, flags).exec('')?.length ?? 1) - 1;
      } catch (error) {
        fail(`invalid regular expression /${pattern}/: ${(error as Error).message}.`);
      }
      for (const m of replacement.matchAll(/\$(?:(\d)|\((\d+)\))/g)) {
        const n = Number(m[1] ?? m[2]);
        if (n === 0 || n > groups) {
          fail(`the replacement refers to group $${n} but /${pattern}/ has ${groups} capture group(s).`);
        }
      }
      entry.source = { kind: 'regex', pattern, flags, replacement };
    }
    mapping.fields.push(entry);
  }
  if (mapping.fields.length === 0) {
    throw new OutpaceError(
      'LIST_SPEC_INVALID',
      'Specification file maps no field; add lines such as "FirstName:s/<CSV>/$1/" and "Device1:s/<CSV>/$2/".',
      { details: { line: null, reason: 'no field lines' } },
    );
  }
  return mapping;
}

function applyOption(mapping: CompiledMapping, name: string, key: string, value: string, fail: (r: string) => never) {
  const int = (min: number): number => {
    if (!/^\d+$/.test(value) || Number(value) < min)
      fail(`option ${name} needs a whole number ≥ ${min}, got "${value}".`);
    return Number(value);
  };
  const bool = (): boolean => {
    const v = value.toLowerCase();
    if (v !== 'true' && v !== 'false') fail(`option ${name} needs true or false, got "${value}".`);
    return v === 'true';
  };
  switch (key) {
    case 'csvfieldseparator': {
      const sep = value === '\\t' || value.toLowerCase() === 'tab' ? '\t' : value === '\\\\' ? '\\' : value;
      if (value === '\\n' || value === '\\r') {
        fail('a line break cannot separate fields; records are lines. Use a character such as , | ; or \\t.');
      }
      if ([...sep].length !== 1 || sep === '"' || sep === '\n' || sep === '\r') {
        fail(`option CSVFieldSeparator needs one character (for example , | ; : or \\t), got "${value}".`);
      }
      mapping.delimiter = sep;
      return;
    }
    case 'headercount':
      mapping.headerCount = int(0);
      return;
    case 'trailercount':
      mapping.trailerCount = int(0);
      return;
    case 'errorlimit':
      mapping.errorLimit = int(1);
      return;
    case 'errorlimitpercent': {
      if (!/^\d+(\.\d+)?$/.test(value) || Number(value) > 100) {
        fail(`option ErrorLimitPercent needs a number from 0 to 100, got "${value}".`);
      }
      mapping.errorLimitPercent = Number(value);
      return;
    }
    case 'fixedwidth':
      mapping.fixedWidth = int(1);
      return;
    case 'callerid':
      if (value.length > 32) fail(`option CallerID is at most 32 characters, got ${value.length}.`);
      if (value.length > 0) mapping.callerId = value;
      return;
    case 'creditcardcheck':
      mapping.creditCardCheck = bool();
      return;
    case 'clientidhash':
      mapping.clientIdHash = bool();
      return;
    default:
      fail(
        `unknown option "${name}"; use CSVFieldSeparator, HeaderCount, TrailerCount, ErrorLimit, ErrorLimitPercent, FixedWidth, CallerID, CreditCardCheck or ClientIDHash.`,
      );
  }
}

/** Splits `pattern/replacement/flags` at unescaped slashes. */
function splitSubstitution(rest: string): [string, string, string] | undefined {
  const parts: string[] = [];
  let current = '';
  let inClass = false;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (c === '\\' && i + 1 < rest.length) {
      // Keep escapes in the pattern; in the replacement an escaped slash is a slash.
      current += parts.length === 0 || rest[i + 1] !== '/' ? c + rest[i + 1] : '/';
      i++;
      continue;
    }
    if (parts.length === 0 && c === '[') inClass = true;
    else if (parts.length === 0 && c === ']') inClass = false;
    if (c === '/' && !inClass && parts.length < 2) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  if (parts.length !== 2) return undefined;
  return [parts[0]!, parts[1]!, current.trim()];
}
