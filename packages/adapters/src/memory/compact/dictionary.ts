/**
 * Dictionaries of values that repeat across contacts (state codes, time
 * zones, area codes, raw-number layouts, a device's derived attributes), so
 * each record stores a small integer instead of the value. One set per tenant,
 * so tenants share nothing. Each dictionary is capped: a value that no longer
 * fits is stored inline in the record instead.
 */

/** Strings by value. */
export class TextDictionary {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [];

  constructor(private readonly limit: number) {}

  /** The id of `value`, adding it if there is room; undefined when full. */
  idOf(value: string): number | undefined {
    const id = this.ids.get(value);
    if (id !== undefined || this.values.length >= this.limit) return id;
    this.ids.set(value, this.values.length);
    this.values.push(value);
    return this.values.length - 1;
  }

  get(id: number): string {
    return this.values[id] as string;
  }
}

/**
 * Values found by a 32-bit hash the caller computes without allocating, and
 * confirmed by the caller against the candidates (so a hash collision can
 * never return the wrong value).
 */
export class HashedDictionary<T> {
  private readonly buckets = new Map<number, number[]>();
  private readonly values: T[] = [];

  constructor(private readonly limit: number) {}

  /** Ids of the values with this hash. */
  candidates(hash: number): readonly number[] | undefined {
    return this.buckets.get(hash);
  }

  /** Adds a value; undefined when the dictionary is full. */
  add(hash: number, value: T): number | undefined {
    if (this.values.length >= this.limit) return undefined;
    const id = this.values.length;
    this.values.push(value);
    const bucket = this.buckets.get(hash);
    if (bucket === undefined) this.buckets.set(hash, [id]);
    else bucket.push(id);
    return id;
  }

  get(id: number): T {
    return this.values[id] as T;
  }
}

import type { RawLayout } from './shared-values.js';

/** A few optional strings or booleans stored together. */
export type TupleValue = string | boolean | undefined;

/** The dictionaries of one tenant's contact encoding. */
export interface ContactDictionary {
  /** Short repeated strings: state, country, time zone, area code, exchange. */
  text: TextDictionary;
  /** Contact locations: `[country, region, timeZone, source]`. */
  location: HashedDictionary<readonly TupleValue[]>;
  /** A device's derived attributes: `[callingCode, iso, region, timeZone, timeZoneSource, international]`. */
  deviceAttributes: HashedDictionary<readonly TupleValue[]>;
  /** Layouts of raw numbers (`(ddd) ddd-dddd`). */
  rawLayout: HashedDictionary<RawLayout>;
}

export function createContactDictionary(): ContactDictionary {
  return {
    text: new TextDictionary(1 << 16),
    location: new HashedDictionary(1 << 16),
    deviceAttributes: new HashedDictionary(1 << 16),
    // Layouts come straight from user input, so they get a small cap.
    rawLayout: new HashedDictionary(4096),
  };
}
