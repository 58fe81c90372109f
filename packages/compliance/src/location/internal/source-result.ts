import type { LocationCandidate, LocationNote, LocationSource } from '@outpace/core';

/** What one input (phone, postal code, contact fields, explicit zone) contributed. Frozen and shared. */
export interface SourceResult {
  readonly candidates: readonly LocationCandidate[];
  readonly notes: readonly LocationNote[];
}

export const EMPTY_RESULT: SourceResult = Object.freeze({
  candidates: Object.freeze([]) as readonly LocationCandidate[],
  notes: Object.freeze([]) as readonly LocationNote[],
});

/** One candidate per zone and region (a region-less candidate per zone when `regions` is empty). */
export function candidatesResult(
  country: string,
  regions: readonly string[],
  zones: readonly string[],
  source: LocationSource,
  detail: string,
): SourceResult {
  const candidates: LocationCandidate[] = [];
  for (const timeZone of zones) {
    if (regions.length === 0) candidates.push(Object.freeze({ country, timeZone, source, detail }));
    for (const region of regions) candidates.push(Object.freeze({ country, region, timeZone, source, detail }));
  }
  return Object.freeze({ candidates: Object.freeze(candidates), notes: EMPTY_RESULT.notes });
}

/** A result with no candidate, saying why. */
export function noteResult(source: LocationSource, reason: string, detail: string): SourceResult {
  return Object.freeze({
    candidates: EMPTY_RESULT.candidates,
    notes: Object.freeze([Object.freeze({ source, reason, detail })]),
  });
}

/** Sorted union of string lists, without duplicates. */
export function union(...lists: ReadonlyArray<readonly string[]>): string[] {
  const seen = new Set<string>();
  for (const list of lists) for (const item of list) seen.add(item);
  return [...seen];
}
