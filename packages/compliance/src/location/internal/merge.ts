import type { LocationCandidate, LocationNote, ResolvedLocation } from '@outpace/core';
import type { SourceResult } from './source-result.js';

/**
 * `resolved`: exactly one zone and one jurisdiction; `ambiguous`: several
 * zones, countries or regions; `unresolved`: no candidate has a zone.
 */
export function statusOf(
  candidates: readonly LocationCandidate[],
  timeZones: readonly string[],
): ResolvedLocation['status'] {
  if (timeZones.length === 0) return 'unresolved';
  if (timeZones.length > 1) return 'ambiguous';
  let country: string | undefined;
  let region: string | undefined;
  for (const c of candidates) {
    if (c.country !== 'ZZ') {
      if (country === undefined) country = c.country;
      else if (country !== c.country) return 'ambiguous';
    }
    if (c.region !== undefined) {
      if (region === undefined) region = c.region;
      else if (region !== c.region) return 'ambiguous';
    }
  }
  return 'resolved';
}

/** Builds a frozen {@link ResolvedLocation} from candidates and notes. */
export function toResolved(
  candidates: readonly LocationCandidate[],
  notes: readonly LocationNote[],
  dataVersions: Readonly<Record<string, string>>,
): ResolvedLocation {
  const timeZones: string[] = [];
  for (const c of candidates)
    if (c.timeZone !== undefined && !timeZones.includes(c.timeZone)) timeZones.push(c.timeZone);
  const resolved: ResolvedLocation = {
    status: statusOf(candidates, timeZones),
    candidates: candidates as LocationCandidate[],
    timeZones: Object.freeze(timeZones) as string[],
    dataVersions,
  };
  if (notes.length > 0) resolved.notes = notes;
  return Object.freeze(resolved);
}

/** Merges the parts that contributed, in source order (explicit, phone, postal, contact fields). */
export function merge(
  parts: ReadonlyArray<SourceResult>,
  dataVersions: Readonly<Record<string, string>>,
): ResolvedLocation {
  const candidates: LocationCandidate[] = [];
  const notes: LocationNote[] = [];
  for (const part of parts) {
    for (const c of part.candidates) candidates.push(c);
    for (const n of part.notes) notes.push(n);
  }
  return toResolved(Object.freeze(candidates), Object.freeze(notes), dataVersions);
}
