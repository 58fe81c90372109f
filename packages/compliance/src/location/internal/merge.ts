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
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
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

/** Builds a frozen {@link ResolvedLocation} from candidates and notes (one object shape for all). */
export function toResolved(
  candidates: readonly LocationCandidate[],
  notes: readonly LocationNote[],
  dataVersions: Readonly<Record<string, string>>,
): ResolvedLocation {
  const timeZones: string[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const zone = candidates[i]!.timeZone;
    if (zone !== undefined && !timeZones.includes(zone)) timeZones.push(zone);
  }
  return Object.freeze({
    status: statusOf(candidates, timeZones),
    candidates: candidates as LocationCandidate[],
    timeZones: Object.freeze(timeZones) as string[],
    dataVersions,
    notes: notes.length > 0 ? notes : undefined,
  });
}

/** Merges the parts that contributed, in source order (explicit, phone, postal, contact fields). */
export function merge(
  parts: ReadonlyArray<SourceResult>,
  dataVersions: Readonly<Record<string, string>>,
): ResolvedLocation {
  let candidates = parts[0]!.candidates;
  let notes = parts[0]!.notes;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.candidates.length > 0) candidates = candidates.concat(part.candidates);
    if (part.notes.length > 0) notes = notes.concat(part.notes);
  }
  return toResolved(Object.freeze(candidates), Object.freeze(notes), dataVersions);
}
