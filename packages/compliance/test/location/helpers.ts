import type { LocationQuery, ResolvedLocation } from '@outpace/core';
import { createLocationResolver } from '../../src/index.js';

/** One resolver for the suites (tables load once per process anyway). */
export const resolver = createLocationResolver();

/** Resolves a phone number given in E.164. */
export function phone(e164: string, extra: Omit<LocationQuery, 'phone'> = {}): ResolvedLocation {
  const cc = e164.startsWith('+1') ? '1' : /^\+(44|49|61|7|33|52|55)/.exec(e164)?.[1];
  if (!cc) throw new Error(`test helper: add the calling code of ${e164}`);
  return resolver.resolve({ ...extra, phone: { e164, countryCallingCode: cc } });
}

/** `country/region/zone/source` of each candidate, for compact assertions. */
export function summary(resolved: ResolvedLocation): string[] {
  return resolved.candidates.map((c) => `${c.country}/${c.region ?? '-'}/${c.timeZone ?? '-'}/${c.source}`);
}
