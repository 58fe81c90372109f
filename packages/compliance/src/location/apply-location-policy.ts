import type { LocationCandidate, LocationSource, ResolvedLocation } from '@outpace/core';
import { OutpaceError } from '@outpace/core';
import { toResolved } from './internal/merge.js';
import { type LocationPolicy, LocationPolicySchema } from './schemas.js';

/** Sources that describe the phone number (the device). */
export const PHONE_SOURCES: ReadonlySet<LocationSource> = new Set<LocationSource>([
  'custom-map',
  'override',
  'phone-exchange',
  'phone-area-code',
  'phone-country',
]);

/** Sources that describe the contact's address or declared location. */
export const CONTACT_SOURCES: ReadonlySet<LocationSource> = new Set<LocationSource>([
  'explicit',
  'postal-code',
  'contact-fields',
]);

const cache = new WeakMap<ResolvedLocation, Partial<Record<LocationPolicy, ResolvedLocation>>>();

function located(c: LocationCandidate): boolean {
  return c.timeZone !== undefined;
}

/**
 * Applies a location policy to a resolution:
 *
 * - `strict` (the default): returns `resolved` unchanged; every candidate of
 *   every source counts, so an attempt must pass in all of them.
 * - `postal-first`: when any `explicit`, `postal-code` or `contact-fields`
 *   candidate has a zone, keeps only those candidates; otherwise keeps the
 *   phone's (`custom-map`, `override`, `phone-*`).
 * - `phone-first`: the reverse: the phone's candidates when any has a zone,
 *   otherwise the contact's.
 *
 * Candidates of other sources (`default`, `on-error`) are kept only under
 * `strict`. Notes and data versions are kept. The result is cached per input
 * object, so calling this on the hot path costs a map lookup.
 *
 * @example
 * const where = applyLocationPolicy(resolver.resolve(query), 'postal-first');
 */
export function applyLocationPolicy(resolved: ResolvedLocation, policy: LocationPolicy = 'strict'): ResolvedLocation {
  if (policy === 'strict') return resolved;
  let byPolicy = cache.get(resolved);
  const hit = byPolicy?.[policy];
  if (hit) return hit;
  if (!LocationPolicySchema.safeParse(policy).success) {
    throw new OutpaceError(
      'COMPLIANCE_OPTIONS_INVALID',
      `Unknown location policy "${String(policy)}"; use "strict", "postal-first" or "phone-first".`,
    );
  }
  const [preferred, fallback] =
    policy === 'postal-first' ? [CONTACT_SOURCES, PHONE_SOURCES] : [PHONE_SOURCES, CONTACT_SOURCES];
  const first = resolved.candidates.filter((c) => preferred.has(c.source));
  const chosen = first.some(located) ? first : resolved.candidates.filter((c) => fallback.has(c.source));
  const result =
    chosen.length === resolved.candidates.length
      ? resolved
      : toResolved(Object.freeze(chosen), resolved.notes ?? [], resolved.dataVersions);
  if (!byPolicy) {
    byPolicy = {};
    cache.set(resolved, byPolicy);
  }
  byPolicy[policy] = result;
  return result;
}
