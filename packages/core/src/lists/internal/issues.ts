import type { ImportIssue, ImportIssueCode } from '../../schemas/import-job.js';

/** Shortens a value for a message: at most 60 characters, quoted. */
export function show(value: string): string {
  const v = value.length > 60 ? `${value.slice(0, 57)}…` : value;
  return JSON.stringify(v);
}

/** Builds an issue; `value` is kept up to 256 characters. */
export function issue(
  line: number,
  field: string | null,
  code: ImportIssueCode,
  severity: 'error' | 'warning',
  message: string,
  value?: string,
): ImportIssue {
  const out: ImportIssue = { line, field, code, severity, message };
  if (value !== undefined) out.value = value.length > 256 ? value.slice(0, 256) : value;
  return out;
}

const REASONS: Readonly<Record<string, string>> = Object.freeze({
  EMPTY: 'it is empty',
  NOT_A_NUMBER: 'it holds no phone number',
  TOO_SHORT: 'it has too few digits',
  TOO_LONG: 'it has too many digits',
  INVALID_LENGTH: 'its number of digits does not fit the numbering plan',
  INVALID_COUNTRY: 'its country cannot be determined',
  INVALID: 'no numbering plan has such a number (for example an area code or prefix that does not exist)',
});

/** Why a phone number is invalid, in words. */
export function phoneReason(reason: string): string {
  return REASONS[reason] ?? 'it is not a valid phone number';
}
