import type { LocationCandidate, LocationNote, LocationSource, ResolvedLocation } from '@outpace/core';

/**
 * What one input (phone, postal code, contact fields, explicit zone)
 * contributed. Shared between queries; its arrays are frozen. `resolved`
 * caches the whole answer when this is the only input of a query.
 */
export interface SourceResult {
  /** Unique per result object; keys the cache of merged answers. */
  readonly id: number;
  readonly candidates: readonly LocationCandidate[];
  readonly notes: readonly LocationNote[];
  resolved: ResolvedLocation | undefined;
}

let nextId = 1;

/** A new result (always built here, so every result has the same shape and a fresh id). */
export function makeResult(candidates: readonly LocationCandidate[], notes: readonly LocationNote[]): SourceResult {
  return { id: nextId++, candidates, notes, resolved: undefined };
}

/** Shared empty arrays. */
export const EMPTY_RESULT: Readonly<SourceResult> = Object.freeze(
  makeResult(Object.freeze([]) as readonly LocationCandidate[], Object.freeze([]) as readonly LocationNote[]),
);

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
  return makeResult(Object.freeze(candidates), EMPTY_RESULT.notes);
}

/** A result with no candidate, saying why. */
export function noteResult(source: LocationSource, reason: string, detail: string): SourceResult {
  return makeResult(EMPTY_RESULT.candidates, Object.freeze([Object.freeze({ source, reason, detail })]));
}

/** Sorted union of string lists, without duplicates. */
export function union(...lists: ReadonlyArray<readonly string[]>): string[] {
  const seen = new Set<string>();
  for (const list of lists) for (const item of list) seen.add(item);
  return [...seen];
}
