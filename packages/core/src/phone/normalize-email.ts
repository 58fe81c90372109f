/** Longest email address stored (the device value limit). */
export const MAX_EMAIL_LENGTH = 128;

// One @, a non-empty local part, and a domain with a dot and no empty labels.
const EMAIL = /^[^\s@"<>(),;:\\[\]]+@(?:[^\s@"<>(),;:\\[\].]+\.)+[^\s@"<>(),;:\\[\].]{2,}$/;

/**
 * Normalises an email address for use as a device: trims it, drops a
 * `mailto:` prefix, lower-cases it and checks its basic shape (one `@`, a
 * dotted domain, no spaces, at most 128 characters). Returns undefined when the
 * value is not a usable address.
 *
 * @example
 * normalizeEmail(' Jane.Doe@Example.COM ') // 'jane.doe@example.com'
 */
export function normalizeEmail(raw: string): string | undefined {
  let value = raw.trim();
  if (value.length > 7 && value.slice(0, 7).toLowerCase() === 'mailto:') value = value.slice(7);
  if (value.length === 0 || value.length > MAX_EMAIL_LENGTH) return undefined;
  value = value.toLowerCase();
  return EMAIL.test(value) ? value : undefined;
}
