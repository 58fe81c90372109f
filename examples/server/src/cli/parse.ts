import { InvalidArgumentError } from 'commander';

/** A commander argument parser for a number in [min, max] (`integer`: whole numbers only), with an example in its error. */
export function numberIn(min: number, max: number, example: string, integer = false) {
  return (raw: string): number => {
    const value = Number(raw);
    if (
      raw.trim() === '' ||
      !Number.isFinite(value) ||
      (integer && !Number.isInteger(value)) ||
      value < min ||
      value > max
    ) {
      throw new InvalidArgumentError(
        `Write ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, e.g. ${example}.`,
      );
    }
    return value;
  };
}

/** A commander argument parser for one of `choices` (case-insensitive). */
export function oneOf<T extends string>(choices: readonly T[]) {
  return (raw: string): T => {
    const found = choices.find((c) => c.toLowerCase() === raw.trim().toLowerCase());
    if (found === undefined) throw new InvalidArgumentError(`Use one of ${choices.join(', ')}.`);
    return found;
  };
}

/** An instant: ISO 8601 (`2026-06-10T17:30:00Z`, with a zone or offset), epoch milliseconds, or `now`. */
export function instant(raw: string): string | number {
  const value = raw.trim();
  if (value === 'now') return Date.now();
  if (/^\d{10,}$/.test(value)) return Number(value);
  if (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value) &&
    !Number.isNaN(Date.parse(value))
  ) {
    return value;
  }
  throw new InvalidArgumentError(
    'Write an ISO 8601 instant with its zone (2026-06-10T17:30:00Z or 2026-06-10T13:30-04:00), epoch milliseconds, or now; for a wall-clock time use --local with --zone.',
  );
}

/** A local wall-clock time `YYYY-MM-DDTHH:MM[:SS]`. */
export function localDateTime(raw: string): string {
  const value = raw.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) {
    throw new InvalidArgumentError(
      'Write the local time as YYYY-MM-DDTHH:MM, e.g. --local 2026-06-10T20:30 --zone America/New_York.',
    );
  }
  return value;
}

/** An IANA time zone known to this Node.js. */
export function timeZone(raw: string): string {
  const value = raw.trim();
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    throw new InvalidArgumentError('Write an IANA time zone such as America/New_York or Europe/London.');
  }
  return value;
}

/** The export delimiter by name or character. */
export function delimiter(raw: string): 'comma' | 'semicolon' | 'tab' | 'pipe' {
  const byChar: Record<string, 'comma' | 'semicolon' | 'tab' | 'pipe'> = {
    ',': 'comma',
    ';': 'semicolon',
    '\t': 'tab',
    '\\t': 'tab',
    '|': 'pipe',
  };
  const value = byChar[raw] ?? raw.trim().toLowerCase();
  if (value === 'comma' || value === 'semicolon' || value === 'tab' || value === 'pipe') return value;
  throw new InvalidArgumentError('Use comma, semicolon, tab or pipe (or the character itself, quoted).');
}

/** An inline selection as JSON. */
export function jsonValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new InvalidArgumentError(
      `It is not JSON (${(err as Error).message}); write the selection as in the API, e.g. '{"conditionSets":[{"conditions":[{"field":"lastName","operator":"like","value":"smi%"}]}]}'.`,
    );
  }
}
